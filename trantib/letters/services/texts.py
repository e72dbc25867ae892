"""The one check every text a letters service stores goes through: the hal and the header, a
paraf note, a reason, who received a letter and where, an incoming letter's facts.

A text must be a string, hold no NUL (PostgreSQL cannot store it: a ``DataError``, a 500) nor
a lone surrogate, and fit its column: the model's ``max_length`` for a ``CharField``, the
limits below for the ``TextField`` columns. A refusal is :class:`Invalid` naming the field, so
the page puts it beside the input.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from trantib.core.errors import Invalid
from trantib.core.text import has_control_characters

# Limits of the TextField columns (the database has none; a page must still fit them).
NOTE_MAX = 2000  # a paraf note, a return note, a reason, a disposition, a keterangan
ADDRESS_MAX = 1000  # the "Yth." lines and the address
TEMBUSAN_MAX = 2000
BODY_MAX = 20000  # the body of a letter: a few pages
LINE_MAX = 300  # one line of a kind's own fields (kinds.py FieldKind.TEXT)
LONGTEXT_MAX = 5000  # a paragraph field of a kind (FieldKind.LONGTEXT)
ITEM_MAX = 500  # one item of a list field (dasar, untuk, barang)
ITEMS_MAX = 50


def column_limit(model: type[models.Model], name: str) -> int:
    """The ``max_length`` of ``model.name`` (a CharField, an EmailField)."""
    limit = getattr(model._meta.get_field(name), "max_length", None)
    if limit is None:
        raise TypeError(f"{model.__name__}.{name} has no max_length")
    return int(limit)


def text_clean(
    value: Any,
    *,
    field: str,
    label: str,
    limit: int,
    required: bool = False,
    one_line: bool = False,
    strip: bool = True,
) -> str:
    """``value`` checked: a string without NUL, at most ``limit`` characters (after
    stripping); ``one_line`` folds its whitespace into single spaces; ``required`` refuses an
    empty one. ``strip`` False keeps the text as typed (only a body's outer newlines go)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(_("%(label)s harus teks.") % {"label": label}, field=field)
    if has_control_characters(value, unstorable_only=True):
        raise Invalid(
            _("%(label)s berisi karakter yang tidak dapat disimpan (NUL).") % {"label": label},
            field=field,
        )
    if one_line:
        text = " ".join(value.split())
    elif strip:
        text = value.strip()
    else:
        text = value.strip("\n")
    if required and not text.strip():
        raise Invalid(_("%(label)s wajib diisi.") % {"label": label}, field=field)
    if len(text) > limit:
        raise Invalid(
            _("%(label)s paling panjang %(n)s karakter (sekarang %(m)s).")
            % {"label": label, "n": limit, "m": len(text)},
            field=field,
        )
    return text


def filename_clean(name: Any, limit: int = 200) -> str:
    """An uploaded file's name as the audit keeps it: printable characters only (a name is the
    uploader's device's business, not a reason to refuse the file)."""
    text = name if isinstance(name, str) else ""
    text = "".join(ch for ch in text if ch.isprintable() and not ("\ud800" <= ch <= "\udfff"))
    return text.strip()[:limit]
