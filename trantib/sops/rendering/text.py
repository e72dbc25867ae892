"""Text measurement and line wrapping for the SVG chart.

WeasyPrint cannot lay out text inside an SVG, so every line break of the flowchart table is
decided here. Widths come from the advance widths of Liberation Sans (metric-compatible with
Arial, the face Indonesian government documents use), stored as a table so the result does not
depend on the fonts of the machine that renders. Characters outside the table count as wide.
"""

from __future__ import annotations

from dataclasses import dataclass

FONT_FAMILY = "Liberation Sans, Arial, Helvetica, sans-serif"

# Advance widths in 1/1000 em of the printable ASCII range (0x20-0x7E).
_ASCII = "".join(chr(c) for c in range(0x20, 0x7F))
_REGULAR = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722,
    722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
    667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
    556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
    500, 334, 260, 334, 584,
)  # fmt: skip
_BOLD = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722,
    722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722,
    667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611,
    611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556,
    500, 389, 280, 389, 584,
)  # fmt: skip
_EXTRA = {"–": 556, "—": 1000, "‘": 222, "’": 222, "“": 333, "”": 333, "•": 350, "·": 333}
_REGULAR_WIDTHS = dict(zip(_ASCII, _REGULAR, strict=True)) | _EXTRA
_BOLD_WIDTHS = dict(zip(_ASCII, _BOLD, strict=True)) | _EXTRA
_UNKNOWN = 780  # wider than any Latin letter but W/M: an unknown glyph never overflows
# Browsers may substitute a slightly wider face (Roboto, DejaVu Sans) for Liberation Sans;
# wrapping against a narrower measure than the cell keeps their text inside it too.
SAFETY = 0.94


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The advance width of ``text`` at ``size`` points."""
    table = _BOLD_WIDTHS if bold else _REGULAR_WIDTHS
    return sum(table.get(ch, _UNKNOWN) for ch in text) * size / 1000


@dataclass(frozen=True)
class TextStyle:
    size: float
    bold: bool = False
    line_height: float = 1.22

    @property
    def leading(self) -> float:
        return self.size * self.line_height

    def width(self, text: str) -> float:
        return text_width(text, self.size, bold=self.bold)


def wrap(text: str, width: float, style: TextStyle) -> list[str]:
    """Break ``text`` into lines no wider than ``width``; explicit newlines are kept.

    Lines break at spaces; a word longer than a line breaks after a slash or hyphen, and
    failing that between letters.
    """
    limit = width * SAFETY
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        words = paragraph.split()
        current = ""
        for word in words:
            candidate = f"{current} {word}" if current else word
            if style.width(candidate) <= limit:
                current = candidate
                continue
            if current:
                lines.append(current)
                current = ""
            *whole, current = _split_word(word, limit, style)
            lines.extend(whole)
        lines.append(current)
    while len(lines) > 1 and not lines[-1]:
        lines.pop()
    return lines


def _split_word(word: str, limit: float, style: TextStyle) -> list[str]:
    """A word too long for a line, cut into pieces that fit (at / or - when possible)."""
    pieces: list[str] = []
    rest = word
    while style.width(rest) > limit:
        cut = 0
        for i in range(1, len(rest)):
            if style.width(rest[:i]) > limit:
                break
            cut = i
        cut = max(cut, 1)
        soft = max(rest.rfind("/", 0, cut + 1), rest.rfind("-", 0, cut + 1))
        if soft > 0:
            cut = soft + 1
        pieces.append(rest[:cut])
        rest = rest[cut:]
    pieces.append(rest)
    return pieces
