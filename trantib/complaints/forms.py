"""The forms of the complaint pages: the public report, the counter/phone form, the list filters.

The forms only read the browser's strings; ``services.complaint_file`` is the authority on what
a complaint may hold, and its errors (``Invalid`` naming a parameter) are put beside the input
of the same name (``add_error``).
"""

from __future__ import annotations

from typing import IO, Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trantib.cases.models import CaseStatus

from .models import Channel
from .selectors import categories_active

# At most this many photos in one report: enough to show the place, too few to flood storage.
PHOTOS_MAX = 5

# Service error fields that have no input of their own on the form, and the input they go to.
FIELD_ALIASES = {"file": "photos", "uploads": "photos", "attachments": "photos"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos from one ``<input type=file multiple>``: a list, maybe empty."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > PHOTOS_MAX:
            raise forms.ValidationError(
                _("Paling banyak %(n)s foto.") % {"n": PHOTOS_MAX}, code="too_many"
            )
        return [super(PhotosField, self).clean(f, initial) for f in files]


class ComplaintForm(forms.Form):
    """What the reporter tells: the kind, what happened, where, and who (unless anonymous)."""

    category = forms.ModelChoiceField(
        label=gettext_lazy("Jenis pengaduan"),
        queryset=categories_active(),
        empty_label=gettext_lazy("— pilih —"),
        error_messages={"required": gettext_lazy("Pilih jenis pengaduan.")},
    )
    # Required here too so that a form missing both the category and the description names
    # both at once; the service still checks length and content.
    description = forms.CharField(
        label=gettext_lazy("Uraian pengaduan"),
        strip=False,
        widget=forms.Textarea,
        error_messages={"required": gettext_lazy("Uraian pengaduan wajib diisi.")},
    )
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)
    address = forms.CharField(label=gettext_lazy("Alamat atau patokan"), required=False)
    kelurahan = forms.CharField(label=gettext_lazy("Kelurahan/desa"), required=False)
    reporter_name = forms.CharField(label=gettext_lazy("Nama"), required=False)
    reporter_phone = forms.CharField(label=gettext_lazy("Nomor HP"), required=False)
    reporter_email = forms.CharField(label=gettext_lazy("E-mail"), required=False)
    anonymous = forms.BooleanField(
        label=gettext_lazy("Kirim tanpa identitas (anonim)"), required=False
    )
    confidential = forms.BooleanField(
        label=gettext_lazy("Rahasiakan identitas saya"), required=False
    )
    photos = PhotosField(label=gettext_lazy("Foto"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A fresh query per form: a category switched off a minute ago is gone from the list.
        self.fields["category"].queryset = categories_active()  # type: ignore[attr-defined]
        self.fields["category"].label_from_instance = lambda c: c.name  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of ``complaint_file`` (after ``is_valid()``)."""
        data = self.cleaned_data
        return {
            "category": data["category"],
            "description": data.get("description", ""),
            "latitude": data.get("latitude") or None,
            "longitude": data.get("longitude") or None,
            "address": data.get("address", ""),
            "kelurahan": data.get("kelurahan", ""),
            "reporter_name": data.get("reporter_name", ""),
            "reporter_phone": data.get("reporter_phone", ""),
            "reporter_email": data.get("reporter_email", ""),
            "anonymous": bool(data.get("anonymous")),
            "confidential": bool(data.get("confidential")),
            "photos": [(f.name or "foto", cast(IO[bytes], f)) for f in data.get("photos") or []],
        }

    def add_service_error(self, field: str, message: str) -> None:
        name = FIELD_ALIASES.get(field.split(".")[0], field)
        self.add_error(name if name in self.fields else None, message)


class StaffComplaintForm(ComplaintForm):
    """The counter or phone form: the officer says how the complaint came in."""

    channel = forms.ChoiceField(
        label=gettext_lazy("Diterima lewat"),
        choices=[(Channel.COUNTER, Channel.COUNTER.label), (Channel.PHONE, Channel.PHONE.label)],
        initial=Channel.COUNTER,
        widget=forms.RadioSelect,
    )


class TrackForm(forms.Form):
    tracking = forms.CharField(label=gettext_lazy("Nomor pelacakan"), max_length=20)


class ComplaintFilterForm(forms.Form):
    """The filters of the staff list (GET: every filter is part of the address)."""

    q = forms.CharField(label=gettext_lazy("Cari nomor, uraian atau tempat"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Semua")), *CaseStatus.choices],
    )
    category = forms.ChoiceField(label=gettext_lazy("Jenis"), required=False)

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", gettext_lazy("Semua jenis")),
            *categories,
        ]

    def filters(self) -> dict[str, str]:
        """Keyword arguments for ``complaint_list_for_user``; invalid filters are left out."""
        self.is_valid()
        good = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return {
            "query": (good.get("q") or "").strip(),
            "status": good.get("status") or "",
            "category": good.get("category") or "",
        }
