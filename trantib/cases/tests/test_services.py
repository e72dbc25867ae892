"""Services: starting cases, claiming, completing, reassigning, deadlines, linked cases."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from trantib.accounts.selectors import holders_of
from trantib.cases import services
from trantib.cases.audit import chain_verify
from trantib.cases.models import Case, Event, Notification, Task, TaskKind, TaskStatus
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.demo.letters import case_start_written, task_complete_written

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _start_pgd(demo_org, **kw):
    return case_start_written(
        sop_code="PGD",
        unit=demo_org.unit("KRJ"),
        actor=demo_org.person("staf.krj"),
        subject="Warung buka melewati jam malam",
        data={"saluran": "SMS", "uraian": "Warung karaoke buka sampai pukul 02.00"},
        **kw,
    )


def _live(case: Case) -> Task:
    return Task.objects.get(case=case, status__in=["open", "claimed"])


def test_it_numbers_cases_per_unit_sop_and_year_without_gaps(demo_org):
    first = _start_pgd(demo_org)
    second = _start_pgd(demo_org)
    year = timezone.localdate().year
    assert first.number == f"KRJ/PGD/{year}/0001"
    assert second.number == f"KRJ/PGD/{year}/0002"


def test_starting_does_the_first_step_and_offers_the_next_to_its_position(demo_org):
    case = _start_pgd(demo_org)
    first = Task.objects.get(case=case, step_id="lapor")
    assert first.status == TaskStatus.DONE
    assert first.completed_by == demo_org.person("staf.krj")
    assert first.data["saluran"] == "SMS"
    nxt = _live(case)
    assert (nxt.step_id, nxt.role, nxt.status) == ("staf_sampaikan", "staf", TaskStatus.OPEN)
    # 15 menit on the working-day calendar of the unit
    assert nxt.standard == "15 menit" and nxt.standard_minutes == 15
    assert nxt.due_at is not None


def test_a_person_without_the_start_position_cannot_start(demo_org):
    with pytest.raises(NotAllowed):
        case_start_written(
            sop_code="PGD",
            unit=demo_org.unit("KRJ"),
            actor=demo_org.person("camat.cpd"),
            subject="x",
            data={"saluran": "SMS", "uraian": "y"},
        )
    assert not Case.objects.exists()


def test_missing_required_field_is_refused_and_nothing_is_written(demo_org):
    with pytest.raises(Invalid) as err:
        case_start_written(
            sop_code="PGD",
            unit=demo_org.unit("KRJ"),
            actor=demo_org.person("staf.krj"),
            subject="x",
            data={"saluran": "SMS"},
        )
    assert err.value.field == "data.uraian"
    assert not Case.objects.exists() and not Event.objects.exists()


def test_completing_twice_gives_already_completed_by(demo_org):
    case = _start_pgd(demo_org)
    task = _live(case)
    staf = demo_org.person("staf.krj")
    task_complete_written(task=task, actor=staf)
    with pytest.raises(Conflict) as err:
        task_complete_written(task=task, actor=staf)
    assert staf.full_name in err.value.message


def test_a_wrong_role_is_refused(demo_org):
    case = _start_pgd(demo_org)
    with pytest.raises(NotAllowed):
        task_complete_written(task=_live(case), actor=demo_org.person("camat.krj"))


def test_claim_then_others_cannot_complete(demo_org):
    case = _start_pgd(demo_org)
    task_complete_written(task=_live(case), actor=demo_org.person("staf.krj"))
    task = _live(case)
    assert task.role == "kasi_trantib"
    services.task_claim(task=task, actor=demo_org.person("kasi.krj"))
    task.refresh_from_db()
    assert task.status == TaskStatus.CLAIMED


def test_supervisor_reassigns_and_the_new_assignee_is_notified(demo_org):
    case = case_start_written(
        sop_code="PUR",
        unit=demo_org.unit("CPD"),
        actor=_pur_starter(demo_org),
        subject="Unjuk rasa warga di depan kantor kecamatan",
        data=_first_data("PUR"),
    )
    task = _live(case)
    with pytest.raises(NotAllowed):
        services.task_reassign(
            task=task, actor=demo_org.person("kasi.cpd"), assignee=demo_org.person("kasi.cpd")
        )
    camat = demo_org.person("camat.cpd")
    holder = holders_of(case.unit, task.role).exclude(pk=camat.pk).first()
    assert holder is not None, "the step's position has a holder besides the Camat"
    services.task_reassign(task=task, actor=camat, assignee=holder)
    task.refresh_from_db()
    assert task.assignee == holder
    assert Notification.objects.filter(recipient=holder, task=task).exists()


def _pur_starter(demo_org):
    from trantib.sops import registry

    spec = registry.get("PUR")
    role = services.acting_role(spec, spec.start)
    return holders_of(demo_org.unit("CPD"), role).first()


def _first_data(code):
    from trantib.sops import registry

    spec = registry.get(code)
    return {f.name: _sample(f) for f in spec.start.records if f.required}


def _sample(f):
    from trantib.engine.spec import FieldType

    return {
        FieldType.TEXT: "contoh",
        FieldType.LONGTEXT: "contoh uraian",
        FieldType.NUMBER: 1,
        FieldType.DATE: "2026-12-01",
        FieldType.DATETIME: "2026-12-01T10:00",
        FieldType.BOOLEAN: True,
        FieldType.LIST: ["satu"],
        FieldType.LOCATION: {"lat": -6.2, "lon": 106.6, "address": "Jl. Contoh"},
        FieldType.PERSON: {"nama": "Budi"},
        FieldType.CHOICE: f.choices[0] if f.choices else "",
        FieldType.FILES: [],
    }[f.type]


def test_attachments_are_checked_by_content_and_size(demo_org, settings):
    case = _start_pgd(demo_org)
    staf = demo_org.person("staf.krj")
    att = services.attachment_add(case=case, actor=staf, name="foto.png", content=io.BytesIO(PNG))
    assert att.content_type == "image/png" and att.size == len(PNG)
    with pytest.raises(Invalid) as err:
        services.attachment_add(
            case=case, actor=staf, name="foto.png", content=io.BytesIO(b"MZ\x90\x00 not a png")
        )
    assert err.value.field == "file"
    settings.TRANTIB_ATTACHMENT_MAX_BYTES = 32
    with pytest.raises(Invalid):
        services.attachment_add(case=case, actor=staf, name="a.png", content=io.BytesIO(PNG))
    with pytest.raises(NotAllowed):
        services.attachment_add(
            case=case, actor=demo_org.person("kasi.krw"), name="a.png", content=io.BytesIO(PNG[:20])
        )


def test_the_chain_verifies_after_a_case_runs_to_its_end(demo_org):
    case = _start_pgd(demo_org)
    from trantib.sops import registry

    spec = registry.get("PGD")
    while task := Task.objects.filter(case=case, status__in=["open", "claimed"]).first():
        actor = holders_of(case.unit, task.role).first()
        task_complete_written(task=task, actor=actor, data=_filled(spec, case, task, actor))
    case.refresh_from_db()
    assert case.status == "closed"
    seqs = list(Event.objects.filter(case=case).values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) > 10
    assert chain_verify().ok


def test_overdue_is_marked_once_and_notifies_performers_and_supervisor(demo_org):
    case = _start_pgd(demo_org)
    task = _live(case)
    later = task.due_at + dt.timedelta(minutes=1)
    assert services.deadlines_sweep(now=later).overdue == 1
    assert services.deadlines_sweep(now=later).overdue == 0
    task.refresh_from_db()
    assert task.overdue_at == later
    recipients = set(
        Notification.objects.filter(task=task).values_list("recipient__user__username", flat=True)
    )
    assert recipients == {"staf.krj", "camat.krj"}


def test_wait_steps_fire_at_their_deadline(demo_org):
    unit = demo_org.unit("PPTNG")
    kasat = demo_org.person("kasat.pptng")
    case = case_start_written(
        sop_code="PPW",
        unit=unit,
        actor=kasat,
        subject="PKL di trotoar Jl. Daan Mogot",
        entry="beri_teguran",
        data={
            "pelanggar": {"nama": "Siti"},
            "lokasi": "Jl. Daan Mogot",
            "perda": "Perda 8/2018",
            "nomor_surat_pernyataan": "300/01",
        },
    )
    wait = _live(case)
    assert (wait.kind, wait.step_id, wait.standard) == (
        TaskKind.WAIT,
        "tunggu_pernyataan",
        "15 hari",
    )
    assert services.deadlines_sweep(now=wait.due_at - dt.timedelta(minutes=1)).fired == 0
    assert services.deadlines_sweep(now=wait.due_at + dt.timedelta(minutes=1)).fired == 1
    wait.refresh_from_db()
    assert wait.status == TaskStatus.DONE
    assert _live(case).step_id == "cek_pernyataan"


def test_a_case_can_start_at_another_entry_step(demo_org):
    banit = demo_org.person("banit1.binmas")
    unit = demo_org.unit("BINMAS")
    steps = {
        step.id for spec, step in services.entries_startable(banit, unit) if spec.code == "POLMAS"
    }
    assert {"pos_sapta", "pos_mantap", "pos_satria", "pos_khidmat"} <= steps
    case = case_start_written(
        sop_code="POLMAS",
        unit=unit,
        actor=banit,
        subject="Pos Mantap di pasar sentral",
        entry="pos_mantap",
        data=_entry_data("POLMAS", "pos_mantap"),
    )
    assert case.status == "closed"
    with pytest.raises(Invalid) as err:
        case_start_written(
            sop_code="POLMAS", unit=unit, actor=banit, subject="x", entry="nope", data={}
        )
    assert err.value.field == "entry"


def _entry_data(code, step_id):
    from trantib.sops import registry

    step = registry.get(code).step(step_id)
    return {f.name: _sample(f) for f in step.records if f.required}


def test_scheduled_patrols_are_one_task_per_date_timed_from_that_day(demo_org):
    unit = demo_org.unit("PPTNG")
    case = case_start_written(
        sop_code="PPW",
        unit=unit,
        actor=demo_org.person("kasat.pptng"),
        subject="Patroli wilayah Desember 2026",
        data={"bulan": "2026-12-01", "nomor_surat_tugas": "300.1/01/PPTNG/2026"},
        now=dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC),
    )
    now = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
    task_complete_written(task=_live(case), actor=demo_org.person("kabid.pptng"), now=now)
    task_complete_written(
        task=_live(case),
        actor=demo_org.person("kasie.pptng"),
        data={
            "jadwal": ["2026-12-03", "2026-12-10"],
            "personil": [demo_org.person("petugas1.pptng").pk],
        },
        now=now,
    )
    patrols = Task.objects.filter(case=case, step_id="patroli").order_by("occurrence")
    assert [t.occurrence for t in patrols] == ["2026-12-03", "2026-12-10"]
    zone = unit.zone()
    # 3-4 jam counts by its upper bound, from the patrol day (around-the-clock calendar).
    assert [t.due_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") for t in patrols] == [
        "2026-12-03 12:00",
        "2026-12-10 12:00",
    ]


def test_each_task_with_a_due_time_gets_a_deadline_job_in_the_same_transaction(demo_org):
    from django_tasks_db.models import DBTaskResult

    case = _start_pgd(demo_org)
    task = _live(case)
    jobs = DBTaskResult.objects.filter(task_path__endswith="task_deadline_check")
    # The step now offered; not the first step, done at once by the starter before anyone
    # could have been late with it.
    assert sorted((j.args_kwargs["args"], j.run_after) for j in jobs) == [([task.pk], task.due_at)]
    for actor in ("staf.krj", "kasi.krj"):  # then each step offered with a due time
        task_complete_written(task=_live(case), actor=demo_org.person(actor))
    timed = Task.objects.filter(case=case, due_at__isnull=False).exclude(step_id="lapor")
    assert timed.count() == 2  # the Staf's step and the Camat's
    assert sorted((j.args_kwargs["args"], j.run_after) for j in jobs.all()) == sorted(
        ([t.pk], t.due_at) for t in timed
    )


def test_refusals_reach_the_officer_in_indonesian_naming_the_field(demo_org):
    case = _start_pgd(demo_org)
    staf, kasi, camat = (demo_org.person(u) for u in ("staf.krj", "kasi.krj", "camat.krj"))
    task_complete_written(task=_live(case), actor=staf)
    task_complete_written(task=_live(case), actor=kasi)
    with pytest.raises(Invalid) as err:
        task_complete_written(task=_live(case), actor=camat, data={})
    assert (err.value.field, err.value.message) == (
        "data.arahan",
        "“Arahan kepada Kasi” wajib diisi.",
    )
    with pytest.raises(Invalid) as err:
        task_complete_written(task=_live(case), actor=camat, data={"arahan": 5})
    assert err.value.message == "“Arahan kepada Kasi” harus berupa teks."
    with pytest.raises(Invalid) as err:
        task_complete_written(task=_live(case), actor=camat, data={"arahan": "x", "nilai": 1})
    assert err.value.field == "data.nilai" and "tidak mencatat isian" in err.value.message
    with pytest.raises(Invalid) as err:
        task_complete_written(task=_live(case), actor=camat, data={"arahan": "x"}, decision="ya")
    assert (err.value.field, err.value.message) == ("decision", "Langkah ini bukan keputusan.")


def test_a_decision_without_a_known_branch_is_refused_in_indonesian(demo_org):
    from trantib.sops import registry

    case = case_start_written(
        sop_code="PPL",
        unit=demo_org.unit("CPD"),
        actor=_starter(demo_org, "PPL", "CPD"),
        subject="Laporan praktik pelacuran",
        data=_first_data("PPL"),
    )
    spec = registry.get("PPL")
    # Walk to the first decision, completing whatever comes before it.
    task = _live(case)
    while spec.step(task.step_id).kind != "decision":
        actor = holders_of(case.unit, task.role).first()
        task_complete_written(task=task, actor=actor, data=_filled(spec, case, task, actor))
        task = _live(case)
    step = spec.step(task.step_id)
    actor = holders_of(case.unit, task.role).first()
    data = _filled(spec, case, task, actor)
    labels = ", ".join(b.label for b in step.branches)
    with pytest.raises(Invalid) as err:
        task_complete_written(task=task, actor=actor, data=data)
    assert err.value.message == f"Pilih salah satu keputusan: {labels}."
    with pytest.raises(Invalid) as err:
        task_complete_written(task=task, actor=actor, data=data, decision="mungkin")
    assert (
        err.value.field == "decision" and "“mungkin” bukan pilihan keputusan" in err.value.message
    )


def _starter(demo_org, code, unit_code):
    from trantib.sops import registry

    spec = registry.get(code)
    return holders_of(demo_org.unit(unit_code), services.acting_role(spec, spec.start)).first()


def _filled(spec, case, task, actor):
    """The required fields of the task's step, files as a fresh attachment."""
    data = {}
    for f in spec.step(task.step_id).records:
        if not f.required:
            continue
        if f.type == "files":
            att = services.attachment_add(
                case=case, actor=actor, name="scan.pdf", content=io.BytesIO(b"%PDF-1.4 x")
            )
            data[f.name] = [att.pk]
        else:
            data[f.name] = _sample(f)
    return data


