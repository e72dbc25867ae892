"""The SPM Trantibum figures against a quarter whose answers are known by construction
(``spm_support``: the cases are made through the services; the expected counts are written by
hand there and here, never computed by the report).

Each figure is checked three ways: its value, the count of the cases (or people) its link
lists, and Memenuhi / Tidak Memenuhi.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from trantib.reports.figures import Figure, drill_cases
from trantib.reports.scope import scope_for
from trantib.reports.spm import compute
from trantib.reports.spm.report import build
from trantib.reports.tests import spm_support as support

pytestmark = pytest.mark.django_db

Q3 = support.Q3


def _drill(user, figure: Figure, scope):
    """The rows behind a figure, read from its link the way the drill page reads it."""
    url = urlparse(figure.href)
    params = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert params.pop("unit") == scope.unit.code and params.pop("periode") == Q3.code
    if url.path.endswith("/spm/penerima/"):
        win = compute.window(scope, Q3)
        return compute.recipients(
            scope, win, measure=params["ukuran"], part=params.get("bagian", "")
        )
    report, name = params.pop("laporan"), params.pop("angka")
    return list(drill_cases(user, report, name, scope, Q3, params))


def _check(user, figure: Figure, expected: int, scope) -> list:
    rows = _drill(user, figure, scope)
    assert figure.value == expected, (figure.label, figure.value, expected)
    assert len(rows) == expected, (figure.label, len(rows), expected, figure.href)
    return rows


def test_the_sop_kinds_come_from_the_bindings_of_the_library():
    kinds = compute.sop_kinds()
    assert kinds.enforcement == {"PPW"} and kinds.enforcement_steps == {"beri_teguran"}
    assert kinds.operation == {"PPL", "OPP", "RTHM", "PUR"}
    assert kinds.complaint == {"PGD"}


def test_every_figure_of_a_quarter_equals_its_known_answer_and_its_list(demo_org):
    built = support.build_quarter(demo_org)
    c = built.cases
    k = built.complaints

    # Satpol PP: the ladder cases only (the patrol month and June's case are not counted).
    kasat = demo_org.user("kasat.pptng")
    scope = scope_for(kasat, "PPTNG")
    report = build(scope, Q3)
    (penerima,) = report.recipients
    names = {r.name for r in _check(kasat, penerima.denominator, 3, scope)}
    assert names == {"Sutarman", "Sukardi", "Sugiono"}
    assert [r.name for r in _check(kasat, penerima.numerator, 1, scope)] == ["Sutarman"]
    assert penerima.achieved is not None and penerima.achieved.value == 33.3
    assert penerima.met is False and penerima.verdict == "Tidak Memenuhi"
    behind_all, behind_ok = penerima.extra
    assert {x.pk for x in _check(kasat, behind_all, 3, scope)} == {
        c["e_ok"].pk,
        c["e_late"].pk,
        c["e_open_late"].pk,
    }
    assert {x.pk for x in _check(kasat, behind_ok, 1, scope)} == {c["e_ok"].pk}
    cases, answers, *missing = report.quality
    handled = {x.pk for x in _check(kasat, cases.denominator, 3, scope)}
    assert handled == {c["e_ok"].pk, c["e_late"].pk, c["e_open_late"].pk}
    assert {x.pk for x in _check(kasat, cases.numerator, 1, scope)} == {c["e_ok"].pk}
    assert cases.met is False
    _check(kasat, answers.denominator, 0, scope)
    assert answers.achieved is not None and answers.achieved.value is None
    assert answers.met is None and answers.verdict == "Tidak ada data pada triwulan ini"
    assert [m.recorded for m in missing] == [False, False]
    assert all("isi langsung di e-SPM" in m.verdict for m in missing)
    by_kind = {row.kind: row for row in report.kinds}
    ladder = by_kind[compute.ENFORCEMENT]
    assert {x.pk for x in _check(kasat, ladder.late, 2, scope)} == {
        c["e_late"].pk,
        c["e_open_late"].pk,
    }
    assert {x.pk for x in _check(kasat, ladder.running, 1, scope)} == {c["e_running"].pk}
    _check(kasat, by_kind[compute.OPERATION].handled, 0, scope)
    assert report.units == []  # a leaf unit has no per-unit rows

    # Cipondoh: complaints and the operation; Karawaci's complaint is not Cipondoh's.
    camat = demo_org.user("camat.cpd")
    scope = scope_for(camat, "CPD")
    report = build(scope, Q3)
    (penerima,) = report.recipients
    assert sorted(r.name for r in _check(camat, penerima.denominator, 2, scope)) == sorted(
        built.people
    )
    _check(camat, penerima.numerator, 2, scope)
    assert penerima.achieved.value == 100.0 and penerima.met is True
    assert penerima.verdict == "Memenuhi"
    assert [x.pk for x in _check(camat, penerima.extra[0], 1, scope)] == [c["operation"].pk]
    cases, answers, *_missing = report.quality
    assert {x.pk for x in _check(camat, cases.denominator, 4, scope)} == {
        k["c_ok"].case_id,
        k["c_step_late"].case_id,
        k["c_answer_late"].case_id,
        c["operation"].pk,
    }
    assert {x.pk for x in _check(camat, cases.numerator, 3, scope)} == {
        k["c_ok"].case_id,
        k["c_answer_late"].case_id,
        c["operation"].pk,
    }
    assert cases.achieved.value == 75.0 and cases.met is False
    assert {x.pk for x in _check(camat, answers.denominator, 3, scope)} == {
        k["c_ok"].case_id,
        k["c_step_late"].case_id,
        k["c_answer_late"].case_id,
    }
    assert {x.pk for x in _check(camat, answers.numerator, 2, scope)} == {
        k["c_ok"].case_id,
        k["c_step_late"].case_id,
    }
    assert answers.achieved.value == 66.7 and answers.met is False
    by_kind = {row.kind: row for row in report.kinds}
    assert [x.pk for x in _check(camat, by_kind[compute.COMPLAINT].late, 1, scope)] == [
        k["c_step_late"].case_id
    ]
    assert [x.pk for x in _check(camat, by_kind[compute.COMPLAINT].running, 1, scope)] == [
        k["c_running"].case_id
    ]
    _check(camat, by_kind[compute.OPERATION].done_ok, 1, scope)
    _check(camat, by_kind[compute.ENFORCEMENT].handled, 0, scope)
    waiting = compute.answer_cases(scope, compute.window(scope, Q3), measure="berjalan")
    assert [x.pk for x in waiting] == [k["c_running"].case_id]

    # Kota Tangerang: the three units summed, and one row per unit.
    sekda = demo_org.user("sekda.tng")
    scope = scope_for(sekda, "PEMKOT-TNG")
    report = build(scope, Q3)
    (penerima,) = report.recipients
    _check(sekda, penerima.denominator, 5, scope)
    _check(sekda, penerima.numerator, 3, scope)
    assert penerima.achieved.value == 60.0
    cases, answers, *_missing = report.quality
    _check(sekda, cases.denominator, 8, scope)
    _check(sekda, cases.numerator, 5, scope)
    assert cases.achieved.value == 62.5
    _check(sekda, answers.denominator, 4, scope)
    _check(sekda, answers.numerator, 3, scope)
    assert answers.achieved.value == 75.0
    rows = {u.code: u for u in report.units}
    assert list(rows) == ["CPD", "KRW", "PPTNG"]
    expected = {  # (recipients ok, of), (cases ok, of), (answers ok, of), running
        "CPD": ((2, 2), (3, 4), (2, 3), 1),
        "KRW": ((0, 0), (1, 1), (1, 1), 0),
        "PPTNG": ((1, 3), (1, 3), (0, 0), 1),
    }
    for code, (rec, cas, ans, running) in expected.items():
        row = rows[code]
        _check(sekda, row.recipients_ok, rec[0], scope)
        _check(sekda, row.recipients, rec[1], scope)
        _check(sekda, row.cases_ok, cas[0], scope)
        _check(sekda, row.cases, cas[1], scope)
        _check(sekda, row.answers_ok, ans[0], scope)
        _check(sekda, row.answers, ans[1], scope)
        _check(sekda, row.running, running, scope)
    assert [x.pk for x in _check(sekda, rows["KRW"].answers, 1, scope)] == [k["k_ok"].case_id]


def test_a_ladder_case_started_without_the_register_names_the_violator_it_recorded(demo_org):
    desk = support.Desk(demo_org, support.at(8, 10), step_minutes=1)
    case = desk.start(
        "PPW",
        "PPTNG",
        "kasat.pptng",
        "Temuan patroli: PKL di trotoar Jl. Daan Mogot",
        entry="beri_teguran",
        data={
            "pelanggar": {"nama": "Hendra", "pekerjaan": "Pedagang kaki lima"},
            "lokasi": {"address": "Trotoar Jl. Daan Mogot km 2"},
            "perda": "Perda Kota Tangerang tentang Ketertiban Umum",
        },
    )
    scope = scope_for(demo_org.user("kasat.pptng"), "PPTNG")
    win = compute.window(scope, Q3)
    # Left at its first step (15 minutes): late at the quarter's end, so handled, not served.
    (row,) = compute.recipients(scope, win, measure=compute.HANDLED)
    assert (row.name, row.case.pk, row.violator_id, row.done_ok) == ("Hendra", case.pk, None, False)
    assert compute.recipients(scope, win, measure=compute.DONE_OK) == []
