"""The head of unit's dashboard against worlds whose answers are known by construction.

Each test builds its cases through the real services at chosen moments (``dashboard_support``),
counts what each figure must say by hand, and checks the dashboard for Kecamatan Cipondoh (CPD)
and for its parent, Pemerintah Kota Tangerang (PEMKOT-TNG). Karawaci (KRW) is Cipondoh's
sibling: its rows must never reach Cipondoh's figures, and do reach the parent's, under its
own row. The moment of the dashboard is ``NOW`` (Thursday 15 October 2026, 10.00 WIB).
"""

from __future__ import annotations

import datetime as dt

import holidays
import pytest
from django.utils import timezone

from trantib.enforcement.models import FindingSource
from trantib.enforcement.services import finding_open
from trantib.enforcement.tests import ladder_support
from trantib.letters.tests.sop_desk import Desk
from trantib.reports.dashboard.build import dashboard_build
from trantib.reports.scope import scope_for
from trantib.reports.tests.dashboard_support import (
    NOW,
    answer,
    at,
    categories,
    claim_order,
    complaint,
    give_order,
    ppl,
)

pytestmark = pytest.mark.django_db


def test_no_public_holiday_falls_in_the_weeks_the_tests_count_by_hand():
    days = holidays.country_holidays("ID", years=2026)
    first, last = dt.date(2026, 9, 1), dt.date(2026, 10, 16)
    assert [d for d in days if first <= d <= last] == []


def _build(demo_org, username, unit, **kw):
    user = demo_org.user(username)
    return dashboard_build(user, scope_for(user, unit), now=NOW, **kw)


def _child(board, code):
    return next(row for row in board.children if row.unit.code == code)


def _values(figures):
    return [f.value for f in figures]


# -- 1. open and overdue work -----------------------------------------------------------------


def test_open_and_late_work_per_sop_per_position_and_per_person(demo_org):
    late_waiting = ppl(demo_org, "CPD", at("2026-10-05"), "Kos Jl. Melati")  # due 5 Oct 11.00
    ppl(demo_org, "CPD", at("2026-10-15", "09:30"), "Kos Jl. Mawar")  # due 11.30: not late
    claimed = ppl(demo_org, "CPD", at("2026-10-05"), "Kos Jl. Anggrek")
    claim_order(demo_org, claimed, at("2026-10-05", "09:10"))
    ppl(demo_org, "KRW", at("2026-10-05"), "Sibling")  # Karawaci's: late, never Cipondoh's
    assert late_waiting.unit.code == "CPD"

    board = _build(demo_org, "camat.cpd", "CPD")
    work = board.work
    # Three open PPL cases; two have the Camat's order past its 2 hours.
    assert [(r.code, r.open.value, r.late.value) for r in work.sops] == [("PPL", 3, 2)]
    assert (work.open.value, work.late.value) == (3, 2)
    # Waiting to be claimed: the two unclaimed orders, on the Camat's position.
    assert [(r.label, r.count.value, r.late.value) for r in work.waiting] == [
        ("Camat Cipondoh", 2, 1)
    ]
    assert "H. Rahmat Hidayat" in work.waiting[0].detail  # the position's holder
    # Claimed: the Camat himself, one step, late.
    assert [(r.label, r.count.value, r.late.value) for r in work.claimed] == [
        ("H. Rahmat Hidayat, S.STP., M.Si.", 1, 1)
    ]
    assert (work.steps.value, work.steps_late.value) == (3, 2)
    assert board.children == []  # a kecamatan has no per-unit table

    parent = _build(demo_org, "sekda.tng", "PEMKOT-TNG")
    assert [(r.code, r.open.value, r.late.value) for r in parent.work.sops] == [("PPL", 4, 3)]
    assert [(r.label, r.count.value) for r in parent.work.waiting] == [
        ("Camat Cipondoh · CPD", 2),
        ("Camat Karawaci · KRW", 1),
    ]
    cpd, krw, pptng = _child(parent, "CPD"), _child(parent, "KRW"), _child(parent, "PPTNG")
    assert _values(cpd.figures[:3]) == [3, 2, 2]  # open cases, late cases, late steps
    assert _values(krw.figures[:3]) == [1, 1, 1]
    assert _values(pptng.figures[:3]) == [0, 0, 0]
    assert cpd.href.endswith("?unit=CPD")


# -- 2. Mutu Baku compliance --------------------------------------------------------------------


