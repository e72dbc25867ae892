"""Taking a complaint in: ``complaint_file``, the one door of every channel.

The counter/phone form, the public web form, the SMS webhook, Open311 and the API all call
it. In one transaction it checks the input, routes the complaint to a unit, opens a case of
the category's SOP there (its first step — the Pelapor's report — done with the channel, the
description and the place), keeps the photos on the case, gives the complaint its tracking
number and writes the receipt to the reporter into the outbox. Public channels are rate
limited per client (:func:`rate_limit_take`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit, Person
from trantib.accounts.selectors import positions_held
from trantib.cases import services as case_services
from trantib.cases.services import person_holds_any
from trantib.core import ratelimit
from trantib.core.errors import Invalid, NotAllowed
from trantib.core.phones import phone_normalise
from trantib.core.rows import joined_instances, select_list
from trantib.core.text import has_control_characters
from trantib.engine.bindings import ContractName, IntakeChannel
from trantib.sops.selectors import role_codes_by_unit

from ..clock import complaint_clock_stamp
from ..models import Category, Channel, Complaint, RoutingRule
from ..public import public_by_default
from .messages import receipt_send, receipt_send_to
from .tracking import tracking_new

# The roles of the complaint SOP (PGD's Staf, Kasi Trantib and Camat columns) that take
# complaints in, mark duplicates, close one as not the unit's, decide what is public and see a
# confidential reporter. Roles, not positions: in a unit they are the positions its adoption of
# PGD maps them to, a role it does not map the position coded as the role's id (decision 0015;
# :func:`intake_units_of`).
INTAKE_SOP = "PGD"
INTAKE_ROLES = ("staf", "kasi_trantib", "camat")
# Officers who hear complaints in the field and enter them in person (a Bhabinkamtibmas at a
# Polmas activity, SOP POLMAS's Banit, mapped as the unit adopted POLMAS): they may file on the
# counter channel, recorded as the complaint's taker; they do not see confidential reporters as
# the intake roles do.
FIELD_INTAKE_SOP = "POLMAS"
FIELD_INTAKE_ROLES = ("banit",)


def intake_units_of(held: Iterable[tuple[int, str]], *, field: bool = False) -> frozenset[int]:
    """The units where one of the ``held`` positions (``(unit id, position code)``, as
    :func:`~trantib.accounts.selectors.positions_held`) fills an intake role of the complaint
    SOP there; with ``field``, a field intake role too. No query for units that adopted
    neither SOP (remembered per process, :mod:`trantib.sops.selectors`)."""
    held = frozenset(held)
    units = {unit_id for unit_id, _code in held}
    if not units:
        return frozenset()
    codes = role_codes_by_unit(INTAKE_SOP, INTAKE_ROLES, units)
    if field:
        more = role_codes_by_unit(FIELD_INTAKE_SOP, FIELD_INTAKE_ROLES, units)
        codes = {unit_id: codes[unit_id] | more[unit_id] for unit_id in units}
    return frozenset(unit_id for unit_id, code in held if code in codes[unit_id])


def intake_positions(unit: OrgUnit) -> frozenset[str]:
    """The position codes of ``unit`` that fill the complaint SOP's intake roles."""
    return role_codes_by_unit(INTAKE_SOP, INTAKE_ROLES, [unit.pk])[unit.pk]


def holds_intake_role(person: Person | None, unit: OrgUnit) -> bool:
    """Whether ``person`` holds today a position of ``unit`` that fills an intake role of the
    complaint SOP there: one query."""
    return person is not None and person_holds_any(person, unit, intake_positions(unit))


DESCRIPTION_MAX = 4000