def test_files_for_the_first_step_are_stored_with_the_start(demo_org):
    from trantib.sops import registry

    spec = registry.get("RTHM")
    unit = demo_org.unit("PPKB")
    actor = _starter(demo_org, "RTHM", "PPKB")
    data = {f.name: _sample(f) for f in spec.start.records if f.required and f.type != "files"}
    files = [f.name for f in spec.start.records if f.type == "files" and f.required]
    assert files, "RTHM's first step asks for a file"
    case = case_start_written(
        sop_code="RTHM",
        unit=unit,
        actor=actor,
        subject="Penertiban reklame tanpa izin",
        data=data,
        uploads={files[0]: [("draf.pdf", io.BytesIO(b"%PDF-1.4 draf"))]},
    )
    first = Task.objects.get(case=case, step_id=spec.start.id)
    (att,) = case.attachments.all()
    assert first.data[files[0]] == [att.pk] and att.task == first
    assert chain_verify().ok
    with pytest.raises(Invalid) as err:
        case_start_written(
            sop_code="RTHM",
            unit=unit,
            actor=actor,
            subject="x",
            data=data,
            uploads={"bukan_berkas": [("a.pdf", io.BytesIO(b"%PDF-1.4"))]},
        )
    assert err.value.field == "data.bukan_berkas"


