"""Every number on the dashboard page leads to a list of exactly that many rows, for a kecamatan
and for its parent; every figure on cases equals its drill's count; the reader's rights choose
the unit (a sibling's dashboard, lists and drills are 404s); bad input is a message, never a 500;
the page's queries do not grow with the number of cases.

These tests run at the real "now" (the lists are opened now), with cases built days before it.
"""

from __future__ import annotations

import datetime as dt
from html import escape

import pytest
from django.urls import reverse
from django.utils import timezone

from trantib.enforcement.models import FindingSource
from trantib.enforcement.services import finding_open
from trantib.enforcement.tests import ladder_support
from trantib.reports.dashboard.build import dashboard_build
from trantib.reports.dashboard.panels import REPORT
from trantib.reports.figures import Figure, drill_cases
from trantib.reports.periods import period_parse
from trantib.reports.scope import scope_for
from trantib.reports.tests.dashboard_support import (
    answer,
    categories,
    claim_order,
    client_for,
    complaint,
    give_order,
    listed,
    ppl,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(demo_org, settings):
    """Cipondoh: two late PPL orders (one claimed by the Camat), one fresh, one given late
    (its next step late too); a complaint answered, one untouched for ten days; Satpol PP: two
    findings; Karawaci: a late order and a complaint untouched for ten days."""
    settings.TRANTIB_COMPLAINT_ANSWER_DAYS = 5
    now = timezone.now()
    ten_days = now - dt.timedelta(days=10)
    ppl(demo_org, "CPD", ten_days, "Kos Jl. Melati")
    claimed = ppl(demo_org, "CPD", ten_days, "Kos Jl. Anggrek")
    claim_order(demo_org, claimed, ten_days + dt.timedelta(minutes=5))
    ppl(demo_org, "CPD", now - dt.timedelta(minutes=1), "Kos Jl. Mawar")
    done = ppl(demo_org, "CPD", ten_days, "Kos Jl. Kenanga")
    give_order(demo_org, done, now - dt.timedelta(days=4))
    ppl(demo_org, "KRW", ten_days, "Karawaci")
    cats = categories()
    told = complaint(cats["cpd-pkl"], now - dt.timedelta(days=2))
    answer(demo_org, told, now - dt.timedelta(days=1))
    complaint(cats["cpd-pkl"], ten_days)  # its first officer's step (15 minutes) is late
    complaint(cats["krw-pkl"], ten_days)
    tibum, _reklame = ladder_support.catalogue(demo_org, now)
    article = ladder_support.article(tibum, "Pasal 14")
    for name, age in (("Pedagang A", dt.timedelta(days=3)), ("Pedagang B", dt.timedelta())):
        finding_open(
            unit=demo_org.unit("PPTNG"),
            actor=demo_org.person("petugas1.pptng"),
            violator=ladder_support.violator(demo_org, name=name, nik=""),
            articles=[article],
            place="Jl. Sudirman",
            latitude=-6.1783,
            longitude=106.6319,
            found_at=now - age - dt.timedelta(minutes=5),
            source=FindingSource.PATROL,
            now=now - age,
        )
    return demo_org


def _figures(board):
    """Every count on the dashboard (shares and medians are not counts of rows)."""
    found = [board.work.open, board.work.late, board.work.steps, board.work.steps_late]
    for row in board.work.sops:
        found += [row.open, row.late]
    for row in [*board.work.waiting, *board.work.claimed]:
        found += [row.count, row.late]
    for row in board.compliance.rows:
        found += [row.done, row.within, row.late]
    for row in board.complaints.rows:
        found += [row.received, row.told, row.on_time, row.late]
    found += [f for _rung, f in board.ladder.by_rung]
    found += [board.ladder.total, board.ladder.overdue, board.map.findings, board.map.complaints]
    for child in board.children:
        found += [f for f in child.figures if f.unit != "%"]
    return [f for f in found if isinstance(f, Figure)]


@pytest.mark.parametrize(("username", "unit"), [("camat.cpd", "CPD"), ("sekda.tng", "PEMKOT-TNG")])
def test_every_number_on_the_page_opens_a_list_of_that_many_rows(world, username, unit):
    client = client_for(world, username)
    page = client.get(reverse("reports:dashboard"), {"unit": unit})
    assert page.status_code == 200
    html = page.content.decode()
    user = world.user(username)
    board = dashboard_build(user, scope_for(user, unit))
    figures = _figures(board)
    assert len(figures) > 40
    for figure in figures:
        assert escape(figure.href) in html, figure
        assert listed(client, figure.href) == figure.value, (figure.label, figure.href)


def test_what_the_world_holds_is_what_cipondohs_dashboard_says(world):
    user = world.user("camat.cpd")
    board = dashboard_build(user, scope_for(user, "CPD"))
    # Open: Melati, Anggrek, Mawar, Kenanga (its next step) and the untouched complaint;
    # late: all but Mawar (its two hours have not passed).
    assert (board.work.open.value, board.work.late.value) == (5, 4)
    assert [(r.code, r.open.value, r.late.value) for r in board.work.sops] == [
        ("PPL", 4, 3),
        ("PGD", 1, 1),
    ]
    assert [(r.label, r.count.value, r.late.value) for r in board.work.claimed] == [
        ("H. Rahmat Hidayat, S.STP., M.Si.", 1, 1)
    ]
    received = sum(r.received.value for r in board.complaints.rows)
    assert (received, sum(r.told.value for r in board.complaints.rows)) == (2, 1)
    assert board.ladder.total.value == 0  # Satpol PP's findings are not Cipondoh's
    sekda = world.user("sekda.tng")
    parent = dashboard_build(sekda, scope_for(sekda, "PEMKOT-TNG"))
    # Cipondoh's 5 (4 late), Karawaci's order and complaint (late), Satpol PP's two findings
    # (the three-day-old one's first step is late).
    assert (parent.work.open.value, parent.work.late.value) == (9, 7)
    assert parent.ladder.total.value == 2


def test_each_figure_on_cases_equals_its_drill(world):
    user = world.user("sekda.tng")
    scope = scope_for(user, "PEMKOT-TNG")
    board = dashboard_build(user, scope)
    checked = 0
    for figure in _figures(board):
        if not figure.href.startswith(reverse("reports:drill")):
            continue
        query = dict(part.split("=", 1) for part in figure.href.split("?", 1)[1].split("&"))
        if query["unit"] != scope.unit.code:
            continue  # a child's row: its own scope (followed in the test above)
        name, period = query.pop("angka"), period_parse(query.pop("periode"))
        for key in ("laporan", "unit"):
            query.pop(key)
        assert drill_cases(user, REPORT, name, scope, period, query).count() == figure.value
        checked += 1
    assert checked >= 8


# -- scoping and bad input ---------------------------------------------------------------------


def test_nobody_sees_a_siblings_or_an_unknown_units_dashboard_or_lists(world):
    camat = client_for(world, "camat.cpd")
    outsider = client_for(world, "kasi.krw")
    dashboard, tasks = reverse("reports:dashboard"), reverse("reports:dashboard_tasks")
    for client, unit in (
        (camat, "KRW"),
        (camat, "PEMKOT-TNG"),
        (camat, "NOPE"),
        (camat, "CPD\x00"),
        (outsider, "CPD"),
    ):
        assert client.get(dashboard, {"unit": unit}).status_code == 404
        assert client.get(tasks, {"unit": unit}).status_code == 404
    drill = reverse("reports:drill")
    assert (
        outsider.get(drill, {"laporan": REPORT, "angka": "kasus_berjalan", "unit": "CPD"})
    ).status_code == 404
    assert outsider.get(reverse("enforcement:board"), {"unit": "CPD"}).status_code == 404
    # Karawaci's own steps never appear in Cipondoh's list, whatever the filter says.
    assert listed(camat, f"{tasks}?unit=CPD&peran=KRW:camat") == 0
    # The outsider's own dashboard: Karawaci's late order only.
    own = outsider.get(dashboard)
    assert own.status_code == 200 and "Kecamatan Karawaci" in own.content.decode()
    assert "Kos Jl." not in own.content.decode()


def test_bad_input_is_a_message_never_an_error(world):
    camat = client_for(world, "camat.cpd")
    page = camat.get(reverse("reports:dashboard"), {"unit": "CPD", "rentang": "tahun"})
    assert page.status_code == 200
    assert "Rentang “tahun” tidak dikenal" in page.content.decode()
    tasks = reverse("reports:dashboard_tasks")
    for params, field in (
        ({"status": "semua"}, "status"),
        ({"terlambat": "1"}, "terlambat"),
        ({"orang": "99999999999999999999"}, "orang"),
        ({"peran": "camat"}, "peran"),
        ({"waktu": "2026-W99"}, "waktu"),
        ({"waktu": "2026-13"}, "waktu"),
        ({"mutu": "mungkin"}, "mutu"),
        ({"sop": "PPL\x00"}, "sop"),
    ):
        response = camat.get(tasks, {"unit": "CPD", **params})
        assert response.status_code == 400, params
        assert f"Filter {field} tidak dapat dibaca" in response.content.decode()
    assert camat.get(tasks, {"unit": "CPD", "halaman": "x"}).status_code == 200


# -- fast ---------------------------------------------------------------------------------------


def test_the_page_runs_a_fixed_handful_of_queries_whatever_the_number_of_cases(
    world, django_assert_max_num_queries
):
    client = client_for(world, "sekda.tng")
    url = reverse("reports:dashboard")
    client.get(url, {"unit": "PEMKOT-TNG"})  # caches (SOP specs, the board's holders) warm up
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url, {"unit": "PEMKOT-TNG"})
    now = timezone.now()
    for n in range(12):
        ppl(world, "CPD", now - dt.timedelta(days=n % 6 + 1), f"Tambahan {n}")
        ppl(world, "KRW", now - dt.timedelta(days=n % 5 + 1), f"Tambahan {n}")
    cats = categories()
    for n in range(6):
        complaint(cats["cpd-pkl"], now - dt.timedelta(hours=n + 1))
    with django_assert_max_num_queries(40):
        page = client.get(url, {"unit": "PEMKOT-TNG"})
    with CaptureQueriesContext(connection) as after:
        client.get(url, {"unit": "PEMKOT-TNG"})
    assert page.status_code == 200
    assert len(after.captured_queries) == len(before.captured_queries)