def _text(value: Any, *, field: str, label: str, limit: int, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise Invalid(_("%(label)s wajib diisi.") % {"label": label}, field=field)
    if len(text) > limit:
        raise Invalid(
            _("%(label)s paling panjang %(n)s karakter.") % {"label": label, "n": limit},
            field=field,
        )
    if has_control_characters(text):
        raise Invalid(
            _("%(label)s berisi karakter kendali yang tidak dapat disimpan.") % {"label": label},
            field=field,
        )
    return text


def _coordinate(value: Any, *, field: str, bound: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or not (-bound <= number <= bound):
        label = _("Lintang") if field == "latitude" else _("Bujur")
        raise Invalid(
            _("%(label)s harus angka antara -%(b)s dan %(b)s.") % {"label": label, "b": bound},
            field=field,
        )
    return number.quantize(Decimal("0.000001"))


def complaint_route(
    *,
    category: Category,
    kelurahan: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    rules: Sequence[RoutingRule] | None = None,
) -> OrgUnit:
    """The unit that handles a complaint: the first routing rule that fits, else the unit that
    manages the category. ``rules``: :func:`routing_rules` when the caller read them already
    (the SMS door looks for a desa name among them first)."""
    wanted = kelurahan.strip().casefold()
    for rule in routing_rules() if rules is None else rules:
        if rule.category_id is not None and rule.category_id != category.pk:
            continue
        if rule.kelurahan and rule.kelurahan.strip().casefold() != wanted:
            continue
        if rule.min_lat is not None and not _inside(latitude, rule.min_lat, rule.max_lat):
            continue
        if rule.min_lon is not None and not _inside(longitude, rule.min_lon, rule.max_lon):
            continue
        return rule.unit
    return category.unit


def routing_rules() -> list[RoutingRule]:
    """Every routing rule with its unit, in the order :func:`complaint_route` tries them."""
    if connection.vendor == "postgresql":
        return routing_rules_sql()
    return routing_rules_orm()


def routing_rules_orm() -> list[RoutingRule]:
    return list(RoutingRule.objects.select_related("unit").order_by("priority", "pk"))


def routing_rules_sql() -> list[RoutingRule]:
    """:func:`routing_rules_orm` written out (PostgreSQL): every complaint reads the rules,
    and compiling the query cost more than running it. ``test_routing`` compares the two."""
    with connection.cursor() as cursor:
        cursor.execute(_routing_sql())
        rows = cursor.fetchall()
    rules = []
    for row in rows:
        rule, unit = joined_instances([RoutingRule, OrgUnit], row)
        rule.unit = unit
        rules.append(rule)
    return rules


@functools.cache
def _routing_sql() -> str:
    q = connection.ops.quote_name
    r, u = q(RoutingRule._meta.db_table), q(OrgUnit._meta.db_table)
    return (
        f"SELECT {select_list(RoutingRule, 'r')}, {select_list(OrgUnit, 'u')}"  # noqa: S608 — quoted names
        f" FROM {r} r JOIN {u} u ON u.{q('id')} = r.{q('unit_id')}"
        f" ORDER BY r.{q('priority')}, r.{q('id')}"
    )


def _inside(value: Decimal | None, low: Decimal | None, high: Decimal | None) -> bool:
    return value is not None and low is not None and high is not None and low <= value <= high


def rate_limit_take(
    *,
    client: str,
    limit: int | None = None,
    window: int | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Count one complaint of ``client`` (an IP address, ``sms|+62…``, ``open311|app``) in the
    current window, or raise ``TooMany`` when it already sent ``limit`` (default
    ``TRANTIB_PUBLIC_RATE_LIMIT`` per ``TRANTIB_PUBLIC_RATE_WINDOW`` seconds); see
    :mod:`trantib.core.ratelimit`."""
    limit = settings.TRANTIB_PUBLIC_RATE_LIMIT if limit is None else limit
    window = settings.TRANTIB_PUBLIC_RATE_WINDOW if window is None else window
    ratelimit.rate_limit_take(
        scope="complaint-client",
        client=client,
        limit=limit,
        window=window,
        now=now,
        message=_(
            "Terlalu banyak pengaduan dari perangkat ini dalam %(minutes)s menit terakhir. "
            "Coba lagi nanti, atau hubungi kantor kecamatan."
        )
        % {"minutes": max(1, window // 60)},
    )


def _subject(category: Category, description: str, kelurahan: str) -> str:
    place = f" ({kelurahan})" if kelurahan else ""
    head = f"{category.name}{place}: "
    # A title, not the whole report: lists and the case page show it in one or two lines.
    room = min(100, 300 - len(head))
    text = " ".join(description.split())
    if len(text) > room:
        text = text[: room - 1].rstrip() + "…"
    return head + text


Photos = Sequence[tuple[str, IO[bytes]]]


@transaction.atomic
@case_services.files_kept_on_success()
def complaint_file(
    *,
    channel: str,
    category: Category,
    description: str,
    latitude: Any = None,
    longitude: Any = None,
    address: str = "",
    kelurahan: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    anonymous: bool = False,
    confidential: bool = False,
    photos: Photos = (),
    actor: Person | None = None,
    client: str = "",
    source_ref: str = "",
    reply_to: str = "",
    routing: Sequence[RoutingRule] | None = None,
    now: dt.datetime | None = None,
) -> Complaint:
    """Take a complaint in and open its case; returns the complaint (tracking number set,
    and ``receipt_text``: the receipt queued for the reporter, "" when none could be).

    ``actor``: the officer at the counter or on the phone (required for those channels; must
    hold an intake role somewhere). ``client``: the public form's client address, for the rate
    limit. ``anonymous``: no name and no contact is kept — whatever was given is dropped;
    ``confidential``: the identity is kept for the intake roles only, and the complaint never
    appears in the public feed. A complaint from a public channel (web, SMS, Open311) that is
    not confidential is public at once; one taken at the counter or on the phone is not until
    an intake role marks it public (:func:`.public.complaint_public_set`).
    ``reply_to``: a number the receipt may still go to once (an anonymous SMS), blanked in the
    outbox after sending. ``photos``: ``[(name, file), …]``, kept as evidence of the report.
    ``routing``: the routing rules (:func:`routing_rules`) when the caller read them already.
    """
    now = now or timezone.now()
    # What the officer holds, read once: the intake check and the start role ask it both.
    held: frozenset[tuple[int, str]] = positions_held(actor) if actor is not None else frozenset()
    if channel not in Channel.values:
        raise Invalid(
            _("Saluran “%(channel)s” tidak dikenal.") % {"channel": channel}, field="channel"
        )
    if channel in (Channel.COUNTER, Channel.PHONE) and (
        actor is None or not _holds_intake_role_anywhere(held)
    ):
        raise NotAllowed(
            _(
                "Pengaduan di loket atau telepon dicatat oleh Staf, Kasi Trantib atau Camat "
                "(atau Bhabinkamtibmas yang menerimanya langsung dari warga)."
            ),
            field="channel",
        )
    if not category.active:
        raise Invalid(_("Kategori itu tidak menerima pengaduan lagi."), field="category")
    description = _text(
        description,
        field="description",
        label=_("Uraian pengaduan"),
        limit=DESCRIPTION_MAX,
        required=True,
    )
    if len(description) < 10:
        raise Invalid(
            _("Uraian pengaduan terlalu pendek: tuliskan apa yang terjadi dan di mana."),
            field="description",
        )
    lat = _coordinate(latitude, field="latitude", bound=90)
    lon = _coordinate(longitude, field="longitude", bound=180)
    if (lat is None) != (lon is None):
        raise Invalid(
            _("Lintang dan bujur diisi berdua, atau tidak sama sekali."),
            field="longitude" if lon is None else "latitude",
        )
    address = _text(address, field="address", label=_("Alamat"), limit=300)
    kelurahan = _text(kelurahan, field="kelurahan", label=_("Kelurahan/desa"), limit=100)
    if anonymous:
        reporter_name = reporter_phone = reporter_email = ""
        confidential = False  # nothing to hide
    name = _text(reporter_name, field="reporter_name", label=_("Nama pelapor"), limit=120)
    phone = ""
    if str(reporter_phone or "").strip():
        try:
            phone = phone_normalise(str(reporter_phone))
        except ValueError:
            raise Invalid(
                _("Nomor telepon “%(phone)s” tidak dapat dipakai; tulis seperti 0812 3456 7890.")
                % {"phone": str(reporter_phone)[:30]},
                field="reporter_phone",
            ) from None
    email = str(reporter_email or "").strip()
    if email:
        try:
            if len(email) > 254:  # the column (and RFC 5321's path limit)
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            raise Invalid(
                _("Alamat e-mail “%(email)s” tidak sah.") % {"email": email[:60]},
                field="reporter_email",
            ) from None
    if client:
        rate_limit_take(client=client, now=now)
    unit = complaint_route(
        category=category, kelurahan=kelurahan, latitude=lat, longitude=lon, rules=routing
    )
    location: dict[str, Any] = {}
    if address or kelurahan:
        location["address"] = ", ".join(p for p in (address, kelurahan) if p)
    if lat is not None and lon is not None:
        location.update(lat=float(lat), lon=float(lon))
    data = _intake_data(category, Channel(channel), description, location)
    subject = _subject(category, description, kelurahan)
    uploads = {"": list(photos)} if photos else None
    # An officer of the handling unit did the report step; a public channel, or an officer of
    # another unit passing a complaint on: nobody in the handling unit did.
    performer = actor if actor is not None and _holds_start_role(held, unit, category) else None
    case = case_services.case_start_for_intake(
        sop_code=category.sop_code,
        unit=unit,
        actor=performer,
        subject=subject,
        data=data,
        uploads=uploads,
        now=now,
    )
    complaint = Complaint(
        unit=unit,
        case=case,
        tracking=tracking_new(),
        channel=channel,
        received_at=now,
        category=category,
        description=description,
        latitude=lat,
        longitude=lon,
        address=address,
        kelurahan=kelurahan,
        anonymous=anonymous,
        confidential=confidential,
        public=public_by_default(channel, confidential),
        reporter_name=name,
        reporter_phone=phone,
        reporter_email=email,
        taken_by=actor,
        source_ref=source_ref[:100],
    )
    complaint_clock_stamp(complaint)
    complaint.save(force_insert=True)
    if reply_to and not phone:
        complaint.receipt_text = receipt_send_to(complaint, reply_to, now)
    else:
        complaint.receipt_text = receipt_send(complaint, now)
    return complaint


def _holds_intake_role_anywhere(held: frozenset[tuple[int, str]]) -> bool:
    return bool(intake_units_of(held, field=True))


def _intake_data(
    category: Category, channel: Channel, description: str, location: dict[str, Any]
) -> dict[str, Any]:
    """The first step's data, in the fields the SOP's ``complaint_intake`` binding names."""
    spec = case_services.spec_in_force(category.sop_code)
    found = spec.binding(ContractName.COMPLAINT_INTAKE)
    if found is None:
        raise Invalid(
            _("SOP %(code)s tidak mengikat penerimaan pengaduan (complaint_intake).")
            % {"code": spec.code},
            field="category",
        )
    _step, intake = found
    fields = {role: intake.field(role) for role in ("channel", "description", "place")}
    data: dict[str, Any] = {
        str(fields["channel"]): intake.choice("channel", IntakeChannel(channel.value)),
        str(fields["description"]): description,
    }
    if location:
        data[str(fields["place"])] = location
    return data


def _holds_start_role(held: frozenset[tuple[int, str]], unit: OrgUnit, category: Category) -> bool:
    """Whether ``held`` has the position of ``unit`` that performs the complaint SOP's start
    step (through the unit's mapping, as the case start offers it)."""
    spec = case_services.spec_in_force(category.sop_code)
    role = case_services.acting_role(spec, spec.start)
    return (unit.pk, case_services.role_position(spec, unit, role)) in held


def may_see_identity(person: Person | None, complaint: Complaint) -> bool:
    """Who sees a reporter's name and contact: for a confidential complaint only the intake
    roles of the handling unit; otherwise anyone who may see the case."""
    if complaint.anonymous:
        return False
    if not complaint.confidential:
        return True
    return holds_intake_role(person, complaint.unit)
