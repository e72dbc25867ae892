"""The Polmas forms: a programme rule, an activity's record, a resident's issue."""

from __future__ import annotations

from typing import IO, Any, cast

from django import forms
from django.utils.translation import gettext_lazy

from trantib.complaints import selectors as complaint_selectors
from trantib.core.dateinput import datetime_parse

from .models import WEEKDAYS, Pos


class ServiceErrors:
    """Put a service's error beside the input it names (or above the form)."""

    def add_service_error(self, field: str, message: str) -> None:
        form = cast(forms.Form, self)
        name = field.split(".")[0]
        form.add_error(name if name in form.fields else None, message)


class RuleForm(ServiceErrors, forms.Form):
    officer = forms.TypedChoiceField(label=gettext_lazy("Bhabinkamtibmas"), coerce=int)
    desa = forms.CharField(label=gettext_lazy("Desa/kelurahan"), max_length=100)
    pos = forms.ChoiceField(label=gettext_lazy("Kegiatan"), choices=Pos.choices)
    days = forms.MultipleChoiceField(
        label=gettext_lazy("Hari (kosongkan untuk setiap hari)"),
        choices=[(str(i), d) for i, d in enumerate(WEEKDAYS)],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    starts_at = forms.TimeField(
        label=gettext_lazy("Jam mulai"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label=gettext_lazy("Tempat"), max_length=200)
    active = forms.BooleanField(label=gettext_lazy("Aktif"), required=False, initial=True)

    def __init__(self, *args: Any, officers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["officer"])
        field.choices = [(p.pk, p.full_name) for p in officers]


class PhotosInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input (the camera, or a few picked from the gallery)."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(d, initial) for d in data]
        return [one(data, initial)] if data else []


class RecordForm(ServiceErrors, forms.Form):
    held_at = forms.CharField(
        label=gettext_lazy("Waktu pelaksanaan"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    held_place = forms.CharField(label=gettext_lazy("Tempat pelaksanaan"), max_length=200)
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)
    attendance = forms.IntegerField(label=gettext_lazy("Jumlah hadir"), min_value=0)
    attendees = forms.CharField(
        label=gettext_lazy("Yang hadir (tokoh masyarakat, warga …; satu per baris)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    topics = forms.CharField(
        label=gettext_lazy("Topik yang dibahas (satu per baris)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    kelengkapan = forms.MultipleChoiceField(
        label=gettext_lazy("Kelengkapan"), widget=forms.CheckboxSelectMultiple, required=False
    )
    peralatan = forms.MultipleChoiceField(
        label=gettext_lazy("Peralatan / perlengkapan"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    warnings_kept = forms.BooleanField(required=False)
    photos = PhotosField(
        label=gettext_lazy("Foto kegiatan"),
        required=False,
        widget=PhotosInput(attrs={"accept": "image/*", "capture": "environment", "multiple": True}),
    )
    notes = forms.CharField(
        label=gettext_lazy("Catatan"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(
        self, *args: Any, kelengkapan: list[str], peralatan: list[str], zone: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        cast(forms.MultipleChoiceField, self.fields["kelengkapan"]).choices = [
            (k, k) for k in kelengkapan
        ]
        cast(forms.MultipleChoiceField, self.fields["peralatan"]).choices = [
            (k, k) for k in peralatan
        ]

    def clean_held_at(self) -> Any:
        text = self.cleaned_data["held_at"]
        try:
            value = datetime_parse(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.zone)
        return value

    def service_kwargs(self, files: Any) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "held_at": data["held_at"],
            "held_place": data["held_place"],
            "latitude": data.get("latitude") or None,
            "longitude": data.get("longitude") or None,
            "attendance": data["attendance"],
            "attendees": data.get("attendees") or "",
            "topics": data["topics"],
            "kelengkapan": data.get("kelengkapan") or [],
            "peralatan": data.get("peralatan") or [],
            "warnings_kept": bool(data.get("warnings_kept")),
            "notes": data.get("notes") or "",
            "photos": [(f.name or "foto", cast(IO[bytes], f)) for f in files.getlist("photos")],
        }


class IssueForm(ServiceErrors, forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Permasalahan yang disampaikan warga"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    desa = forms.CharField(label=gettext_lazy("Desa/kelurahan"), max_length=100, required=False)
    place = forms.CharField(label=gettext_lazy("Tempat"), max_length=300, required=False)
    resident_name = forms.CharField(
        label=gettext_lazy("Nama warga (boleh kosong)"), max_length=120, required=False
    )
    resident_contact = forms.CharField(
        label=gettext_lazy("Nomor HP warga (boleh kosong)"), max_length=30, required=False
    )
    category = forms.TypedChoiceField(
        label=gettext_lazy("Teruskan sebagai pengaduan"),
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = complaint_selectors.categories_active()
        self.categories = {c.pk: c for c in categories}
        cast(forms.TypedChoiceField, self.fields["category"]).choices = [
            ("", gettext_lazy("Tidak, hanya dicatat")),
            *[(c.pk, f"{c.name} ({c.unit.code})") for c in categories],
        ]
