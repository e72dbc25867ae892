"""Draft sources: what a domain app supplies to the first values of a letter drafted from a case.

A step's ``letter: fill:`` reads the case's recorded fields. Some letters are written from a
record a domain app keeps beside the case (the operation file of an operation SOP: its teams,
partners, incidents, results and seized items are the Laporan Hasil Pelaksanaan Tugas's
"Kegiatan" and "Hasil"). Such an app registers a source in its ``AppConfig.ready()``::

    draft_source_register("operation", operation_report_values)

A source is called for every draft made from a case (:func:`trantib.letters.sop_fill.draft_values`)
with the case, its spec, the step that drafts the letter and the letter block; it returns the
kind's fields it fills (``{"kegiatan": "…", "hasil": "…"}``), or None/{} when the letter is not
its business. Its values replace what ``fill:`` gave for the same fields (the domain record is
the fuller account); names that are not fields of the letter's kind are ignored. Sources run in
name order; the letters app imports no domain app.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trantib.cases.models import Case
    from trantib.engine.spec import SOPSpec, Step, StepLetter

DraftSource = Callable[["Case", "SOPSpec", "Step", "StepLetter"], "Mapping[str, Any] | None"]

_SOURCES: dict[str, DraftSource] = {}


def draft_source_register(name: str, source: DraftSource) -> None:
    """Add (or replace) the draft source ``name``."""
    _SOURCES[name] = source


def draft_sources_values(
    case: Case, spec: SOPSpec, step: Step, block: StepLetter
) -> dict[str, Any]:
    """What every registered source fills in a draft of ``block`` drafted at ``step``."""
    values: dict[str, Any] = {}
    for name in sorted(_SOURCES):
        found = _SOURCES[name](case, spec, step, block)
        if found:
            values.update(found)
    return values


# -- letter maskers: what a reader may see of the personal data a letter carries ---------------
#
# A letter drafted from an enforcement case carries the violator's NIK and street address in its
# kind's fields (``pelanggar_nik``, ``pelanggar_alamat``) and, for a Surat Teguran, in its
# ``recipient_address``. Who may read them is a domain app's rule (the enforcement roles of the
# letter's unit), so the letters app asks the registered maskers. A masker takes the letter and
# the reader (a user) and answers {name: shown value} for the names the reader may not see — a
# kind's field name or a header attribute ("recipient_address") — or None/{} when nothing is
# hidden. The letters API and the letter's pages (the page, the editor, the draft's PDF and
# DOCX preview) pass the letter's values through :func:`letter_hidden`. The signed PDF is the
# official document addressed to the violator and keeps its text (docs/enforcement.md).

LetterMasker = Callable[[Any, Any], "Mapping[str, str] | None"]
HEADER_HIDEABLE = ("recipient_address",)  # the header attributes a masker may hide
_MASKERS: list[LetterMasker] = []


def letter_masker_register(masker: LetterMasker) -> None:
    """Add a masker (in ``AppConfig.ready()``)."""
    if masker not in _MASKERS:
        _MASKERS.append(masker)


def letter_hidden(letter: Any, reader: Any) -> dict[str, str]:
    """{name: shown value} of what ``reader`` may not see of ``letter``; {} when nothing."""
    hidden: dict[str, str] = {}
    for masker in _MASKERS:
        found = masker(letter, reader)
        if found:
            hidden.update(found)
    return hidden


def letter_data_shown(letter: Any, reader: Any) -> dict[str, Any]:
    """The letter's kind fields as ``reader`` may see them."""
    data = dict(letter.data) if isinstance(letter.data, dict) else {}
    for name, shown in letter_hidden(letter, reader).items():
        if name in data:
            data[name] = shown
    return data


def letter_shown_copy(letter: Any, reader: Any) -> Any:
    """``letter`` itself when nothing is hidden from ``reader``, else an unsaved copy with the
    hidden values replaced (for rendering a draft's preview; never saved)."""
    hidden = letter_hidden(letter, reader)
    if not hidden:
        return letter
    shown = copy.copy(letter)
    data = dict(letter.data) if isinstance(letter.data, dict) else {}
    for name, value in hidden.items():
        if name in data:
            data[name] = value
        elif name in HEADER_HIDEABLE and getattr(letter, name, None):
            setattr(shown, name, value)
    shown.data = data
    return shown
