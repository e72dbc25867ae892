"""The forms of the case pages: the case-list filters and the form of one SOP step.

A step's form is built from its spec — the requirement checklist, the fields to record, the
decision branches — so every SOP in the library gets a form without code. The form only reads
the browser's strings into the typed values the services take (a number, a list of lines, a
place, a person) and says in Bahasa Indonesia what is missing or malformed; the services stay
the authority and their errors are shown beside the same inputs (``add_error``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trantib.engine.spec import FieldType, RecordField, Step, StepKind

from .models import CaseStatus

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
# Service error fields that are not a recorded field but have a place on the form.
FORM_FIELDS = ("decision", "requirements", "attachments", "file", "subject", "assignee")


@dataclass
class BoundField:
    """One recorded field as the template draws it: its spec, input name, value, error."""

    spec: RecordField
    value: Any = ""  # the submitted text (a dict of texts for a place or a person)
    error: str = ""

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
    fields: list[BoundField] = field(init=False)
    errors: dict[str, str] = field(default_factory=dict, init=False)
    data: dict[str, Any] = field(default_factory=dict, init=False)
    requirements: list[str] = field(default_factory=list, init=False)
    decision: str = field(default="", init=False)
    uploads: dict[str, list[UploadedFile]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.fields = [BoundField(spec=f, value=self._raw(f)) for f in self.step.records]
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
            return {} if f.type in (FieldType.LOCATION, FieldType.PERSON) else ""
        name = f"data.{f.name}"
        if f.type is FieldType.LOCATION:
            return {k: str(self.post.get(f"{name}.{k}", "")).strip() for k, _l in LOCATION_PARTS}
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
            elif f.required:
                raise forms.ValidationError(_("Lampirkan “%(label)s”.") % label)
            return None
        if f.type is FieldType.BOOLEAN:
            return bool(raw)
        if f.type in (FieldType.LOCATION, FieldType.PERSON):
            return self._parse_parts(f, raw)
        text = raw.strip()
        if not text:
            if f.required:
                raise forms.ValidationError(_("“%(label)s” wajib diisi.") % label)
            return None
        if f.type is FieldType.NUMBER:
            return _number(text, f)
        if f.type is FieldType.DATE:
            try:
                return dt.date.fromisoformat(text).isoformat()
            except ValueError:
                raise forms.ValidationError(
                    _("“%(label)s” harus berupa tanggal, misalnya 2026-11-22.") % label
                ) from None
        if f.type is FieldType.DATETIME:
            try:
                return dt.datetime.fromisoformat(text).strftime("%Y-%m-%dT%H:%M")
            except ValueError:
                raise forms.ValidationError(
                    _("“%(label)s” harus berupa tanggal dan jam, misalnya 2026-11-22 09:30.")
                    % label
                ) from None
        if f.type is FieldType.CHOICE and text not in f.choices:
            raise forms.ValidationError(
                _("Pilih salah satu pilihan “%(label)s”.") % label,
            )
        if f.type is FieldType.LIST:
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            return lines or None
        return text

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
        if raw.get("address"):
            place["address"] = raw["address"]
        return place


def _number(text: str, f: RecordField) -> int | float:
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
