"""The document layer of an SOP: what the signed Permenpan RB 35/2012 document says and draws.

One SOP file holds two layers (docs/sop-format.md, "The document and the process"):

- the **document**: the identity items, the table's headings, the Pelaksana columns, the
  numbered rows with their verbatim texts and Mutu Baku, the symbols in the columns where the
  document draws them, and the arrows as drawn (labelled only where the document labels them);
- the **process**: what the product adds to run it (steps the document does not draw, waits
  and their periods, branches, task titles, records, bindings, letters).

:func:`document_of` gives the first, and nothing of the second. The official document prints
exactly it; the annotated view prints the process beside it, marked as not for signing. A
Word table carries the document without its arrows (:meth:`SopDocument.table`): that is what
an import of a DOCX must give back.

Symbols are numbered in document order (row by row, in the order the file writes them);
columns by the order of the roles.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .spec import Headings, Identity, Shape, SOPSpec, Step, StepKind


@dataclass(frozen=True)
class DocSymbol:
    """One drawn symbol: its Pelaksana column (index into ``SopDocument.columns``)."""

    column: int
    shape: Shape


@dataclass(frozen=True)
class DocRow:
    """One printed row: its number as printed, its texts verbatim, its symbols."""

    no: str
    activity: str
    requirements: tuple[str, ...]
    time: str
    output: str
    notes: str
    symbols: tuple[DocSymbol, ...]


@dataclass(frozen=True)
class DocArrow:
    """An arrow from one symbol to another (indices in document order); ``label`` "" when
    the document draws it without one."""

    source: int
    target: int
    label: str = ""


@dataclass(frozen=True)
class DocColumn:
    """A Pelaksana column: its heading, and whether its role is outside the unit."""

    name: str
    external: bool = False


@dataclass(frozen=True)
class SopDocument:
    identity: Identity
    headings: Headings
    column_numbers: bool
    list_marks: str  # how a Kelengkapan list marks its items: "numbered", "dash" or ""
    columns: tuple[DocColumn, ...]
    rows: tuple[DocRow, ...]
    arrows: tuple[DocArrow, ...]
    paper: str

    def table(self) -> SopDocument:
        """What a Word or PDF table of the document carries: everything but the arrows."""
        return dataclasses.replace(self, arrows=())


def drawn_steps(spec: SOPSpec) -> list[Step]:
    """The steps the document draws, in document order (row by row)."""
    return [s for row in spec.rows for s in row.steps if s.drawn]


def _drawn_targets(spec: SOPSpec, step: Step) -> list[tuple[str, str]]:
    """(target step id, label) of each arrow the document draws out of ``step``.

    ``drawn_next`` when the file writes it; else the process's own ways out, followed through
    any steps the document does not draw to the drawn steps they reach. A branch not drawn is
    left out; a branch's label is kept where the document draws it.
    """
    if step.drawn_next:
        return [(a.to, a.label) for a in step.drawn_next]
    ways: list[tuple[str, str]] = []
    if step.kind is StepKind.DECISION:
        ways = [(b.to, b.label if b.label_drawn else "") for b in step.branches if b.drawn]
    elif step.next:
        ways = [(step.next, "")]
    out: list[tuple[str, str]] = []
    for target, label in ways:
        for reached in _reach_drawn(spec, target):
            if (reached, label) not in out:
                out.append((reached, label))
    return out


def _reach_drawn(spec: SOPSpec, start: str) -> list[str]:
    """The drawn steps reached from ``start`` through steps the document does not draw."""
    found: list[str] = []
    seen: set[str] = set()
    todo = [start]
    while todo:
        step_id = todo.pop(0)
        if step_id in seen:
            continue
        seen.add(step_id)
        step = spec.step(step_id)
        if step.drawn:
            found.append(step_id)
            continue
        if step.kind is StepKind.DECISION:
            todo.extend(b.to for b in step.branches if b.drawn)
        elif step.next:
            todo.append(step.next)
    return found


def drawn_arrows(spec: SOPSpec) -> list[tuple[str, str, str]]:
    """(source id, target id, label) of every arrow the document draws, in document order."""
    return [(s.id, t, label) for s in drawn_steps(spec) for t, label in _drawn_targets(spec, s)]


def document_of(spec: SOPSpec) -> SopDocument:
    """The document layer of ``spec``: nothing the product added to run it."""
    column = {role.id: i for i, role in enumerate(spec.roles)}
    steps = drawn_steps(spec)
    index = {s.id: i for i, s in enumerate(steps)}
    rows = []
    for row in spec.rows:
        drawn = row.drawn_steps
        if not drawn:
            continue
        lead = row.lead
        rows.append(
            DocRow(
                no=row.no,
                activity=lead.activity,
                requirements=lead.requirements,
                time=lead.time.text,
                output=lead.output,
                notes=lead.notes,
                symbols=tuple(DocSymbol(column[s.role], s.shape) for s in drawn),
            )
        )
    arrows = tuple(
        DocArrow(index[source], index[target], label)
        for source, target, label in drawn_arrows(spec)
        if target in index
    )
    return SopDocument(
        identity=spec.identity,
        headings=spec.headings,
        column_numbers=spec.column_numbers,
        list_marks=spec.list_marks,
        columns=tuple(DocColumn(r.name, r.external) for r in spec.roles),
        rows=tuple(rows),
        arrows=arrows,
        paper=spec.paper,
    )
