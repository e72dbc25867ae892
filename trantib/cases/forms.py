"""The forms of the case pages: the case-list filters and the form of one SOP step.

A step's form is built from its spec — the requirement checklist, the fields to record, the
decision branches — so every SOP in the library gets a form without code. The form only reads
the browser's strings into the typed values the services take (a number, a list of lines, a
place, a person) and says in Bahasa Indonesia what is missing or malformed; the services stay
the authority and their errors are shown beside the same inputs (``add_error``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trantib.core.dateinput import date_parse, datetime_parse
from trantib.engine.spec import Capture, FieldType, RecordField, SOPSpec, Step, StepKind
from trantib.engine.values import date_write, datetime_write

from .models import CaseStatus
from .services import Taken

# -- the case list ------------------------------------------------------------------------


class CaseFilterForm(forms.Form):
    """The filters of the case list (a GET form: every filter is part of the address)."""

    q = forms.CharField(label=gettext_lazy("Cari nomor atau perihal"), required=False)
    sop = forms.ChoiceField(label=gettext_lazy("SOP"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Semua")), *CaseStatus.choices],
    )
    terlambat = forms.ChoiceField(
        label=gettext_lazy("Terlambat"),
        required=False,
        choices=[
            ("", gettext_lazy("Semua")),
            ("ya", gettext_lazy("Ya")),
            ("tidak", gettext_lazy("Tidak")),
        ],
    )
    dari = forms.DateField(label=gettext_lazy("Dibuka dari"), required=False)
    sampai = forms.DateField(label=gettext_lazy("sampai"), required=False)

    def __init__(self, *args: Any, sops: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sop"].choices = [("", _("Semua SOP")), *sops]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for ``case_list_for_user``; invalid filters are left out."""
        if not self.is_valid():
            good = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        else:
            good = self.cleaned_data
        overdue = {"ya": True, "tidak": False}.get(good.get("terlambat") or "")
        return {
            "query": (good.get("q") or "").strip(),
            "sop": good.get("sop") or "",
            "status": good.get("status") or "",
            "overdue": overdue,
            "opened_from": good.get("dari"),
            "opened_to": good.get("sampai"),
        }


# -- one step of an SOP -------------------------------------------------------------------

# The parts of a composite value and their labels: a place, a person.
LOCATION_PARTS = (
    ("address", gettext_lazy("Alamat")),
    ("lat", gettext_lazy("Lintang")),
    ("lon", gettext_lazy("Bujur")),
)
PERSON_PARTS = (
    ("nama", gettext_lazy("Nama")),
    ("nik", gettext_lazy("NIK / nomor identitas")),
    ("alamat", gettext_lazy("Alamat")),
)
# Where a map without a point opens: all of Indonesia (lat, lon, zoom).
INDONESIA = (-2.5, 118.0, 5)
# The photo's own time (lastModified, ms since 1970) is believed from 2000 to a day ahead.
_PHOTO_TIME_FROM = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
# Service error fields that are not a recorded field but have a place on the form.
FORM_FIELDS = ("decision", "requirements", "attachments", "file", "subject", "assignee")


@dataclass
class BoundField:
    """One recorded field as the template draws it: its spec, input name, value, error."""

    spec: RecordField
    value: Any = ""  # the submitted text (a dict of texts for a place, a person; ids of members)
    error: str = ""
    members: Sequence[tuple[int, str]] = ()  # for a members field: (person id, "name — post")
    schedule: bool = False  # a list of dates another step repeats on
    filled: str = ""  # filled by the product, not the officer: the note shown ("diisi dari surat")

    @property
    def name(self) -> str:
        return f"data.{self.spec.name}"

    @property
    def id(self) -> str:
        return f"f-{self.spec.name}"

    @property
    def type(self) -> str:
        return self.spec.type.value

    @property
    def capture(self) -> bool:
        """A photo field: a phone opens its camera."""
        return self.spec.capture is Capture.PHOTO

    @property
    def member_choices(self) -> list[tuple[int, str, bool]]:
        """For a members field: (person id, label, chosen) of each member of the unit."""
        chosen = {str(v) for v in self.value} if isinstance(self.value, list) else set()
        return [(pk, label, str(pk) in chosen) for pk, label in self.members]

    @property
    def accuracy(self) -> str:
        return self.value.get("accuracy", "") if isinstance(self.value, dict) else ""

    @property
    def parts(self) -> list[tuple[str, str, str, str]]:
        """For a place or a person: (input name, id, label, value) of each part."""
        parts = LOCATION_PARTS if self.spec.type is FieldType.LOCATION else PERSON_PARTS
        value = self.value if isinstance(self.value, dict) else {}
        return [
            (f"{self.name}.{key}", f"{self.id}-{key}", str(label), value.get(key, ""))
            for key, label in parts
        ]


