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
