from datetime import date
from pathlib import Path

import pytest

from trantib.engine.loader import load_file, load_text
from trantib.engine.runtime import (
    ActionRefused,
    CaseClosed,
    CaseState,
    CaseStatus,
    Complete,
    DeadlinePassed,
    LinkedCasesClosed,
    LinkedCasesRequested,
    TaskDone,
    TaskOffered,
    TimerStarted,
    apply,
    start,
)

from .sop_text import VALID

LIBRARY = Path(__file__).resolve().parents[2] / "sops" / "library"
SPEC, _ = load_text(VALID)
PPW, _ = load_file(LIBRARY / "patroli" / "PPW.v1.yaml")


def run(spec, state, *actions):
    effects = []
    for action in actions:
        outcome = apply(spec, state, action)
        state = outcome.state
        effects.extend(outcome.effects)
    return state, effects


def test_a_case_starts_with_a_task_for_the_role_of_the_first_step():
    outcome = start(SPEC)
    assert outcome.state.active == ("terima",)
    assert outcome.effects == (TaskOffered("terima", "kasi", SPEC.step("terima").time),)


def test_completing_a_process_offers_the_next_step_to_its_role():
    state, effects = run(SPEC, start(SPEC).state, Complete("terima"), Complete("draft"))
    assert state.active == ("periksa",)
    assert effects[-1] == TaskOffered("periksa", "camat", SPEC.step("periksa").time)
    assert TaskDone("draft") in effects


def test_a_decision_follows_the_chosen_branch_and_a_correction_loops_back():
    state, _ = run(SPEC, start(SPEC).state, Complete("terima"), Complete("draft"))
    state, _ = run(SPEC, state, Complete("periksa", branch="ada koreksi"))
    assert state.active == ("draft",)
    assert state.visits["draft"] == 2
    state, _ = run(SPEC, state, Complete("draft"), Complete("periksa", branch="Tidak ada koreksi"))
    assert state.active == ("arsip",)
    assert state.data["periksa"]["_branch"] == "tidak ada koreksi"


def test_a_decision_without_a_known_branch_is_refused_and_changes_nothing():
    state, _ = run(SPEC, start(SPEC).state, Complete("terima"), Complete("draft"))
    with pytest.raises(ActionRefused) as refused:
        apply(SPEC, state, Complete("periksa", branch="mungkin"))
    assert refused.value.field == "branch"
    assert "tidak ada koreksi, ada koreksi" in refused.value.message
    with pytest.raises(ActionRefused, match="choose one of"):
        apply(SPEC, state, Complete("periksa"))
    assert state.active == ("periksa",)


def test_completing_the_end_step_closes_the_case_and_nothing_more_is_allowed():
    state, effects = run(
        SPEC,
        start(SPEC).state,
        Complete("terima"),
        Complete("draft"),
        Complete("periksa", branch="tidak ada koreksi"),
        Complete("arsip"),
    )
    assert state.status is CaseStatus.CLOSED
    assert state.active == ()
    assert effects[-1] == CaseClosed("arsip")
    with pytest.raises(ActionRefused, match="closed"):
        apply(SPEC, state, Complete("arsip"))


def test_a_step_that_is_not_active_cannot_be_completed():
    with pytest.raises(ActionRefused, match="not active"):
        apply(SPEC, start(SPEC).state, Complete("arsip"))
    with pytest.raises(ActionRefused, match="no step"):
        apply(SPEC, start(SPEC).state, Complete("nope"))


def test_recorded_fields_are_checked_by_type_and_requirement():
    pgd, _ = load_file(LIBRARY / "pengaduan" / "PGD.v1.yaml")
    state = start(pgd).state
    with pytest.raises(ActionRefused) as refused:
        apply(pgd, state, Complete("lapor", data={"saluran": "SMS"}))
    assert refused.value.field == "data.uraian"
    with pytest.raises(ActionRefused) as refused:
        apply(pgd, state, Complete("lapor", data={"saluran": "Merpati", "uraian": "x"}))
    assert refused.value.field == "data.saluran"
    with pytest.raises(ActionRefused) as refused:
        apply(pgd, state, Complete("lapor", data={"saluran": "SMS", "uraian": "x", "foo": 1}))
    assert refused.value.field == "data.foo"
    with pytest.raises(ActionRefused) as refused:
        apply(
            pgd,
            state,
            Complete(
                "lapor", data={"saluran": "SMS", "uraian": "x", "lokasi": {"lat": 95, "lon": 110}}
            ),
        )
    assert refused.value.field == "data.lokasi"
    outcome = apply(
        pgd,
        state,
        Complete(
            "lapor",
            data={
                "saluran": "SMS",
                "uraian": " Warung buka sampai pagi ",
                "lokasi": {"lat": -7.55, "lon": 111.05, "address": "Desa Kerjo"},
            },
        ),
    )
    assert outcome.state.data["lapor"]["uraian"] == "Warung buka sampai pagi"
    assert outcome.state.data["lapor"]["lokasi"] == {
        "lat": -7.55,
        "lon": 111.05,
        "address": "Desa Kerjo",
    }


