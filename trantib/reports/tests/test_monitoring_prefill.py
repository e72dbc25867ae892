"""The monitoring pre-fill against cases whose every figure is known by construction
(``monitoring_support``): per row, the runs, the share within the Mutu Baku, the median, the
corrections, returns, cancellations, late and live tasks, the pre-filled assessment and note;
each figure's case count equals its drill's; only the unit's own tasks created in the period
count."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from trantib.cases.models import Task
from trantib.demo.files import sample
from trantib.demo.letters import case_start_written
from trantib.reports.figures import drill_cases
from trantib.reports.monitoring.drills import REPORT
from trantib.reports.monitoring.prefill import BAIK, COUNTS, TIDAK_BAIK, monitoring_prefill
from trantib.reports.periods import period_of, period_parse
from trantib.reports.scope import scope_for

from . import monitoring_support as support
from .monitoring_support import at, complete

pytestmark = pytest.mark.django_db
S1 = period_parse("2026-S1")
NOT_RUN = "Tidak dijalankan dalam periode ini."


def _rows(demo_org, unit: str, code: str, **kw):
    prefill = monitoring_prefill(unit=demo_org.unit(unit), code=code, period=S1, **kw)
    return prefill, {r.no: r for r in prefill.rows}


# tasks, ran, timed, within, corrected, returned, cancelled, overdue, live
FIGURES = (
    "tasks",
    "ran",
    "timed",
    "within",
    "corrected",
    "returned",
    "cancelled",
    "overdue",
    "live",
)


def _figures(row) -> tuple[int, ...]:
    return tuple(getattr(row, k) for k in FIGURES)


def _cases(row) -> tuple[int, ...]:
    """ran, within, corrected, returned, cancelled, overdue, live: cases behind each."""
    return tuple(row.cases[k] for k in COUNTS)


def test_each_pgd_row_holds_the_figures_counted_by_hand(demo_org):
    support.build_pgd(demo_org)
    prefill, rows = _rows(demo_org, "KRJ", "PGD")
    assert prefill.version.version == 2 and prefill.versions == [2]
    assert list(rows) == ["1", "2", "3", "4", "5", "6", "7"]
    # Row 1: G1 and G2 reported at start, each done at once (5 menit): G3 is 2025, G4 Karawaci.
    assert _figures(rows["1"]) == (2, 2, 2, 2, 0, 0, 0, 0, 0)
    assert rows["1"].median_seconds == 0 and rows["1"].assessment == BAIK
    assert rows["1"].note == (
        "Dijalankan 2 kali; 2 dari 2 (100%) dalam Mutu Baku 5 menit; median kurang dari 1 menit."
    )
    # Row 2: staf_sampaikan G1 10 min (within 15), G2 40 min (late); kasi_teruskan G1 done (no
    # Waktu), G2 cancelled with its case. Durations 10, 10, 40 min: median 10 min. 1/2 < 80 %.
    assert _figures(rows["2"]) == (4, 3, 2, 1, 0, 0, 1, 1, 0)
    assert rows["2"].median_seconds == 600 and rows["2"].assessment == TIDAK_BAIK
    assert _cases(rows["2"]) == (2, 1, 0, 0, 1, 1, 0)
    assert rows["2"].note == (
        "Dijalankan 3 kali; 1 dari 2 (50%) dalam Mutu Baku 15 menit; median 10 menit; "
        "1 dibatalkan; 1 terlambat."
    )
    # Row 3: the Camat's direction two hours after it arrived (10 menit), then corrected.
    assert _figures(rows["3"]) == (1, 1, 1, 0, 1, 0, 0, 1, 0)
    assert rows["3"].median_seconds == 7200 and rows["3"].assessment == TIDAK_BAIK
    assert rows["3"].note == (
        "Dijalankan 1 kali; 0 dari 1 (0%) dalam Mutu Baku 10 menit; median 2 jam; "
        "1 dikoreksi; 1 terlambat."
    )
    # Row 4: G1's coordination still open (no Waktu): left to the assessor.
    assert (rows["4"].live, rows["4"].ran) == (1, 0)
    assert (
        rows["4"].assessment == "" and rows["4"].note == "Belum ada yang selesai; 1 masih berjalan."
    )
    for no in ("5", "6", "7"):
        assert rows[no].tasks == 0 and rows[no].assessment == "" and rows[no].note == NOT_RUN


def test_each_ppw_row_holds_the_figures_counted_by_hand(demo_org):
    support.build_ppw(demo_org)
    prefill, rows = _rows(demo_org, "PPTNG", "PPW")
    assert prefill.version.version == 3 and prefill.versions == [3]
    assert list(rows) == [str(n) for n in range(1, 13)]
    # Row 7: P1 warning 10 min (within 15), P2 30 min (late) then corrected; P1's wait fired,
    # P2's wait cancelled with its case. Work durations 10 and 30 min: median 20 min.
    assert _figures(rows["7"]) == (4, 3, 2, 1, 1, 0, 1, 1, 0)
    assert rows["7"].median_seconds == 1200 and rows["7"].assessment == TIDAK_BAIK
    assert _cases(rows["7"]) == (2, 1, 1, 0, 1, 1, 0)
    assert rows["7"].note == (
        "Dijalankan 3 kali; 1 dari 2 (50%) dalam Mutu Baku 15 menit; median 20 menit; "
        "1 dikoreksi; 1 dibatalkan; 1 terlambat."
    )
    # Row 8: P1's check done 40 min after it arrived (late); Teguran I open and marked late.
    assert _figures(rows["8"]) == (2, 1, 1, 0, 0, 0, 0, 2, 1)
    assert rows["8"].cases["overdue"] == 1 and rows["8"].cases["live"] == 1
    assert rows["8"].note == (
        "Dijalankan 1 kali; 0 dari 1 (0%) dalam Mutu Baku 15 menit; median 40 menit; "
        "2 terlambat; 1 masih berjalan."
    )
    for no in ("1", "2", "3", "4", "5", "6", "9", "10", "11", "12"):
        assert rows[no].tasks == 0 and rows[no].note == NOT_RUN and rows[no].assessment == ""
    assert rows["4"].standard == "3-4 jam" and rows["7"].standard == "15 menit"


def test_every_figure_equals_the_count_of_its_drill(demo_org):
    support.build(demo_org)
    for unit, code, login in (("KRJ", "PGD", "camat.krj"), ("PPTNG", "PPW", "kasat.pptng")):
        user = demo_org.user(login)
        scope = scope_for(user, unit)
        _prefill, rows = _rows(demo_org, unit, code)
        for no, row in rows.items():
            for name in COUNTS:
                listed = drill_cases(user, REPORT, name, scope, S1, {"sop": code, "baris": no})
                assert listed.count() == row.cases[name], (unit, no, name)


def test_the_drill_lists_exactly_the_cases_built(demo_org):
    built = support.build(demo_org)
    user = demo_org.user("kasat.pptng")
    scope = scope_for(user, "PPTNG")

    def listed(name: str, no: str) -> set[int]:
        params = {"sop": "PPW", "baris": no}
        return set(drill_cases(user, REPORT, name, scope, S1, params).values_list("pk", flat=True))

    assert listed("ran", "7") == {built.p1.pk, built.p2.pk}
    assert listed("within", "7") == {built.p1.pk}
    assert listed("overdue", "7") == listed("corrected", "7") == {built.p2.pk}
    assert listed("cancelled", "7") == {built.p2.pk}
    assert listed("live", "8") == listed("overdue", "8") == {built.p1.pk}
    assert listed("ran", "1") == set()
    krj = demo_org.user("camat.krj")
    params = {"sop": "PGD", "baris": "2"}
    cancelled = drill_cases(krj, REPORT, "cancelled", scope_for(krj, "KRJ"), S1, params)
    assert set(cancelled.values_list("pk", flat=True)) == {built.g2.pk}


def test_the_threshold_decides_the_prefilled_assessment_at_its_edge(demo_org):
    support.build_pgd(demo_org)
    _p, at_fifty = _rows(demo_org, "KRJ", "PGD", threshold=50)
    _p, above = _rows(demo_org, "KRJ", "PGD", threshold=51)
    assert at_fifty["2"].assessment == BAIK  # 1 of 2 is 50 %: at the threshold is enough
    assert above["2"].assessment == TIDAK_BAIK
    assert at_fifty["3"].assessment == TIDAK_BAIK  # 0 %


def test_another_unit_and_another_period_count_only_their_own_tasks(demo_org):
    support.build_pgd(demo_org)
    _p, karawaci = _rows(demo_org, "KRW", "PGD")
    # G4 only: reported, then waiting at the staff.
    assert {r.no: (r.ran, r.live) for r in karawaci.values() if r.tasks} == {
        "1": (1, 0),
        "2": (0, 1),
    }
    before = monitoring_prefill(
        unit=demo_org.unit("KRJ"), code="PGD", period=period_parse("2025-S2")
    )
    counted = {r.no: r.tasks for r in before.rows if r.tasks}
    assert counted == {"1": 1, "2": 1}  # G3: reported, then waiting at the staff
    year = monitoring_prefill(unit=demo_org.unit("KRJ"), code="PGD", period=period_parse("2026"))
    assert {r.no: r.ran for r in year.rows if r.ran} == {"1": 2, "2": 3, "3": 1}


def test_a_step_run_again_after_a_correction_loop_is_a_return_and_the_first_run_is_not(demo_org):
    """PPL (Kecamatan Cipondoh): the Sekcam sends the Surat Perintah back once, so rows 3
    (draft) and 4 (verification) each run twice in the case: one return each."""
    unit = demo_org.unit("CPD")
    case = case_start_written(
        sop_code="PPL",
        unit=unit,
        actor=demo_org.person("kasi.cpd"),
        subject="Dugaan praktik prostitusi di rumah kos",
        data=_ppl_start(),
        now=at(5, 5, 9),
    )
    _ppl_loop(demo_org, case)
    _p, rows = _rows(demo_org, "CPD", "PPL")
    assert (rows["3"].ran, rows["3"].returned, rows["3"].cases["returned"]) == (2, 1, 1)
    assert (rows["4"].returned, rows["1"].returned, rows["2"].returned) == (1, 0, 0)
    assert "1 diulang setelah dikembalikan" in rows["3"].note
    user = demo_org.user("camat.cpd")
    listed = drill_cases(
        user, REPORT, "returned", scope_for(user, "CPD"), S1, {"sop": "PPL", "baris": "3"}
    )
    assert list(listed) == [case]


def _ppl_start() -> dict:
    return {
        "sumber": "Laporan Ketua RW 06",
        "lokasi": {"lat": -6.1768, "lon": 106.6791, "address": "Jl. Poris Indah Raya"},
        "uraian": "Rumah kos diduga tempat praktik prostitusi",
    }


def _ppl_loop(demo_org, case) -> None:
    def draft() -> dict:
        return {"draft": [("draf.pdf", io.BytesIO(sample("pdf", "Draf Surat Perintah")))]}

    plan = [
        ("perintah_camat", "camat.cpd", {"data": {"perintah": "Siapkan Surat Perintah"}}),
        ("draft_surat_perintah", "kasi.cpd", {"uploads": draft()}),
        ("verifikasi_surat_perintah", "sekcam.cpd", {"decision": "ada koreksi"}),
        ("draft_surat_perintah", "kasi.cpd", {"uploads": draft()}),
        ("verifikasi_surat_perintah", "sekcam.cpd", {"decision": "tidak ada koreksi"}),
    ]
    for minutes, (step_id, login, kw) in enumerate(plan, start=1):
        complete(demo_org, case, step_id, login, at(5, 5, 10, minutes * 10), **kw)
    assert Task.objects.filter(case=case, step_id="draft_surat_perintah").count() == 2


def test_the_prefill_reads_a_few_aggregates_whatever_the_number_of_tasks(
    demo_org, django_assert_max_num_queries
):
    support.build(demo_org)
    unit = demo_org.unit("PPTNG")
    # The versions, the figures, the returns, the durations, the corrections.
    with django_assert_max_num_queries(5):
        prefill = monitoring_prefill(unit=unit, code="PPW", period=S1)
    assert prefill.rows


def test_a_task_that_has_not_begun_yet_does_not_count_in_a_running_period(demo_org):
    """A patrol planned for a later day is created for that day: in a period still running,
    it has not begun, and neither has a case started with a clock set ahead."""
    now = timezone.now()
    ahead = support.pgd(demo_org, "KRJ", now + dt.timedelta(days=1), "Besok")
    assert ahead.opened_at > now
    before = now - dt.timedelta(minutes=1)
    year = period_of("year", timezone.localtime(before, support.WIB).date())
    prefill = monitoring_prefill(unit=demo_org.unit("KRJ"), code="PGD", period=year)
    assert sum(r.tasks for r in prefill.rows) == 0
    support.pgd(demo_org, "KRJ", before, "Tadi")
    prefill = monitoring_prefill(unit=demo_org.unit("KRJ"), code="PGD", period=year)
    assert {r.no: r.tasks for r in prefill.rows if r.tasks} == {"1": 1, "2": 1}


def test_a_step_that_moved_to_another_row_between_versions_is_placed_by_its_version():
    from trantib.reports.monitoring.prefill import VersionRows, _row_parts

    v1 = VersionRows(pk=1, version=1, published=True, rows=(("1", ("a", "b")), ("2", ("c",))))
    v2 = VersionRows(pk=2, version=2, published=True, rows=(("1", ("a",)), ("2", ("b", "c"))))
    common, specific = _row_parts([v1, v2])
    assert dict(common) == {"1": ["a"], "2": ["c"]}
    assert specific == [(1, "1", ["b"]), (2, "2", ["b"])]
