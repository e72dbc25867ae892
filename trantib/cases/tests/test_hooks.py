"""Step hooks run for the steps that bind their contract, and for no other step."""

from __future__ import annotations

from trantib.cases.services.hooks import step_hooks
from trantib.complaints.services import ReporterAnswerHook
from trantib.engine.bindings import ContractName
from trantib.sops import registry


def test_only_the_step_that_binds_the_answer_runs_the_complaint_hook():
    pgd = registry.get("PGD", 2)
    hooked = {
        step.id: [(type(hook), binding.contract) for hook, binding in step_hooks(step)]
        for step in pgd.steps
    }
    assert hooked.pop("informasi_pelapor") == [(ReporterAnswerHook, ContractName.REPORTER_ANSWER)]
    assert all(hooks == [] for hooks in hooked.values())


def test_an_sop_without_bindings_runs_no_hook_on_any_step():
    # The versions before issue 12 bind nothing (cases still running on them).
    for code, version in (("PPW", 2), ("PPL", 1), ("PUR", 1)):
        spec = registry.get(code, version)
        assert not any(step.bindings for step in spec.steps)
        assert [s.id for s in spec.steps if step_hooks(s)] == []


def test_the_patrol_and_operation_hooks_run_only_on_the_steps_that_bind_them():
    """Issue 12: PPW v3 binds the patrol plan on its schedule, PPL and PUR v2 the operation
    file on their report; no other step of theirs runs a hook."""
    from trantib.operations.report import OperationReportHook
    from trantib.patrols.sop import ScheduleHook

    expected = {
        "PPW": {"susun_jadwal": [(ScheduleHook, ContractName.PATROL_SCHEDULE)]},
        "PPL": {"draft_laporan": [(OperationReportHook, ContractName.OPERATION_REPORT)]},
        "PUR": {"draft_laporan": [(OperationReportHook, ContractName.OPERATION_REPORT)]},
    }
    for code, hooked in expected.items():
        spec = registry.get(code)
        found = {
            step.id: [(type(hook), binding.contract) for hook, binding in step_hooks(step)]
            for step in spec.steps
            if step_hooks(step)
        }
        assert found == hooked, code


def test_polmas_runs_the_community_hook_on_its_four_pos_steps_only():
    from trantib.community.services import ActivityHook

    hooked = {s.id: [type(h) for h, _b in step_hooks(s)] for s in registry.get("POLMAS").steps}
    assert hooked == {
        step: [ActivityHook] for step in ("pos_sapta", "pos_mantap", "pos_satria", "pos_khidmat")
    }


def test_cases_still_on_pgd_v1_answer_their_reporter_through_the_same_hook():
    assert [s.id for s in registry.get("PGD", 1).steps if step_hooks(s)] == ["informasi_pelapor"]
