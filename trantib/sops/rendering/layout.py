"""Geometry of the flowchart table of the official SOP document (Permenpan RB 35/2012).

Pure computation, in points, from a spec to boxes: the columns (No · Kegiatan · one Pelaksana
column per role · Mutu Baku · Ket), the height of every row (text wrapped with the metrics of
:mod:`text`, and room for the symbols the row holds), the split into pages, and on each page
the symbols (nodes) and the arrows between them (edges, routed by :mod:`routing`).

Inside a row, each step sits on a *level*: steps of the same role stack downwards, and a step
handed over from another role in the same row stays on the level it came from, so hand-offs
run across and the flow runs down. An arrow whose two ends fall on different pages becomes two
arrows meeting off-page connectors labelled with the target's number.

Limits: a row is never split over pages; a row taller than a page is drawn smaller to fit it.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from enum import StrEnum

from trantib.engine.document import drawn_arrows, drawn_steps
from trantib.engine.spec import SHAPE_OF_KIND as ENGINE_SHAPE_OF_KIND
from trantib.engine.spec import Row, SOPSpec, Step, StepKind

from .text import TextStyle, wrap

PT_PER_MM = 72 / 25.4
MARGIN_TOP_MM = 10.0
MARGIN_SIDE_MM = 10.0
MARGIN_BOTTOM_MM = 14.0  # room for the footer

BODY = TextStyle(8.0)
HEAD = TextStyle(7.5, bold=True)
SUB = TextStyle(6.8)
LABEL = TextStyle(6.0)
MARK = TextStyle(5.6)
MARK_BOLD = TextStyle(6.0, bold=True)
CELL_PAD_X = 3.0
CELL_PAD_Y = 4.0

SYM_BAND = 24.0  # the height every level reserves for its symbols
BOX_H = 18.0
TERMINATOR_H = 16.0
DIAMOND_H = 24.0
CONNECTOR_W = 18.0
CONNECTOR_H = 18.0
LEVEL_GAP = 20.0  # between two levels of one row: room for arrows and branch labels
ROW_PAD = 12.0  # between a row's border and its first/last level
MIN_ROW_H = 30.0
GROUP_HEAD_H = 13.0  # the "Pelaksana" / "Mutu Baku" header band
NUMBERS_H = 11.0  # the column-number row "1 2 3 …" some documents print under the headings


class View(StrEnum):
    """What a chart shows.

    ``official``: the document layer only (``trantib.engine.document``), exactly as signed.
    ``annotated``: the process that runs, drawn over the document: steps, arrows and labels
    the document does not draw, and the task titles, in their own style with a legend.
    """

    OFFICIAL = "official"
    ANNOTATED = "annotated"


class Shape(StrEnum):
    """The Permenpan symbols (the fifth, the arrow, is an :class:`Edge`)."""

    TERMINATOR = "terminator"
    PROCESS = "process"
    DECISION = "decision"
    CONNECTOR = "connector"  # off-page connector (pentagon)


# The engine's symbol of each kind (``trantib.engine.spec.SHAPE_OF_KIND``), as a layout shape.
SHAPE_OF_KIND = {kind: Shape(shape.value) for kind, shape in ENGINE_SHAPE_OF_KIND.items()}


@dataclass(frozen=True)
class Paper:
    name: str
    width_mm: float
    height_mm: float

    @property
    def content_width(self) -> float:
        return (self.width_mm - 2 * MARGIN_SIDE_MM) * PT_PER_MM

    @property
    def content_height(self) -> float:
        return (self.height_mm - MARGIN_TOP_MM - MARGIN_BOTTOM_MM) * PT_PER_MM


# Landscape: width is the long side. F4 (folio) is what Indonesian offices print on.
PAPERS = {"A4": Paper("A4", 297.0, 210.0), "F4": Paper("F4", 330.0, 215.0)}


def paper_for(spec: SOPSpec, paper: str | None = None) -> Paper:
    name = (paper or spec.paper or "A4").strip().upper()
    try:
        return PAPERS[name]
    except KeyError:
        raise ValueError(f"unknown paper '{paper}': use A4 or F4") from None


# --- columns ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # no, kegiatan, role:<id>, kelengkapan, waktu, output, ket
    title: str
    x: float
    width: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def center(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Grid:
    width: float
    columns: tuple[Column, ...]
    roles: tuple[Column, ...]
    role_index: dict[str, int]
    symbol_width: float
    header_height: float
    header_lines: dict[str, tuple[str, ...]]
    pelaksana: str = "Pelaksana"  # the group headings as the document prints them
    mutu_baku: str = "Mutu Baku"
    column_numbers: bool = False
    list_marks: str = ""

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    @property
    def role_left(self) -> float:
        return self.roles[0].x

    @property
    def role_right(self) -> float:
        return self.roles[-1].right


def build_grid(spec: SOPSpec, paper: Paper) -> Grid:
    width = paper.content_width - 1.5  # the outer border's stroke stays on the page
    n = len(spec.roles)
    no_w, waktu_w = 20.0, 44.0
    head = spec.headings
    ket_w = 48.0 if any(s.notes for s in spec.steps) else 30.0
    ket_w = max(ket_w, HEAD.width(head.keterangan) + 2 * CELL_PAD_X + 1.0)
    rest = width - no_w - waktu_w - ket_w
    role_w = min(max(rest * 0.46 / n, 54.0), 92.0)
    role_w = min(role_w, rest * 0.62 / n)  # many roles: the text columns keep 38 %
    text_w = rest - role_w * n
    widths: list[tuple[str, str, float]] = [
        ("no", head.no, no_w),
        ("kegiatan", head.kegiatan, text_w * 0.44),
    ]
    widths += [(f"role:{r.id}", r.name, role_w) for r in spec.roles]
    widths += [
        ("kelengkapan", head.kelengkapan, text_w * 0.28),
        ("waktu", head.waktu, waktu_w),
        ("output", head.output, text_w * 0.28),
        ("ket", head.keterangan, ket_w),
    ]
    columns: list[Column] = []
    x = 0.0
    for key, title, w in widths:
        columns.append(Column(key, title, x, w))
        x += w
    roles = tuple(c for c in columns if c.key.startswith("role:"))
    lines = {c.key: tuple(wrap(c.title, c.width - 2 * CELL_PAD_X, HEAD)) for c in columns}
    second = max(len(lines[c.key]) for c in columns if c.key not in ("no", "kegiatan", "ket"))
    header_h = GROUP_HEAD_H + second * HEAD.leading + 2 * CELL_PAD_Y
    if spec.column_numbers:
        header_h += NUMBERS_H
    return Grid(
        width=width,
        columns=tuple(columns),
        roles=roles,
        role_index={r.id: i for i, r in enumerate(spec.roles)},
        symbol_width=min(max(role_w * 0.58, 30.0), 50.0),
        header_height=header_h,
        header_lines=lines,
        pelaksana=head.pelaksana,
        mutu_baku=head.mutu_baku,
        column_numbers=spec.column_numbers,
        list_marks=spec.list_marks,
    )


# --- rows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    text: str
    style: TextStyle
    indent: float = 0.0
    css: str = ""


@dataclass
class RowPlan:
    row: Row
    index: int  # position in spec.rows
    cells: dict[str, tuple[Line, ...]]
    levels: dict[str, int]  # step id -> level inside the row
    letters: dict[str, str]  # step id -> sub-step letter (rows of several steps)
    level_count: int
    text_height: float

    def height(self, extra_levels: int = 0) -> float:
        n = self.level_count + extra_levels
        chart = 2 * ROW_PAD + n * SYM_BAND + (n - 1) * LEVEL_GAP
        return max(chart, self.text_height, MIN_ROW_H)


_LETTER_PREFIX = re.compile(r"^[a-z][.)]\s+", re.IGNORECASE)


def _norm(text: str) -> str:
    return " ".join(text.split())


def _substeps(row: Row) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Letters for the steps of a multi-step row, and the lines that explain them.

    A row's Kegiatan cell is the lead step's activity, verbatim. When the row holds several
    steps and some have their own title, the symbols get letters a, b, c … and the titles are
    listed under the activity, so a reader can tell the boxes apart.
    """
    if len(row.steps) < 2:
        return {}, []
    activity = _norm(row.lead.activity)
    listed = [
        (step.id, _LETTER_PREFIX.sub("", _norm(step.display_title)))
        for step in row.steps
        if _norm(step.display_title) != activity
    ]
    if not listed:
        return {}, []
    letters = {step.id: chr(ord("a") + i) for i, step in enumerate(row.steps[:26])}
    return letters, [(letters[sid], title) for sid, title in listed if sid in letters]


