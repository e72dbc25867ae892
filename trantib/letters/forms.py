"""The forms of the letter pages: the register's filters, the draft editor (the header and the
kind's own fields, drawn from :mod:`trantib.letters.kinds`), a new letter, the tanda terima,
and the unit's settings and registers.

A form only reads the browser's strings into what the services take; the services stay the
authority, and their errors are shown beside the input they name (``field``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trantib.core.text import CONTROL

from .kinds import KINDS, FieldKind, LetterKind
from .models import Delivery, Font, Letter, LetterState, Paper, SignMode
from .services import SIFAT
from .wording import FROM_FIELDS

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]

# -- the register ----------------------------------------------------------------------------


class RegisterFilterForm(forms.Form):
    """The register's filters (a GET form: every filter is part of the address)."""

    q = forms.CharField(label=gettext_lazy("Cari nomor atau hal"), required=False, max_length=120)
    jenis = forms.ChoiceField(label=gettext_lazy("Jenis"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Semua")), *LetterState.choices],
    )
    penanda = forms.ChoiceField(label=gettext_lazy("Penanda tangan"), required=False)
    dari = forms.DateField(
        label=gettext_lazy("Tanggal dari"), required=False, input_formats=DATE_FORMATS
    )
    sampai = forms.DateField(
        label=gettext_lazy("sampai"), required=False, input_formats=DATE_FORMATS
    )
    # Set by links from elsewhere (a report's figure): a unit and what is below it, and the SOP
    # of the letter's case; kept as hidden fields while the other filters change.
    unit = forms.CharField(label=gettext_lazy("Unit"), required=False, max_length=20)
    sop = forms.CharField(label=gettext_lazy("SOP"), required=False, max_length=120)

    def __init__(self, *args: Any, signers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [(k.code, k.name) for k in KINDS.values()]
        self.fields["jenis"].choices = [("", _("Semua jenis")), *kinds]  # type: ignore[attr-defined]
        self.fields["penanda"].choices = [  # type: ignore[attr-defined]
            ("", _("Semua")),
            *((name, name) for name in signers),
        ]

    def good(self) -> dict[str, Any]:
        """The filters that were understood; a malformed one is left out (and shown)."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for ``letter_list_for_user``."""
        good = self.good()
        return {
            "query": (good.get("q") or "").strip(),
            "kind": good.get("jenis") or "",
            "state": good.get("status") or "",
            "signer": good.get("penanda") or "",
            "since": good.get("dari"),
            "until": good.get("sampai"),
            "unit": CONTROL.sub("", good.get("unit") or "").strip(),
            "sop": CONTROL.sub("", good.get("sop") or "").strip(),
        }

    def period_text(self) -> str:
        from trantib.core.dates import date_id

        good = self.good()
        since, until = good.get("dari"), good.get("sampai")
        if since and until:
            return _("%(a)s s.d. %(b)s") % {"a": date_id(since), "b": date_id(until)}
        if since:
            return _("sejak %(a)s") % {"a": date_id(since)}
        if until:
            return _("sampai %(b)s") % {"b": date_id(until)}
        return _("semua tanggal")


# -- the draft editor -----------------------------------------------------------------------


SHORT_KINDS = frozenset({"text", "email", "date", "number", "choice"})


@dataclass
class EditorField:
    """One input of the draft editor: a header field or one of the kind's fields."""

    name: str  # the service's name: "hal", "data.pelanggar_nama"
    label: str
    kind: str  # text, longtext, list, date, number, choice, members, email, body
    value: Any = ""
    required: bool = False
    help: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    error: str = ""

    @property
    def id(self) -> str:
        return "f-" + self.name.replace(".", "-").replace("_", "-")

    @property
    def short(self) -> bool:
        """One line that fits half the editor's width (shown two by two)."""
        return self.kind in SHORT_KINDS and self.name not in ("hal", "data.perda")

    @property
    def is_data(self) -> bool:
        return self.name.startswith("data.")


def header_fields(kind: LetterKind) -> list[tuple[str, str, str, bool, str]]:
    """(name, label, input kind, required, help) of the header the kind's shape prints."""
    rows: list[tuple[str, str, str, bool, str]] = [
        ("hal", _("Hal / perihal"), "text", True, ""),
    ]
    if kind.addressed:
        rows += [
            ("sifat", _("Sifat"), "choice", True, ""),
            ("lampiran", _("Lampiran"), "text", False, _("Mis. 1 (satu) berkas, atau -")),
            ("recipient", _("Kepada Yth."), "longtext", True, _("Nama dan jabatan penerima")),
            ("recipient_address", _("Alamat tujuan"), "longtext", False, ""),
            (
                "recipient_email",
                _("E-mail tujuan"),
                "email",
                False,
                _("Bila diisi, surat yang sudah ditandatangani dapat dikirim lewat e-mail."),
            ),
        ]
    return rows


def editor_fields(
    letter: Letter,
    members: list[tuple[int, str]],
    post: Mapping[str, Any] | None = None,
) -> list[EditorField]:
    """The editor's inputs for ``letter``, with the values posted (``post``) or stored."""
    kind = letter.kind_spec
    fields: list[EditorField] = []
    value: Any
    for name, label, input_kind, required, help_text in header_fields(kind):
        value = getattr(letter, name) if post is None else post.get(name, "")
        choices = [(s, s) for s in SIFAT] if name == "sifat" else []
        fields.append(EditorField(name, label, input_kind, value, required, help_text, choices))
    for f in kind.fields:
        stored = letter.data.get(f.name)
        choices = list(f.choices)
        if f.kind is FieldKind.MEMBERS:
            value = _members_value(post, f.name) if post is not None else (stored or [])
            known = {pk for pk, _label in members}
            choices = [(str(pk), label) for pk, label in members]
            choices += [
                (str(pk), _("Pegawai #%(id)s") % {"id": pk}) for pk in value if pk not in known
            ]
            value = [str(v) for v in value]
        elif post is not None:
            value = post.get(f"data.{f.name}", "")
        elif f.kind is FieldKind.LIST:
            value = "\n".join(stored or [])
        else:
            value = "" if stored is None else str(stored)
        fields.append(
            EditorField(f"data.{f.name}", f.label, f.kind.value, value, f.required, f.help, choices)
        )
    body = letter.body if post is None else post.get("body", "")
    tembusan = letter.tembusan if post is None else post.get("tembusan", "")
    coordination = coordination_text(letter) if post is None else post.get("coordination", "")
    fields.append(EditorField("body", _("Isi surat"), "body", body, False, _body_help(kind)))
    fields.append(
        EditorField(
            "tembusan", _("Tembusan"), "list", tembusan, False, _("Satu penerima per baris")
        )
    )
    fields.append(
        EditorField(
            "coordination",
            _("Paraf koordinasi"),
            "list",
            coordination,
            False,
            str(COORDINATION_HELP),
        )
    )
    return fields


COORDINATION_HELP = gettext_lazy(
    "Jabatan pejabat unit lain yang ikut memaraf, satu per baris. Surat memuat tabel "
    "No | Jabatan | Paraf | Tanggal yang diparaf dengan tangan pada salinan arsip."
)


def coordination_text(letter: Letter) -> str:
    return "\n".join(
        str(c.get("jabatan", "")) for c in letter.coordination or [] if isinstance(c, dict)
    )


def _body_help(kind: LetterKind) -> str:
    lead = _(
        "Dicetak persis seperti tertulis di sini. Pisahkan paragraf dengan baris kosong; "
        "baris yang diawali 1. atau a. dicetak sebagai daftar."
    )
    if kind.code in FROM_FIELDS:
        return (
            lead
            + " "
            + _(
                "Kalimat baku disusun dari isian saat konsep dibuat; setelah isian diubah, "
                "sesuaikan sendiri atau pakai “Susun ulang isi dari isian”."
            )
        )
    return lead


def _members_value(post: Mapping[str, Any], name: str) -> list[int]:
    getlist = getattr(post, "getlist", None)
    raw = getlist(f"data.{name}") if getlist else post.get(f"data.{name}", [])
    return [int(v) for v in raw if str(v).isascii() and str(v).isdigit() and len(str(v)) < 18]


def editor_changes(letter: Letter, post: Mapping[str, Any]) -> dict[str, Any]:
    """What the editor posted, as ``letter_edit(changes=…)`` takes it."""
    kind = letter.kind_spec
    changes: dict[str, Any] = {
        name: str(post.get(name, "")) for name, *_rest in header_fields(kind)
    }
    changes["body"] = str(post.get("body", "")).replace("\r\n", "\n")
    changes["tembusan"] = str(post.get("tembusan", "")).replace("\r\n", "\n")
    changes["coordination"] = str(post.get("coordination", "")).replace("\r\n", "\n")
    data: dict[str, Any] = {}
    for f in kind.fields:
        if f.kind is FieldKind.MEMBERS:
            data[f.name] = _members_value(post, f.name)
        else:
            data[f.name] = str(post.get(f"data.{f.name}", "")).replace("\r\n", "\n").strip()
    changes["data"] = data
    return changes


# -- a new letter ------------------------------------------------------------------------------


class NewLetterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Jenis naskah"))
    unit = forms.ChoiceField(label=gettext_lazy("Unit"))
    hal = forms.CharField(label=gettext_lazy("Hal / perihal"), max_length=300)
    signer_role = forms.ChoiceField(label=gettext_lazy("Ditandatangani oleh (jabatan)"))
    paraf_1 = forms.ChoiceField(label=gettext_lazy("Paraf 1"), required=False)
    paraf_2 = forms.ChoiceField(label=gettext_lazy("Paraf 2"), required=False)
    paraf_3 = forms.ChoiceField(label=gettext_lazy("Paraf 3"), required=False)
    coordination = forms.CharField(
        label=gettext_lazy("Paraf koordinasi (boleh kosong)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=COORDINATION_HELP,
    )

    def __init__(
        self,
        *args: Any,
        units: list[tuple[str, str]],
        positions: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.code, k.name) for k in KINDS.values()]  # type: ignore[attr-defined]
        self.fields["unit"].choices = units  # type: ignore[attr-defined]
        self.fields["signer_role"].choices = positions  # type: ignore[attr-defined]
        for name in ("paraf_1", "paraf_2", "paraf_3"):
            self.fields[name].choices = [("", _("— tidak ada —")), *positions]  # type: ignore[attr-defined]

    def paraf_roles(self) -> list[str]:
        roles = [self.cleaned_data.get(f"paraf_{i}") or "" for i in (1, 2, 3)]
        return list(dict.fromkeys(r for r in roles if r))

    def coordination_lines(self) -> list[str]:
        text = self.cleaned_data.get("coordination") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


# -- signing and delivery ------------------------------------------------------------------------


class DeliveryForm(forms.Form):
    """The tanda terima: who received the letter, on which day at what time, where."""

    received_by = forms.CharField(label=gettext_lazy("Diterima oleh"), max_length=200)
    tanggal = forms.DateField(label=gettext_lazy("Tanggal"), input_formats=DATE_FORMATS)
    jam = forms.TimeField(label=gettext_lazy("Jam"), input_formats=["%H:%M", "%H.%M", "%H:%M:%S"])
    place = forms.CharField(label=gettext_lazy("Tempat"), max_length=300, required=False)
    method = forms.ChoiceField(
        label=gettext_lazy("Cara penyerahan"),
        choices=Delivery.Method.choices,
        initial=Delivery.Method.HAND,
    )
    photo = forms.FileField(label=gettext_lazy("Foto tanda terima"), required=False)

    def received_at(self, zone: dt.tzinfo) -> dt.datetime:
        day, time = self.cleaned_data["tanggal"], self.cleaned_data["jam"]
        return dt.datetime.combine(day, time.replace(second=0), tzinfo=zone)


# -- the unit's settings and registers ---------------------------------------------------------


class SettingsForm(forms.Form):
    kop_lines = forms.CharField(
        label=gettext_lazy("Baris kop"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Satu baris per baris, dari atas: PEMERINTAH …, nama unit. Kosong: kop unit."
        ),
    )
    address_lines = forms.CharField(
        label=gettext_lazy("Baris alamat"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Mis. Jalan … Kode Pos …; Telepon …; Laman … Pos-el …"),
    )
    place = forms.CharField(
        label=gettext_lazy("Tempat penandatanganan"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Ditulis sebelum tanggal surat, mis. Tangerang"),
    )
    font = forms.ChoiceField(label=gettext_lazy("Huruf"), choices=Font.choices)
    font_size = forms.IntegerField(
        label=gettext_lazy("Ukuran huruf (pt)"), min_value=8, max_value=16
    )
    paper = forms.ChoiceField(label=gettext_lazy("Kertas"), choices=Paper.choices)
    margin_top = forms.IntegerField(label=gettext_lazy("Atas"), min_value=0, max_value=60)
    margin_right = forms.IntegerField(label=gettext_lazy("Kanan"), min_value=0, max_value=60)
    margin_bottom = forms.IntegerField(label=gettext_lazy("Bawah"), min_value=0, max_value=60)
    margin_left = forms.IntegerField(label=gettext_lazy("Kiri"), min_value=0, max_value=60)
    sign_mode = forms.ChoiceField(
        label=gettext_lazy("Cara penandatanganan"),
        choices=SignMode.choices,
        widget=forms.RadioSelect,
    )
    logo = forms.FileField(
        label=gettext_lazy("Logo (lambang daerah)"),
        required=False,
        help_text=gettext_lazy("PNG atau JPEG, paling besar 1 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    logo_remove = forms.BooleanField(label=gettext_lazy("Hapus logo"), required=False)

    MARGINS = ("margin_top", "margin_right", "margin_bottom", "margin_left")

    def margin_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MARGINS]


class RegisterForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nama register"), max_length=120)
    kind = forms.ChoiceField(label=gettext_lazy("Jenis naskah"), required=False)
    klasifikasi = forms.CharField(
        label=gettext_lazy("Kode klasifikasi"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("Mis. 300.1.2. Kosong: kode bawaan jenis naskah."),
    )
    unit_code = forms.CharField(label=gettext_lazy("Kode unit di nomor"), max_length=40)
    pattern = forms.CharField(
        label=gettext_lazy("Pola nomor"),
        max_length=120,
        help_text=gettext_lazy("Token: {klasifikasi} {urut} {unit} {bulan_romawi} {bulan} {tahun}"),
    )
    serial_digits = forms.IntegerField(
        label=gettext_lazy("Digit nomor urut"), min_value=1, max_value=6, initial=4
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            ("", _("Umum (semua jenis tanpa register sendiri)")),
            *((k.code, k.name) for k in KINDS.values()),
        ]
