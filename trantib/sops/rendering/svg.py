"""One flowchart page of the official SOP document as a single SVG: the table (header, grid,
wrapped text) and the chart over the Pelaksana columns.

Drawing the whole table in one SVG keeps the text and the symbols in register in WeasyPrint and
in browsers alike. Shapes carry CSS classes named after the Permenpan symbols (``terminator``,
``process``, ``decision``, ``connector``) and ``data-step`` ids, so the drawing can be checked
and styled. All text is XML-escaped here and nowhere else.
"""

from __future__ import annotations

from xml.sax.saxutils import escape as _xml_escape

from trantib.engine.spec import StepKind

from .layout import (
    CELL_PAD_X,
    CELL_PAD_Y,
    GROUP_HEAD_H,
    HEAD,
    LABEL,
    MARK,
    MARK_BOLD,
    NUMBERS_H,
    ChartLayout,
    Edge,
    Line,
    Node,
    PageLayout,
    Shape,
    View,
)
from .text import FONT_FAMILY, TextStyle

STROKE = "#000"
THIN = 0.5
LINE_W = 0.7
HEAD_FILL = "#ececec"
# The annotated view: what the product adds to run the SOP, never part of the document.
PROCESS_INK = "#1d5fa6"
PROCESS_DASH = ' stroke-dasharray="2.4 1.6"'


def esc(text: str) -> str:
    return _xml_escape(text, {'"': "&quot;"})


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, text: str, style: TextStyle, *, anchor: str = "start", css: str = ""):
    attrs = f' class="{css}"' if css else ""
    weight = ' font-weight="bold"' if style.bold else ""
    anchor_attr = f' text-anchor="{anchor}"' if anchor != "start" else ""
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(style.size)}"{weight}{anchor_attr}{attrs}>'
        f"{esc(text)}</text>"
    )


def _lines_block(
    x: float, top: float, lines: tuple[Line, ...], *, css: str, anchor: str = "start"
) -> str:
    """Lines of one cell as one <text> of <tspan>s with absolute positions."""
    if not lines:
        return ""
    parts = [f'<text class="{css}">']
    cursor = top
    for line in lines:
        baseline = cursor + line.style.size * 0.82
        cls = f' class="{line.css}"' if line.css else ""
        # a task title the annotated view lists: the product's, in its own ink
        fill = f' fill="{PROCESS_INK}" font-style="italic"' if line.css == "substep" else ""
        weight = ' font-weight="bold"' if line.style.bold else ""
        anchor_attr = f' text-anchor="{anchor}"' if anchor != "start" else ""
        parts.append(
            f'<tspan x="{_n(x + line.indent)}" y="{_n(baseline)}" '
            f'font-size="{_n(line.style.size)}"{weight}{fill}{anchor_attr}{cls}>'
            f"{esc(line.text)}</tspan>"
        )
        cursor += line.style.leading
    parts.append("</text>")
    return "".join(parts)


def _header(page: PageLayout) -> list[str]:
    grid = page.grid
    h = grid.header_height
    out = [f'<rect x="0" y="0" width="{_n(grid.width)}" height="{_n(h)}" fill="{HEAD_FILL}"/>']
    role_l, role_r = grid.role_left, grid.role_right
    mutu_l, mutu_r = grid.column("kelengkapan").x, grid.column("output").right
    # group titles and the line under them
    groups = ((role_l, role_r, grid.pelaksana), (mutu_l, mutu_r, grid.mutu_baku))
    numbers_h = NUMBERS_H if grid.column_numbers else 0.0
    for left, right, title in groups:
        out.append(_line(left, GROUP_HEAD_H, right, GROUP_HEAD_H, THIN))
        out.append(
            _text((left + right) / 2, GROUP_HEAD_H / 2 + HEAD.size * 0.35, title, HEAD,
                  anchor="middle", css="head")
        )  # fmt: skip
    for col in grid.columns:
        lines = grid.header_lines[col.key]
        spans = col.key in ("no", "kegiatan", "ket")
        top = 0.0 if spans else GROUP_HEAD_H
        block = len(lines) * HEAD.leading
        y = top + (h - numbers_h - top - block) / 2
        out.append(
            _lines_block(
                col.center,
                y,
                tuple(Line(t, HEAD) for t in lines),
                css="head role" if col.key.startswith("role:") else "head",
                anchor="middle",
            )
        )
        if col.x > 0:
            grouped_inner = role_l + 0.01 < col.x < role_r - 0.01 or mutu_l + 0.01 < col.x < (
                mutu_r - 0.01
            )
            out.append(_line(col.x, GROUP_HEAD_H if grouped_inner else 0, col.x, h, THIN))
    if numbers_h:  # the column-number row the document prints under its headings
        out.append(_line(0, h - numbers_h, grid.width, h - numbers_h, THIN))
        for n, col in enumerate(grid.columns, 1):
            baseline = h - numbers_h / 2 + HEAD.size * 0.35
            out.append(_text(col.center, baseline, str(n), HEAD, anchor="middle", css="col-no"))
    return out


