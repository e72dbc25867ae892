"""Reads of the violators register, always through the reader's units.

Personal data — a person's NIK, phone and street address — is shown only to people who hold an
enforcement role (``TRANTIB_ENFORCEMENT_ROLES``, position codes) in the violator's unit today.
Everyone else who may see the unit (a supervisor of a parent unit, a front-office Staf, a police
officer of the Polres) reads masks; an officer of another unit finds nothing (404).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from trantib.accounts.models import OrgUnit, Person
from trantib.accounts.selectors import (
    UserLike,
    assignments_active,
    person_for_user,
    units_for_user,
)
from trantib.core.errors import NotFound
from trantib.core.phones import phone_mask

from ..identity import IdentityError, NikInfo, nik_mask, nik_parse
from ..models import Enforcement, Violator, ViolatorKind
from ..numbers import whole_or_none

# The enforcement positions of the library's SOPs: PPW (Satpol PP), PPL/PUR (kecamatan), OPP and
# RTHM (a province's Satpol PP).
DEFAULT_ENFORCEMENT_ROLES: tuple[str, ...] = (
    "kasat_pol_pp",
    "kabid_trantibum",
    "kasie_ops",
    "petugas_ops",
    "camat",
    "sekcam",
    "kasi_trantib",
    "danru",
    "anggota_trantib",
    "kabid_ppd",
    "kasi_penegakan",
    "ppns",
    "pol_pp",
    "tim",
)

MASK = "•••"


def enforcement_roles() -> frozenset[str]:
    """The position codes that may read violators' personal data in their own unit — the
    library's SOP roles of the same ids, which a unit may map to other positions (below)."""
    return frozenset(getattr(settings, "TRANTIB_ENFORCEMENT_ROLES", DEFAULT_ENFORCEMENT_ROLES))


def enforcement_unit_ids(person: Person | None, *, on: dt.date | None = None) -> frozenset[int]:
    """The units where ``person`` holds an enforcement role today (in each unit's zone): a
    position coded as one, or one the unit's adoption of an SOP maps such a role to (decision
    0015: the unit whose "Kasi Trantib" column is its Kasi Pemerintahan). One query."""
    if person is None:
        return frozenset()
    roles = enforcement_roles()
    mapped = Q(position__sop_roles__role__in=roles)
    held = assignments_active(person, on=on).filter(Q(position__code__in=roles) | mapped)
    return frozenset(held.values_list("position__unit_id", flat=True))


def is_enforcement_officer(person: Person | None, unit: OrgUnit | int) -> bool:
    unit_id = unit if isinstance(unit, int) else unit.pk
    return unit_id in enforcement_unit_ids(person)


def enforcement_unit_ids_for_user(user: UserLike) -> frozenset[int]:
    return enforcement_unit_ids(person_for_user(user))


# -- what a reader may see ----------------------------------------------------------------------


@dataclass
class ViolatorView:
    """A violator as one reader may see it: personal data filled in or masked."""

    violator: Violator
    masked: bool
    nik: str
    phone: str
    address: str
    latitude: float | None
    longitude: float | None
    nik_info: NikInfo | None = None
    owner: ViolatorView | None = None
    url: str = ""

    @property
    def pk(self) -> int:
        return int(self.violator.pk)

    @property
    def name(self) -> str:
        return self.violator.name

    @property
    def kind(self) -> str:
        return self.violator.kind

    @property
    def is_business(self) -> bool:
        return self.violator.kind == ViolatorKind.BUSINESS

    @property
    def desa(self) -> str:
        return self.violator.desa

    @property
    def kecamatan(self) -> str:
        return self.violator.kecamatan

    @property
    def nib(self) -> str:
        return self.violator.nib

    @property
    def business_type(self) -> str:
        return self.violator.business_type

    @property
    def place(self) -> str:
        """Desa and kecamatan (never personal data)."""
        return ", ".join(p for p in (self.violator.desa, self.violator.kecamatan) if p)

    def as_data(self) -> dict[str, object]:
        """For the API and the export: the same masking."""
        v = self.violator
        return {
            "id": v.pk,
            "unit": v.unit.code,
            "kind": v.kind,
            "name": v.name,
            "nik": self.nik,
            "phone": self.phone,
            "address": self.address,
            "desa": v.desa,
            "kecamatan": v.kecamatan,
            "nib": v.nib,
            "business_type": v.business_type,
            "owner_id": v.owner_id,
            "owner_name": v.owner.name if v.owner_id and v.owner else "",
            "latitude": self.latitude,
            "longitude": self.longitude,
            "masked": self.masked,
        }


