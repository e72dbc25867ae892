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
    for code in ("PPW", "PPL", "PUR"):
        assert [s.id for s in registry.get(code).steps if step_hooks(s)] == []


def test_polmas_runs_the_community_hook_on_its_four_pos_steps_only():
    from trantib.community.services import ActivityHook

    hooked = {s.id: [type(h) for h, _b in step_hooks(s)] for s in registry.get("POLMAS").steps}
    assert hooked == {
        step: [ActivityHook] for step in ("pos_sapta", "pos_mantap", "pos_satria", "pos_khidmat")
    }


def test_cases_still_on_pgd_v1_answer_their_reporter_through_the_same_hook():
    assert [s.id for s in registry.get("PGD", 1).steps if step_hooks(s)] == ["informasi_pelapor"]
