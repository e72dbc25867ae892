"""Charts drawn on the server: SVG with escaped text, links on bars, no script."""

from __future__ import annotations

from trantib.reports.charts import Bar, Series, bar_chart, line_chart


def test_a_bar_chart_escapes_its_text_and_links_its_bars():
    svg = str(
        bar_chart(
            [Bar("<script>alert(1)</script>", 3, href="/kasus/?a=1&b=2"), Bar("Tepat", 7)],
            title='Tugas "terlambat"',
        )
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert '<a href="/kasus/?a=1&amp;b=2">' in svg
    assert "&quot;terlambat&quot;" in svg
    # the longer bar is the larger value
    widths = [
        float(w) for w in __import__("re").findall(r'<rect x="\d+" y="\d+" width="(\d+)"', svg)
    ]
    assert widths[1] > widths[0] > 0


def test_a_line_chart_breaks_at_a_missing_value_and_scales_percent_to_100():
    svg = str(
        line_chart(
            ["M1", "M2", "M3", "M4"],
            [Series("Tepat waktu", [50.0, None, 80.0, 100.0])],
            title="Mutu Baku",
            percent=True,
        )
    )
    assert svg.count("<polyline") == 1  # M1 alone, then M3-M4
    assert "100%" in svg and "<script" not in svg
