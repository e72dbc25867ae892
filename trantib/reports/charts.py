"""Charts drawn on the server as SVG: no script, no CDN, readable without JavaScript.

Each chart is an inline ``<svg role="img">`` with a ``<title>`` and an ``aria-label``; it scales
to the width of its box (``viewBox``), so it reads on a phone. Every text is escaped; a bar with
an ``href`` is a link to the list it counts. A chart is always shown with the table behind it
(``reports/_chart.html``): the picture is for the eye, the table for the record.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

TONES = {"": "#2f6690", "ok": "#2e7d32", "late": "#c62828", "warn": "#b26a00", "muted": "#8a96a3"}
_LINE_TONES = ("#2f6690", "#c62828", "#2e7d32", "#b26a00", "#6a4c93")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    href: str = ""
    tone: str = ""


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]
    tone: str = ""


def _number(value: float, percent: bool = False) -> str:
    text = f"{value:.1f}" if isinstance(value, float) and not value.is_integer() else f"{value:.0f}"
    text = text.replace(".", ",")
    return f"{text}%" if percent else text


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    label = escape(title)
    return mark_safe(  # noqa: S308 - every text inside is escaped above
        f'<svg class="chart" role="img" aria-label="{label}" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{label}</title>{''.join(body)}</svg>"
    )


def bar_chart(bars: list[Bar], *, title: str, unit: str = "", width: int = 640) -> SafeString:
    """Horizontal bars, one per row: the label left, the bar, the value at its end."""
    row, gap, label_w, value_w = 26, 6, min(220, width // 3), 70
    height = max(1, len(bars)) * (row + gap) + gap
    top = max((b.value for b in bars), default=0) or 1
    span = width - label_w - value_w - 10
    body: list[str] = []
    if not bars:
        body.append(
            f'<text x="{gap}" y="{row}" class="chart-empty" font-size="14" fill="#555">—</text>'
        )
    for i, bar in enumerate(bars):
        y = gap + i * (row + gap)
        length = 0 if bar.value <= 0 else max(2, round(span * bar.value / top))
        color = TONES.get(bar.tone, TONES[""])
        shown = escape(f"{_number(bar.value)} {unit}".strip())
        text = escape(bar.label if len(bar.label) <= 34 else bar.label[:33] + "…")
        piece = (
            f'<text x="{label_w - 6}" y="{y + row * 0.68:.1f}" text-anchor="end" '
            f'font-size="13" fill="#1d2630">{text}</text>'
            f'<rect x="{label_w}" y="{y}" width="{length}" height="{row}" rx="3" fill="{color}">'
            f"<title>{escape(bar.label)}: {shown}</title></rect>"
            f'<text x="{label_w + length + 6}" y="{y + row * 0.68:.1f}" font-size="13" '
            f'fill="#1d2630">{shown}</text>'
        )
        if bar.href:
            piece = f'<a href="{escape(bar.href)}">{piece}</a>'
        body.append(piece)
    return _svg(width, height, title, body)


def line_chart(
    labels: list[str],
    series: list[Series],
    *,
    title: str,
    percent: bool = False,
    width: int = 640,
) -> SafeString:
    """Lines over periods (weeks, months); a missing value (None) breaks the line."""
    height, left, right, top_pad, bottom = 240, 44, 12, 14, 46
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    values = [v for s in series for v in s.values if v is not None]
    top = 100.0 if percent else max(values, default=0) or 1.0
    steps = len(labels) - 1 or 1
    body: list[str] = []
    for k in range(5):  # the grid and its scale
        grid = top * k / 4
        y = top_pad + plot_h - plot_h * k / 4
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#dfe5ec"/><text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" '
            f'font-size="11" fill="#555">{escape(_number(grid, percent))}</text>'
        )
    every = max(1, len(labels) // 6)  # at most about six labels under the axis
    for i, text in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            x = left + plot_w * i / steps
            # The first and last labels align to the plot's edges so that they are not cut off.
            anchor = "start" if i == 0 else "end" if i == len(labels) - 1 else "middle"
            body.append(
                f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="{anchor}" '
                f'font-size="11" fill="#555">{escape(text)}</text>'
            )
    for n, line in enumerate(series):
        color = TONES.get(line.tone) if line.tone else _LINE_TONES[n % len(_LINE_TONES)]
        points: list[list[str]] = [[]]
        for i, value in enumerate(line.values):
            if value is None:
                points.append([])
                continue
            x = left + plot_w * i / steps
            y = top_pad + plot_h - plot_h * min(value, top) / top
            points[-1].append(f"{x:.1f},{y:.1f}")
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"><title>'
                f"{escape(line.name)} {escape(labels[i] if i < len(labels) else '')}: "
                f"{escape(_number(value, percent))}</title></circle>"
            )
        body.extend(
            f'<polyline points="{" ".join(part)}" fill="none" stroke="{color}" stroke-width="2"/>'
            for part in points
            if len(part) > 1
        )
        lx = left + n * 160
        body.append(
            f'<rect x="{lx}" y="{height - 16}" width="12" height="4" fill="{color}"/>'
            f'<text x="{lx + 16}" y="{height - 11}" font-size="11" fill="#1d2630">'
            f"{escape(line.name)}</text>"
        )
    return _svg(width, height, title, body)