def _levels(row: Row, leads: set[tuple[str, str]]) -> tuple[dict[str, int], int]:
    """Place the steps of one row on levels (see the module docstring); ``leads`` holds the
    (from, to) pairs of the forward arrows drawn."""
    levels: dict[str, int] = {}
    next_free: dict[str, int] = {}
    in_row = {s.id: s for s in row.steps}
    for step in row.steps:
        level = next_free.get(step.role, 0)
        for prev_id, prev_level in levels.items():
            prev = in_row[prev_id]
            if (prev_id, step.id) not in leads:
                continue
            level = max(level, prev_level + (1 if prev.role == step.role else 0))
        levels[step.id] = level
        next_free[step.role] = level + 1
    return levels, max(levels.values()) + 1


def _text_cell(text: str, width: float, style: TextStyle = BODY) -> tuple[Line, ...]:
    if not text.strip():
        return ()
    return tuple(Line(t, style) for t in wrap(text, width - 2 * CELL_PAD_X, style))


def _list_cell(items: tuple[str, ...], width: float, marks: str = "") -> tuple[Line, ...]:
    """A list cell (Kelengkapan): each item on its own lines, marked as the document marks
    them (``list_marks``: 1. 2. 3., or dashes) or unmarked. Continuation lines are indented so
    the items stay apart."""
    items = tuple(i for i in items if i.strip())
    if len(items) <= 1:
        return _text_cell(items[0] if items else "", width)
    out: list[Line] = []
    for n, item in enumerate(items, 1):
        marker = f"{n}. " if marks == "numbered" else "- " if marks == "dash" else ""
        indent = BODY.width(marker) if marker else 5.0
        body = wrap(item, width - 2 * CELL_PAD_X - indent, BODY)
        out.append(Line(marker + body[0], BODY))
        out.extend(Line(t, BODY, indent=indent) for t in body[1:])
    return tuple(out)


