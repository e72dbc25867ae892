"""Drawing a Kasat would sign (issue 14, item 3), checked on every library SOP in both views:
no branch label is crossed by an arrow, every off-page connector sits in a column of its own
row's roles, and the official document's flowchart pages are used before a new one starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from trantib.engine.library import load_library
from trantib.engine.spec import SOPSpec
from trantib.sops.rendering import layout_chart
from trantib.sops.rendering.layout import Shape
from trantib.sops.rendering.routing import _hits_box, _label_box, _segments

LIBRARY = Path(__file__).resolve().parents[1] / "library"
FORMS = Path(__file__).resolve().parent / "files"
SPECS = sorted([*load_library(LIBRARY).specs, *load_library(FORMS).specs], key=lambda s: s.key)
VIEWS = ("official", "annotated")


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.key)
def test_no_branch_label_is_crossed_by_an_arrow(spec: SOPSpec, view: str) -> None:
    for page in layout_chart(spec, view=view).pages:
        segments = [s for e in page.edges if len(e.points) > 1 for s in _segments(e.points, e)]
        for edge in page.edges:
            if edge.label_at is None:
                continue
            box = _label_box(edge.label_at, edge.label_lines)
            crossing = [s for s in segments if _hits_box(s, box)]
            assert crossing == [], f"page {page.number}: '{edge.label}' is crossed"


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.key)
def test_connectors_sit_in_a_column_of_their_rows_roles(spec: SOPSpec, view: str) -> None:
    for page in layout_chart(spec, view=view).pages:
        for node in page.nodes:
            if node.shape is not Shape.CONNECTOR:
                continue
            # the symbol it joins: the arrow into it (out:) or out of it (in:)
            step = node.key.split(":", 1)[1]
            edge = next(e for e in page.edges if node in (e.src, e.dst))
            joined = edge.src if edge.dst is node else edge.dst
            assert joined.step is not None
            row = next(p.plan.row for p in page.rows if joined.step in p.plan.row.steps)
            columns = {page.grid.role_index[s.role] for s in row.steps}
            assert node.col in columns, f"connector to {step} outside row {row.no}'s roles"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.key)
def test_the_official_flowchart_fills_a_page_before_starting_another(spec: SOPSpec) -> None:
    chart = layout_chart(spec)
    room = chart.paper.content_height
    for page in chart.pages[:-1]:
        assert page.height / room >= 0.75, f"page {page.number} is {page.height / room:.0%} full"


def test_the_patrol_sop_needs_two_flowchart_pages_not_four() -> None:
    ppw = next(s for s in SPECS if s.key == "PPW.v3")
    assert len(layout_chart(ppw).pages) == 2
