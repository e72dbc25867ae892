"""The demo cases: made through the services in several states, idempotent, chain intact."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from trantib import demo
from trantib.cases import selectors
from trantib.cases.audit import chain_verify
from trantib.cases.models import Attachment, Case, Event, Notification, Task, TaskStatus
from trantib.demo import demo_cases_load
from trantib.sops import registry

pytestmark = pytest.mark.django_db

MODELS = [Case, Task, Event, Attachment, Notification, DBTaskResult]


@pytest.fixture
def loaded(demo_org):
    return demo_cases_load()


def case(subject: str) -> Case:
    found = Case.objects.filter(subject=subject, parent=None).first()
    return found or Case.objects.get(complaint__description__startswith=subject)


def live_steps(c: Case) -> list[str]:
    return sorted(t.step_id for t in selectors.case_live_tasks(c))


def test_a_second_load_creates_nothing(loaded):
    before = {m.__name__: m.objects.count() for m in MODELS}
    again = demo_cases_load()
    assert {m.__name__: m.objects.count() for m in MODELS} == before
    assert again.created == 0 and again.overdue == 0
    assert [c.number for c in again.cases] == [c.number for c in loaded.cases]


def test_the_first_load_reports_every_case_it_made(loaded):
    assert loaded.created == len(loaded.cases) == Case.objects.count() == 9
    assert loaded.overdue >= 1


def test_pgd_complaints_in_kerjo_just_started_halfway_and_closed(loaded):
    new = case(demo.PGD_NEW)
    assert new.unit.code == "KRJ" and new.status == "open"
    assert live_steps(new) == ["staf_sampaikan"]
    waiting = case(demo.PGD_WAITING)
    assert live_steps(waiting) == ["camat_arahkan"]
    closed = case(demo.PGD_CLOSED)
    assert closed.status == "closed" and closed.closed_at is not None
    # Each is a complaint's case, filed through its channel; the closed one's reporter was told.
    assert [c.complaint.channel for c in (new, waiting, closed)] == ["sms", "counter", "phone"]
    assert closed.complaint.answered_at is not None
    proof = Task.objects.get(case=closed, step_id="bukti_penyelesaian")
    photo = Attachment.objects.get(task=proof)
    assert photo.content_type == "image/png" and photo.file.read().startswith(b"\x89PNG")


def test_at_least_one_task_is_overdue_and_its_people_were_told(loaded, demo_org):
    late = Task.objects.get(case=case(demo.PGD_WAITING), step_id="camat_arahkan")
    assert late.overdue_at is not None and late.due_at is not None
    assert late.due_at < late.overdue_at
    told = set(
        Notification.objects.filter(task=late).values_list("recipient__user__username", flat=True)
    )
    assert "camat.krj" in told
    assert late in selectors.task_list_mine(demo_org.user("camat.krj"))


def test_the_patrol_programme_has_its_daily_patrols_planned(loaded):
    programme = case(demo.PPW_PLANNED)
    assert programme.unit.code == "PPTNG" and programme.status == "open"
    patrols = Task.objects.filter(case=programme, step_id="patroli").order_by("occurrence")
    assert patrols.count() == 7
    assert [t.status for t in patrols[:2]] == [TaskStatus.DONE, TaskStatus.DONE]
    assert all(t.status == TaskStatus.OPEN for t in patrols[2:])
    planned = programme.state["occurrences"]["patroli"]
    assert [t.occurrence for t in patrols] == planned


def test_a_patrol_finding_opened_an_enforcement_case_now_after_surat_teguran_1(loaded):
    patrol = case(demo.PPW_FINDING)
    assert patrol.status == "closed"
    child = Case.objects.get(parent=patrol)
    assert child.sop_code == "PPW" and child.status == "open"
    done = set(
        Task.objects.filter(case=child, status=TaskStatus.DONE).values_list("step_id", flat=True)
    )
    assert {"beri_teguran", "tunggu_pernyataan", "cek_pernyataan", "teguran_1"} <= done
    assert Task.objects.get(case=child, step_id="cek_pernyataan").decision == "tidak mentaati"
    assert live_steps(child) == ["tunggu_1"]


def test_ppl_and_pur_in_cipondoh_wait_at_a_decision(loaded):
    ppl = case(demo.PPL_DECISION)
    assert ppl.unit.code == "CPD" and live_steps(ppl) == ["verifikasi_surat_perintah"]
    assert ppl.state["visits"]["draft_surat_perintah"] == 2  # one correction behind it
    pur = case(demo.PUR_DECISION)
    assert pur.unit.code == "CPD" and live_steps(pur) == ["periksa_surat_perintah"]
    for c, step in [(ppl, "verifikasi_surat_perintah"), (pur, "periksa_surat_perintah")]:
        assert registry.get(c.sop_code).step(step).kind == "decision"


def test_a_polmas_visit_in_binmas(loaded):
    visit = case(demo.POLMAS_VISIT)
    assert visit.unit.code == "BINMAS" and visit.sop_code == "POLMAS"
    assert visit.status == "closed"


def test_the_audit_chain_of_the_demo_cases_is_intact(loaded):
    result = chain_verify()
    assert result.ok and result.cases == 9


def test_the_demo_command_loads_the_cases_and_keeps_the_login_table(db):
    out = StringIO()
    call_command("demo", "--no-history", stdout=out)
    text = out.getvalue()
    assert "Username" in text and "trantib-demo" in text
    assert "Demo cases: 9 new, 0 already there;" in text
    # Every case story is listed; the Polmas register's scheduled activities are counted apart.
    from trantib.community.models import Activity

    for c in Case.objects.exclude(pk__in=Activity.objects.values("case_id")):
        assert c.number in text
    assert "Demo Polmas (BINMAS): 5 rule(s)" in text
    assert "Demo history" not in text
    # Then the history, after the stories (which make nothing again), one line per part.
    out = StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    assert "Demo cases: 0 new, 9 already there; 0 task(s) marked overdue" in text
    history = text[text.index("Demo history (the past months") :].splitlines()
    assert history[1].startswith("  KRJ complaints (PGD): ") and " new of " in history[1]
    assert history[-1].endswith(" new item(s)") and not history[-1].startswith("  0 ")
    out = StringIO()
    call_command("demo", stdout=out)
    assert out.getvalue().rstrip().endswith("\n  0 new item(s)")