def plan_row(row: Row, index: int, grid: Grid, view: View, leads: set[tuple[str, str]]) -> RowPlan:
    """One row's cells and levels. The official view prints the row's texts only; the
    annotated one lists the steps' task titles under the activity, lettered like their
    symbols."""
    lead = row.lead
    letters, substeps = _substeps(row) if view is View.ANNOTATED else ({}, [])
    keg = grid.column("kegiatan").width
    kegiatan = list(_text_cell(lead.activity, keg))
    for letter, title in substeps:
        marker = f"{letter}. "
        indent = SUB.width(marker)
        body = wrap(title, keg - 2 * CELL_PAD_X - indent, SUB)
        kegiatan.append(Line(marker + body[0], SUB, css="substep"))
        kegiatan.extend(Line(t, SUB, indent=indent, css="substep") for t in body[1:])
    cells = {
        "no": _text_cell(row.no, grid.column("no").width),
        "kegiatan": tuple(kegiatan),
        "kelengkapan": _list_cell(
            lead.requirements, grid.column("kelengkapan").width, grid.list_marks
        ),
        "waktu": _text_cell(lead.time.text, grid.column("waktu").width),
        "output": _text_cell(lead.output, grid.column("output").width),
        "ket": _text_cell(lead.notes, grid.column("ket").width),
    }
    text_h = max(
        (sum(line.style.leading for line in lines) + 2 * CELL_PAD_Y for lines in cells.values()),
        default=0.0,
    )
    levels, count = _levels(row, leads)
    return RowPlan(row, index, cells, levels, letters, count, text_h)


# --- flow edges ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """One arrow of the flow in spec terms, before pages and geometry."""

    src: str
    dst: str
    label: str = ""
    loop: bool = False
    dashed: bool = False  # a sub-procedure opening a case at another entry of this SOP
    drawn: bool = True  # the document draws this arrow (annotated view: else the process's)
    label_drawn: bool = True  # the document writes its label


