"""What a draft holds, checked before it is stored: the header texts, the addressee's e-mail,
the signer and the paraf chain, the paraf koordinasi, and the kind's own fields (typed, each
within its limit, the team members being officers of the letter's unit or of a unit below it).

Each check raises :class:`Invalid` naming the field (``hal``, ``paraf_roles``,
``data.pelanggar_nama``), so the editor puts the message beside its input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trantib.accounts.models import Assignment, OrgUnit, Person, Position
from trantib.core.errors import Invalid

from ..kinds import FieldKind, LetterKind
from ..models import CONFIDENTIAL, SIFAT, Letter, Review

__all__ = ["CONFIDENTIAL", "SIFAT"]
from .texts import (
    ADDRESS_MAX,
    BODY_MAX,
    ITEM_MAX,
    ITEMS_MAX,
    LINE_MAX,
    LONGTEXT_MAX,
    TEMBUSAN_MAX,
    column_limit,
    text_clean,
)

MAX_HIERARCHY = 3  # Permendagri: at most three paraf hierarki

# The header fields a drafter writes: (label, limit, one line).
HEADER: dict[str, tuple[Any, int, bool]] = {
    "hal": (gettext_lazy("Hal"), column_limit(Letter, "hal"), True),
    "sifat": (gettext_lazy("Sifat"), column_limit(Letter, "sifat"), True),
    "lampiran": (gettext_lazy("Lampiran"), column_limit(Letter, "lampiran"), True),
    "recipient": (gettext_lazy("Tujuan surat (Yth.)"), ADDRESS_MAX, False),
    "recipient_address": (gettext_lazy("Alamat tujuan"), ADDRESS_MAX, False),
    "recipient_email": (
        gettext_lazy("E-mail tujuan"),
        column_limit(Letter, "recipient_email"),
        True,
    ),
    "body": (gettext_lazy("Isi surat"), BODY_MAX, False),
    "tembusan": (gettext_lazy("Tembusan"), TEMBUSAN_MAX, False),
}


def header_clean(name: str, value: Any) -> str:
    """One header field as it is stored (``body`` keeps its inner text as typed)."""
    label, limit, one_line = HEADER[name]
    text = text_clean(
        value,
        field=name,
        label=str(label),
        limit=limit,
        one_line=one_line,
        strip=name != "body",
    )
    if name == "hal" and not text:
        raise Invalid(_("Hal/perihal wajib diisi."), field="hal")
    if name == "sifat" and text not in SIFAT:
        raise Invalid(
            _("Sifat: pilih salah satu dari %(s)s.") % {"s": ", ".join(SIFAT)}, field="sifat"
        )
    if name == "recipient_email" and text:
        try:
            validate_email(text)
        except ValidationError:
            raise Invalid(
                _("E-mail tujuan %(e)s bukan alamat e-mail yang sah.") % {"e": text[:80]},
                field="recipient_email",
            ) from None
    return text


# -- who signs and who initials ----------------------------------------------------------------


def roles_clean(unit: OrgUnit, signer_role: Any, paraf_roles: Any) -> list[str]:
    """The paraf chain as a list of the unit's position codes: at most three, each once, and
    not the signer's own position (the signer signs, he does not initial his own letter)."""
    if not isinstance(signer_role, str) or not signer_role:
        raise Invalid(_("Pilih jabatan penanda tangan."), field="signer_role")
    if paraf_roles is None:
        paraf_roles = []
    if not isinstance(paraf_roles, list | tuple) or not all(
        isinstance(r, str) for r in paraf_roles
    ):
        raise Invalid(_("Paraf hierarki: daftar kode jabatan."), field="paraf_roles")
    paraf = [r.strip() for r in paraf_roles if r.strip()]
    if len(paraf) > MAX_HIERARCHY:
        raise Invalid(_("Paraf hierarki paling banyak tiga pejabat."), field="paraf_roles")
    if len(set(paraf)) != len(paraf):
        raise Invalid(_("Satu jabatan hanya sekali dalam paraf hierarki."), field="paraf_roles")
    if signer_role in paraf:
        raise Invalid(
            _("Penanda tangan tidak memaraf suratnya sendiri: hapus jabatannya dari paraf."),
            field="paraf_roles",
        )
    roles_check(unit, [signer_role], "signer_role")
    roles_check(unit, paraf, "paraf_roles")
    return paraf


def roles_check(unit: OrgUnit, roles: list[str], field: str) -> None:
    known = set(Position.objects.filter(unit=unit, code__in=roles).values_list("code", flat=True))
    for role in roles:
        if role not in known:
            raise Invalid(
                _("Unit %(unit)s tidak punya jabatan '%(role)s'.")
                % {"unit": unit.code, "role": role},
                field=field,
            )


