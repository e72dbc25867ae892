"""Amending a case: correcting a field, cancelling, ending a wait early, handing over — each
as the allowed person (the effect and its event) and as a refused one (the reason, nothing
changed); then the API and the case page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from trantib.accounts.selectors import holders_of
from trantib.cases import services
from trantib.cases.audit import chain_verify
from trantib.cases.models import (
    Attachment,
    Case,
    CaseStatus,
    Event,
    EventType,
    Notification,
    Task,
    TaskKind,
    TaskStatus,
)
from trantib.cases.selectors import case_events, case_get_for_user, task_list_mine
from trantib.core.errors import Conflict, Invalid, NotAllowed, NotFound
from trantib.demo.letters import case_start_written, task_complete_written

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _start_pgd(demo_org, unit="KRJ"):
    return case_start_written(
        sop_code="PGD",
        unit=demo_org.unit(unit),
        actor=demo_org.person(f"staf.{unit.lower()}"),
        subject="Warung buka melewati jam malam",
        data={"saluran": "SMS", "uraian": "Warung karaoke buka sampai pukul 02.00"},
    )


def _live(case: Case) -> Task:
    return Task.objects.get(case=case, status__in=["open", "claimed"])


def _events(case, type_):
    return list(Event.objects.filter(case=case, type=type_).order_by("seq"))


@pytest.fixture
def ppw_v2_in_force(tmp_path, settings):
    """The library without PPW version 3: a patrol month runs version 2, as the months started
    before issue 12 still do. Its schedule and its daily patrols are typed by the officers;
    version 3 fills them from the patrol plan and the team's daily report (a step guard), so
    they are corrected there, not on the step (see the test on a guard-filled field)."""
    import shutil
    from pathlib import Path

    import trantib
    from trantib.sops import registry

    copy = tmp_path / "library"
    shutil.copytree(Path(trantib.__file__).parent / "sops" / "library", copy)
    (copy / "patroli" / "PPW.v3.yaml").unlink()
    settings.TRANTIB_SOP_LIBRARY = copy
    registry.reload()
    assert registry.get("PPW").version == 2
    yield
    registry.library.cache_clear()


def _warning(demo_org):
    """A PPW enforcement case at its warning (row 7): next, the 15-day wait."""
    return case_start_written(
        sop_code="PPW",
        unit=demo_org.unit("PPTNG"),
        actor=demo_org.person("kasat.pptng"),
        subject="PKL di trotoar Jl. Daan Mogot",
        entry="beri_teguran",
        data={
            "pelanggar": {"nama": "Siti"},
            "lokasi": "Jl. Daan Mogot",
            "perda": "Perda 8/2018",
            "nomor_surat_pernyataan": "300/01",
        },
    )


def _patrol_with_children(demo_org):
    """A PPW patrol month whose evaluation found two violators: two enforcement cases open,
    the patrol case waits at its end step."""
    unit = demo_org.unit("PPTNG")
    today = timezone.localtime(timezone.now(), unit.zone()).date().isoformat()
    case = case_start_written(
        sop_code="PPW",
        unit=unit,
        actor=demo_org.person("kasat.pptng"),
        subject="Patroli wilayah",
        data={"bulan": today, "nomor_surat_tugas": "300.1/01/PPTNG"},
    )
    steps = {
        "susun_rencana": ("kabid.pptng", {}, ""),
        "susun_jadwal": (
            "kasie.pptng",
            {"jadwal": [today], "personil": [demo_org.person("petugas1.pptng").pk]},
            "",
        ),
        "patroli": ("petugas1.pptng", {"rute": "Jl. Daan Mogot", "hasil": "Dua PKL"}, ""),
        "terima_laporan": ("kasie.pptng", {}, ""),
        "evaluasi": (
            "kabid.pptng",
            {"evaluasi": "Tindak lanjuti", "temuan": ["PKL Siti", "PKL Budi"]},
            "",
        ),
        "ada_temuan": ("kasat.pptng", {}, "ya"),
        "buka_penegakan": ("kasat.pptng", {}, ""),
    }
    while (task := _live(case)).step_id != "selesai_patroli":
        login, data, decision = steps[task.step_id]
        task_complete_written(task=task, actor=demo_org.person(login), data=data, decision=decision)
    return case


# -- correcting a field ---------------------------------------------------------------------


def test_the_completer_corrects_a_field_before_the_next_step_and_the_event_keeps_both(demo_org):
    case = _start_pgd(demo_org)
    first = Task.objects.get(case=case, step_id="lapor")
    staf = demo_org.person("staf.krj")
    services.field_correct(
        task=first, actor=staf, field="uraian", value="Buka sampai 03.00", reason="Salah ketik"
    )
    first.refresh_from_db()
    case.refresh_from_db()
    assert first.data["uraian"] == "Buka sampai 03.00"
    assert case.state["data"]["lapor"]["uraian"] == "Buka sampai 03.00"
    (event,) = _events(case, EventType.FIELD_CORRECTED)
    assert event.task_id == first.pk and event.actor == staf
    assert event.data == {
        "step": "lapor",
        "occurrence": "",
        "field": "uraian",
        "before": "Warung karaoke buka sampai pukul 02.00",
        "after": "Buka sampai 03.00",
        "reason": "Salah ketik",
    }
    assert chain_verify().ok


def test_a_correction_is_checked_as_at_completion(demo_org):
    case = _start_pgd(demo_org)
    first = Task.objects.get(case=case, step_id="lapor")
    staf = demo_org.person("staf.krj")
    with pytest.raises(Invalid) as err:
        services.field_correct(task=first, actor=staf, field="saluran", value="Merpati", reason="x")
    assert err.value.field == "data.saluran" and "salah satu dari" in err.value.message
    with pytest.raises(Invalid) as err:
        services.field_correct(task=first, actor=staf, field="uraian", value="", reason="x")
    assert err.value.field == "data.uraian" and "wajib diisi" in err.value.message
    with pytest.raises(Invalid) as err:
        services.field_correct(task=first, actor=staf, field="nope", value="x", reason="x")
    assert err.value.field == "field"
    with pytest.raises(Invalid) as err:
        services.field_correct(task=first, actor=staf, field="uraian", value="y", reason=" ")
    assert err.value.field == "reason"
    assert not _events(case, EventType.FIELD_CORRECTED)


def test_only_the_completer_corrects_and_not_after_the_next_step(demo_org):
    case = _start_pgd(demo_org)
    first = Task.objects.get(case=case, step_id="lapor")
    with pytest.raises(NotAllowed) as err:
        services.field_correct(
            task=first, actor=demo_org.person("camat.krj"), field="uraian", value="x", reason="x"
        )
    assert "menyelesaikan langkah ini" in err.value.message
    staf = demo_org.person("staf.krj")
    task_complete_written(task=_live(case), actor=staf)
    with pytest.raises(Conflict) as err:
        services.field_correct(task=first, actor=staf, field="uraian", value="x", reason="x")
    assert "sudah diselesaikan" in err.value.message and err.value.field == "task"
    first.refresh_from_db()
    assert first.data["uraian"] == "Warung karaoke buka sampai pukul 02.00"
    assert not _events(case, EventType.FIELD_CORRECTED)


def test_files_and_fields_that_planned_the_next_steps_are_not_corrected(demo_org):
    case = _warning(demo_org)
    first = Task.objects.get(case=case, step_id="beri_teguran")
    kasat = demo_org.person("kasat.pptng")
    with pytest.raises(Invalid) as err:
        services.field_correct(task=first, actor=kasat, field="dokumentasi", value=[], reason="x")
    assert "lampiran" in err.value.message
    # A wait is live, not done: what the warning recorded is still correctable...
    services.field_correct(task=first, actor=kasat, field="perda", value="Perda 9/2018", reason="x")
    case.refresh_from_db()
    assert case.state["data"]["beri_teguran"]["perda"] == "Perda 9/2018"
    # ...but not the Surat Pernyataan's number, which its letter filled (PPW v3).
    with pytest.raises(Invalid, match="diisi dari surat"):
        services.field_correct(
            task=first, actor=kasat, field="nomor_surat_pernyataan", value="300/02", reason="x"
        )


def test_a_patrol_report_stays_correctable_while_other_patrols_are_reported(
    demo_org, ppw_v2_in_force
):
    """The only repeated step of the library is PPW's patrol; on version 2 its reports are
    typed by the officers, so each one is corrected on its own occurrence."""
    unit = demo_org.unit("PPTNG")
    today = timezone.localtime(timezone.now(), unit.zone()).date()
    case = case_start_written(
        sop_code="PPW",
        unit=unit,
        actor=demo_org.person("kasat.pptng"),
        subject="Patroli",
        data={"bulan": today.isoformat(), "nomor_surat_tugas": "1"},
    )
    task_complete_written(task=_live(case), actor=demo_org.person("kabid.pptng"))
    jadwal = [(today - dt.timedelta(days=d)).isoformat() for d in (1, 0)]
    kasie = demo_org.person("kasie.pptng")
    task_complete_written(
        task=_live(case),
        actor=kasie,
        data={"jadwal": jadwal, "personil": [demo_org.person("petugas1.pptng").pk]},
    )
    schedule = Task.objects.get(case=case, step_id="susun_jadwal")
    assert case.sop_version.version == 2
    with pytest.raises(Conflict) as err:  # the schedule planned the patrols
        services.field_correct(
            task=schedule, actor=kasie, field="jadwal", value=["2026-01-01"], reason="x"
        )
    assert err.value.field == "field" and "menjadwalkan" in err.value.message
    petugas = demo_org.person("petugas1.pptng")
    first, second = Task.objects.filter(case=case, step_id="patroli").order_by("occurrence")
    task_complete_written(task=first, actor=petugas, data={"rute": "A", "hasil": "aman"})
    task_complete_written(task=second, actor=petugas, data={"rute": "B", "hasil": "aman"})
    services.field_correct(task=first, actor=petugas, field="hasil", value="ramai", reason="x")
    case.refresh_from_db()
    assert case.state["data"]["patroli"][first.occurrence]["hasil"] == "ramai"
    assert case.state["data"]["patroli"][second.occurrence]["hasil"] == "aman"
    (event,) = _events(case, EventType.FIELD_CORRECTED)
    assert event.data["occurrence"] == first.occurrence


def test_a_field_a_step_guard_fills_is_refused_for_correction_naming_its_source(demo_org):
    """PPW v3 (issue 12): the schedule's dates and officers are filled from the month's patrol
    plan by a step guard, so they are changed in the plan; a correction on the step is refused
    naming the field and where it comes from, and nothing changes."""
    from trantib.patrols import services as patrols
    from trantib.patrols.tests import support

    month = support.month(demo_org)
    kasie = month.desk.who("kasie.pptng")
    patrols.plan_days_add(
        plan=month.plan,
        actor=kasie,
        days=[dt.date(2026, 8, 4), dt.date(2026, 8, 5)],
        data=support.team(demo_org, month.areas),
        now=month.desk.now,
    )
    schedule = month.desk.complete(month.case, "susun_jadwal", "kasie.pptng")
    assert month.case.sop_version.version == 3
    before = dict(schedule.data)
    assert before["jadwal"] == ["2026-08-04", "2026-08-05"]
    other = demo_org.person("kasi.krw").pk
    for field, label, value in (
        ("jadwal", "Tanggal-tanggal patroli", ["2026-08-06"]),
        ("personil", "Petugas patroli", [other]),
    ):
        with pytest.raises(Invalid) as refused:
            services.field_correct(
                task=schedule, actor=kasie, field=field, value=value, reason="x", now=month.desk.now
            )
        assert refused.value.field == "field"
        assert refused.value.message == (
            f"“{label}” diisi dari rencana patroli bulan ini; "
            "yang dikoreksi sumbernya, bukan isian ini."
        )
    schedule.refresh_from_db()
    assert schedule.data == before
    assert not _events(month.case, EventType.FIELD_CORRECTED)


# -- cancelling -----------------------------------------------------------------------------


def test_the_responsible_role_or_the_head_cancels_and_live_tasks_close(demo_org):
    case = _start_pgd(demo_org)
    live = _live(case)
    with pytest.raises(NotAllowed) as err:
        services.case_cancel_by_officer(
            case=case, actor=demo_org.person("kasi.krj"), reason="Salah input"
        )
    assert "pimpinan unit" in err.value.message and "Staf" in err.value.message
    with pytest.raises(Invalid) as err:
        services.case_cancel_by_officer(case=case, actor=demo_org.person("camat.krj"), reason="")
    assert err.value.field == "reason"
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    services.case_cancel_by_officer(
        case=case, actor=demo_org.person("staf.krj"), reason="Dilaporkan dua kali"
    )
    case.refresh_from_db()
    live.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED and live.status == TaskStatus.CANCELLED
    (event,) = _events(case, EventType.CASE_CANCELLED)
    assert event.data["reason"] == "Dilaporkan dua kali" and event.data["tasks"] == [live.pk]
    with pytest.raises(Conflict):
        services.case_cancel_by_officer(
            case=case, actor=demo_org.person("camat.krj"), reason="lagi"
        )


def test_cancelling_asks_about_open_children_then_cancels_or_keeps_them(demo_org):
    case = _patrol_with_children(demo_org)
    kids = list(Case.objects.filter(parent=case).order_by("pk"))
    assert len(kids) == 2 and all(k.status == CaseStatus.OPEN for k in kids)
    kasat = demo_org.person("kasat.pptng")
    with pytest.raises(Conflict) as err:
        services.case_cancel_by_officer(case=case, actor=kasat, reason="Program dibatalkan")
    assert err.value.field == "children"
    assert all(k.number in err.value.message for k in kids)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN

    with transaction_savepoint():
        services.case_cancel_by_officer(
            case=case, actor=kasat, reason="Program dibatalkan", children="keep"
        )
        assert {k.status for k in Case.objects.filter(parent=case)} == {CaseStatus.OPEN}
        (event,) = _events(case, EventType.CASE_CANCELLED)
        assert event.data["children"]["choice"] == "keep"

    services.case_cancel_by_officer(
        case=case, actor=kasat, reason="Program dibatalkan", children="cancel"
    )
    for kid in Case.objects.filter(parent=case):
        assert kid.status == CaseStatus.CANCELLED
        assert not Task.objects.filter(case=kid, status__in=["open", "claimed"]).exists()
        (event,) = _events(kid, EventType.CASE_CANCELLED)
        assert event.data["reason"] == "Program dibatalkan"
    assert chain_verify().ok


class transaction_savepoint:
    """Run a block and roll it back (a savepoint), to try a second choice on the same case."""

    def __enter__(self):
        from django.db import transaction

        self._atomic = transaction.atomic()
        self._atomic.__enter__()

    def __exit__(self, *exc):
        from django.db import transaction

        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)
        return False


# -- ending a wait early --------------------------------------------------------------------


def test_the_checker_ends_a_wait_early_and_the_flow_moves_on_now(demo_org):
    case = _warning(demo_org)
    wait = _live(case)
    assert wait.kind == TaskKind.WAIT
    due = wait.due_at
    now = wait.created_at + dt.timedelta(days=2)
    kasat = demo_org.person("kasat.pptng")
    services.wait_end_early(
        task=wait,
        actor=kasat,
        evidence="Lapak sudah dibongkar (foto)",
        files=[("bongkar.png", io.BytesIO(PNG))],
        now=now,
    )
    wait.refresh_from_db()
    assert wait.status == TaskStatus.DONE and wait.completed_at == now
    assert wait.completed_by == kasat
    nxt = _live(case)
    assert nxt.step_id == "cek_pernyataan" and nxt.created_at == now
    (event,) = _events(case, EventType.WAIT_ENDED_EARLY)
    assert event.actor == kasat and event.task_id == wait.pk
    assert event.data["evidence"] == "Lapak sudah dibongkar (foto)"
    assert dt.datetime.fromisoformat(event.data["due_at"]) == due
    (photo,) = Attachment.objects.filter(case=case, task=wait)
    assert event.data["attachments"] == [photo.pk]
    # The deadline passing later does nothing more.
    assert services.wait_fire(task_id=wait.pk, now=due + dt.timedelta(minutes=1)) is False
    assert chain_verify().ok


def test_a_wait_is_not_ended_early_by_others_nor_a_work_task(demo_org):
    case = _warning(demo_org)
    wait = _live(case)
    for login in ("petugas1.pptng", "kasie.pptng"):
        with pytest.raises(NotAllowed) as err:
            services.wait_end_early(task=wait, actor=demo_org.person(login), evidence="taat")
        assert "KASAT POL PP" in err.value.message  # the role as the SOP's document names it
    with pytest.raises(Invalid) as err:
        services.wait_end_early(task=wait, actor=demo_org.person("kasat.pptng"), evidence="")
    assert err.value.field == "evidence"
    wait.refresh_from_db()
    assert wait.is_live and not _events(case, EventType.WAIT_ENDED_EARLY)
    pgd = _start_pgd(demo_org)
    with pytest.raises(Conflict) as err:
        services.wait_end_early(task=_live(pgd), actor=demo_org.person("camat.krj"), evidence="x")
    assert "bukan langkah menunggu" in err.value.message


# -- handing over ---------------------------------------------------------------------------


def test_a_case_is_handed_over_with_its_history_and_both_heads_are_told(demo_org):
    case = _start_pgd(demo_org)
    staf_krj = demo_org.person("staf.krj")
    services.task_claim(task=_live(case), actor=staf_krj)
    services.attachment_add(case=case, actor=staf_krj, name="foto.png", content=io.BytesIO(PNG))
    number, serial, before = case.number, case.serial, case_events(case).count()
    services.case_handover(
        case=case,
        actor=demo_org.person("camat.krj"),
        to_unit=demo_org.unit("CPD"),
        reason="Lokasi di wilayah Cipondoh",
    )
    case.refresh_from_db()
    cpd = demo_org.unit("CPD")
    assert case.unit == cpd and (case.number, case.serial) == (number, serial)
    live = _live(case)
    assert live.unit == cpd and live.status == TaskStatus.OPEN and live.assignee is None
    assert set(Task.objects.filter(case=case).values_list("unit", flat=True)) == {cpd.pk}
    assert live in task_list_mine(demo_org.user("staf.cpd"))
    assert live not in task_list_mine(demo_org.user("staf.krj"))
    (event,) = _events(case, EventType.CASE_HANDED_OVER)
    assert (event.data["from"], event.data["to"]) == ("KRJ", "CPD")
    assert event.data["reason"] == "Lokasi di wilayah Cipondoh"
    heads = set(
        Notification.objects.filter(case=case, kind=Notification.Kind.CASE_HANDED_OVER).values_list(
            "recipient__user__username", flat=True
        )
    )
    assert heads == {"camat.krj", "camat.cpd"}
    with pytest.raises(NotFound):
        case_get_for_user(demo_org.user("staf.krj"), case.pk)
    seen = case_get_for_user(demo_org.user("staf.cpd"), case.pk)
    assert case_events(seen).count() == before + 1
    assert Attachment.objects.get(case=case).unit == cpd
    assert chain_verify().ok
    # The new unit works on: its Staf completes the step.
    task_complete_written(task=live, actor=demo_org.person("staf.cpd"))


def test_a_hand_over_is_refused_to_a_unit_without_the_sops_roles_and_to_others(demo_org):
    case = _start_pgd(demo_org)
    with pytest.raises(Invalid) as err:
        services.case_handover(
            case=case,
            actor=demo_org.person("camat.krj"),
            to_unit=demo_org.unit("PPTNG"),
            reason="x",
        )
    assert err.value.field == "to_unit" and "Staf" in err.value.message
    with pytest.raises(NotAllowed):
        services.case_handover(
            case=case,
            actor=demo_org.person("kasi.krj"),
            to_unit=demo_org.unit("CPD"),
            reason="x",
        )
    with pytest.raises(Invalid) as err:
        services.case_handover(
            case=case,
            actor=demo_org.person("staf.krj"),
            to_unit=demo_org.unit("KRJ"),
            reason="x",
        )
    assert err.value.field == "to_unit"
    case.refresh_from_db()
    assert case.unit.code == "KRJ" and not _events(case, EventType.CASE_HANDED_OVER)
    assert not holders_of(demo_org.unit("PPTNG"), "staf").exists()


def test_numbers_stay_unique_when_a_handed_over_case_meets_the_same_serial(demo_org):
    moved = _start_pgd(demo_org, "KRJ")
    there = _start_pgd(demo_org, "CPD")
    assert moved.serial == there.serial
    services.case_handover(
        case=moved,
        actor=demo_org.person("camat.krj"),
        to_unit=demo_org.unit("CPD"),
        reason="Wilayah Cipondoh",
    )
    again = _start_pgd(demo_org, "CPD")
    assert again.serial == there.serial + 1
    assert Case.objects.filter(unit__code="CPD").count() == 3


# -- the API --------------------------------------------------------------------------------


def _api(demo_org, username):
    from trantib.api.services import api_token_create
    from trantib.api.tests.support import ApiClient

    _row, token = api_token_create(user=demo_org.user(username), name="test")
    return ApiClient(token)


def test_the_api_corrects_a_field_and_names_the_field_when_refused(demo_org):
    case = _start_pgd(demo_org)
    first = Task.objects.get(case=case, step_id="lapor")
    path = f"/tasks/{first.pk}/correct"
    body = {"field": "uraian", "value": "Buka sampai 03.00", "reason": "Salah ketik"}
    refused = _api(demo_org, "camat.krj").post(path, body)
    assert refused.status_code == 403 and refused.json()["field"] == "task"
    bad = _api(demo_org, "staf.krj").post(path, {**body, "field": "saluran", "value": "Merpati"})
    assert bad.status_code == 422 and bad.json()["field"] == "data.saluran"
    assert _api(demo_org, "kasi.cpd").post(path, body).status_code == 404
    done = _api(demo_org, "staf.krj").post(path, body)
    assert done.status_code == 200 and done.json()["data"]["uraian"] == "Buka sampai 03.00"
    task_complete_written(task=_live(case), actor=demo_org.person("staf.krj"))
    late = _api(demo_org, "staf.krj").post(path, {**body, "value": "lagi"})
    assert late.status_code == 409 and late.json()["field"] == "task"


def test_the_api_cancels_a_case_and_asks_about_its_children(demo_org):
    case = _patrol_with_children(demo_org)
    path = f"/cases/{case.pk}/cancel"
    refused = _api(demo_org, "petugas1.pptng").post(path, {"reason": "x", "children": "keep"})
    assert refused.status_code == 403 and refused.json()["field"] == "case"
    empty = _api(demo_org, "kasat.pptng").post(path, {"reason": "", "children": "keep"})
    assert empty.status_code == 422 and empty.json()["field"] == "reason"
    ask = _api(demo_org, "kasat.pptng").post(path, {"reason": "Program dibatalkan"})
    assert ask.status_code == 409 and ask.json()["field"] == "children"
    done = _api(demo_org, "kasat.pptng").post(
        path, {"reason": "Program dibatalkan", "children": "keep"}
    )
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    assert {c["status"] for c in done.json()["children"]} == {"open"}


def test_the_api_hands_over_and_ends_a_wait(demo_org):
    case = _start_pgd(demo_org)
    moved = _api(demo_org, "camat.krj").post(
        f"/cases/{case.pk}/handover", {"to_unit": "CPD", "reason": "Wilayah Cipondoh"}
    )
    assert moved.status_code == 200 and moved.json()["unit"] == "CPD"
    assert _api(demo_org, "staf.krj").get(f"/cases/{case.pk}").status_code == 404
    nowhere = _api(demo_org, "camat.cpd").post(
        f"/cases/{case.pk}/handover", {"to_unit": "NOPE", "reason": "x"}
    )
    assert nowhere.status_code == 422 and nowhere.json()["field"] == "to_unit"
    wait = _live(_warning(demo_org))
    path = f"/tasks/{wait.pk}/end-wait"
    refused = _api(demo_org, "petugas1.pptng").post(path, {"evidence": "taat"})
    assert refused.status_code == 403
    ended = _api(demo_org, "kasat.pptng").post(path, {"evidence": "Lapak dibongkar"})
    assert ended.status_code == 200 and ended.json()["status"] == "done"


# -- the case page --------------------------------------------------------------------------


def _page(client, demo_org, username):
    client.force_login(demo_org.user(username))
    return client


def test_the_case_page_shows_the_amend_forms_to_allowed_people_only(client, demo_org):
    case = _start_pgd(demo_org)
    url = f"/kasus/{case.pk}/"
    html = _page(client, demo_org, "staf.krj").get(url).content.decode()
    assert 'id="ubah-kasus"' in html
    assert f"/kasus/{case.pk}/batalkan/" in html and f"/kasus/{case.pk}/serahkan/" in html
    first = Task.objects.get(case=case, step_id="lapor")
    assert f"/tugas/{first.pk}/koreksi/" in html
    assert 'value="CPD"' in html and 'value="PPTNG"' not in html  # units that run PGD
    other = _page(client, demo_org, "anggota.krj").get(url)
    assert other.status_code == 200 and 'id="ubah-kasus"' not in other.content.decode()
    kasi = _page(client, demo_org, "kasi.krj").get(url).content.decode()
    assert f"/kasus/{case.pk}/batalkan/" not in kasi


def test_the_pages_correct_cancel_and_refuse_with_the_reason(client, demo_org):
    case = _start_pgd(demo_org)
    first = Task.objects.get(case=case, step_id="lapor")
    staf = _page(client, demo_org, "staf.krj")
    form = staf.get(f"/tugas/{first.pk}/koreksi/?isian=uraian").content.decode()
    assert "Warung karaoke buka sampai pukul 02.00" in form and 'name="reason"' in form
    bad = staf.post(f"/tugas/{first.pk}/koreksi/", {"isian": "uraian", "data.uraian": ""})
    assert bad.status_code == 422 and "wajib diisi" in bad.content.decode()
    done = staf.post(
        f"/tugas/{first.pk}/koreksi/",
        {"isian": "uraian", "data.uraian": "Buka sampai 03.00", "reason": "Salah ketik"},
    )
    assert done.status_code == 302
    first.refresh_from_db()
    assert first.data["uraian"] == "Buka sampai 03.00"
    kasi = _page(client, demo_org, "kasi.krj")
    refused = kasi.post(f"/kasus/{case.pk}/batalkan/", {"reason": "x"})
    assert refused.status_code == 403 and "pimpinan unit" in refused.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    camat = _page(client, demo_org, "camat.krj")
    assert camat.post(f"/kasus/{case.pk}/batalkan/", {"reason": "Ganda"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED


def test_the_pages_hand_over_and_end_a_wait(client, demo_org):
    case = _start_pgd(demo_org)
    camat = _page(client, demo_org, "camat.krj")
    moved = camat.post(f"/kasus/{case.pk}/serahkan/", {"to_unit": "CPD", "reason": "Wilayah"})
    assert moved.status_code == 302 and moved["Location"] == "/kasus/"
    assert camat.get(f"/kasus/{case.pk}/").status_code == 404
    wait = _live(_warning(demo_org))
    petugas = _page(client, demo_org, "petugas1.pptng")
    page = petugas.get(f"/kasus/{wait.case_id}/").content.decode()
    assert f"/tugas/{wait.pk}/akhiri-tenggat/" not in page
    assert petugas.post(f"/tugas/{wait.pk}/akhiri-tenggat/", {"evidence": "x"}).status_code == 403
    kasat = _page(client, demo_org, "kasat.pptng")
    assert (
        f"/tugas/{wait.pk}/akhiri-tenggat/" in kasat.get(f"/kasus/{wait.case_id}/").content.decode()
    )
    photo = io.BytesIO(PNG)
    photo.name = "bongkar.png"
    ended = kasat.post(
        f"/tugas/{wait.pk}/akhiri-tenggat/", {"evidence": "Sudah dibongkar", "files": photo}
    )
    assert ended.status_code == 302
    wait.refresh_from_db()
    assert wait.status == TaskStatus.DONE
    assert Attachment.objects.filter(task=wait).count() == 1


# -- the command line -----------------------------------------------------------------------


def test_the_cli_corrects_cancels_hands_over_and_ends_a_wait(demo_org):
    from django.core.management import CommandError, call_command

    case = _start_pgd(demo_org)
    first = Task.objects.get(case=case, step_id="lapor")
    out = io.StringIO()
    call_command(
        "task", "correct", str(first.pk), "--field", "uraian", "--value", "Buka sampai 03.00",
        "--reason", "Salah ketik", "--as", "staf.krj", stdout=out,
    )  # fmt: skip
    first.refresh_from_db()
    assert first.data["uraian"] == "Buka sampai 03.00"
    with pytest.raises(CommandError, match="pimpinan unit"):
        call_command("case", "cancel", case.number, "--reason", "x", "--as", "kasi.krj")
    call_command(
        "case", "handover", case.number, "--to", "CPD", "--reason", "Wilayah",
        "--as", "camat.krj", stdout=out,
    )  # fmt: skip
    call_command(
        "case", "cancel", case.number, "--reason", "Ganda", "--as", "camat.cpd", stdout=out
    )
    case.refresh_from_db()
    assert (case.unit.code, case.status) == ("CPD", CaseStatus.CANCELLED)
    wait = _live(_warning(demo_org))
    call_command(
        "task", "end-wait", str(wait.pk), "--evidence", "Taat", "--as", "kasat.pptng", stdout=out
    )
    assert "cek_pernyataan" in out.getvalue()


def _unit_running_ppw(demo_org, code="PPKB"):
    """Give ``code`` a holder of every PPW role, so a PPW case can be handed over to it."""
    from trantib.accounts.models import Assignment, Person, Position

    unit = demo_org.unit(code)
    for role in ("kasat_pol_pp", "kabid_trantibum", "kasie_ops", "petugas_ops"):
        position, _new = Position.objects.get_or_create(
            unit=unit,
            code=role,
            defaults={"name": role, "supervises": role == "kasat_pol_pp"},
        )
        person = Person.objects.create(full_name=f"Pemegang {role} {code}", kind="asn")
        Assignment.objects.create(person=person, position=position, valid_from=dt.date(2000, 1, 1))
    return unit


def test_cancelling_leaves_a_child_handed_over_to_another_unit_unnamed_and_running(
    client, demo_org
):
    """Review finding 3: a child handed over to another unit is neither listed on the cancel
    form (number, subject) nor named in the refusal nor cancelled; the form says how many
    run elsewhere."""
    from django.urls import reverse

    parent = _patrol_with_children(demo_org)
    moved, stays = list(Case.objects.filter(parent=parent).order_by("pk"))
    kasat = demo_org.person("kasat.pptng")
    services.case_handover(
        case=moved, actor=kasat, to_unit=_unit_running_ppw(demo_org), reason="Wilayah lain"
    )
    with pytest.raises(NotFound):
        case_get_for_user(demo_org.user("kasat.pptng"), moved.pk)

    client.force_login(demo_org.user("kasat.pptng"))
    page = client.get(reverse("cases:detail", args=[parent.pk])).content.decode()
    form = page[page.index('class="cancel-case"') :]
    form = form[: form.index("</details>")]
    assert stays.number in form
    assert moved.number not in form and moved.subject not in form
    assert "1 kasus terkait di unit lain tetap berjalan." in form

    with pytest.raises(Conflict) as asked:
        services.case_cancel_by_officer(case=parent, actor=kasat, reason="Program dibatalkan")
    assert stays.number in asked.value.message and moved.number not in asked.value.message
    services.case_cancel_by_officer(
        case=parent, actor=kasat, reason="Program dibatalkan", children="cancel"
    )
    moved.refresh_from_db()
    stays.refresh_from_db()
    assert stays.status == CaseStatus.CANCELLED
    assert moved.status == CaseStatus.OPEN
    assert Task.objects.filter(case=moved, status__in=["open", "claimed"]).exists()
    (event,) = _events(parent, EventType.CASE_CANCELLED)
    assert event.data["children"]["cases"] == [stays.number]
    assert event.data["children_elsewhere"] == 1
    assert chain_verify().ok


def _patrols_reported(demo_org, count: int) -> Case:
    """A PPW patrol month whose Petugas reported ``count`` patrols; one more is still open."""
    unit = demo_org.unit("PPTNG")
    today = unit.today()
    case = case_start_written(
        sop_code="PPW",
        unit=unit,
        actor=demo_org.person("kasat.pptng"),
        subject="Patroli wilayah",
        data={"bulan": today.isoformat(), "nomor_surat_tugas": "300.1/01/PPTNG"},
    )
    task_complete_written(task=_live(case), actor=demo_org.person("kabid.pptng"))
    days = [(today - dt.timedelta(days=d)).isoformat() for d in range(count + 1)]
    task_complete_written(
        task=_live(case),
        actor=demo_org.person("kasie.pptng"),
        data={"jadwal": days, "personil": [demo_org.person("petugas1.pptng").pk]},
    )
    patrols = Task.objects.filter(case=case, step_id="patroli", status="open")
    for task in sorted(patrols, key=lambda t: t.occurrence)[:count]:
        task_complete_written(
            task=task,
            actor=demo_org.person("petugas1.pptng"),
            data={"rute": "Jl. Daan Mogot", "hasil": "Aman"},
        )
    return case


def test_the_case_page_runs_the_same_queries_for_few_or_many_correctable_steps(
    client, demo_org, django_assert_max_num_queries, ppw_v2_in_force
):
    """Review finding 6: which completed steps the visitor may correct is worked out in a
    fixed number of queries, not one per step they completed. Many completed steps of one
    person: a month of typed patrol reports (PPW v2; v3 fills them from the daily reports)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    few, many = _patrols_reported(demo_org, 2), _patrols_reported(demo_org, 12)
    client.force_login(demo_org.user("petugas1.pptng"))
    client.get(reverse("cases:detail", args=[few.pk]))  # warm the per-session caches
    with CaptureQueriesContext(connection) as baseline:
        page = client.get(reverse("cases:detail", args=[few.pk]))
    assert page.content.decode().count("correct-form") == 2
    with django_assert_max_num_queries(len(baseline)):
        page = client.get(reverse("cases:detail", args=[many.pk]))
    assert page.content.decode().count("correct-form") == 12
    assert len(services.correctable_tasks(many, demo_org.person("petugas1.pptng"))) == 12