def flow_links(spec: SOPSpec, view: View = View.ANNOTATED) -> list[Link]:
    """The arrows a view draws: the document's as drawn (official), or the process's with
    what the document draws marked (annotated)."""
    if view is View.OFFICIAL:
        order = {s.id: i for i, s in enumerate(drawn_steps(spec))}
        return [
            Link(src, dst, label, loop=order[dst] <= order[src])
            for src, dst, label in drawn_arrows(spec)
            if dst in order
        ]
    steps = {s.id: s for s in spec.steps}
    links: list[Link] = []
    for step in spec.steps:
        if step.kind is StepKind.DECISION:
            links += [
                Link(step.id, b.to, b.label, b.loop, drawn=b.drawn, label_drawn=b.label_drawn)
                for b in step.branches
            ]
        elif step.next:
            links.append(Link(step.id, step.next))
        sub = step.subprocedure
        if sub and sub.entry and sub.sop in ("", spec.code) and sub.entry in steps:
            links.append(Link(step.id, sub.entry, dashed=True, drawn=False))
    return [
        dataclasses.replace(
            link, drawn=link.drawn and steps[link.src].drawn and steps[link.dst].drawn
        )
        for link in links
        if link.dst in steps
    ]


def view_rows(spec: SOPSpec, view: View) -> tuple[Row, ...]:
    """The rows a view prints: in the official one, only the steps the document draws."""
    if view is View.ANNOTATED:
        return spec.rows
    return tuple(Row(r.no, r.drawn_steps, r.key) for r in spec.rows if r.drawn_steps)


# --- pages -----------------------------------------------------------------------------------


@dataclass
class Level:
    cy: float
    zone_top: float  # the free band above this level's symbols starts here
    zone_bottom: float  # the free band below them ends here
    zone_top_is_line: bool
    zone_bottom_is_line: bool

    @property
    def sym_top(self) -> float:
        return self.cy - SYM_BAND / 2

    @property
    def sym_bottom(self) -> float:
        return self.cy + SYM_BAND / 2

    def tracks_above(self) -> list[float]:
        """Heights for horizontal arrow runs in the band above the symbols, nearest first."""
        floor = self.zone_top + (4.5 if self.zone_top_is_line else 5.0)
        # 6 pt above the band: even a diamond, whose top touches the band, gets its arrowhead
        out, y = [], self.sym_top - 6.0
        while y >= floor:
            out.append(y)
            y -= 4.0
        return out

    def tracks_below(self) -> list[float]:
        ceiling = self.zone_bottom - (4.5 if self.zone_bottom_is_line else 5.0)
        out, y = [], self.sym_bottom + 4.0
        while y <= ceiling:
            out.append(y)
            y += 4.0
        return out


@dataclass
class Node:
    key: str
    shape: Shape
    col: int
    level: int
    cx: float
    cy: float
    w: float
    h: float
    step: Step | None = None
    letter: str = ""
    ref: str = ""  # connector: the number of the row the flow continues at
    view: View = View.OFFICIAL
    columns: frozenset[int] = frozenset()  # connector: the columns of its row's roles

    def port(self, side: str) -> tuple[float, float]:
        if side == "top":
            return (self.cx, self.cy - self.h / 2)
        if side == "bottom":
            return (self.cx, self.cy + self.h / 2)
        if side == "left":
            return (self.cx - self.w / 2, self.cy)
        return (self.cx + self.w / 2, self.cy)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (
            self.cx - self.w / 2,
            self.cy - self.h / 2,
            self.cx + self.w / 2,
            self.cy + self.h / 2,
        )


@dataclass
class Edge:
    src: Node
    dst: Node
    label: str = ""
    loop: bool = False
    dashed: bool = False
    drawn: bool = True
    label_drawn: bool = True
    points: list[tuple[float, float]] = field(default_factory=list)
    label_at: tuple[float, float, str] | None = None  # x, first baseline y, text-anchor
    label_lines: tuple[str, ...] = ()


@dataclass
class PlacedRow:
    plan: RowPlan
    y: float
    height: float
    top_connectors: bool
    bottom_connectors: bool


@dataclass
class PageLayout:
    number: int  # 1-based among the flowchart pages
    grid: Grid
    rows: list[PlacedRow]
    levels: list[Level]
    nodes: list[Node]
    edges: list[Edge]

    @property
    def height(self) -> float:
        last = self.rows[-1]
        return last.y + last.height

    @property
    def connectors(self) -> list[Node]:
        return [n for n in self.nodes if n.shape is Shape.CONNECTOR]


@dataclass
class ChartLayout:
    spec: SOPSpec
    paper: Paper
    grid: Grid
    pages: list[PageLayout]
    view: View = View.OFFICIAL