def test_mutu_baku_share_counts_steps_done_by_their_due_time_per_week_and_month(demo_org):
    # Each case's first step is done at its start: inside its 2 hours.
    quick = ppl(demo_org, "CPD", at("2026-09-30"))  # W-2: start done
    give_order(demo_org, quick, at("2026-09-30", "09:30"))  # W-2: due 11.00, done 09.30
    slow = ppl(demo_org, "CPD", at("2026-09-21"))  # W-3: start done
    give_order(demo_org, slow, at("2026-09-30", "12:00"))  # W-2: due 21 Sep 11.00: late
    recent = ppl(demo_org, "CPD", at("2026-10-06"))  # W-1: start done
    give_order(demo_org, recent, at("2026-10-06", "10:00"))  # W-1: due 11.00: inside
    sibling = ppl(demo_org, "KRW", at("2026-09-30"))  # Karawaci's, W-2
    give_order(demo_org, sibling, at("2026-10-08", "10:00"))  # W-1, late: not Cipondoh's

    weeks = _build(demo_org, "camat.cpd", "CPD").compliance.rows
    assert len(weeks) == 12
    assert [w.bucket.start.date() for w in weeks[-4:]] == [
        dt.date(2026, 9, 21),
        dt.date(2026, 9, 28),
        dt.date(2026, 10, 5),
        dt.date(2026, 10, 12),
    ]
    by_week = [(w.done.value, w.within.value, w.late.value, w.share.value) for w in weeks]
    assert by_week[-4:] == [(1, 1, 0, 100.0), (3, 2, 1, 66.7), (2, 2, 0, 100.0), (0, 0, 0, None)]
    assert all(row == (0, 0, 0, None) for row in by_week[:-4])

    months = _build(demo_org, "camat.cpd", "CPD", range_="bulan").compliance.rows
    assert [m.bucket.label for m in months[-2:]] == ["September 2026", "Oktober 2026"]
    assert [(m.done.value, m.within.value) for m in months[-2:]] == [(4, 3), (2, 2)]

    parent = _build(demo_org, "sekda.tng", "PEMKOT-TNG")
    # W-1 with Karawaci's: its start (W-2) and its late order (W-1).
    assert [(w.done.value, w.within.value) for w in parent.compliance.rows[-3:-1]] == [
        (4, 3),
        (3, 2),
    ]
    assert _child(parent, "KRW").figures[3].value == 0.0  # October: 0 of 1 in time
    assert _child(parent, "CPD").figures[3].value == 100.0  # October: 2 of 2
    assert _child(parent, "PPTNG").figures[3].value is None  # nothing done: "—"


# -- 3. complaint answer times -------------------------------------------------------------------


def test_complaint_answer_times_are_counted_on_the_complaints_own_working_day_clock(
    demo_org, settings
):
    settings.TRANTIB_COMPLAINT_ANSWER_DAYS = 5
    cats = categories()
    cpd, krw = cats["cpd-pkl"], cats["krw-pkl"]
    # September: received Monday 7, told Wednesday 9 (2 working days, due Monday 14): on time.
    first = complaint(cpd, at("2026-09-07", "10:00"))
    answer(demo_org, first, at("2026-09-09", "11:00"))
    # Received Tuesday 8, told Wednesday 16: 6 working days, past Tuesday 15 10.00: late.
    second = complaint(cpd, at("2026-09-08", "10:00"))
    answer(demo_org, second, at("2026-09-16", "10:00"))
    # Received Friday 25, never told: due Friday 2 October, passed: late.
    complaint(cpd, at("2026-09-25", "14:00"))
    # October: told the same day (0 working days); and one not yet due (21 October).
    same_day = complaint(cpd, at("2026-10-01"))
    answer(demo_org, same_day, at("2026-10-01", "15:00"))
    pending = complaint(cpd, at("2026-10-14"))
    # Karawaci's, received in September and on Friday 2 October (due Friday 9), never told:
    # both late, neither Cipondoh's.
    complaint(krw, at("2026-09-10"))
    complaint(krw, at("2026-10-02"))
    assert {first.unit.code, second.unit.code, same_day.unit.code} == {"CPD"}

    rows = _build(demo_org, "camat.cpd", "CPD").complaints.rows
    assert [r.bucket.label for r in rows] == [
        "Mei 2026",
        "Juni 2026",
        "Juli 2026",
        "Agustus 2026",
        "September 2026",
        "Oktober 2026",
    ]
    table = [
        (
            r.received.value,
            r.told.value,
            r.on_time.value,
            r.late.value,
            r.share.value,
            r.median.value,
        )
        for r in rows
    ]
    assert table[-2:] == [(3, 2, 1, 2, 33.3, 4.0), (2, 1, 1, 0, 100.0, 0.0)]
    assert table[:4] == [(0, 0, 0, 0, None, None)] * 4

    parent = _build(demo_org, "sekda.tng", "PEMKOT-TNG")
    assert [(r.received.value, r.late.value) for r in parent.complaints.rows[-2:]] == [
        (4, 3),
        (3, 1),
    ]
    krw_row, cpd_row = _child(parent, "KRW"), _child(parent, "CPD")
    assert (krw_row.figures[4].value, krw_row.figures[5].value) == (1, 0.0)
    assert (cpd_row.figures[4].value, cpd_row.figures[5].value) == (2, 100.0)

    # The map: October's complaints with a point (two of Cipondoh's) and their figure.
    board = _build(demo_org, "camat.cpd", "CPD")
    points = [f["properties"] for f in board.map.geojson["features"]]
    assert sorted(p["number"] for p in points) == sorted(
        [same_day.case.number, pending.case.number]
    )
    assert (board.map.complaints.value, board.map.complaints_shown) == (2, 2)
    assert all(p["kind"] == "pengaduan" for p in points)
    assert "Warga" not in str(board.map.geojson) and "0812" not in str(board.map.geojson)


