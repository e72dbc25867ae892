"""Draw the demo's placeholder crest: ``trantib/demo/data/crest.png``.

The demo units print it in their kop where a real unit uploads its lambang daerah. It is a
neutral shield (a star, a gate, a river and a ribbon reading "LAMBANG CONTOH") that resembles
no real emblem. Run it again after changing it and commit the PNG:

    .venv/bin/python scripts/demo_crest.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parents[1] / "trantib" / "demo" / "data" / "crest.png"
SCALE = 4  # drawn large, then reduced: smooth edges
WIDTH, HEIGHT = 300, 360
GREEN, GOLD, WHITE, BLUE, INK = "#1d6b42", "#d9a21b", "#ffffff", "#2c6fb3", "#3a2c06"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def _xy(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(x * SCALE, y * SCALE) for x, y in points]


def _shield(top: float, inset: float) -> list[tuple[float, float]]:
    """The shield's outline: flat top with notched corners, sides curving to a point."""
    left, right = 30 + inset, WIDTH - 30 - inset
    mid = WIDTH / 2
    bottom = 318 - inset * 1.3
    points = [(left, top + 14), (left + 14, top), (right - 14, top), (right, top + 14)]
    steps = 24
    for i in range(1, steps + 1):  # the right side bows out, then meets the point
        t = i / steps
        x = right - (right - mid) * t**1.8
        y = top + 14 + (bottom - top - 14) * t
        points.append((x, y))
    for i in range(steps - 1, -1, -1):
        t = i / steps
        x = left + (mid - left) * t**1.8
        y = top + 14 + (bottom - top - 14) * t
        points.append((x, y))
    return points


def _star(cx: float, cy: float, outer: float, inner: float) -> list[tuple[float, float]]:
    from math import cos, pi, sin

    points = []
    for k in range(10):
        r = outer if k % 2 == 0 else inner
        angle = -pi / 2 + k * pi / 5
        points.append((cx + r * cos(angle), cy + r * sin(angle)))
    return points


def draw() -> Image.Image:
    img = Image.new("RGBA", (WIDTH * SCALE, HEIGHT * SCALE), (255, 255, 255, 0))
    d = ImageDraw.Draw(img)
    d.polygon(_xy(_shield(20, 0)), fill=GOLD)
    inside = Image.new("RGBA", img.size, GREEN)  # the field, clipped to the shield below
    mask = Image.new("L", img.size, 0)
    ImageDraw.Draw(mask).polygon(_xy(_shield(20, 9)), fill=255)
    d = ImageDraw.Draw(inside)
    d.polygon(_xy(_star(WIDTH / 2, 78, 34, 14)), fill=GOLD)
    # A gate: two towers and an arch, white on green.
    d.rectangle(_xy([(92, 130), (122, 232)]), fill=WHITE)
    d.rectangle(_xy([(178, 130), (208, 232)]), fill=WHITE)
    for x in (92, 102, 112, 178, 188, 198):  # battlements
        d.rectangle(_xy([(x, 120), (x + 8, 130)]), fill=WHITE)
    d.rectangle(_xy([(122, 150), (178, 232)]), fill=WHITE)
    d.pieslice(_xy([(130, 178), (170, 218)]), 180, 360, fill=GREEN)
    d.rectangle(_xy([(130, 198), (170, 232)]), fill=GREEN)
    # The river under it.
    for n, y in enumerate((244, 258)):
        for k in range(6):
            x = 60 + k * 30 + (n * 15)
            d.arc(_xy([(x, y), (x + 30, y + 14)]), 200, 340, fill=BLUE, width=5 * SCALE)
    img.paste(inside, (0, 0), mask)
    d = ImageDraw.Draw(img)
    # The ribbon across the foot of the shield.
    ribbon = [(14, 286), (286, 286), (272, 306), (286, 326), (14, 326), (28, 306)]
    d.polygon(_xy(ribbon), fill=GOLD, outline=INK, width=2 * SCALE)
    font = ImageFont.truetype(FONT, 17 * SCALE)
    d.text((WIDTH / 2 * SCALE, 306 * SCALE), "LAMBANG CONTOH", font=font, fill=INK, anchor="mm")
    return img.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)


if __name__ == "__main__":
    draw().save(OUT, optimize=True)
    print(f"{OUT} ({OUT.stat().st_size} bytes)")