def connector_spots(grid: Grid, others: list[Node]) -> list[tuple[int, float, float]]:
    """Where an off-page connector may sit on a level already holding ``others``: (column,
    centre x, distance from the column's centre). Centres first; two connectors can share a
    column side by side when there are more of them than columns."""
    spots: list[tuple[int, float, float]] = []
    for shift in (0.0, -(CONNECTOR_W + 3.0), CONNECTOR_W + 3.0):
        for i, col in enumerate(grid.roles):
            cx = col.center + shift
            left, right = cx - CONNECTOR_W / 2 - 2.0, cx + CONNECTOR_W / 2 + 2.0
            if left < col.x + 1.0 or right > col.right - 1.0:
                continue
            if all(right <= n.bbox[0] or left >= n.bbox[2] for n in others):
                spots.append((i, cx, abs(shift)))
    return spots


def _connector_levels(
    links: list[Link], step_row: dict[str, int], first: int, last: int
) -> dict[int, tuple[bool, bool]]:
    """Which rows of a page need a connector level: above a step entered from another page,
    below a step that leaves for another page."""
    inside = range(first, last + 1)
    out: dict[int, tuple[bool, bool]] = dict.fromkeys(inside, (False, False))
    for link in links:
        src, dst = step_row[link.src], step_row[link.dst]
        if dst in inside and src not in inside:
            out[dst] = (True, out[dst][1])
        if src in inside and dst not in inside:
            out[src] = (out[src][0], True)
    return out


def _paginate(
    plans: list[RowPlan], links: list[Link], step_row: dict[str, int], room: float
) -> list[tuple[int, int]]:
    """Greedy: as many rows per page as fit, with the connector levels they then need."""

    def height(first: int, last: int) -> float:
        extra = _connector_levels(links, step_row, first, last)
        return sum(plans[i].height(int(t) + int(b)) for i, (t, b) in extra.items())

    pages: list[tuple[int, int]] = []
    first = 0
    while first < len(plans):
        last = first
        while last + 1 < len(plans) and height(first, last + 1) <= room:
            last += 1
        pages.append((first, last))
        first = last + 1
    return pages


def layout_chart(
    spec: SOPSpec, paper: str | None = None, view: View | str = View.OFFICIAL
) -> ChartLayout:
    view = View(view)
    pp = paper_for(spec, paper)
    grid = build_grid(spec, pp)
    rows = view_rows(spec, view)
    links = flow_links(spec, view)
    leads = {(link.src, link.dst) for link in links if not link.loop and not link.dashed}
    plans = [plan_row(row, i, grid, view, leads) for i, row in enumerate(rows)]
    step_row = {s.id: i for i, row in enumerate(rows) for s in row.steps}
    room = pp.content_height - grid.header_height - 2.0
    spans = _paginate(plans, links, step_row, room)
    page_of = {i: p for p, (a, b) in enumerate(spans) for i in range(a, b + 1)}
    pages = []
    for number, (first, last) in enumerate(spans, 1):
        extra = _connector_levels(links, step_row, first, last)
        pages.append(
            _build_page(
                number, grid, plans[first : last + 1], extra, links, step_row, page_of, spec, view
            )
        )
    from .routing import route_page

    for page in pages:
        route_page(page)
    return ChartLayout(spec, pp, grid, pages, view)