# -- 4. the ladder, 5. the map's findings -----------------------------------------------------


def _finding(desk: Desk, demo_org, article, when: dt.datetime, name: str):
    return finding_open(
        unit=demo_org.unit("PPTNG"),
        actor=desk.who("petugas1.pptng"),
        violator=ladder_support.violator(demo_org, name=name, nik=""),
        articles=[article],
        place="Trotoar Jl. Sudirman",
        latitude=-6.1783,
        longitude=106.6319,
        found_at=when - dt.timedelta(minutes=30),
        source=FindingSource.PATROL,
        now=when,
    )


def test_the_ladder_counts_the_boards_rows_per_rung_and_the_map_this_months_findings(demo_org):
    desk = Desk(demo_org, at("2026-09-01"))
    tibum, _reklame = ladder_support.catalogue(demo_org, desk.now)
    article = ladder_support.article(tibum, "Pasal 12 ayat (1)")
    # 1 September: a finding whose Surat Pernyataan step (15 minutes) is long overdue.
    _finding(desk, demo_org, article, at("2026-09-01"), "Pedagang Lama")
    # 25 September: Surat Pernyataan, its 15 days pass without compliance, Surat Teguran I
    # delivered on 12 October (7 days to comply: not overdue on the 15th).
    desk.at(at("2026-09-25"))
    warned = _finding(desk, demo_org, article, at("2026-09-25"), "Pedagang Bandel").case
    desk.tick()
    statement = desk.draft(warned, "beri_teguran", "kasat.pptng")
    desk.sign(desk.submit(statement, "kasat.pptng"), "kasat.pptng")
    desk.complete(warned, "beri_teguran", "kasat.pptng")
    desk.pass_wait(warned, "tunggu_pernyataan")
    desk.complete(
        warned,
        "cek_pernyataan",
        "kasat.pptng",
        {"hasil_pemeriksaan": "Masih berjualan"},
        decision="tidak mentaati",
    )
    desk.at(at("2026-10-12"))
    teguran = desk.draft(warned, "teguran_1", "kasat.pptng")
    teguran = desk.sign(desk.submit(teguran, "kasat.pptng"), "kasat.pptng")
    desk.deliver(teguran, "kasie.pptng", "Pedagang Bandel", at("2026-10-12", "10:00"))
    desk.complete(warned, "teguran_1", "kasat.pptng")
    # A minute ago: a fresh finding (its 15 minutes not yet past).
    _finding(desk, demo_org, article, NOW - dt.timedelta(minutes=1), "Pedagang Hari Ini")

    pptng = _build(demo_org, "kasat.pptng", "PPTNG")
    counts = {rung: f.value for rung, f in pptng.ladder.by_rung}
    assert counts == {
        "pernyataan": 2,
        "teguran_1": 1,
        "teguran_2": 0,
        "teguran_3": 0,
        "penertiban": 0,
    }
    assert (pptng.ladder.total.value, pptng.ladder.overdue.value) == (3, 1)
    # October's findings: the fresh one, with a point; none of September's.
    assert (pptng.map.findings.value, pptng.map.findings_shown) == (1, 1)
    kinds = [f["properties"]["kind"] for f in pptng.map.geojson["features"]]
    assert kinds == ["temuan"]
    assert "Pedagang" not in str(pptng.map.geojson)  # no violator's name on the map

    parent = _build(demo_org, "sekda.tng", "PEMKOT-TNG")
    assert (parent.ladder.total.value, parent.ladder.overdue.value) == (3, 1)
    assert _values(_child(parent, "PPTNG").figures[6:]) == [3, 1]
    assert _values(_child(parent, "CPD").figures[6:]) == [0, 0]

    cipondoh = _build(demo_org, "camat.cpd", "CPD")
    assert (cipondoh.ladder.total.value, cipondoh.ladder.overdue.value) == (0, 0)
    assert cipondoh.map.findings.value == 0 and cipondoh.map.geojson["features"] == []
    assert timezone.is_aware(NOW)
