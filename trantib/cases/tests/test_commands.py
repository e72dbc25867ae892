"""The CLI: ``trantib case start|list|show`` and ``trantib task list|complete``."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from trantib.cases import services
from trantib.cases.models import Attachment, Case, Task, TaskStatus
from trantib.cases.services import case_late_refresh
from trantib.demo.letters import case_start_written, letter_bring

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PGD_DATA = {"saluran": "SMS", "uraian": "Warung karaoke buka sampai pukul 02.00"}


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def refused(*args: str) -> CommandError:
    with pytest.raises(CommandError) as err:
        run(*args)
    assert err.value.returncode == 2
    assert "\n" not in str(err.value)
    return err.value


def start_pgd(subject: str = "Warung buka melewati jam malam") -> Case:
    out = run(
        "case",
        "start",
        "--sop",
        "PGD",
        "--unit",
        "KRJ",
        "--as",
        "staf.krj",
        "--subject",
        subject,
        "--data",
        json.dumps(PGD_DATA),
    )
    number = out.split()[0]
    return Case.objects.get(number=number)


def live(case: Case) -> Task:
    return Task.objects.get(case=case, status__in=["open", "claimed"])


# -- case start ---------------------------------------------------------------------------


def test_case_start_opens_the_case_does_the_first_step_and_names_the_next_task(demo_org):
    out = run(
        "case",
        "start",
        "--sop",
        "PGD",
        "--unit",
        "KRJ",
        "--as",
        "staf.krj",
        "--subject",
        "Warung buka melewati jam malam",
        "--data",
        json.dumps(PGD_DATA),
    )
    case = Case.objects.get()
    assert out.startswith(f"{case.number} opened (PGD.v2): Warung buka melewati jam malam")
    first = Task.objects.get(case=case, step_id="lapor")
    assert first.data == PGD_DATA
    assert first.completed_by == demo_org.person("staf.krj")
    nxt = live(case)
    assert f"next: task {nxt.pk} [work] staf_sampaikan (staf, due " in out


def test_case_start_reads_the_data_file_and_lets_data_override_it(demo_org, tmp_path):
    data_file = tmp_path / "laporan.json"
    data_file.write_text(json.dumps({"saluran": "Telepon", "uraian": "Dari berkas"}))
    run(
        "case",
        "start",
        "--sop",
        "PGD",
        "--unit",
        "KRJ",
        "--as",
        "staf.krj",
        "--subject",
        "x",
        "--data-file",
        str(data_file),
        "--data",
        '{"saluran": "SMS"}',
    )
    assert Task.objects.get(step_id="lapor").data == {"saluran": "SMS", "uraian": "Dari berkas"}


def test_case_start_attaches_files_to_the_first_steps_file_fields(demo_org, tmp_path):
    photo = tmp_path / "temuan.png"
    photo.write_bytes(PNG)
    run(
        "case",
        "start",
        "--sop",
        "PPW",
        "--unit",
        "PPTNG",
        "--as",
        "kasat.pptng",
        "--subject",
        "Teguran PKL tanpa patroli",
        "--entry",
        "beri_teguran",
        "--data",
        json.dumps(
            {
                "pelanggar": {"nama": "Hendra"},
                "lokasi": {"address": "Jl. Daan Mogot"},
                "perda": "Perda Ketertiban Umum",
                "nomor_surat_pernyataan": "300.1/SP-1/2026",
            }
        ),
        "--attach",
        f"dokumentasi={photo}",
    )
    attachment = Attachment.objects.get()
    step = Task.objects.get(step_id="beri_teguran")
    assert attachment.task == step and attachment.content_type == "image/png"
    # The step waits for its Surat Pernyataan (PPW v3): the photo waits with the start values.
    letter_bring(step, now=timezone.now())
    services.task_complete(task=step, actor=demo_org.person("kasat.pptng"))
    step.refresh_from_db()
    assert [int(v) for v in step.data["dokumentasi"]] == [attachment.pk]


BASE = ["case", "start", "--unit", "KRJ", "--as", "staf.krj", "--subject", "x"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--sop", "XYZ", "--data", json.dumps(PGD_DATA)], "sop:"),
        (["--sop", "PGD", "--data", '{"saluran": "SMS"'], "--data: not valid JSON"),
        (["--sop", "PGD", "--data", '["SMS"]'], "--data: must be a JSON object"),
        (["--sop", "PGD", "--data", '{"saluran": "SMS"}'], "data.uraian:"),
        (["--sop", "PGD", "--data", '{"saluran": "Merpati", "uraian": "x"}'], "data.saluran:"),
        (["--sop", "PGD", "--data-file", "/nonexistent/laporan.json"], "--data-file: cannot read"),
        (["--sop", "PGD", "--attach", "foto.png"], "--attach: name the step's file field"),
    ],
)
def test_case_start_refuses_bad_input_in_one_line_naming_the_field(demo_org, args, field):
    error = refused(*BASE, *args)
    assert str(error).startswith(field)
    assert not Case.objects.exists()


def test_case_start_refuses_an_unknown_unit_or_login_and_a_person_without_the_position(
    demo_org,
):
    data = json.dumps(PGD_DATA)
    common = ["case", "start", "--sop", "PGD", "--subject", "x", "--data", data]
    assert str(refused(*common, "--unit", "XYZ", "--as", "staf.krj")).startswith(
        "--unit: no unit 'XYZ' (known: "
    )
    assert str(refused(*common, "--unit", "KRJ", "--as", "nobody")) == "--as: no login 'nobody'"
    assert "not a person" in str(refused(*common, "--unit", "KRJ", "--as", "admin"))
    assert str(refused(*common, "--unit", "KRJ", "--as", "camat.cpd")).startswith("sop: ")
    assert not Case.objects.exists()


def test_from_the_command_line_bad_input_is_one_line_on_stderr_and_exit_status_2(demo_org, capsys):
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["trantib", *BASE, "--sop", "PGD", "--data", "{bad"]).execute()
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("CommandError: --data: not valid JSON")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


# -- case list and show -------------------------------------------------------------------


def test_case_list_shows_number_sop_status_active_steps_and_opened(demo_org):
    case = start_pgd()
    out = run("case", "list")
    header, rule, row = out.splitlines()
    assert header.split()[:6] == ["Number", "SOP", "Status", "Active", "steps", "Opened"]
    assert set(rule) <= {"-", " "}
    assert row.split()[:4] == [case.number, "PGD", "open", "staf_sampaikan"]


def test_case_list_reads_through_the_users_units(demo_org):
    start_pgd()
    assert run("case", "list", "--as", "kasi.krw").strip() == "No cases."
    assert "KRJ/PGD/" in run("case", "list", "--as", "camat.krj")


def test_case_list_filters_by_unit_sop_status_and_overdue(demo_org):
    case = start_pgd()
    assert case.number in run("case", "list", "--unit", "KRJ", "--sop", "PGD", "--status", "open")
    assert run("case", "list", "--status", "closed").strip() == "No cases."
    assert run("case", "list", "--unit", "CPD").strip() == "No cases."
    assert run("case", "list", "--overdue").strip() == "No cases."
    task = live(case)
    Task.objects.filter(pk=task.pk).update(due_at=task.created_at.replace(year=2020))
    case_late_refresh(case.pk)  # a row written by the test, not a service
    assert case.number in run("case", "list", "--overdue")


def test_case_list_refuses_an_unknown_sop_unit_or_status(demo_org):
    assert str(refused("case", "list", "--sop", "XYZ")).startswith("--sop: no SOP 'XYZ'")
    assert str(refused("case", "list", "--unit", "XYZ")).startswith("--unit: no unit 'XYZ'")
    with pytest.raises(CommandError) as err:
        run("case", "list", "--status", "lost")
    assert "--status" in str(err.value)


def test_case_list_runs_the_same_queries_for_one_case_or_many(demo_org):
    start_pgd("satu")
    with CaptureQueriesContext(connection) as one:
        run("case", "list", "--as", "camat.krj")
    for subject in ["dua", "tiga", "empat"]:
        start_pgd(subject)
    with CaptureQueriesContext(connection) as many:
        out = run("case", "list", "--as", "camat.krj")
    assert out.count("KRJ/PGD/") == 4
    assert len(many) == len(one)


def test_case_list_stops_at_the_limit_and_says_so(demo_org):
    for subject in ["satu", "dua", "tiga"]:
        start_pgd(subject)
    out = run("case", "list", "--limit", "2")
    assert out.count("KRJ/PGD/") == 2
    assert "more than 2 cases" in out


def test_case_show_prints_the_header_tasks_with_standard_and_actual_time_and_events(demo_org):
    case = start_pgd()
    services.task_complete(task=live(case), actor=demo_org.person("staf.krj"))
    out = run("case", "show", case.number)
    assert out.startswith(f"{case.number}  Warung buka melewati jam malam")
    assert "SOP:     PGD.v2" in out and "Unit:    KRJ Kecamatan Kerjo" in out
    assert "Active:  kasi_teruskan" in out
    done = next(line for line in out.splitlines() if " staf_sampaikan " in line)
    cells = done.split()
    assert "done" in cells and "15" in cells and "menit" in cells  # the standard, as written
    assert any(c.endswith("s") and c[:-1].isdigit() for c in cells)  # the time it really took
    assert "Events" in out and "case_opened" in out and out.count("task_completed") == 2


def test_case_show_as_json_has_tasks_with_standard_minutes_and_duration_and_the_events(
    demo_org,
):
    case = start_pgd()
    body = json.loads(run("case", "show", case.number, "--json"))
    assert body["number"] == case.number and body["status"] == "open"
    assert body["active"] == ["staf_sampaikan"]
    lapor = next(t for t in body["tasks"] if t["step"] == "lapor")
    assert lapor["standard"] == "5 menit" and lapor["standard_minutes"] == 5
    assert lapor["duration_seconds"] == 0 and lapor["data"] == PGD_DATA
    assert [e["seq"] for e in body["events"]] == [1, 2]
    assert body["events"][0]["type"] == "case_opened" and len(body["events"][0]["hash"]) == 64


def test_case_show_of_another_units_case_is_not_found(demo_org):
    case = start_pgd()
    error = refused("case", "show", case.number, "--as", "kasi.krw")
    assert str(error).startswith("case: ")
    assert str(refused("case", "show", "KRJ/PGD/1999/0001")).startswith("case: ")


# -- tasks --------------------------------------------------------------------------------


def test_task_list_is_tugas_saya_of_the_user(demo_org):
    case = start_pgd()
    task = live(case)
    out = run("task", "list", "--as", "staf.krj")
    row = next(line for line in out.splitlines() if line.startswith(f"{task.pk} "))
    assert case.number in row and "staf_sampaikan" in row
    assert run("task", "list", "--as", "kasi.krj").strip() == "No tasks."


def test_task_list_needs_a_login(demo_org):
    with pytest.raises(CommandError):
        run("task", "list")


def test_task_complete_moves_the_case_to_the_next_role(demo_org):
    case = start_pgd()
    task = live(case)
    out = run("task", "complete", str(task.pk), "--as", "staf.krj")
    assert out.startswith(f"task {task.pk} (staf_sampaikan) completed on {case.number}")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert live(case).step_id == "kasi_teruskan"
    assert "kasi_teruskan" in run("task", "list", "--as", "kasi.krj")


def test_task_complete_records_the_steps_fields(demo_org):
    case = services.case_start(
        sop_code="PUR",
        unit=demo_org.unit("CPD"),
        actor=demo_org.person("camat.cpd"),
        subject="Unjuk rasa",
        data={
            "waktu_unjuk_rasa": "2026-12-03T09:00",
            "lokasi": {"address": "Kantor Kecamatan"},
            "hasil_koordinasi": "Polsek mengamankan jalur",
            "perintah": "Siapkan pengamanan",
        },
    )
    task = live(case)
    run("task", "complete", str(task.pk), "--as", "kasi.cpd", "--data", '{"arahan": "Dua regu"}')
    task.refresh_from_db()
    assert task.data == {"arahan": "Dua regu"}
    assert task.completed_by == demo_org.person("kasi.cpd")
    assert live(case).step_id == "draft_surat_perintah"


def test_task_complete_uploads_attachments_into_the_steps_file_field(demo_org, tmp_path):
    case = start_pgd()
    staf, kasi, camat = (demo_org.person(u) for u in ["staf.krj", "kasi.krj", "camat.krj"])
    services.task_complete(task=live(case), actor=staf)
    services.task_complete(task=live(case), actor=kasi)
    services.task_complete(task=live(case), actor=camat, data={"arahan": "tindak"})
    services.task_complete(task=live(case), actor=kasi, data={"tindakan": "ditegur"})
    task = live(case)
    assert task.step_id == "bukti_penyelesaian"
    photo = tmp_path / "bukti.png"
    photo.write_bytes(PNG)
    run("task", "complete", str(task.pk), "--as", "kasi.krj", "--attach", f"bukti={photo}")
    task.refresh_from_db()
    attachment = Attachment.objects.get(case=case)
    assert task.status == TaskStatus.DONE and attachment.task == task
    assert [int(v) for v in task.data["bukti"]] == [attachment.pk]


def test_a_refused_completion_leaves_no_attachment_behind(demo_org, tmp_path):
    case = start_pgd()
    photo = tmp_path / "bukti.png"
    photo.write_bytes(PNG)
    error = refused(
        "task",
        "complete",
        str(live(case).pk),
        "--as",
        "staf.krj",
        "--data",
        '{"tidak_ada": 1}',
        "--attach",
        str(photo),
    )
    assert str(error).startswith("data.tidak_ada:")
    assert not Attachment.objects.exists()
    assert live(case).status == TaskStatus.OPEN


def test_task_complete_refuses_a_wrong_role_an_outsider_and_a_second_completion(demo_org):
    case = start_pgd()
    task = live(case)
    assert str(refused("task", "complete", str(task.pk), "--as", "camat.krj")).startswith("task: ")
    # Another unit's task looks like no task at all.
    assert str(refused("task", "complete", str(task.pk), "--as", "kasi.krw")) == (
        "task: Tugas tidak ditemukan."
    )
    run("task", "complete", str(task.pk), "--as", "staf.krj")
    again = refused("task", "complete", str(task.pk), "--as", "staf.krj")
    assert str(again).startswith("task: ") and "Endang Sulistyowati" in str(again)


def test_task_complete_refuses_an_unknown_branch_naming_the_decision(demo_org):
    unit = demo_org.unit("PPTNG")
    case = case_start_written(
        sop_code="PPW",
        unit=unit,
        actor=demo_org.person("kasat.pptng"),
        subject="Teguran",
        entry="beri_teguran",
        data={
            "pelanggar": {"nama": "Hendra"},
            "lokasi": {"address": "Jl. Daan Mogot"},
            "perda": "Perda Ketertiban Umum",
            "nomor_surat_pernyataan": "300.1/SP-1/2026",
        },
    )
    wait = live(case)
    services.wait_fire(task_id=wait.pk, now=wait.due_at)
    check = live(case)
    assert check.step_id == "cek_pernyataan"
    args = ["task", "complete", str(check.pk), "--as", "kasat.pptng"]
    data = ["--data", '{"hasil_pemeriksaan": "masih berjualan"}']
    assert str(refused(*args, *data, "--decision", "mungkin")).startswith("decision: ")
    out = run(*args, *data, "--decision", "mentaati")
    assert ": mentaati" in out.splitlines()[0]
    assert "next: task" in out and "selesai_taat" in out


def test_task_complete_refuses_a_missing_file_and_an_unknown_task(demo_org):
    case = start_pgd()
    task = str(live(case).pk)
    assert str(refused("task", "complete", task, "--as", "staf.krj", "--attach", "/no/f.png")) == (
        "--attach: no such file '/no/f.png'"
    )
    assert str(refused("task", "complete", "999999", "--as", "staf.krj")).startswith("task: ")