def coordination_clean(coordination: Any) -> list[dict[str, str]]:
    """The paraf koordinasi: one jabatan (text) per row of the stamp table, given as a list or
    as one jabatan per line."""
    if coordination is None:
        return []
    if isinstance(coordination, str):
        coordination = coordination.splitlines()
    if not isinstance(coordination, list | tuple):
        raise Invalid(_("Paraf koordinasi: daftar jabatan."), field="coordination")
    limit = column_limit(Review, "jabatan")
    rows = []
    for entry in coordination:
        jabatan = text_clean(
            entry, field="coordination", label=_("Paraf koordinasi"), limit=limit, one_line=True
        )
        if jabatan:
            rows.append({"jabatan": jabatan})
    return rows


# -- the data a kind needs ------------------------------------------------------------------


def data_clean(kind: LetterKind, data: Any, *, strict: bool) -> dict[str, Any]:
    """The kind's fields from ``data``, typed; unknown keys refused. ``strict``: the required
    ones must be there (at submission), else a draft may be incomplete."""
    if not isinstance(data, Mapping):
        raise Invalid(_("Isian surat harus berupa pasangan nama dan nilai."), field="data")
    unknown = sorted(str(k) for k in set(data) - {f.name for f in kind.fields})
    if unknown:
        raise Invalid(
            _("Isian tidak dikenal untuk %(kind)s: %(names)s.")
            % {"kind": kind.name, "names": ", ".join(unknown)},
            field=f"data.{unknown[0]}",
        )
    clean: dict[str, Any] = {}
    for f in kind.fields:
        value = data.get(f.name)
        if value in (None, "", []):
            if strict and f.required:
                raise Invalid(
                    _("%(label)s wajib diisi.") % {"label": f.label}, field=f"data.{f.name}"
                )
            continue
        clean[f.name] = _field_value(f.name, f.label, f.kind, f.choices, value)
    return clean


def _field_value(name: str, label: str, kind: FieldKind, choices: Any, value: Any) -> Any:
    field = f"data.{name}"
    if kind is FieldKind.LIST:
        items = value.splitlines() if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise Invalid(
                _("%(label)s: daftar teks, satu per baris.") % {"label": label}, field=field
            )
        clean = [
            text_clean(i, field=field, label=label, limit=ITEM_MAX, one_line=True) for i in items
        ]
        clean = [i for i in clean if i]
        if len(clean) > ITEMS_MAX:
            raise Invalid(
                _("%(label)s: paling banyak %(n)s baris.") % {"label": label, "n": ITEMS_MAX},
                field=field,
            )
        return clean
    if kind is FieldKind.MEMBERS:
        if not isinstance(value, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in value
        ):
            raise Invalid(_("%(label)s: daftar pegawai.") % {"label": label}, field=field)
        return list(dict.fromkeys(value))
    if kind is FieldKind.DATE:
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise Invalid(
                _("%(label)s: tanggal tidak sah (TTTT-BB-HH).") % {"label": label}, field=field
            ) from None
    if kind is FieldKind.NUMBER:
        try:
            return int(value)
        except (TypeError, ValueError):
            raise Invalid(_("%(label)s: harus angka.") % {"label": label}, field=field) from None
    if kind is FieldKind.CHOICE:
        allowed = {c for c, _label in choices}
        if str(value) not in allowed:
            raise Invalid(
                _("%(label)s: pilih salah satu dari %(c)s.")
                % {"label": label, "c": ", ".join(sorted(allowed))},
                field=field,
            )
        return str(value)
    if not isinstance(value, str):
        raise Invalid(_("%(label)s: harus teks.") % {"label": label}, field=field)
    if kind is FieldKind.TEXT and "\n" in value.strip():
        raise Invalid(_("%(label)s: satu baris saja.") % {"label": label}, field=field)
    limit = LINE_MAX if kind is FieldKind.TEXT else LONGTEXT_MAX
    return text_clean(value, field=field, label=label, limit=limit)


def members_check(unit: OrgUnit, kind: LetterKind, data: Mapping[str, Any]) -> None:
    """The people a ``members`` field names hold an assignment active today in ``unit`` or in
    a unit below it (a Kasat's team may take officers of the sub-units, never of another
    kecamatan)."""
    named = {f.name: data.get(f.name, []) for f in kind.fields if f.kind is FieldKind.MEMBERS}
    ids = {i for people in named.values() for i in people}
    if not ids:
        return
    day = unit.today()
    known = set(
        Assignment.objects.filter(
            Q(valid_from__lte=day) & (Q(valid_until__isnull=True) | Q(valid_until__gte=day)),
            person_id__in=ids,
            position__unit__path__startswith=unit.path,
        ).values_list("person_id", flat=True)
    )
    for name, people in named.items():
        missing = [i for i in people if i not in known]
        if missing:
            who = Person.objects.filter(pk=missing[0]).values_list("full_name", flat=True).first()
            raise Invalid(
                _("%(who)s bukan pegawai unit ini.") % {"who": who or f"#{missing[0]}"},
                field=f"data.{name}",
            )