def patrol_to_evaluation(findings):
    state = start(PPW).state
    state, effects = run(
        PPW,
        state,
        Complete("rumuskan_program", data={"bulan": "2026-11-01", "nomor_surat_tugas": "ST/1"}),
        Complete("susun_rencana"),
        Complete(
            "susun_jadwal",
            data={"jadwal": ["2026-11-02", "2026-11-03"], "personil": ["Andi", "Budi"]},
        ),
    )
    return state, effects


def test_a_repeated_step_offers_one_task_per_scheduled_date_and_moves_on_after_the_last():
    state, effects = patrol_to_evaluation([])
    offers = [e for e in effects if isinstance(e, TaskOffered) and e.step == "patroli"]
    assert [o.occurrence for o in offers] == ["2026-11-02", "2026-11-03"]
    patrol = {"rute": "Pasar Baru", "hasil": "aman"}
    state, _ = run(PPW, state, Complete("patroli", data=patrol, occurrence="2026-11-03"))
    assert state.active == ("patroli",)
    with pytest.raises(ActionRefused) as refused:
        apply(PPW, state, Complete("patroli", data=patrol, occurrence="2026-11-03"))
    assert refused.value.field == "occurrence"
    with pytest.raises(ActionRefused, match="not a scheduled occurrence"):
        apply(PPW, state, Complete("patroli", data=patrol, occurrence="2026-12-01"))
    state, _ = run(PPW, state, Complete("patroli", data=patrol, occurrence="2026-11-02"))
    assert state.active == ("terima_laporan",)
    assert set(state.data["patroli"]) == {"2026-11-02", "2026-11-03"}


def test_a_patrol_finding_opens_one_linked_enforcement_case_per_violator():
    state, _ = patrol_to_evaluation([])
    patrol = {"rute": "Pasar Baru", "hasil": "dua PKL di trotoar"}
    state, effects = run(
        PPW,
        state,
        Complete("patroli", data=patrol, occurrence="2026-11-02"),
        Complete("patroli", data=patrol, occurrence="2026-11-03"),
        Complete("terima_laporan"),
        Complete(
            "evaluasi",
            data={
                "evaluasi": "dua pelanggar",
                "temuan": ["PKL A, Jl. Merdeka", "PKL B, Jl. Sudirman"],
            },
        ),
        Complete("ada_temuan", branch="ya"),
        Complete("buka_penegakan"),
    )
    request = next(e for e in effects if isinstance(e, LinkedCasesRequested))
    assert request.entry == "beri_teguran"
    assert request.items == ("PKL A, Jl. Merdeka", "PKL B, Jl. Sudirman")
    assert request.sop == ""
    assert state.active == ("selesai_patroli",)


def enforcement_case():
    outcome = start(PPW, entry="beri_teguran", data={"temuan": "PKL A"})
    assert outcome.effects == (
        TaskOffered("beri_teguran", "kasat_pol_pp", PPW.step("beri_teguran").time),
    )
    teguran = {
        "pelanggar": {"nama": "Pak A"},
        "lokasi": "Jl. Merdeka",
        "perda": "Perda 5/2019",
        "nomor_surat_pernyataan": "SP/1",
    }
    return run(PPW, outcome.state, Complete("beri_teguran", data=teguran))


def test_a_wait_starts_a_timer_and_its_deadline_brings_the_compliance_check():
    state, effects = enforcement_case()
    assert effects[-1] == TimerStarted("tunggu_pernyataan", PPW.step("tunggu_pernyataan").deadline)
    with pytest.raises(ActionRefused, match="waits for its deadline"):
        apply(PPW, state, Complete("tunggu_pernyataan"))
    state, effects = run(PPW, state, DeadlinePassed("tunggu_pernyataan"))
    assert state.active == ("cek_pernyataan",)
    assert effects[-1].role == "kasat_pol_pp"


def test_the_warning_ladder_climbs_through_teguran_three_to_penertiban():
    state, _ = enforcement_case()
    check = {"hasil_pemeriksaan": "masih berjualan"}
    letter = {"nomor_surat": "ST/1", "tanggal_serah": "2026-11-20"}
    state, effects = run(
        PPW,
        state,
        DeadlinePassed("tunggu_pernyataan"),
        Complete("cek_pernyataan", branch="tidak mentaati", data=check),
        Complete("teguran_1", data=letter),
        DeadlinePassed("tunggu_1"),
        Complete("cek_1", branch="tidak mentaati", data=check),
        Complete("teguran_2", data=letter),
        DeadlinePassed("tunggu_2"),
        Complete("cek_2", branch="tidak mentaati", data=check),
        Complete("teguran_3", data=letter),
        DeadlinePassed("tunggu_3"),
        Complete("cek_3", branch="tidak mentaati", data=check),
        Complete("perintah_penertiban", data={"nomor_surat_perintah": "SPP/1"}),
        Complete("rencana_penertiban", data={"rencana": "Sabtu pagi"}),
        Complete("siapkan_petugas", data={"personil": ["Andi"]}),
        Complete("penertiban", data={"laporan": "ditertibkan", "dokumentasi": ["f1"]}),
    )
    timers = [e.deadline.text for e in effects if isinstance(e, TimerStarted)]
    assert timers == ["7 hari", "3 hari", "3 hari"]
    assert state.status is CaseStatus.CLOSED


