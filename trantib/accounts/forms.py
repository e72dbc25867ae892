"""The login forms (a password, then perhaps a code) and the second factor's code."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


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