@dataclass
class StepForm:
    """The form of one step: requirements to tick, fields to record, the decision.

    ``StepForm(step)`` is the empty form; ``StepForm(step, post, files)`` reads a submission.
    After ``is_valid()``: ``data`` (typed, for the service), ``requirements``, ``decision`` and
    ``uploads`` (the files chosen per FILES field, for ``attachment_add``).
    """

    step: Step
    post: Mapping[str, Any] | None = None
    files: MultiValueDict[str, UploadedFile] | None = None
    spec: SOPSpec | None = None  # the SOP, to know which list is a repeat's schedule
    members: Sequence[tuple[int, str]] = ()  # the unit's people, for members fields
    map_centre: tuple[float, float, int] = INDONESIA  # where a location's map opens
    map_outline: str = ""  # the unit's outline, GeoJSON text: the map's landmark without tiles
    # Fields a step guard fills (a letter's number), with its note: shown read-only, not asked.
    filled: Mapping[str, str] = field(default_factory=dict)
    # Values to start with (what the start form recorded for a step a guard held).
    initial: Mapping[str, Any] = field(default_factory=dict)
    fields: list[BoundField] = field(init=False)
    errors: dict[str, str] = field(default_factory=dict, init=False)
    data: dict[str, Any] = field(default_factory=dict, init=False)
    requirements: list[str] = field(default_factory=list, init=False)
    decision: str = field(default="", init=False)
    uploads: dict[str, list[UploadedFile]] = field(default_factory=dict, init=False)
    taken: dict[str, list[Taken | None]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        schedules = {
            s.repeat.schedule_field.split(".", 1)[1]
            for s in (self.spec.steps if self.spec else ())
            if s.repeat and s.repeat.schedule_field.startswith(f"{self.step.id}.")
        }
        self.fields = [
            BoundField(
                spec=f,
                value=self._raw(f),
                members=self.members if f.type is FieldType.MEMBERS else (),
                schedule=f.name in schedules,
                filled=self.filled.get(f.name, ""),
            )
            for f in self.step.records
        ]
        if self.post is not None:
            self.requirements = [
                r for r in self._getlist("requirements") if r in self.step.requirements
            ]
            self.decision = str(self.post.get("decision", "")).strip()

    @property
    def is_bound(self) -> bool:
        return self.post is not None

    @property
    def is_decision(self) -> bool:
        return self.step.kind is StepKind.DECISION

    @property
    def branches(self) -> list[str]:
        return [b.label for b in self.step.branches]

    @property
    def checklist(self) -> list[tuple[str, bool]]:
        return [(r, r in self.requirements) for r in self.step.requirements]

    @property
    def has_files(self) -> bool:
        return any(f.type is FieldType.FILES for f in self.step.records)

    @property
    def has_location(self) -> bool:
        return any(f.type is FieldType.LOCATION for f in self.step.records)

    @property
    def map_tiles(self) -> str:
        return str(getattr(settings, "TRANTIB_MAP_TILE_URL", ""))

    @property
    def map_attribution(self) -> str:
        return str(getattr(settings, "TRANTIB_MAP_ATTRIBUTION", ""))

    @property
    def general_errors(self) -> list[str]:
        """Errors with no input of their own (the task, the case, the SOP)."""
        own = {f.name for f in self.fields} | set(FORM_FIELDS)
        return [message for key, message in self.errors.items() if key not in own]

    def error_for(self, key: str) -> str:
        return self.errors.get(key, "")

    def _getlist(self, key: str) -> list[str]:
        if self.post is None:
            return []
        getlist = getattr(self.post, "getlist", None)
        if getlist is not None:
            return [str(v) for v in getlist(key)]
        value = self.post.get(key)
        return [] if value is None else [str(value)]

    def _raw(self, f: RecordField) -> Any:
        if self.post is None:
            return _initial_text(f, self.initial.get(f.name))
        name = f"data.{f.name}"
        if f.type is FieldType.LOCATION:
            keys = [k for k, _l in LOCATION_PARTS] + ["accuracy"]
            return {k: str(self.post.get(f"{name}.{k}", "")).strip() for k in keys}
        if f.type is FieldType.MEMBERS:
            return [v.strip() for v in self._getlist(name) if v.strip()]
        if f.type is FieldType.PERSON:
            return {k: str(self.post.get(f"{name}.{k}", "")).strip() for k, _l in PERSON_PARTS}
        if f.type is FieldType.BOOLEAN:
            return name in self.post
        return str(self.post.get(name, ""))

    def add_error(self, key: str, message: str) -> None:
        """Put a message beside the input ``key`` names (``data.arahan``, ``decision``)."""
        self.errors.setdefault(key, message)
        for bound in self.fields:
            if bound.name == key and not bound.error:
                bound.error = message

    def is_valid(self) -> bool:
        if self.post is None:
            return False
        self.data, self.uploads = {}, {}
        for bound in self.fields:
            if bound.filled:
                continue  # the product fills it when the step completes
            try:
                value = self._parse(bound)
            except forms.ValidationError as exc:
                self.add_error(bound.name, exc.messages[0])
                continue
            if value is not None:
                self.data[bound.spec.name] = value
        if self.is_decision and self.decision not in self.branches:
            self.add_error(
                "decision",
                _("Pilih salah satu keputusan: %(choices)s.")
                % {"choices": ", ".join(f"“{b}”" for b in self.branches)},
            )
        return not self.errors

    def _parse(self, bound: BoundField) -> Any:
        """The typed value of one field, or None when it is left empty."""
        f, raw = bound.spec, bound.value
        label = {"label": f.label}
        if f.type is FieldType.FILES:
            chosen = [u for u in (self.files or MultiValueDict()).getlist(bound.name) if u.size]
            if chosen:
                self.uploads[f.name] = chosen
                self.taken[f.name] = self._taken(bound.name, len(chosen))
            elif f.required:
                raise forms.ValidationError(_("Lampirkan “%(label)s”.") % label)
            return None
        if f.type is FieldType.BOOLEAN:
            return bool(raw)
        if f.type in (FieldType.LOCATION, FieldType.PERSON):
            return self._parse_parts(f, raw)
        if f.type is FieldType.MEMBERS:
            return self._parse_members(bound)
        text = raw.strip()
        if not text:
            if f.required:
                raise forms.ValidationError(_("“%(label)s” wajib diisi.") % label)
            return None
        if f.type is FieldType.NUMBER:
            return _number(text, f)
        if f.type is FieldType.DATE:
            try:
                # Written as the engine reads it, from whichever form the officer typed.
                return date_write(date_parse(text))
            except ValueError as exc:
                raise forms.ValidationError(
                    _("“%(label)s” harus berupa tanggal: %(error)s")
                    % {"label": f.label, "error": exc}
                ) from None
        if f.type is FieldType.DATETIME:
            try:
                return datetime_write(datetime_parse(text))
            except ValueError as exc:
                raise forms.ValidationError(
                    _("“%(label)s” harus berupa tanggal dan jam: %(error)s")
                    % {"label": f.label, "error": exc}
                ) from None
        if f.type is FieldType.CHOICE and text not in f.choices:
            raise forms.ValidationError(
                _("Pilih salah satu pilihan “%(label)s”.") % label,
            )
        if f.type is FieldType.LIST:
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            if bound.schedule:
                return self._schedule_days(f, text) or None
            return lines or None
        return text

    def _schedule_days(self, f: RecordField, text: str) -> list[str]:
        """A repeat's schedule: each line a date, sent on as ISO; a bad line named by number."""
        days: list[str] = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                days.append(date_write(date_parse(line)))
            except ValueError as exc:
                raise forms.ValidationError(
                    _("“%(label)s” baris %(n)s harus berupa tanggal: %(error)s")
                    % {"label": f.label, "n": number, "error": exc}
                ) from None
        return days

    def _parse_members(self, bound: BoundField) -> list[int] | None:
        f, label = bound.spec, {"label": bound.spec.label}
        offered = {pk for pk, _label in bound.members}
        ids: list[int] = []
        for raw in bound.value if isinstance(bound.value, list) else []:
            if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
                raise forms.ValidationError(_("Pilih anggota “%(label)s” dari daftar.") % label)
            ids.append(int(raw))
        if offered and any(i not in offered for i in ids):
            raise forms.ValidationError(_("“%(label)s”: pilih hanya anggota unit ini.") % label)
        if not ids and f.required:
            raise forms.ValidationError(_("Pilih sekurang-kurangnya satu “%(label)s”.") % label)
        return list(dict.fromkeys(ids)) or None

    def _taken(self, name: str, count: int) -> list[Taken | None]:
        """What the browser said about each chosen photo: the file's own time (one per file,
        in the order chosen) and the device's place when it was chosen. Believed as far as
        it is well-formed; anything else is dropped, never refused (the officer typed none)."""
        times = self._getlist(f"{name}.taken_at")
        lat = _float(self.post.get(f"{name}.taken_lat") if self.post else None, 90)
        lon = _float(self.post.get(f"{name}.taken_lon") if self.post else None, 180)
        if lat is None or lon is None:
            lat = lon = None
        accuracy = _float(self.post.get(f"{name}.taken_accuracy") if self.post else None, 1e6)
        if lat is None or (accuracy is not None and accuracy < 0):
            accuracy = None
        out: list[Taken | None] = []
        for i in range(count):
            at = _photo_time(times[i]) if i < len(times) else None
            found = Taken(at=at, lat=lat, lon=lon, accuracy=accuracy)
            out.append(found if found.as_data() else None)
        return out

    def _parse_parts(self, f: RecordField, raw: dict[str, str]) -> dict[str, Any] | None:
        label = {"label": f.label}
        if not any(raw.values()):
            if f.required:
                raise forms.ValidationError(_("“%(label)s” wajib diisi.") % label)
            return None
        if f.type is FieldType.PERSON:
            if not raw.get("nama"):
                raise forms.ValidationError(_("Isi nama pada “%(label)s”.") % label)
            return {k: v for k, v in raw.items() if v}
        place: dict[str, Any] = {}
        if raw.get("lat") or raw.get("lon"):
            try:
                lat, lon = float(raw["lat"].replace(",", ".")), float(raw["lon"].replace(",", "."))
            except ValueError:
                raise forms.ValidationError(
                    _("Lintang dan bujur “%(label)s” harus berupa angka, misalnya -6.2 dan 106.6.")
                    % label
                ) from None
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise forms.ValidationError(
                    _("Lintang −90…90 dan bujur −180…180 pada “%(label)s”.") % label
                )
            place.update(lat=lat, lon=lon)
            # The device's accuracy, set by "Gunakan lokasi saya" (the map clears it).
            accuracy = _float(raw.get("accuracy"), 1e6)
            if accuracy is not None and accuracy >= 0:
                place["accuracy"] = round(accuracy, 1)
        if raw.get("address"):
            place["address"] = raw["address"]
        return place


def _initial_text(f: RecordField, value: Any) -> Any:
    """A recorded value as the form's inputs hold it (the inverse of ``_parse``, roughly)."""
    composite = f.type in (FieldType.LOCATION, FieldType.PERSON)
    if value is None or f.type is FieldType.FILES:
        return {} if composite else ""
    if composite:
        return {k: str(v) for k, v in value.items()} if isinstance(value, dict) else {}
    if f.type is FieldType.MEMBERS:
        return [str(v) for v in value] if isinstance(value, list) else []
    if f.type is FieldType.BOOLEAN:
        return bool(value)
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value)