def address_mask(address: str) -> str:
    return MASK if address else ""


def violator_url(violator: Violator) -> str:
    return reverse("enforcement:violator_detail", args=[violator.pk])


def violator_display(
    violator: Violator, *, person: Person | None, officer_units: Iterable[int] | None = None
) -> ViolatorView:
    """What ``person`` may see of ``violator``: everything for the enforcement roles of its
    unit, masks (NIK ``3671••••••••0001``, phone, street address, a person's map point) for
    anyone else. ``officer_units``: the reader's enforcement units when already read (a list)."""
    units = frozenset(officer_units) if officer_units is not None else enforcement_unit_ids(person)
    open_ = violator.unit_id in units
    info = None
    if open_ and violator.nik:
        try:
            info = nik_parse(violator.nik)
        except IdentityError:
            info = None
    hide_point = not open_ and violator.kind == ViolatorKind.PERSON
    owner = None
    if violator.owner_id and violator.owner is not None:
        owner = violator_display(violator.owner, person=person, officer_units=units)
    return ViolatorView(
        violator=violator,
        masked=not open_,
        nik=violator.nik if open_ else nik_mask(violator.nik),
        phone=violator.phone if open_ else phone_mask(violator.phone),
        address=violator.address if open_ else address_mask(violator.address),
        latitude=None if hide_point else violator.latitude,
        longitude=None if hide_point else violator.longitude,
        nik_info=info,
        owner=owner,
        url=violator_url(violator),
    )


# -- lists and reads ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FoundFilter:
    """Violators by their enforcements: found in ``unit`` (a code: the unit and the units below
    it), from ``source`` (a :class:`FindingSource` value), between ``since`` and ``until``
    (days, both included, on the clock of ``unit``; else the site's zone)."""

    unit: str = ""
    source: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    unreadable: bool = False  # a filter that could not be read finds nothing

    @property
    def any(self) -> bool:
        return bool(self.unit or self.source or self.since or self.until or self.unreadable)

    def enforcements(self) -> QuerySet[Enforcement]:
        rows = Enforcement.objects.all()
        if self.unreadable:
            return rows.none()
        zone: dt.tzinfo = timezone.get_current_timezone()
        if self.unit:
            root = OrgUnit.objects.filter(code=self.unit).first()
            if root is None:
                return rows.none()
            rows = rows.filter(unit__path__startswith=root.path)
            zone = root.zone()
        if self.source:
            rows = rows.filter(source=self.source)
        if self.since is not None:
            rows = rows.filter(found_at__gte=dt.datetime.combine(self.since, dt.time(), zone))
        if self.until is not None:
            after = dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time(), zone)
            rows = rows.filter(found_at__lt=after)
        return rows


def violator_list_for_user(
    user: UserLike,
    *,
    query: str = "",
    kind: str = "",
    desa: str = "",
    repeat: bool = False,
    unit: OrgUnit | None = None,
    found: FoundFilter | None = None,
) -> QuerySet[Violator]:
    """The violators of the user's units, filtered. ``query`` matches name, business name, NIB,
    desa; a NIK only in the units where the user holds an enforcement role. ``found``: only
    the violators with an enforcement found as it says (a report's figure links here)."""
    rows = Violator.objects.filter(unit__in=units_for_user(user)).select_related("unit", "owner")
    if unit is not None:
        rows = rows.filter(unit=unit)
    if found is not None and found.any:
        rows = rows.filter(pk__in=found.enforcements().values("violator_id"))
    rows = rows.annotate(enforcement_count=Count("enforcements", distinct=True))
    query = query.strip()
    if query:
        match = (
            Q(name__icontains=query)
            | Q(owner__name__icontains=query)
            | Q(business_type__icontains=query)
            | Q(desa__icontains=query)
        )
        digits = re.sub(r"[\s.\-]", "", query)
        if digits.isascii() and digits.isdigit() and len(digits) >= 4:
            match |= Q(nib__startswith=digits)
            officer = enforcement_unit_ids_for_user(user)
            if officer:
                match |= Q(nik__startswith=digits, unit_id__in=officer)
        rows = rows.filter(match)
    if kind in ViolatorKind.values:
        rows = rows.filter(kind=kind)
    if desa:
        rows = rows.filter(desa__iexact=desa.strip())
    if repeat:
        rows = rows.filter(enforcement_count__gt=1)
    return rows.order_by("name", "pk")