@pytest.mark.parametrize("bad", ["\x00", "\x07"])
def test_reasons_evidence_and_the_unit_code_with_a_control_character_are_refused(
    client, demo_org, bad
):
    """Review finding 8: cancel and hand-over reasons, a wait's evidence and the hand-over's
    unit code holding NUL (PostgreSQL cannot store it) or another control character are
    refused naming the field, on the page (422) and by the services; nothing is written."""
    from django.urls import reverse

    case = _start_pgd(demo_org)
    camat = demo_org.person("camat.krj")
    events = Event.objects.filter(case=case).count()
    with pytest.raises(Invalid) as refused:
        services.case_cancel_by_officer(case=case, actor=camat, reason=f"Ganda{bad}")
    assert refused.value.field == "reason" and "karakter kendali" in refused.value.message
    with pytest.raises(Invalid) as refused:
        services.case_handover(
            case=case, actor=camat, to_unit=demo_org.unit("CPD"), reason=f"Cipondoh{bad}"
        )
    assert refused.value.field == "reason"
    warning = _warning(demo_org)
    wait = _live(warning)
    with pytest.raises(Invalid) as refused:
        services.wait_end_early(
            task=wait, actor=demo_org.person("kasat.pptng"), evidence=f"Sudah pindah{bad}"
        )
    assert refused.value.field == "evidence"

    client.force_login(demo_org.user("camat.krj"))
    posts = [
        ("cases:case_cancel", case.pk, {"reason": f"Ganda{bad}"}),
        ("cases:case_handover", case.pk, {"to_unit": "CPD", "reason": f"Cipondoh{bad}"}),
        ("cases:case_handover", case.pk, {"to_unit": f"CPD{bad}", "reason": "Cipondoh"}),
        ("cases:case_handover", case.pk, {"to_unit": "X" * 5000, "reason": "Cipondoh"}),
    ]
    for name, pk, body in posts:
        page = client.post(reverse(name, args=[pk]), body)
        assert page.status_code == 422, (name, body)
    client.force_login(demo_org.user("kasat.pptng"))
    page = client.post(
        reverse("cases:task_end_wait", args=[wait.pk]), {"evidence": f"Sudah pindah{bad}"}
    )
    assert page.status_code == 422 and "karakter kendali" in page.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.unit == demo_org.unit("KRJ")
    assert Event.objects.filter(case=case).count() == events
    assert _live(warning) == wait


def test_a_head_who_chose_e_mail_gets_the_hand_over_notice_by_e_mail_too(demo_org):
    from trantib.outbox.models import OutboxMessage

    camat_cpd = demo_org.person("camat.cpd")
    camat_cpd.email, camat_cpd.notify_email = "camat.cipondoh@example.go.id", True
    camat_cpd.save(update_fields=["email", "notify_email"])
    case = _start_pgd(demo_org)
    services.case_handover(
        case=case,
        actor=demo_org.person("camat.krj"),
        to_unit=demo_org.unit("CPD"),
        reason="Lokasi di wilayah Cipondoh",
    )
    (mail,) = OutboxMessage.objects.filter(recipient="camat.cipondoh@example.go.id")
    assert mail.channel == "email" and f"Kasus {case.number} diserahkan" in mail.body