def _build_page(
    number: int,
    grid: Grid,
    plans: list[RowPlan],
    extra_levels: dict[int, tuple[bool, bool]],
    links: list[Link],
    step_row: dict[str, int],
    page_of: dict[int, int],
    spec: SOPSpec,
    view: View,
) -> PageLayout:
    this_page = page_of[plans[0].index]
    placed: list[PlacedRow] = []
    levels: list[Level] = []
    nodes: dict[str, Node] = {}
    y = grid.header_height
    top_level: dict[str, int] = {}  # step id -> the connector level above its row
    bottom_level: dict[str, int] = {}
    for plan in plans:
        has_top, has_bottom = extra_levels[plan.index]
        extra = int(has_top) + int(has_bottom)
        h = plan.height(extra)
        placed.append(PlacedRow(plan, y, h, has_top, has_bottom))
        n = plan.level_count + extra
        block = n * SYM_BAND + (n - 1) * LEVEL_GAP
        y0 = y + (h - block) / 2
        first_level = len(levels)
        for k in range(n):
            cy = y0 + SYM_BAND / 2 + k * (SYM_BAND + LEVEL_GAP)
            levels.append(
                Level(
                    cy=cy,
                    zone_top=y if k == 0 else cy - SYM_BAND / 2 - LEVEL_GAP,
                    zone_bottom=y + h if k == n - 1 else cy + SYM_BAND / 2 + LEVEL_GAP,
                    zone_top_is_line=k == 0,
                    zone_bottom_is_line=k == n - 1,
                )
            )
        for step in plan.row.steps:
            top_level[step.id] = first_level
            bottom_level[step.id] = len(levels) - 1
        offset = first_level + int(has_top)
        for step in plan.row.steps:
            col = grid.role_index[step.role]
            level = offset + plan.levels[step.id]
            shape = Shape(step.shape.value) if view is View.OFFICIAL else SHAPE_OF_KIND[step.kind]
            height = {
                Shape.TERMINATOR: TERMINATOR_H,
                Shape.DECISION: DIAMOND_H,
                Shape.PROCESS: BOX_H,
            }[shape]
            nodes[step.id] = Node(
                key=step.id,
                shape=shape,
                col=col,
                level=level,
                cx=grid.roles[col].center,
                cy=levels[level].cy,
                w=grid.symbol_width,
                h=height,
                step=step,
                letter=plan.letters.get(step.id, ""),
                view=view,
            )
        y += h

    edges: list[Edge] = []
    conn_in: dict[str, Node] = {}
    conn_out: dict[str, Node] = {}

    # The columns of each row's own roles: a connector sits in one of them, never under a
    # role the row does not involve.
    row_columns = {
        s.id: {grid.role_index[t.role] for t in plan.row.steps}
        for plan in plans
        for s in plan.row.steps
    }

    def connector(level: int, preferred: list[int], ref: str, key: str, step: str) -> Node:
        others = [n for n in nodes.values() if n.level == level]
        spots = connector_spots(grid, others)
        own = [spot for spot in spots if spot[0] in row_columns[step]]
        spots = own or spots
        # Nearest free spot to the first preference, ties broken towards the second.
        home, toward = preferred[0], preferred[-1]
        spots.sort(key=lambda s: (abs(s[0] - home), abs(s[0] - toward), s[2]))
        col, cx, _ = spots[0] if spots else (home, grid.roles[home].center, 0.0)
        node = Node(
            key=key,
            shape=Shape.CONNECTOR,
            col=col,
            level=level,
            cx=cx,
            cy=levels[level].cy,
            w=CONNECTOR_W,
            h=CONNECTOR_H,
            ref=ref,
            columns=frozenset(row_columns[step]),
        )
        nodes[key] = node
        return node

    for link in links:
        src_page = page_of[step_row[link.src]]
        dst_page = page_of[step_row[link.dst]]
        if src_page != this_page and dst_page != this_page:
            continue
        ref = _global_ref(spec, link.dst, view)
        if src_page == dst_page:
            edges.append(_edge_of(link, nodes[link.src], nodes[link.dst]))
        elif src_page == this_page:
            out = conn_out.get(link.dst)
            if out is None:
                src = nodes[link.src]
                dst_col = grid.role_index[spec.step(link.dst).role]
                out = connector(
                    bottom_level[link.src], [src.col, dst_col], ref, f"out:{link.dst}", link.src
                )
                conn_out[link.dst] = out
            edges.append(_edge_of(link, nodes[link.src], out))
        else:
            inc = conn_in.get(link.dst)
            if inc is None:
                dst = nodes[link.dst]
                inc = connector(top_level[link.dst], [dst.col], ref, f"in:{link.dst}", link.dst)
                conn_in[link.dst] = inc
                edges.append(Edge(inc, dst, dashed=link.dashed, drawn=link.drawn))
    return PageLayout(number, grid, placed, levels, list(nodes.values()), edges)


def _edge_of(link: Link, src: Node, dst: Node) -> Edge:
    return Edge(
        src,
        dst,
        link.label,
        link.loop,
        link.dashed,
        drawn=link.drawn,
        label_drawn=link.label_drawn,
    )


def _global_ref(spec: SOPSpec, step_id: str, view: View) -> str:
    """How a connector names a step: its row number; in the annotated view, plus its letter
    in a multi-step row (the official document letters no symbol)."""
    row = spec.row_of(step_id)
    if view is View.OFFICIAL:
        return row.no
    letters, _ = _substeps(row)
    return row.no + letters.get(step_id, "")