def test_marking_notices_read_touches_only_the_persons_own_and_the_named(demo_org):
    case = _start_pgd(demo_org)
    task = _live(case)
    services.deadlines_sweep(now=task.due_at + dt.timedelta(minutes=1))
    staf, camat = demo_org.person("staf.krj"), demo_org.person("camat.krj")
    mine = Notification.objects.get(recipient=staf)
    assert services.notifications_mark_read(person=camat, ids=[mine.pk]) == 0
    assert services.notifications_mark_read(person=staf, ids=[mine.pk]) == 1
    assert Notification.objects.get(recipient=camat).read_at is None


# -- review regressions ------------------------------------------------------------------


def test_numbers_hash_the_same_after_the_database_normalises_them(demo_org):
    from trantib.cases.audit import audit_record

    case = _start_pgd(demo_org)
    audit_record(
        case=case,
        type="task_completed",
        actor=None,
        data={"big": 1e20, "zero": -0.0, "half": 0.5},
    )
    case.save(update_fields=["event_seq", "event_hash"])
    assert chain_verify().ok


def test_a_number_field_refuses_nan_and_infinity():
    from trantib.engine import runtime
    from trantib.engine.spec import FieldType
    from trantib.sops import registry

    spec = registry.get("PPL")
    number_steps = [s for s in spec.steps for f in s.records if f.type is FieldType.NUMBER]
    assert number_steps, "PPL records a number somewhere"
    field = next(f for f in number_steps[0].records if f.type is FieldType.NUMBER)
    for bad in (float("nan"), float("inf")):
        with pytest.raises(runtime.ActionRefused) as err:
            runtime.check_data(number_steps[0], {field.name: bad})
        assert err.value.field == f"data.{field.name}"


