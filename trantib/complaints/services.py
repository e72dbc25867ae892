"""Taking complaints in from every channel, and telling the reporter the outcome.

``complaint_file`` is the one door: the counter/phone form, the public web form, the SMS
webhook, Open311 and the API all call it. In one transaction it checks the input, routes the
complaint to a unit, opens a case of the category's SOP there (its first step — the Pelapor's
report — done with the channel, the description and the place), keeps the photos on the case,
gives the complaint its tracking number and writes the receipt to the reporter into the outbox.

The SOP's last step is the answer to the reporter. :class:`ReporterAnswerHook` (registered in
``apps.py``) makes it a closing condition: it refuses a channel the reporter cannot be reached
on, fills the time of an answer the outbox sends, writes that message, and passes the outcome
on to the reporters of linked duplicates.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import secrets
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit, Person
from trantib.accounts.selectors import person_holds_role
from trantib.cases import services as case_services
from trantib.cases.models import Case, CaseStatus, EventType, Task
from trantib.core import ratelimit
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.core.phones import mobile_number, phone_normalise
from trantib.core.text import has_control_characters
from trantib.engine.spec import SOPSpec, Step, StepKind
from trantib.outbox.services import outbox_enqueue

from .models import CHANNEL_SOP_VALUE, Category, Channel, Complaint, RoutingRule

# The roles that take complaints in and may see a confidential reporter (seed 002's intake).
INTAKE_ROLES = ("staf", "kasi_trantib", "camat")

# Tracking numbers: 8 characters in two groups (K7QM-4RTZ), 40 bits of chance. No 0/O, 1/I/L
# or U: nothing to mishear on the phone or misread on a receipt.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_TRACKING_RE = re.compile(rf"^[{TRACKING_ALPHABET}]{{8}}$")

DESCRIPTION_MAX = 4000
NO_CONTACT = "Tidak dapat dihubungi"
_OUTBOX_CHANNEL = {"SMS": "sms", "E-mail": "email"}


def tracking_new() -> str:
    while True:
        raw = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))
        number = f"{raw[:4]}-{raw[4:]}"
        if not Complaint.objects.filter(tracking=number).exists():
            return number


def tracking_normalise(text: str) -> str | None:
    """``k7qm 4rtz``, ``K7QM4RTZ`` → ``K7QM-4RTZ``; None when it cannot be a tracking number."""
    raw = re.sub(r"[\s\-.]", "", (text or "").upper())
    if not _TRACKING_RE.match(raw):
        return None
    return f"{raw[:4]}-{raw[4:]}"


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
) -> OrgUnit:
    """The unit that handles a complaint: the first routing rule that fits, else the unit that
    manages the category."""
    wanted = kelurahan.strip().casefold()
    for rule in RoutingRule.objects.select_related("unit").order_by("priority", "pk"):
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


def status_url(tracking: str) -> str:
    base = str(getattr(settings, "TRANTIB_PUBLIC_URL", "")).rstrip("/")
    return f"{base}/lacak/{tracking}/" if base else f"/lacak/{tracking}/"


def _receipt(complaint: Complaint, now: dt.datetime) -> None:
    """Tell a reporter who left a contact that the complaint arrived, with its number."""
    body = _(
        "Pengaduan Anda diterima %(unit)s dengan nomor %(tracking)s. "
        "Ikuti perkembangannya di %(url)s atau SMS: CEK %(tracking)s"
    ) % {
        "unit": complaint.unit.name,
        "tracking": complaint.tracking,
        "url": status_url(complaint.tracking),
    }
    _send(complaint, body=body, kind="complaint_received", now=now)


def _send(
    complaint: Complaint,
    *,
    body: str,
    kind: str,
    now: dt.datetime,
    channel: str = "",
    phone: str = "",
    redact: bool = False,
) -> int | None:
    """Write a message to the reporter into the outbox (same transaction); its id, or None
    when the reporter left no contact for that channel."""
    phone = phone or complaint.reporter_phone
    if channel in ("", "sms") and phone and mobile_number(phone):
        to, via = phone, "sms"
    elif channel in ("", "email") and complaint.reporter_email:
        to, via = complaint.reporter_email, "email"
    else:
        return None
    message = outbox_enqueue(
        unit=complaint.unit,
        channel=via,
        recipient=to,
        subject=_("Pengaduan %(tracking)s") % {"tracking": complaint.tracking},
        body=body,
        kind=kind,
        case=complaint.case,
        ref=f"complaint:{complaint.pk}",
        redact_after_send=redact or complaint.anonymous,
        now=now,
    )
    return message.pk


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
    now: dt.datetime | None = None,
) -> Complaint:
    """Take a complaint in and open its case; returns the complaint (tracking number set).

    ``actor``: the officer at the counter or on the phone (required for those channels; must
    hold an intake role somewhere). ``client``: the public form's client address, for the rate
    limit. ``anonymous``: no name and no contact is kept — whatever was given is dropped;
    ``reply_to``: a number the receipt may still go to once (an anonymous SMS), blanked in the
    outbox after sending. ``photos``: ``[(name, file), …]``, kept as evidence of the report.
    """
    now = now or timezone.now()
    if channel not in Channel.values:
        raise Invalid(
            _("Saluran “%(channel)s” tidak dikenal.") % {"channel": channel}, field="channel"
        )
    if channel in (Channel.COUNTER, Channel.PHONE) and (
        actor is None or not _holds_intake_role_anywhere(actor)
    ):
        raise NotAllowed(
            _("Pengaduan di loket atau telepon dicatat oleh Staf, Kasi Trantib atau Camat."),
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
    unit = complaint_route(category=category, kelurahan=kelurahan, latitude=lat, longitude=lon)
    location: dict[str, Any] = {}
    if address or kelurahan:
        location["address"] = ", ".join(p for p in (address, kelurahan) if p)
    if lat is not None and lon is not None:
        location.update(lat=float(lat), lon=float(lon))
    data: dict[str, Any] = {"saluran": CHANNEL_SOP_VALUE[Channel(channel)], "uraian": description}
    if location:
        data["lokasi"] = location
    subject = _subject(category, description, kelurahan)
    uploads = {"": list(photos)} if photos else None
    # An officer of the handling unit did the report step; a public channel, or an officer of
    # another unit passing a complaint on: nobody in the handling unit did.
    performer = actor if actor is not None and _holds_start_role(actor, unit, category) else None
    case = case_services.case_start_for_intake(
        sop_code=category.sop_code,
        unit=unit,
        actor=performer,
        subject=subject,
        data=data,
        uploads=uploads,
        now=now,
    )
    complaint = Complaint.objects.create(
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
        reporter_name=name,
        reporter_phone=phone,
        reporter_email=email,
        taken_by=actor,
        source_ref=source_ref[:100],
    )
    if reply_to and not phone:
        _receipt_to(complaint, reply_to, now)
    else:
        _receipt(complaint, now)
    return complaint


def _receipt_to(complaint: Complaint, number: str, now: dt.datetime) -> None:
    body = _(
        "Pengaduan Anda diterima %(unit)s dengan nomor %(tracking)s. Nomor Anda tidak disimpan; "
        "ikuti perkembangannya di %(url)s atau SMS: CEK %(tracking)s"
    ) % {
        "unit": complaint.unit.name,
        "tracking": complaint.tracking,
        "url": status_url(complaint.tracking),
    }
    _send(complaint, body=body, kind="complaint_received", now=now, phone=number, redact=True)


def _holds_intake_role_anywhere(person: Person) -> bool:
    from trantib.accounts.selectors import assignments_active

    return assignments_active(person).filter(position__code__in=INTAKE_ROLES).exists()


def _holds_start_role(person: Person, unit: OrgUnit, category: Category) -> bool:
    spec = case_services.spec_in_force(category.sop_code)
    role = case_services.acting_role(spec, spec.start)
    return person_holds_role(person, unit, role)


def may_see_identity(person: Person | None, complaint: Complaint) -> bool:
    """Who sees a reporter's name and contact: for a confidential complaint only the intake
    roles of the handling unit; otherwise anyone who may see the case."""
    if complaint.anonymous:
        return False
    if not complaint.confidential:
        return True
    if person is None:
        return False
    return any(person_holds_role(person, complaint.unit, role) for role in INTAKE_ROLES)


# -- duplicates ---------------------------------------------------------------------------------


def distance_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


@transaction.atomic
def complaint_mark_duplicate(
    *, complaint: Complaint, original: Complaint, actor: Person, now: dt.datetime | None = None
) -> Complaint:
    """Link ``complaint`` to ``original`` as the same problem: its case stops (cancelled, the
    reason recorded) and its reporter is told the original's outcome — now, if the original
    was already answered, or when it is."""
    now = now or timezone.now()
    # Both cases locked, in a fixed order: the original's last step cannot be completing
    # meanwhile (its reporter answered, this reporter forgotten), and two opposite links
    # cannot deadlock.
    for case_id in sorted({complaint.case_id, original.case_id}):
        case_services.case_lock(case_id)
    complaint = Complaint.objects.select_related("case", "unit").get(pk=complaint.pk)
    original = Complaint.objects.select_related("case").get(pk=original.pk)
    if not any(person_holds_role(actor, complaint.unit, r) for r in INTAKE_ROLES):
        raise NotAllowed(
            _("Hanya Staf, Kasi Trantib atau Camat unit ini yang dapat menandai duplikat."),
            field="complaint",
        )
    if original.pk == complaint.pk:
        raise Invalid(_("Pengaduan tidak dapat menjadi duplikat dirinya."), field="original")
    if original.duplicate_of_id is not None:
        raise Invalid(
            _("%(tracking)s sendiri duplikat; tautkan ke pengaduan aslinya.")
            % {"tracking": original.tracking},
            field="original",
        )
    if original.category_id != complaint.category_id or original.unit_id != complaint.unit_id:
        raise Invalid(
            _("Duplikat harus berkategori sama dan ditangani unit yang sama."), field="original"
        )
    if original.case.status == CaseStatus.CANCELLED:
        raise Invalid(_("Pengaduan asli itu dibatalkan."), field="original")
    if complaint.duplicate_of_id is not None:
        raise Conflict(_("Pengaduan ini sudah ditandai duplikat."), field="complaint")
    if complaint.case.status != CaseStatus.OPEN:
        raise Conflict(_("Kasus pengaduan ini sudah tidak berjalan."), field="complaint")
    if complaint.duplicates.exists():
        raise Invalid(_("Pengaduan ini sudah menjadi asli bagi pengaduan lain."), field="complaint")
    case_services.case_cancel(
        case=complaint.case,
        actor=actor,
        reason=_("Duplikat dari pengaduan %(tracking)s (%(number)s)")
        % {"tracking": original.tracking, "number": original.case.number},
        now=now,
    )
    complaint.duplicate_of = original
    complaint.save(update_fields=["duplicate_of"])
    if original.answered_at is not None:
        _answer_duplicate(complaint, original, now)
    return complaint


_TRACKING_IN_TEXT = re.compile(
    rf"(?<![0-9A-Za-z])[{TRACKING_ALPHABET}]{{4}}-[{TRACKING_ALPHABET}]{{4}}(?![0-9A-Za-z])"
)


def untracked(text: str, *numbers: str) -> str:
    """``text`` with tracking numbers taken out: the given ones in any spelling (``k7qm 4rtz``),
    any other in the written form (``K7QM-4RTZ``). A tracking number opens its reporter's
    status page, so it never travels to another reporter or into a public record."""
    hidden = _("[nomor pelacakan]")
    for number in numbers:
        if number and "-" in number:
            head, tail = (re.escape(p) for p in number.split("-", 1))
            spelled = rf"(?<![0-9A-Za-z]){head}[\s\-.]?{tail}(?![0-9A-Za-z])"
            text = re.sub(spelled, hidden, text, flags=re.IGNORECASE)
    return _TRACKING_IN_TEXT.sub(hidden, text)


def _answer_duplicate(duplicate: Complaint, original: Complaint, now: dt.datetime) -> None:
    """Tell a duplicate's reporter the original's outcome (recorded on the duplicate's case).
    A confidential original's answer was written to that reporter alone: the other reporter
    hears only that the problem was handled."""
    if original.confidential:
        outcome = _("pengaduan itu telah selesai ditindaklanjuti oleh %(unit)s.") % {
            "unit": original.unit.name
        }
    else:
        outcome = untracked(original.answer_text, original.tracking, duplicate.tracking)
    body = _(
        "Pengaduan %(tracking)s sama dengan pengaduan %(original)s yang telah ditangani. "
        "Hasilnya: %(answer)s"
    ) % {
        "tracking": duplicate.tracking,
        # The case number, not the tracking number: that one opens the other reporter's page.
        "original": original.case.number,
        "answer": outcome,
    }
    message = _send(duplicate, body=body, kind="complaint_answer", now=now)
    duplicate.answered_at = now
    duplicate.answer_channel = (
        # The SOP's own choice values (stored, never translated).
        (
            "SMS"
            if duplicate.reporter_phone and mobile_number(duplicate.reporter_phone)
            else "E-mail"
        )
        if message
        else NO_CONTACT
    )
    duplicate.answer_text = body
    duplicate.save(update_fields=["answered_at", "answer_channel", "answer_text"])
    case = case_services.case_lock(duplicate.case_id)
    case_services.case_event_record(
        case=case,
        type=EventType.REPORTER_INFORMED,
        actor=None,
        at=now,
        data={
            "channel": duplicate.answer_channel,
            "message": message,
            "original": original.case.number,
            "text": body,
        },
    )


# -- the closing condition ---------------------------------------------------------------------


def complaint_sop_guard(spec: SOPSpec) -> str | None:
    """The generic case start refuses an SOP that complaint categories use: such a case is
    opened by ``complaint_file`` only, or it would have no complaint — no tracking number, no
    routing, no answer to the reporter."""
    if not Category.objects.filter(sop_code=spec.code, active=True).exists():
        return None
    return _(
        "SOP %(code)s dijalankan dari pengaduan: catat laporan warga di Pengaduan › Catat "
        "pengaduan (/pengaduan/baru/), bukan dari Mulai kasus."
    ) % {"code": spec.code}


class ReporterAnswerHook:
    """The last step of a complaint's case is the answer to the reporter (seed 002 row 7,
    "Menginformasikan kepada pelapor"); see the module docstring."""

    def _complaint(self, case: Case, step: Step) -> Complaint | None:
        if step.kind is not StepKind.END:
            return None
        return Complaint.objects.filter(case_id=case.pk).first()

    def prepare(
        self,
        *,
        spec: SOPSpec,
        case: Case,
        task: Task,
        step: Step,
        data: dict[str, Any],
        actor: Person | None,
        now: dt.datetime,
    ) -> dict[str, Any]:
        complaint = self._complaint(case, step)
        if complaint is None:
            return data
        fields = {f.name for f in step.records}
        if not {"saluran", "isi"} <= fields:
            return data  # a complaint SOP whose last step records no answer: nothing to add
        channel = str(data.get("saluran") or "").strip()
        if not complaint.has_contact:
            if not channel:
                channel = NO_CONTACT
            if channel not in (NO_CONTACT, "Langsung"):
                raise Invalid(
                    _(
                        "Pelapor tidak meninggalkan kontak; pilih “%(none)s” (atau “Langsung” "
                        "bila pelapor datang sendiri)."
                    )
                    % {"none": NO_CONTACT},
                    field="data.saluran",
                )
            data["saluran"] = channel
            if channel == NO_CONTACT and not str(data.get("isi") or "").strip():
                # No tracking number here: this text is forwarded to duplicates' reporters.
                data["isi"] = _(
                    "Pelapor anonim tanpa kontak: hasil penanganan dapat dilihat di halaman "
                    "status dengan nomor pelacakan pengaduan."
                )
        elif channel == NO_CONTACT:
            raise Invalid(
                _(
                    "Pelapor meninggalkan kontak: beri tahu pelapor lewat SMS, e-mail, telepon "
                    "atau langsung sebelum kasus ditutup."
                ),
                field="data.saluran",
            )
        elif channel == "SMS" and not mobile_number(complaint.reporter_phone or ""):
            raise Invalid(
                _("Pelapor tidak meninggalkan nomor ponsel untuk SMS; hubungi lewat telepon."),
                field="data.saluran",
            )
        elif channel == "E-mail" and not complaint.reporter_email:
            raise Invalid(_("Pelapor tidak meninggalkan alamat e-mail."), field="data.saluran")
        if channel in _OUTBOX_CHANNEL or channel == NO_CONTACT:
            data["waktu"] = timezone.localtime(now, case.unit.zone()).strftime("%Y-%m-%dT%H:%M")
        elif "waktu" in fields and not str(data.get("waktu") or "").strip():
            raise Invalid(
                _("Isi waktu pelapor diberi tahu (telepon, langsung atau surat)."),
                field="data.waktu",
            )
        return data

    def completed(
        self,
        *,
        spec: SOPSpec,
        case: Case,
        task: Task,
        step: Step,
        recorded: dict[str, Any],
        actor: Person | None,
        now: dt.datetime,
    ) -> None:
        complaint = self._complaint(case, step)
        if complaint is None or "saluran" not in recorded:
            return
        channel = str(recorded.get("saluran") or "")
        text = str(recorded.get("isi") or "")
        if channel in _OUTBOX_CHANNEL:
            _send(
                complaint,
                body=text,
                kind="complaint_answer",
                now=now,
                channel=_OUTBOX_CHANNEL[channel],
            )
        complaint.answered_at = now
        complaint.answer_channel = channel
        complaint.answer_text = text
        complaint.save(update_fields=["answered_at", "answer_channel", "answer_text"])
        for duplicate in complaint.duplicates.select_related("unit", "case"):
            if duplicate.answered_at is None:
                _answer_duplicate(duplicate, complaint, now)
