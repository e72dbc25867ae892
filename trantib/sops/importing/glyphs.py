"""The marks a Pelaksana cell carries, read as flowchart symbols, and written back.

A cell holds nothing (the role does not act in the row), a tick (the row's performer: read as
a process box), or one glyph per symbol drawn there, in order:

=================  ============================================
terminator         ``⬭`` (also ``○`` ``◯``)
process (box)      ``▭`` (also ``□`` and any tick: ``✓ √ v V x X ■``)
decision           ``◇`` (also ``◆`` ``◊``)
=================  ============================================

When a row has symbols in several columns, they are read in column order (left to right,
then in the order written inside a cell). A document whose row runs otherwise (the Kasat's box
before the Kabid's, although the Kabid's column is further left) numbers the row's glyphs:
``1▭`` in one cell, ``2◇`` in another; numbered glyphs are read by their numbers.
:func:`cell_marks` reads a cell; :func:`row_cells` writes a row's cells, numbering its glyphs
only when column order would not give their order back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trantib.engine.spec import Shape

GLYPH = {Shape.TERMINATOR: "⬭", Shape.PROCESS: "▭", Shape.DECISION: "◇"}
_READ = {
    "⬭": Shape.TERMINATOR,
    "○": Shape.TERMINATOR,
    "◯": Shape.TERMINATOR,
    "▭": Shape.PROCESS,
    "□": Shape.PROCESS,
    "■": Shape.PROCESS,
    "✓": Shape.PROCESS,
    "✔": Shape.PROCESS,
    "√": Shape.PROCESS,
    "v": Shape.PROCESS,
    "V": Shape.PROCESS,
    "x": Shape.PROCESS,
    "X": Shape.PROCESS,
    "◇": Shape.DECISION,
    "◆": Shape.DECISION,
    "◊": Shape.DECISION,
}
_TICKS = frozenset("□■✓✔√vVxX")
_TOKEN = re.compile(r"(\d+)?\s*\.?\s*([" + re.escape("".join(_READ)) + r"])")


@dataclass(frozen=True)
class Mark:
    """One symbol read from a cell: its shape, its number when the document numbers it, and
    whether it was a tick (a tick says who acts, not which symbol is drawn)."""

    shape: Shape
    number: int | None = None
    tick: bool = False


def cell_marks(text: str) -> tuple[list[Mark], bool]:
    """The marks of a cell's text, and whether the text was read whole (False: other text
    in the cell, which the caller flags)."""
    compact = re.sub(r"\s+", " ", text).strip()
    if not compact:
        return [], True
    marks: list[Mark] = []
    pos = 0
    whole = True
    for m in _TOKEN.finditer(compact):
        if compact[pos : m.start()].strip(" ,;-–→>"):
            whole = False
        pos = m.end()
        glyph = m[2]
        if glyph in "vVxX" and not _alone(compact, m.start(2)):
            whole = False  # a letter inside a word is text, not a tick
            continue
        number = int(m[1]) if m[1] else None
        marks.append(Mark(_READ[glyph], number, glyph in _TICKS))
    if compact[pos:].strip(" ,;-–→>"):
        whole = False
    return marks, whole and bool(marks)


def _alone(text: str, index: int) -> bool:
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    return not before.isalpha() and not after.isalpha()


def order_marks(found: list[tuple[int, Mark]]) -> tuple[list[tuple[int, Mark]], bool]:
    """A row's marks as (column, mark), given in column order, put in the row's order.

    Numbered marks come first by their numbers, unnumbered ones after them in column order.
    Returns the order and whether it is certain (False: some marks are numbered and some not,
    or two share a number).
    """
    numbered = [item for item in found if item[1].number is not None]
    if not numbered:
        return list(found), True
    rest = [item for item in found if item[1].number is None]
    ordered = sorted(numbered, key=lambda item: item[1].number or 0)
    numbers = [item[1].number for item in numbered]
    certain = not rest and len(set(numbers)) == len(numbers)
    return ordered + rest, certain


def row_cells(symbols: list[tuple[int, Shape]], columns: int) -> list[str]:
    """The text of each Pelaksana cell of a row whose symbols are ``(column, shape)`` in the
    row's order: glyphs, numbered when column order would not give that order back."""
    in_column_order = sorted(symbols, key=lambda s: s[0]) == symbols
    cells: list[list[str]] = [[] for _ in range(columns)]
    for position, (column, shape) in enumerate(symbols, start=1):
        prefix = "" if in_column_order else str(position)
        cells[column].append(prefix + GLYPH[shape])
    return [" ".join(parts) for parts in cells]
