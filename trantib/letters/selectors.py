"""Reading letters: always through the user's units (a letter of another unit is "not found").

Two kinds of letters are read by fewer people than the unit:

- a letter whose sifat is Rahasia or Sangat Rahasia opens only for its drafter, its reviewers
  (the holders of a paraf position of its chain, or who gave one), its signer (the holder of
  the signing position, or who signed it) and the unit's heads (a supervising position in the
  unit or above it); to everyone else of the unit it is listed as its kind and number only
  (``openable`` False: no hal, addressee or case) and its page is a 404;
- a letter of a complaint's case whose reporter is confidential (or anonymous) shows its
  addressee only to whoever may see that reporter (the intake roles of the complaint's unit,
  :func:`trantib.complaints.services.may_see_identity`): ``recipient_shown`` False.

Both are annotations of every row the selectors return, read by :func:`letter_shown` for the
register page, its exports, the API and the CLI alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models import Value as V
from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit
from trantib.accounts.selectors import UserLike, positions_for_user, units_for_user
from trantib.core.errors import NotFound

from .models import CONFIDENTIAL, Disposition, IncomingLetter, Letter, Review

TO_REPORTER = "surat_pemberitahuan"  # the kind the complaint SOP answers its reporter with
SOP_CODES_MAX = 10  # the ``sop`` filter's codes (a report's link names its SOP's few codes)


@dataclass(frozen=True)
class Reader:
    """Who reads, as far as a letter's confidentiality goes (one query, once per list)."""

    user_id: int | None
    everything: bool  # a superuser: the operator at the server's console
    held: frozenset[tuple[int, str]]  # (unit id, position code) held today
    supervised_paths: tuple[str, ...]  # the units where a supervising position is held
    intake_units: frozenset[int]  # the units where an intake role is held (complaints)


def reader_for(user: UserLike) -> Reader:
    from trantib.complaints.services import intake_units_of

    if getattr(user, "is_superuser", False):
        return Reader(None, True, frozenset(), (), frozenset())
    if not user.is_authenticated or user.pk is None:
        return Reader(None, False, frozenset(), (), frozenset())
    held = list(positions_for_user(user))
    return Reader(
        user_id=int(user.pk),
        everything=False,
        held=frozenset((p.unit_id, p.code) for p in held),
        supervised_paths=tuple(p.unit.path for p in held if p.supervises),
        intake_units=intake_units_of((p.unit_id, p.code) for p in held),
    )


def _works_on(reader: Reader) -> Q:
    """The letters ``reader`` drafted, reviews, signs or heads."""
    uid = reader.user_id
    works = Q(created_by__user_id=uid) | Q(signer__user_id=uid) if uid else Q(pk__in=[])
    for path in reader.supervised_paths:
        works |= Q(unit__path__startswith=path)
    as_reviewer = Q(person__user_id=uid) if uid else Q(pk__in=[])
    for unit_id, code in reader.held:
        works |= Q(unit_id=unit_id, signer_role=code)
        as_reviewer |= Q(letter__unit_id=unit_id, role=code)
    reviews = Review.objects.filter(as_reviewer, letter_id=OuterRef("pk"))
    return works | Q(Exists(reviews))


def _readable(qs: QuerySet[Letter], reader: Reader) -> QuerySet[Letter]:
    if reader.everything:
        return qs.annotate(openable=V(True), recipient_shown=V(True), works_on=V(True))
    works_on = _works_on(reader)
    openable = ~Q(sifat__in=CONFIDENTIAL) | works_on
    # Only a letter TO the reporter carries the reporter's identity (a Surat Teguran of the
    # same case is addressed to the violator).
    shown = (
        ~Q(kind=TO_REPORTER)
        | Q(case__complaint__isnull=True)
        | Q(
            Q(case__complaint__confidential=False)
            | Q(case__complaint__unit_id__in=reader.intake_units),
            case__complaint__anonymous=False,
        )
    )
    return qs.annotate(
        openable=ExpressionWrapper(openable, output_field=BooleanField()),
        recipient_shown=ExpressionWrapper(shown, output_field=BooleanField()),
        works_on=ExpressionWrapper(works_on, output_field=BooleanField()),
    )


@dataclass(frozen=True)
class Shown:
    """What a list (the register, its exports, the API, the CLI) shows of a letter."""

    hal: str
    recipient: str
    recipient_address: str
    recipient_email: str
    case: str  # the case number
    restricted: bool  # confidential and not the reader's: kind and number only


def letter_shown(letter: Letter) -> Shown:
    """The header facts of a letter read through these selectors, masked for the reader. A
    letter read otherwise (no annotation) shows nothing private."""
    openable = bool(getattr(letter, "openable", False))
    recipient = openable and bool(getattr(letter, "recipient_shown", False))
    case = letter.case.number if openable and letter.case_id and letter.case else ""
    return Shown(
        hal=letter.hal if openable else _("(rahasia)"),
        recipient=letter.recipient if recipient else "",
        recipient_address=letter.recipient_address if recipient else "",
        recipient_email=letter.recipient_email if recipient else "",
        case=case,
        restricted=not openable,
    )


