"""The forms of the incoming-letter pages: the agenda's filters, recording a letter, the lembar
disposisi with the first step of the SOP it may open, and reporting a disposition done.

Forms only read what was typed; the rules (who, which dates, which files) are the services'.
Dates are read by :mod:`trantib.core.dateinput`, which refuses what it cannot read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trantib.core.dateinput import date_parse
from trantib.core.text import has_control_characters
from trantib.engine.spec import FieldType, SOPSpec, Step

from .services.incoming import DISPOSITION_SIFAT
from .uploads import FILE_MAX


class DateField(forms.CharField):
    """A day typed the Indonesian way or picked (2026-12-03), read by ``date_parse``."""

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return date_parse(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class IncomingFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Cari"), required=False, max_length=200, strip=True)
    dari = DateField(label=gettext_lazy("Diterima dari"), required=False)
    sampai = DateField(label=gettext_lazy("sampai"), required=False)

    def filters(self) -> dict[str, Any]:
        """The valid filters as the selector takes them; a filter that cannot be read is left
        out (its error is shown beside it)."""
        data = self.cleaned_data if self.is_valid() else {}
        query = "".join(
            ch for ch in data.get("q") or "" if not has_control_characters(ch, unstorable_only=True)
        )
        return {"query": query, "since": data.get("dari"), "until": data.get("sampai")}


class IncomingForm(forms.Form):
    unit = forms.ChoiceField(label=gettext_lazy("Unit"))
    received_on = DateField(label=gettext_lazy("Tanggal terima"))
    sender = forms.CharField(label=gettext_lazy("Asal surat"), max_length=300)
    number = forms.CharField(label=gettext_lazy("Nomor surat"), max_length=120)
    dated = DateField(label=gettext_lazy("Tanggal surat"))
    subject = forms.CharField(label=gettext_lazy("Perihal"), max_length=500)
    note = forms.CharField(
        label=gettext_lazy("Keterangan"), required=False, max_length=2000, widget=forms.Textarea
    )
    scan = forms.FileField(label=gettext_lazy("Pindaian surat"), required=False)

    def __init__(self, *args: Any, units: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units  # type: ignore[attr-defined]

    def clean_scan(self) -> Any:
        upload = self.cleaned_data.get("scan")
        if upload is not None and upload.size > FILE_MAX:
            raise forms.ValidationError(
                _("Berkas %(f)s terlalu besar (%(mb).1f MB): paling besar 10 MB.")
                % {"f": upload.name, "mb": upload.size / 1024 / 1024}
            )
        return upload


class DispositionForm(forms.Form):
    to_role = forms.ChoiceField(label=gettext_lazy("Diteruskan kepada"))
    to_person = forms.ChoiceField(label=gettext_lazy("Nama (bila satu orang)"), required=False)
    instruction = forms.CharField(
        label=gettext_lazy("Isi disposisi"), max_length=2000, widget=forms.Textarea
    )
    sifat = forms.ChoiceField(
        label=gettext_lazy("Sifat"), choices=[(s, s) for s in DISPOSITION_SIFAT]
    )
    due_on = DateField(label=gettext_lazy("Batas waktu"), required=False)
    open_sop = forms.ChoiceField(label=gettext_lazy("Buka kasus SOP"), required=False)

    def __init__(
        self,
        *args: Any,
        roles: list[tuple[str, str]],
        people: list[tuple[str, str]],
        sops: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_role"].choices = roles  # type: ignore[attr-defined]
        self.fields["to_person"].choices = [("", _("— siapa pun pemegang jabatan —")), *people]  # type: ignore[attr-defined]
        self.fields["open_sop"].choices = [("", _("— tidak membuka kasus —")), *sops]  # type: ignore[attr-defined]


class DispositionDoneForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Tindak lanjut"), max_length=2000)


# -- the first step of the SOP a disposition opens -----------------------------------------

# Field types the disposition form can take in plain inputs. A location or a person is typed
# as text (an address, a name), as the engine accepts it; files and the unit's members are
# not asked here, so an SOP whose first step requires them is not offered.
_PLAIN = {
    FieldType.TEXT: "text",
    FieldType.LONGTEXT: "textarea",
    FieldType.LIST: "textarea",
    FieldType.NUMBER: "number",
    FieldType.DATE: "date",
    FieldType.DATETIME: "datetime-local",
    FieldType.CHOICE: "select",
    FieldType.BOOLEAN: "checkbox",
    FieldType.LOCATION: "text",
    FieldType.PERSON: "text",
}
PREFIX = "kasus-"


def step_offered(step: Step) -> bool:
    """Whether the disposition form can do ``step``: no required field it cannot ask."""
    return all(f.type in _PLAIN or not f.required for f in step.records)


@dataclass
class CaseField:
    name: str
    label: str
    input: str
    required: bool
    help: str = ""
    choices: tuple[str, ...] = ()
    value: Any = ""
    error: str = ""

    @property
    def html_name(self) -> str:
        return PREFIX + self.name

    @property
    def id(self) -> str:
        return "id_" + PREFIX + self.name


@dataclass
class CaseFields:
    """The chosen SOP's first step as inputs, and what was typed in them (as the engine takes
    it: numbers as numbers, a checkbox as true/false, a list one item per line)."""

    spec: SOPSpec
    step: Step
    key: str = ""  # the value of the SOP select that chose it
    fields: list[CaseField] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, key: str, spec: SOPSpec, step: Step, post: Any = None) -> CaseFields:
        out = cls(spec=spec, step=step, key=key)
        for f in step.records:
            if f.type not in _PLAIN:
                continue
            box = CaseField(
                name=f.name,
                label=f.label,
                input=_PLAIN[f.type],
                required=f.required,
                help=f.help,
                choices=tuple(f.choices),
            )
            if post is not None:
                box.value = post.get(box.html_name, "")
                out._read(box, f.type)
            out.fields.append(box)
        return out

    def _read(self, box: CaseField, kind: FieldType) -> None:
        raw = box.value.strip() if isinstance(box.value, str) else box.value
        if kind is FieldType.BOOLEAN:
            self.data[box.name] = raw in ("on", "1", "true")
            return
        if raw in ("", None):
            return
        if kind is FieldType.NUMBER:
            try:
                number = float(str(raw).replace(",", "."))
            except ValueError:
                box.error = _("Harus berupa angka.")
                return
            self.data[box.name] = int(number) if number.is_integer() else number
            return
        self.data[box.name] = raw

    def add_error(self, name: str, message: str) -> bool:
        for box in self.fields:
            if box.name == name:
                box.error = message
                return True
        return False

    @property
    def has_errors(self) -> bool:
        return any(box.error for box in self.fields)