def test_control_characters_are_refused_in_the_subject_and_in_fields(demo_org):
    with pytest.raises(Invalid) as err:
        case_start_written(
            sop_code="PGD",
            unit=demo_org.unit("KRJ"),
            actor=demo_org.person("staf.krj"),
            subject="a\x00b",
            data={"saluran": "SMS", "uraian": "x"},
        )
    assert err.value.field == "subject"
    with pytest.raises(Invalid) as err:
        case_start_written(
            sop_code="PGD",
            unit=demo_org.unit("KRJ"),
            actor=demo_org.person("staf.krj"),
            subject="ok",
            data={"saluran": "SMS", "uraian": "x\x00y"},
        )
    assert err.value.field == "data.uraian" and "karakter kendali" in err.value.message
    assert not Case.objects.exists()


def _ppw_schedule(demo_org, jadwal, now):
    unit = demo_org.unit("PPTNG")
    case = case_start_written(
        sop_code="PPW",
        unit=unit,
        actor=demo_org.person("kasat.pptng"),
        subject="Patroli",
        data={"bulan": "2026-12-01", "nomor_surat_tugas": "1"},
        now=now,
    )
    task_complete_written(task=_live(case), actor=demo_org.person("kabid.pptng"), now=now)
    task_complete_written(
        task=_live(case),
        actor=demo_org.person("kasie.pptng"),
        data={"jadwal": jadwal, "personil": [demo_org.person("petugas1.pptng").pk]},
        now=now,
    )
    return case