def _float(raw: Any, limit: float) -> float | None:
    """A finite number within ±``limit`` from a browser's hidden input, or None."""
    try:
        value = float(str(raw).replace(",", "."))
    except (TypeError, ValueError):
        return None
    return value if -limit <= value <= limit else None


def _photo_time(raw: str) -> dt.datetime | None:
    """A file's lastModified (milliseconds since 1970, UTC) as an aware time, if plausible."""
    millis = _float(raw, 1e14)
    if millis is None:
        return None
    at = dt.datetime.fromtimestamp(millis / 1000, tz=dt.UTC)
    latest = dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=1)
    return at if _PHOTO_TIME_FROM <= at <= latest else None


# "1.000" or "2,500": in Indonesian a thousand, or one, or two and a half — the reader cannot
# tell which the officer meant, so the page asks rather than guess (a number input sends 1000
# or 1.5; a typed field or an older browser sends what was typed).
_GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}([.,]\d{3})+")


def _number(text: str, f: RecordField) -> int | float:
    if _GROUPED.fullmatch(text.replace(" ", "")):
        raise forms.ValidationError(
            _(
                "“%(label)s”: %(typed)s dapat dibaca sebagai ribuan atau pecahan. Tulis angka "
                "tanpa pemisah ribuan (1000), dengan koma atau titik hanya untuk pecahan (2,5)."
            )
            % {"label": f.label, "typed": text}
        )
    cleaned = text.replace(" ", "").replace(",", ".")
    try:
        return int(cleaned)
    except ValueError:
        pass
    try:
        return float(cleaned)
    except ValueError:
        raise forms.ValidationError(
            _("“%(label)s” harus berupa angka.") % {"label": f.label}
        ) from None