def letter_list_for_user(
    user: UserLike,
    *,
    kind: str = "",
    state: str = "",
    signer: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    query: str = "",
    case_id: int | None = None,
    unit: str = "",
    sop: str = "",
) -> QuerySet[Letter]:
    """The letters of the user's units, newest first, filtered (``query`` searches the number
    and the hal — the hal only of the letters the user may open; ``signer`` the signer's
    name; ``unit`` a unit's code: that unit and the units below it; ``sop`` the SOP code(s)
    of the letter's case, comma-separated), each annotated with what the user may see of it
    (module docstring)."""
    qs = _readable(
        Letter.objects.filter(unit__in=units_for_user(user)).select_related("unit", "case"),
        reader_for(user),
    )
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if signer:
        qs = qs.filter(signer_name__icontains=signer)
    if since:
        qs = qs.filter(Q(dated__gte=since) | Q(dated__isnull=True, created_at__date__gte=since))
    if until:
        qs = qs.filter(Q(dated__lte=until) | Q(dated__isnull=True, created_at__date__lte=until))
    if query:
        qs = qs.filter(Q(number__icontains=query) | Q(hal__icontains=query, openable=True))
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    if unit:
        root = OrgUnit.objects.filter(code=unit).values_list("path", flat=True).first()
        qs = qs.filter(unit__path__startswith=root) if root else qs.none()
    if sop:
        codes = [c.strip() for c in sop.split(",") if c.strip()][:SOP_CODES_MAX]
        qs = qs.filter(case__sop_code__in=codes)
    return qs.order_by("-created_at", "-pk")


def letter_get_for_user(user: UserLike, letter_id: int) -> Letter:
    """One letter the user may open (a confidential one only for who works on it), or
    NotFound."""
    found = (
        _readable(
            Letter.objects.filter(pk=letter_id, unit__in=units_for_user(user)), reader_for(user)
        )
        # A letter to a confidential reporter opens (with the reporter's name and address in
        # it) only for who may see the reporter and who drafts, reviews, signs or heads it.
        .filter(Q(openable=True), Q(recipient_shown=True) | Q(works_on=True))
        .select_related("unit", "case", "signer", "created_by", "register")
        .prefetch_related(
            Prefetch("reviews", queryset=Review.objects.select_related("person")), "deliveries"
        )
        .first()
    )
    if found is None:
        raise NotFound("letter")
    return found


def letter_by_code(code: str) -> Letter | None:
    """The signed (or cancelled) letter behind a verification code: the public page's read."""
    if not code or len(code) > 32:
        return None
    return (
        Letter.objects.filter(verify_code=code)
        .exclude(verify_code="")
        .select_related("unit")
        .first()
    )


def incoming_list_for_user(
    user: UserLike,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    query: str = "",
    unit: str = "",
) -> QuerySet[IncomingLetter]:
    """The incoming letters of the user's units, newest received first, filtered by the day
    received and a search of the agenda number, the letter's number, sender and perihal."""
    qs = (
        IncomingLetter.objects.filter(unit__in=units_for_user(user))
        .select_related("unit", "recorded_by")
        .prefetch_related(
            Prefetch(
                "dispositions",
                queryset=Disposition.objects.select_related(
                    "from_person", "to_person", "done_by", "case"
                ).order_by("created_at", "pk"),
            )
        )
    )
    if since:
        qs = qs.filter(received_on__gte=since)
    if until:
        qs = qs.filter(received_on__lte=until)
    if unit:
        qs = qs.filter(unit__code=unit)
    if query:
        qs = qs.filter(
            Q(agenda_number__icontains=query)
            | Q(number__icontains=query)
            | Q(sender__icontains=query)
            | Q(subject__icontains=query)
        )
    return qs.order_by("-received_on", "-agenda_serial", "-pk")


def incoming_get_for_user(user: UserLike, incoming_id: int) -> IncomingLetter:
    found = incoming_list_for_user(user).filter(pk=incoming_id).first()
    if found is None:
        raise NotFound("incoming letter")
    return found


def disposition_get_for_user(user: UserLike, disposition_id: int) -> Disposition:
    found = (
        Disposition.objects.filter(pk=disposition_id, incoming__unit__in=units_for_user(user))
        .select_related("incoming__unit", "to_person", "from_person", "case")
        .first()
    )
    if found is None:
        raise NotFound("disposition")
    return found


def unit_logo_for_user(user: UserLike) -> str:
    """The lambang daerah of the user's first unit that has one (its letter settings), as a
    ``data:`` URI for a printed page; "" for a visitor or when none of their units has one.
    The SOP document's identity page prints it."""
    if not getattr(user, "is_authenticated", False):
        return ""
    from .models import LetterSettings
    from .rendering.context import logo_data_uri

    units = list(units_for_user(user).values_list("pk", flat=True))
    found = LetterSettings.objects.filter(unit_id__in=units).exclude(logo="").order_by("unit_id")
    settings = found.first()
    return logo_data_uri(settings) if settings is not None else ""
