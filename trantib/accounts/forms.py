"""The login forms (a password, then perhaps a code) and the second factor's code; the unit
page's forms (a position, a holder and their period, a new person with a login)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import ActingStatus, OrgUnit, Person, Position
from .selectors import person_find


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Nama pengguna"), max_length=150)
    password = forms.CharField(label=_("Kata sandi"), max_length=256, strip=False)


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Kode verifikasi"),
        regex=r"^\s*[0-9]{3}\s?[0-9]{3}\s*$",
        error_messages={"invalid": _("Kode terdiri atas 6 angka dari aplikasi autentikator.")},
    )

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).replace(" ", "").strip()


# -- the unit page ------------------------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PositionForm(forms.ModelForm):  # type: ignore[type-arg]
    """A new position of the unit: its SOP role code, its name, whether it supervises."""

    class Meta:
        model = Position
        fields = ["code", "name", "supervises"]


class PositionEditForm(forms.ModelForm):  # type: ignore[type-arg]
    """A position's name and whether it supervises; its code (the SOP role id) stays."""

    class Meta:
        model = Position
        fields = ["name", "supervises"]


class PeriodForm(forms.Form):
    """Status and period of an assignment (definitive or Plt./Plh.)."""

    acting = forms.ChoiceField(
        label=_("Status"), choices=ActingStatus.choices, required=False, initial=""
    )
    valid_from = forms.DateField(label=_("Mulai"), widget=DateInput())
    valid_until = forms.DateField(
        label=_("Sampai"),
        widget=DateInput(),
        required=False,
        help_text=_("Kosongkan bila tidak ditentukan; tanggal ini masih termasuk."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error(
                "valid_until", _("Tanggal 'sampai' tidak boleh sebelum tanggal 'mulai'.")
            )
        return data


class HolderForm(PeriodForm):
    """Who will hold the position: a person of this unit, or anyone found by NIP/NRP/login."""

    person = forms.ModelChoiceField(
        label=_("Pegawai"), queryset=Person.objects.none(), required=False
    )
    identity = forms.CharField(
        label=_("atau NIP, NRP atau login"),
        required=False,
        max_length=40,
        help_text=_("NIP boleh diketik seperti tercetak, mis. 19760214 199903 1 004."),
    )
    field_order = ["person", "identity", "acting", "valid_from", "valid_until"]

    def __init__(
        self,
        *args: Any,
        people: QuerySet[Person],
        choices: list[tuple[Any, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        if choices is not None:
            # The same list for every position's form on the page: read once, not per form.
            self.fields["person"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        person, identity = data.get("person"), (data.get("identity") or "").strip()
        if person is None and not identity:
            self.add_error("person", _("Pilih pegawai atau isi NIP, NRP atau login-nya."))
        elif person is None:
            found = person_find(identity)
            if found is None:
                self.add_error(
                    "identity",
                    _("Tidak ada pegawai dengan NIP, NRP atau login %(value)s.")
                    % {"value": identity},
                )
            data["person"] = found
        return data


class PersonRegisterForm(forms.ModelForm):  # type: ignore[type-arg]
    """A person and, in the same form, their login and the position they take up."""

    username = forms.CharField(
        label=_("Nama login"),
        max_length=150,
        required=False,
        help_text=_("Kosongkan bila pegawai ini tidak masuk ke Trantib."),
    )
    password = forms.CharField(
        label=_("Kata sandi awal"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
    )
    position = forms.ModelChoiceField(
        label=_("Jabatan"), queryset=Position.objects.none(), required=False
    )
    acting = forms.ChoiceField(
        label=_("Status"), choices=ActingStatus.choices, required=False, initial=""
    )
    valid_from = forms.DateField(label=_("Mulai"), widget=DateInput(), required=False)
    valid_until = forms.DateField(label=_("Sampai"), widget=DateInput(), required=False)

    class Meta:
        model = Person
        fields = ["full_name", "kind", "nip", "nrp", "pangkat", "phone", "email"]

    def __init__(self, *args: Any, unit: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        positions = Position.objects.filter(unit=unit).select_related("unit")
        self.fields["position"].queryset = positions  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("position") and not data.get("valid_from"):
            self.add_error("valid_from", _("Isi tanggal mulai memegang jabatan."))
        if data.get("username") and not data.get("password"):
            self.add_error("password", _("Isi kata sandi untuk akun login baru."))
        return data