def _line(x1: float, y1: float, x2: float, y2: float, width: float, css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return (
        f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
        f'stroke="{STROKE}" stroke-width="{_n(width)}"{cls}/>'
    )


def _body(page: PageLayout) -> list[str]:
    grid = page.grid
    out: list[str] = []
    bottom = page.height
    out += [_line(c.x, grid.header_height, c.x, bottom, THIN) for c in grid.columns[1:]]
    for placed in page.rows:
        out.append(_line(0, placed.y, grid.width, placed.y, THIN))
        for key, lines in placed.plan.cells.items():
            col = grid.column(key)
            centered = key in ("no", "waktu")
            x = col.center if centered else col.x + CELL_PAD_X
            out.append(
                _lines_block(
                    x,
                    placed.y + CELL_PAD_Y,
                    lines,
                    css=f"cell {key}",
                    anchor="middle" if centered else "start",
                )
            )
    out.append(
        f'<rect x="0" y="0" width="{_n(grid.width)}" height="{_n(bottom)}" fill="none" '
        f'stroke="{STROKE}" stroke-width="0.9"/>'
    )
    return out


def _clock(x: float, y: float, r: float = 2.6) -> str:
    return (
        f'<g class="clock"><circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="none" '
        f'stroke="{STROKE}" stroke-width="0.45"/>'
        f'<path d="M{_n(x)} {_n(y - r * 0.7)}V{_n(y)}H{_n(x + r * 0.6)}" fill="none" '
        f'stroke="{STROKE}" stroke-width="0.45"/></g>'
    )


def _symbol(node: Node) -> str:
    x0, y0, x1, y1 = node.bbox
    cx, cy, w, h = node.cx, node.cy, node.w, node.h
    style = f'fill="#fff" stroke="{STROKE}" stroke-width="0.8"'
    parts: list[str] = []
    if node.shape is Shape.CONNECTOR:
        pts = [(x0, y0), (x1, y0), (x1, y0 + h * 0.58), (cx, y1), (x0, y0 + h * 0.58)]
        parts.append(
            f'<polygon class="connector" data-ref="{esc(node.ref)}" '
            f'points="{" ".join(f"{_n(a)},{_n(b)}" for a, b in pts)}" {style}/>'
        )
        parts.append(_text(cx, y0 + h * 0.44, node.ref, MARK_BOLD, anchor="middle", css="ref"))
        return "".join(parts)
    step = node.step
    assert step is not None  # noqa: S101 — every non-connector node draws a step
    data = f'data-step="{esc(step.id)}" data-kind="{step.kind.value}"'
    annotated = node.view is View.ANNOTATED
    if annotated and not step.drawn:
        # A step the document does not draw: the product's, in its own ink.
        style = f'fill="#fff" stroke="{PROCESS_INK}" stroke-width="0.8"{PROCESS_DASH}'
        data += ' data-drawn="false"'
    if node.shape is Shape.TERMINATOR:
        parts.append(
            f'<rect class="terminator" {data} x="{_n(x0)}" y="{_n(y0)}" width="{_n(w)}" '
            f'height="{_n(h)}" rx="{_n(h / 2)}" ry="{_n(h / 2)}" {style}/>'
        )
    elif node.shape is Shape.DECISION:
        pts = [(cx, y0), (x1, cy), (cx, y1), (x0, cy)]
        parts.append(
            f'<polygon class="decision" {data} '
            f'points="{" ".join(f"{_n(a)},{_n(b)}" for a, b in pts)}" {style}/>'
        )
    else:
        parts.append(
            f'<rect class="process" {data} x="{_n(x0)}" y="{_n(y0)}" width="{_n(w)}" '
            f'height="{_n(h)}" {style}/>'
        )
        if annotated and step.kind is StepKind.SUBPROCEDURE:
            parts += [_line(bx, y0, bx, y1, 0.6, "subprocedure-bar") for bx in (x0 + 3.5, x1 - 3.5)]
    if annotated:
        parts.append(_marks(node))
    return "".join(parts)


def _marks(node: Node) -> str:
    """What is written inside a symbol: the sub-step letter, a wait's clock and deadline, the
    repeat sign. Items that do not fit are dropped, the deadline last."""
    step = node.step
    assert step is not None  # noqa: S101
    inner = node.w - (11.0 if step.kind is StepKind.SUBPROCEDURE else 4.0)
    if node.shape is Shape.DECISION:
        inner = node.w * 0.5
    items: list[tuple[str, str, float]] = []  # (kind, text, width)
    if node.letter:
        items.append(("letter", node.letter, MARK_BOLD.width(node.letter)))
    if step.kind is StepKind.WAIT:
        items.append(("clock", "", 5.6))
        deadline = (step.deadline.text if step.deadline else "") or step.time.text
        if deadline:
            items.append(("text", deadline, MARK.width(deadline)))
    if step.kind is StepKind.REPEAT:
        items.append(("repeat", "↻", MARK_BOLD.width("↻") + 1.5))

    def total() -> float:
        return sum(w for _, _, w in items) + 1.6 * max(len(items) - 1, 0)

    for drop in ("clock", "repeat", "text"):
        if total() <= inner:
            break
        items = [i for i in items if i[0] != drop]
    if not items:
        return ""
    x = node.cx - total() / 2
    y = node.cy + MARK.size * 0.36
    out = ['<g class="marks">']
    for kind, text, width in items:
        if kind == "letter":
            out.append(_text(x, y, text, MARK_BOLD, css="letter"))
        elif kind == "clock":
            out.append(_clock(x + width / 2, node.cy))
        elif kind == "repeat":
            out.append(_text(x, y + 0.4, text, MARK_BOLD, css="repeat"))
        else:
            out.append(_text(x, y, text, MARK, css="deadline"))
        x += width + 1.6
    out.append("</g>")
    return "".join(out)


def _edge(edge: Edge) -> tuple[str, str]:
    """The arrow's line, and its head (drawn over the symbols)."""
    pts = edge.points
    if len(pts) < 2:
        return "", ""
    css = "link" if edge.dashed else ("loop" if edge.loop else "flow")
    dash = ' stroke-dasharray="3 2"' if edge.dashed else ""
    ink = STROKE
    if not edge.drawn:  # annotated view only: an arrow the document does not draw
        css += " process-only"
        ink, dash = PROCESS_INK, PROCESS_DASH
    line = (
        f'<polyline class="arrow {css}" data-from="{esc(edge.src.key)}" '
        f'data-to="{esc(edge.dst.key)}" points="{" ".join(f"{_n(x)},{_n(y)}" for x, y in pts)}" '
        f'fill="none" stroke="{ink}" stroke-width="{_n(LINE_W)}"{dash}/>'
    )
    (px, py), (ex, ey) = pts[-2], pts[-1]
    length = max(abs(ex - px) + abs(ey - py), 0.001)
    dx, dy = (ex - px) / length, (ey - py) / length
    back_x, back_y = ex - dx * 5.0, ey - dy * 5.0
    head = (
        f'<polygon class="arrowhead" points="{_n(ex)},{_n(ey)} '
        f"{_n(back_x - dy * 2.2)},{_n(back_y + dx * 2.2)} "
        f'{_n(back_x + dy * 2.2)},{_n(back_y - dx * 2.2)}" fill="{ink}"/>'
    )
    return line, head


def _label(edge: Edge) -> str:
    if not edge.label_at or not edge.label_lines:
        return ""
    x, y, anchor = edge.label_at
    lines = tuple(Line(t, LABEL) for t in edge.label_lines)
    if edge.drawn and edge.label_drawn:
        return _lines_block(x, y - LABEL.size * 0.82, lines, css="branch-label", anchor=anchor)
    # annotated view: a label the document does not write
    block = _lines_block(
        x, y - LABEL.size * 0.82, lines, css="branch-label process-only", anchor=anchor
    )
    return f'<g fill="{PROCESS_INK}" font-style="italic">{block}</g>'


def page_svg(chart: ChartLayout, page: PageLayout) -> str:
    grid = page.grid
    width, height = grid.width + 1.0, page.height + 1.0
    # A single row taller than the paper (rows are never split) is drawn smaller, not cut off.
    scale = min(1.0, (chart.paper.content_height - 1.0) / height)
    name = chart.spec.identity.nama
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sop-chart" '
        f'width="{_n(width * scale)}pt" height="{_n(height * scale)}pt" '
        f'viewBox="-0.5 -0.5 {_n(width)} {_n(height)}" role="img" '
        f'aria-label="{esc(f"Bagan alir SOP {name}, halaman {page.number}")}">',
        f'<g font-family="{esc(FONT_FAMILY)}" fill="#000">',
    ]
    parts += _header(page)
    parts += _body(page)
    lines, heads = zip(*(_edge(e) for e in page.edges), strict=True) if page.edges else ((), ())
    parts.append('<g class="arrows">' + "".join(lines) + "</g>")
    parts.append('<g class="symbols">' + "".join(_symbol(n) for n in page.nodes) + "</g>")
    parts.append('<g class="arrowheads">' + "".join(heads) + "</g>")
    parts.append('<g class="labels">' + "".join(_label(e) for e in page.edges) + "</g>")
    parts.append("</g></svg>")
    return "".join(parts)