def test_a_patrol_is_not_reported_before_its_day_and_its_duration_counts_from_that_day(demo_org):
    planned = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
    case = _ppw_schedule(demo_org, ["2026-12-10"], planned)
    patrol = _live(case)
    petugas = demo_org.person("petugas1.pptng")
    data = {"rute": "Pasar Lama", "hasil": "aman"}
    with pytest.raises(Invalid) as err:
        task_complete_written(task=patrol, actor=petugas, data=data, now=planned)
    assert err.value.field == "occurrence" and "belum tiba" in err.value.message
    # Reported at 11:00 WIB on the day (opening hour 08:00): three hours.
    done = task_complete_written(
        task=patrol, actor=petugas, data=data, now=dt.datetime(2026, 12, 10, 4, 0, tzinfo=dt.UTC)
    )
    assert done.duration_seconds == 3 * 3600


def test_a_schedule_line_too_long_for_an_occurrence_is_refused(demo_org):
    with pytest.raises(Invalid) as err:
        _ppw_schedule(demo_org, ["x" * 65], dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC))
    assert err.value.field == "data.jadwal" and "64" in err.value.message


def test_only_the_tasks_performer_attaches_to_it_and_uploads_stay_with_their_step(demo_org):
    case = _start_pgd(demo_org)
    task = _live(case)
    with pytest.raises(NotAllowed):
        services.attachment_add(
            case=case,
            actor=demo_org.person("camat.krj"),
            name="a.png",
            content=io.BytesIO(PNG),
            task=task,
        )
    staf = demo_org.person("staf.krj")
    task_complete_written(task=task, actor=staf)
    task_complete_written(task=_live(case), actor=demo_org.person("kasi.krj"))
    task_complete_written(
        task=_live(case), actor=demo_org.person("camat.krj"), data={"arahan": "x"}
    )
    kasi_task = _live(case)  # koordinasi_tindak, the Kasi's: its own upload
    own = services.attachment_add(
        case=case,
        actor=demo_org.person("kasi.krj"),
        name="a.png",
        content=io.BytesIO(PNG),
        task=kasi_task,
    )
    task_complete_written(
        task=kasi_task,
        actor=demo_org.person("kasi.krj"),
        data={"tindakan": "ditertibkan", "dokumentasi": [own.pk]},
    )
    # The next step may not cite the previous step's upload as its own evidence.
    with pytest.raises(Invalid) as err:
        task_complete_written(
            task=_live(case), actor=demo_org.person("kasi.krj"), data={"bukti": [own.pk]}
        )
    assert err.value.field == "attachments"
    with pytest.raises(Invalid) as err:
        task_complete_written(
            task=_live(case), actor=demo_org.person("kasi.krj"), data={"bukti": [10**30]}
        )
    assert err.value.field == "data.bukti"


def test_uploads_with_a_completion_stand_or_fall_with_it(demo_org):
    case = _start_pgd(demo_org)
    staf, kasi, camat = (demo_org.person(u) for u in ("staf.krj", "kasi.krj", "camat.krj"))
    task_complete_written(task=_live(case), actor=staf)
    task_complete_written(task=_live(case), actor=kasi)
    task_complete_written(task=_live(case), actor=camat, data={"arahan": "Tindak lanjuti"})
    task = _live(case)  # koordinasi_tindak: tindakan required, dokumentasi files
    photo = [("foto.png", io.BytesIO(PNG))]
    with pytest.raises(Invalid):  # tindakan missing: nothing is kept
        task_complete_written(task=task, actor=kasi, uploads={"dokumentasi": photo})
    assert not case.attachments.exists()
    photo = [("foto.png", io.BytesIO(PNG))]
    done = task_complete_written(
        task=task, actor=kasi, data={"tindakan": "Ditertibkan"}, uploads={"dokumentasi": photo}
    )
    (attachment,) = case.attachments.all()
    assert done.data["dokumentasi"] == [attachment.pk] and attachment.task == done
    assert chain_verify().ok