def test_compliance_at_any_rung_ends_the_ladder_early():
    state, _ = enforcement_case()
    state, _ = run(
        PPW,
        state,
        DeadlinePassed("tunggu_pernyataan"),
        Complete("cek_pernyataan", branch="tidak mentaati", data={"hasil_pemeriksaan": "x"}),
        Complete("teguran_1", data={"nomor_surat": "1", "tanggal_serah": "2026-11-20"}),
        DeadlinePassed("tunggu_1"),
        Complete("cek_1", branch="mentaati", data={"hasil_pemeriksaan": "sudah pindah"}),
    )
    assert state.active == ("selesai_taat",)
    state, _ = run(PPW, state, Complete("selesai_taat"))
    assert state.status is CaseStatus.CLOSED


def test_only_a_declared_entry_can_start_a_case():
    with pytest.raises(ActionRefused) as refused:
        start(PPW, entry="teguran_2")
    assert refused.value.field == "entry"


SUBWAIT = VALID.replace(
    """  - id: arsip
    no: "4"
    kind: end""",
    """  - id: anak
    no: "4"
    kind: subprocedure
    role: kasi
    activity: Membuka kasus terkait
    subprocedure: {sop: PGD, wait: true}
    next: arsip
  - id: arsip
    no: "5"
    kind: end""",
).replace("to: arsip}", "to: anak}")


def test_a_sub_procedure_may_make_its_case_wait_for_the_linked_cases():
    spec, _ = load_text(SUBWAIT)
    state, effects = run(
        spec,
        start(spec).state,
        Complete("terima"),
        Complete("draft"),
        Complete("periksa", branch="tidak ada koreksi"),
        Complete("anak"),
    )
    assert isinstance(effects[-1], LinkedCasesRequested) and effects[-1].wait
    assert state.active == ("anak",)
    with pytest.raises(ActionRefused, match="waits for its linked cases"):
        apply(spec, state, Complete("anak"))
    state, _ = run(spec, state, LinkedCasesClosed("anak"))
    assert state.active == ("arsip",)


def test_a_state_survives_a_round_trip_through_json():
    state, _ = patrol_to_evaluation([])
    assert CaseState.from_dict(state.to_dict()) == state


def _with_repeat(frequency, period):
    from dataclasses import replace

    from trantib.engine.spec import Repeat

    steps = tuple(
        replace(s, repeat=Repeat(frequency=frequency, period=period)) if s.id == "patroli" else s
        for s in PPW.steps
    )
    return replace(PPW, steps=steps)


def _patrol_offers(spec, on):
    state = start(spec, on=on).state
    outcome = None
    for step, data in [
        ("rumuskan_program", {"bulan": "2026-12-01", "nomor_surat_tugas": "1"}),
        ("susun_rencana", {}),
        ("susun_jadwal", {"jadwal": ["2026-12-03"], "personil": ["Regu 1"]}),
    ]:
        outcome = apply(spec, state, Complete(step, data=data, on=on))
        state = outcome.state
    return [e.occurrence for e in outcome.effects if isinstance(e, TaskOffered)]


@pytest.mark.parametrize(
    ("frequency", "period", "on", "expected"),
    [
        (
            "daily",
            "week",
            date(2026, 12, 3),
            ["2026-12-03", "2026-12-04", "2026-12-05", "2026-12-06"],
        ),
        ("daily", "day", date(2026, 12, 3), ["2026-12-03"]),
        (
            "weekly",
            "month",
            date(2026, 12, 5),
            ["2026-12-05", "2026-12-12", "2026-12-19", "2026-12-26"],
        ),
        ("weekly", "year", date(2026, 12, 20), ["2026-12-20", "2026-12-27"]),
    ],
)
def test_daily_and_weekly_repeats_plan_one_occurrence_per_day_or_week_to_the_period_end(
    frequency, period, on, expected
):
    from trantib.engine.spec import Frequency, Period

    spec = _with_repeat(Frequency(frequency), Period(period))
    assert _patrol_offers(spec, on) == expected


def test_a_daily_repeat_of_a_whole_month_ends_on_its_last_day():
    from trantib.engine.spec import Frequency, Period

    offers = _patrol_offers(_with_repeat(Frequency.DAILY, Period.MONTH), date(2026, 2, 20))
    assert offers[0] == "2026-02-20" and offers[-1] == "2026-02-28" and len(offers) == 9


def test_a_repeat_without_a_day_or_schedule_has_one_occurrence():
    from trantib.engine.spec import Frequency, Period

    assert _patrol_offers(_with_repeat(Frequency.DAILY, Period.MONTH), None) == ["1"]