def violator_get_for_user(user: UserLike, violator_id: int | str) -> Violator:
    """One violator of the user's units; NotFound for any other (never a 403)."""
    pk = whole_or_none(violator_id)
    if pk is None:
        raise NotFound("Pelanggar tidak ditemukan.")
    found = (
        Violator.objects.filter(unit__in=units_for_user(user), pk=pk)
        .select_related("unit", "owner", "created_by")
        .first()
    )
    if found is None:
        raise NotFound("Pelanggar tidak ditemukan.")
    return found


def violator_desa_choices(user: UserLike) -> list[str]:
    rows = Violator.objects.filter(unit__in=units_for_user(user)).exclude(desa="")
    return sorted(set(rows.values_list("desa", flat=True)))


def violator_enforcement_count(violator: Violator) -> int:
    return violator.enforcements.count()


def violator_is_repeat(violator: Violator) -> bool:
    """Whether the violator already has an enforcement in its unit: a new finding on it is a
    repeat (``finding_open`` sets ``Enforcement.repeat`` from this, before creating its own)."""
    return violator.enforcements.filter(unit_id=violator.unit_id).exists()


def violators_for_pick(unit: OrgUnit, query: str, *, person: Person | None, limit: int = 8):
    """The unit's violators matching ``query`` for the picker, as the reader may see them."""
    query = query.strip()
    if not query:
        return []
    rows = Violator.objects.filter(unit=unit).select_related("unit", "owner")
    match = Q(name__icontains=query) | Q(owner__name__icontains=query)
    digits = re.sub(r"[\s.\-]", "", query)
    officer = enforcement_unit_ids(person)
    if digits.isascii() and digits.isdigit() and len(digits) >= 4:
        match |= Q(nib__startswith=digits)
        if unit.pk in officer:
            match |= Q(nik__startswith=digits)
    return [
        violator_display(v, person=person, officer_units=officer)
        for v in rows.filter(match)[:limit]
    ]


# -- duplicates ---------------------------------------------------------------------------------


def normalised(text: str) -> str:
    """Lower case, no accents or punctuation, titles dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9 ]+", " ", text.lower())
    words = [w for w in text.split() if w not in _NOISE]
    return " ".join(words)


_NOISE = frozenset(
    [
        "h",
        "hj",
        "ir",
        "dr",
        "drs",
        "dra",
        "st",
        "sh",
        "se",
        "sos",
        "sip",
        "spd",
        "mm",
        "msi",
        "mh",
        "amd",
        "bapak",
        "bpk",
        "ibu",
        "sdr",
        "pt",
        "cv",
        "ud",
        "toko",
        "warung",
        "jl",
        "jalan",
        "gg",
        "gang",
        "no",
        "rt",
        "rw",
    ]
)


def similarity(a: str, b: str) -> float:
    a, b = normalised(a), normalised(b)
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b).ratio()


@dataclass
class DuplicateSuggestion:
    violator: Violator
    reasons: list[str] = field(default_factory=list)
    hard: bool = False  # same NIK/NIB: the new entry is refused


NAME_SIMILAR = 0.82
ADDRESS_SIMILAR = 0.75


def violator_duplicates(
    *,
    unit: OrgUnit,
    kind: str = "",
    name: str = "",
    nik: str = "",
    nib: str = "",
    address: str = "",
    desa: str = "",
    exclude: int | None = None,
    limit: int = 5,
) -> list[DuplicateSuggestion]:
    """Existing violators of ``unit`` that may be the one being entered: the same NIK or NIB
    (hard: the register holds one per unit), or a similar name with the same desa or a similar
    address. Best first."""
    rows = Violator.objects.filter(unit=unit).select_related("unit", "owner")
    if exclude:
        rows = rows.exclude(pk=exclude)
    found: dict[int, DuplicateSuggestion] = {}
    if nik:
        for v in rows.filter(nik=nik):
            found.setdefault(v.pk, DuplicateSuggestion(v)).reasons.append("NIK sama")
            found[v.pk].hard = True
    if nib:
        for v in rows.filter(nib=nib):
            found.setdefault(v.pk, DuplicateSuggestion(v)).reasons.append("NIB sama")
            found[v.pk].hard = True
    if normalised(name):
        scored = []
        candidates = rows.filter(kind=kind) if kind else rows
        for v in candidates.only("pk", "name", "address", "desa", "kind", "unit", "owner"):
            if v.pk in found:
                continue
            name_score = similarity(name, v.name)
            if name_score < NAME_SIMILAR:
                continue
            same_desa = bool(desa) and normalised(desa) == normalised(v.desa)
            address_score = similarity(address, v.address) if address and v.address else 0.0
            if same_desa or address_score >= ADDRESS_SIMILAR:
                reasons = ["nama mirip"]
                reasons.append("desa sama" if same_desa else "alamat mirip")
                scored.append((name_score + address_score, v, reasons))
        scored.sort(key=lambda s: -s[0])
        for _score, v, reasons in scored:
            found[v.pk] = DuplicateSuggestion(v, reasons)
    ordered = sorted(found.values(), key=lambda d: not d.hard)
    return ordered[:limit]


# -- the case page's parties ---------------------------------------------------------------------


def _reader_units(reader: UserLike) -> frozenset[int]:
    """The reader's enforcement units, read once per request (kept on the user object)."""
    cached = getattr(reader, "_trantib_enforcement_units", None)
    if cached is None:
        cached = enforcement_unit_ids_for_user(reader)
        with contextlib.suppress(AttributeError):
            reader._trantib_enforcement_units = cached  # type: ignore[union-attr]
    return cached


def party_masked(value: dict[str, object]) -> dict[str, object]:
    """A case's party value ({nama, nik, alamat, telepon}) with its personal data masked."""
    out = dict(value)
    if out.get("nik"):
        out["nik"] = nik_mask(str(out["nik"]))
    if out.get("alamat"):
        out["alamat"] = MASK
    if out.get("telepon"):
        out["telepon"] = phone_mask(str(out["telepon"]))
    return out


def case_record_masker(unit_id: int, reader: UserLike):  # type: ignore[no-untyped-def]
    """The cases app's record masker: a party's NIK, address and phone in a case are shown
    whole only to the enforcement roles of the case's unit (registered in ``apps.py``)."""
    if getattr(reader, "is_superuser", False):
        return None
    if unit_id in _reader_units(reader):
        return None
    return party_masked


# -- the letters of an enforcement case ------------------------------------------------------

# A letter's kind fields that carry a violator's personal data (trantib.letters.kinds: the Surat
# Pernyataan, Surat Teguran and Berita Acara share the ``pelanggar_*`` fields).
LETTER_PERSONAL = ("pelanggar_nik", "pelanggar_alamat", "pelanggar_telepon")


def letter_masker(letter: Any, reader: UserLike) -> dict[str, str] | None:
    """The letters app's masker: a violator's NIK, address and phone in a letter's fields (and
    the violator's address as a Surat Teguran's addressee) are shown whole only to the
    enforcement roles of the letter's unit (registered in ``apps.py``)."""
    data = letter.data if isinstance(letter.data, dict) else {}
    violator = bool(data.get("pelanggar_nama"))
    if not violator and not any(data.get(n) for n in LETTER_PERSONAL):
        return None
    if getattr(reader, "is_superuser", False):
        return None
    if reader is not None and letter.unit_id in _reader_units(reader):
        return None
    hidden: dict[str, str] = {}
    if data.get("pelanggar_nik"):
        hidden["pelanggar_nik"] = nik_mask(str(data["pelanggar_nik"]))
    if data.get("pelanggar_alamat"):
        hidden["pelanggar_alamat"] = MASK
    if data.get("pelanggar_telepon"):
        hidden["pelanggar_telepon"] = phone_mask(str(data["pelanggar_telepon"]))
    if violator and letter.recipient_address:
        hidden["recipient_address"] = MASK
    return hidden
