"""The case file (berkas): what every completed step recorded, on the case page, above a task's
form, in the API, in ``trantib case show`` and in the printed PDF.

The PPW case is driven through the services as the officers would: the Kasat's programme, the
Kabid's plan, the Kasie's schedule, one patrol with a photo, the Kabid's evaluation naming two
violators, the Kasat's decision, which opens two enforcement cases; both violators comply.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zoneinfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from trantib.api.services import api_token_create
from trantib.cases import services
from trantib.cases.audit import audit_record
from trantib.cases.casefile import _People as People
from trantib.cases.casefile import case_file_for_user, value_lines
from trantib.cases.models import Case, Task, TaskStatus
from trantib.core.errors import NotFound
from trantib.demo.letters import case_start_written, task_complete_written
from trantib.engine.spec import FieldType, RecordField

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
T0 = dt.datetime(2026, 4, 1, 2, 0, tzinfo=dt.UTC)  # 09.00 WIB
PATROL_DAY = dt.datetime(2026, 4, 14, 7, 5, tzinfo=dt.UTC)  # 14.05 WIB

PROGRAMME = {"bulan": "2026-04-01", "nomor_surat_tugas": "800/ST-034/SATPOLPP/IV/2026"}
# Since issue 11 the step records the number of the Surat Tugas it waits for, taken from the
# unit's register at signing (the first letter of the year), not the number typed above.
SURAT_TUGAS = "300.1.2.1/0001/PPTNG/2026"
PLAN = {"koordinasi": "Polsek Tangerang dan Koramil 01"}
SCHEDULE_OFFICERS = ["petugas2.pptng", "petugas1.pptng"]  # Rina Marlina, Ahmad Fauzi
PATROL = {
    "rute": {"address": "Alun-alun Ahmad Yani - Jl. Kisamaun", "lat": -6.1781, "lon": 106.6297},
    "hasil": "Parkir liar di bahu jalan dan lapak semi permanen di atas saluran",
    "temuan": ["Parkir liar di bahu Jl. Kisamaun", "Lapak di atas saluran Jl. Kisamaun"],
}
EVALUATION = {
    "evaluasi": "Satu patroli terlaksana; dua pelanggaran ditindaklanjuti",
    "temuan": ["Parkir liar di bahu Jl. Kisamaun", "Lapak di atas saluran Jl. Kisamaun"],
}
VIOLATORS = [
    {
        "pelanggar": {"nama": "Darmawan", "nik": "3671010101800001", "alamat": "Jl. Kisamaun 3"},
        "lokasi": {"address": "Bahu Jl. Kisamaun"},
        "perda": "Perda Kota Tangerang 8/2018 tentang Ketertiban Umum",
        "nomor_surat_pernyataan": "300/SP-041/SATPOLPP/2026",
    },
    {
        "pelanggar": {"nama": "Warsini", "nik": "3671014202750002", "alamat": "Kp. Baru RT 2"},
        "lokasi": {"address": "Saluran Jl. Kisamaun"},
        "perda": "Perda Kota Tangerang 8/2018 pasal 12",
        "nomor_surat_pernyataan": "300/SP-042/SATPOLPP/2026",
    },
]
CHECKS = ["Bahu jalan sudah bersih dari parkir liar", "Lapak sudah dibongkar sendiri"]


def _schedule(demo_org) -> dict:
    """The patrol days and the patrol's officers, picked from the unit (person ids)."""
    people = [demo_org.person(login).pk for login in SCHEDULE_OFFICERS]
    return {"jadwal": ["2026-04-14"], "personil": people}


def _live(case: Case) -> Task:
    return Task.objects.get(case=case, status__in=["open", "claimed"])


def _do(demo_org, case, who, now, **kw):
    return task_complete_written(task=_live(case), actor=demo_org.person(who), now=now, **kw)


def ppw_closed_with_two_violators(demo_org) -> tuple[Case, list[Case]]:
    """A PPW programme case run to its end, and its two enforcement cases, both closed."""
    case = case_start_written(
        sop_code="PPW",
        unit=demo_org.unit("PPTNG"),
        actor=demo_org.person("kasat.pptng"),
        subject="Patroli Pengawasan Wilayah April 2026",
        data=PROGRAMME,
        requirements=["Menyiapkan Surat Tugas Patroli"],
        now=T0,
    )
    _do(demo_org, case, "kabid.pptng", T0, data=PLAN)
    _do(demo_org, case, "kasie.pptng", T0, data=_schedule(demo_org))
    _do(
        demo_org,
        case,
        "petugas2.pptng",
        PATROL_DAY,
        data=PATROL,
        uploads={"dokumentasi": [("lapak.png", io.BytesIO(PNG))]},
    )
    _do(demo_org, case, "kasie.pptng", PATROL_DAY)
    _do(demo_org, case, "kabid.pptng", PATROL_DAY, data=EVALUATION)
    _do(demo_org, case, "kasat.pptng", PATROL_DAY, decision="ya")
    _do(demo_org, case, "kasat.pptng", PATROL_DAY)
    _do(demo_org, case, "kasat.pptng", PATROL_DAY)
    children = list(Case.objects.filter(parent=case).order_by("pk"))
    assert len(children) == 2
    for child, violator, check in zip(children, VIOLATORS, CHECKS, strict=True):
        _do(demo_org, child, "kasat.pptng", PATROL_DAY, data=violator)
        wait = _live(child)
        services.deadlines_sweep(now=wait.due_at + dt.timedelta(minutes=1))
        later = wait.due_at + dt.timedelta(hours=2)
        _do(
            demo_org,
            child,
            "kasat.pptng",
            later,
            decision="mentaati",
            data={"hasil_pemeriksaan": check},
        )
        _do(demo_org, child, "kasie.pptng", later)
    case.refresh_from_db()
    for child in children:
        child.refresh_from_db()
        assert child.status == "closed"
    assert case.status == "closed"
    return case, children


PARENT_TEXTS = [
    "1 April 2026",  # the programme month, a date
    SURAT_TUGAS,
    PLAN["koordinasi"],
    "Rina Marlina, Petugas Operasional",  # the patrol's officers, by name and position
    "Ahmad Fauzi, Petugas Operasional",
    "14 April 2026",  # the schedule's date and the patrol's occurrence, the Indonesian way
    PATROL["rute"]["address"],
    "-6.178100, 106.629700",
    PATROL["hasil"],
    *PATROL["temuan"],
    EVALUATION["evaluasi"],
    "Menyiapkan Surat Tugas Patroli",
    "14 April 2026 14.05 WIB",
]


def _pdftotext(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "berkas.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(  # noqa: S603 — a fixed tool on a file we wrote
        [shutil.which("pdftotext") or "pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        check=True,
    )
    return " ".join(out.stdout.decode().split())


# -- the selector ---------------------------------------------------------------------------------


def test_the_case_file_has_every_value_recorded_written_for_people(demo_org):
    case, children = ppw_closed_with_two_violators(demo_org)
    cf = case_file_for_user(demo_org.user("kasie.pptng"), case.pk)
    steps = [r.step_id for r in cf.records]
    assert steps[:4] == ["rumuskan_program", "susun_rencana", "susun_jadwal", "patroli"]
    assert steps[-1] == "selesai_patroli" and len(steps) == 9
    first = cf.records[0]
    assert (first.no, first.completed_by) == ("1", "Drs. Wahyu Hidayat, M.Si.")
    assert first.position and first.completed_at_text == "1 April 2026 09.00 WIB"
    assert first.requirements == ("Menyiapkan Surat Tugas Patroli",)
    assert {f.label: f.text for f in first.fields} == {
        "Bulan program patroli": "1 April 2026",
        "Nomor Surat Tugas Patroli": SURAT_TUGAS,
    }
    patrol = cf.records[3]
    assert patrol.occurrence_text == "14 April 2026"
    rute = next(f for f in patrol.fields if f.name == "rute")
    assert rute.lines == (PATROL["rute"]["address"], "-6.178100, 106.629700")
    assert [f.label for f in patrol.fields] == [
        "Rute dan lokasi patroli",
        "Hasil patroli",
        "Temuan pelanggaran Perda",
    ]
    (photo,) = patrol.attachments
    assert (photo.field_label, photo.name, photo.is_image) == ("Dokumentasi", "lapak.png", True)
    assert photo.step_no == "4" and photo.uploaded_at_text == "14 April 2026 14.05 WIB"
    decision = next(r for r in cf.records if r.step_id == "ada_temuan")
    assert decision.decision == "ya"
    assert [(link.relation, link.case.number) for link in cf.linked] == [
        ("Kasus turunan", children[0].number),
        ("Kasus turunan", children[1].number),
    ]
    child = case_file_for_user(demo_org.user("kasie.pptng"), children[1].pk)
    assert child.records[0].step_id == "_start"
    assert child.records[0].fields[0].text == "Lapak di atas saluran Jl. Kisamaun"
    teguran = child.records[1]
    pelanggar = next(f for f in teguran.fields if f.name == "pelanggar")
    assert pelanggar.lines == ("Warsini", "NIK 3671014202750002", "Alamat Kp. Baru RT 2")
    assert [(link.relation, link.case.pk) for link in child.linked] == [("Kasus induk", case.pk)]


def test_a_corrected_field_is_marked_with_its_earlier_value_who_and_when(demo_org):
    case, _children = ppw_closed_with_two_violators(demo_org)
    task = Task.objects.get(case=case, step_id="rumuskan_program")
    kasat = demo_org.person("kasat.pptng")
    at = dt.datetime(2026, 4, 2, 1, 30, tzinfo=dt.UTC)
    # What the correction service (another part of issue 10) writes: the event and the data.
    audit_record(
        case=case,
        type="field_corrected",  # type: ignore[arg-type]
        actor=kasat,
        task=task,
        at=at,
        data={
            "step": "rumuskan_program",
            "occurrence": "",
            "field": "bulan",
            "before": "2026-04-01",
            "after": "2026-05-01",
            "reason": "Salah ketik bulan",
        },
    )
    task.data = {**task.data, "bulan": "2026-05-01"}
    task.save(update_fields=["data"])
    cf = case_file_for_user(demo_org.user("kasie.pptng"), case.pk)
    bulan = next(f for f in cf.records[0].fields if f.name == "bulan")
    assert bulan.corrected and bulan.text == "1 Mei 2026"
    (correction,) = bulan.corrections
    assert correction.before_text == "1 April 2026"
    assert (correction.by, correction.at_text) == (kasat.full_name, "2 April 2026 08.30 WIB")
    assert correction.reason == "Salah ketik bulan"
    assert cf.records[0].corrected and not cf.records[1].corrected
    html = Client()
    html.force_login(demo_org.user("kasie.pptng"))
    page = html.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "dikoreksi" in page and "Sebelum dikoreksi: 1 April 2026" in page


def test_values_are_written_for_people_whatever_their_type(demo_org):
    wita = zoneinfo.ZoneInfo("Asia/Makassar")
    people = People(unit_id=demo_org.unit("PPTNG").pk)

    def lines(kind, value, **kw):
        f = RecordField(name="x", label="X", type=kind, **kw)
        return value_lines(f, value, zone=wita, people=people)

    assert lines(FieldType.DATETIME, "2026-12-03T14:05") == ["3 Desember 2026 14.05 WITA"]
    assert lines(FieldType.DATE, "2026-08-17") == ["17 Agustus 2026"]
    assert lines(FieldType.BOOLEAN, True) == ["Ya"]
    assert lines(FieldType.BOOLEAN, False) == ["Tidak"]
    assert lines(FieldType.NUMBER, 12500) == ["12.500"]
    assert lines(FieldType.NUMBER, 2.5) == ["2,5"]
    assert lines(FieldType.CHOICE, "SMS", choices=("SMS", "Telepon")) == ["SMS"]
    assert lines(FieldType.LIST, ["a", "b"]) == ["a", "b"]
    assert lines(FieldType.LOCATION, {"lat": -6.2, "lon": 106.6, "accuracy": 12.4}) == [
        "-6.200000, 106.600000 (akurasi ±12 m)"
    ]
    assert lines(FieldType.LOCATION, "Jl. Contoh") == ["Jl. Contoh"]
    assert lines(FieldType.PERSON, "Budi") == ["Budi"]
    assert lines(FieldType.TEXT, None) == []
    # People fields (a field type another part adds): members of the unit, by name and position.
    kasie = demo_org.person("kasie.pptng")
    (member,) = lines("members", [kasie.pk])
    assert member.startswith(kasie.full_name + ", ") and "Kasie" in member


def test_another_units_case_file_is_not_found(demo_org):
    case, _children = ppw_closed_with_two_violators(demo_org)
    with pytest.raises(NotFound):
        case_file_for_user(demo_org.user("kasi.krw"), case.pk)
    client = Client()
    client.force_login(demo_org.user("kasi.krw"))
    assert client.get(reverse("cases:file_pdf", args=[case.pk])).status_code == 404


# -- the page and the task form -------------------------------------------------------------------


def test_the_case_page_shows_every_recorded_value_and_the_photo(demo_org):
    case, children = ppw_closed_with_two_violators(demo_org)
    client = Client()
    client.force_login(demo_org.user("kabid.pptng"))
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Berkas kasus" in html and "Cetak berkas" in html
    for text in PARENT_TEXTS:
        assert text in html, text
    photo = Task.objects.get(case=case, step_id="patroli").data["dokumentasi"][0]
    url = reverse("cases:attachment", args=[int(photo)])
    assert f'<img src="{url}" alt="lapak.png" loading="lazy">' in html
    for child in children:
        assert child.number in html
    child_html = client.get(reverse("cases:detail", args=[children[0].pk])).content.decode()
    for text in ("Darmawan", "3671010101800001", VIOLATORS[0]["perda"], CHECKS[0], "mentaati"):
        assert text in child_html, text


def test_a_live_task_form_shows_the_earlier_records_the_sop_names_open(demo_org):
    case = case_start_written(
        sop_code="PPW",
        unit=demo_org.unit("PPTNG"),
        actor=demo_org.person("kasat.pptng"),
        subject="Patroli April",
        data=PROGRAMME,
        now=T0,
    )
    _do(demo_org, case, "kabid.pptng", T0, data=PLAN)
    _do(demo_org, case, "kasie.pptng", T0, data=_schedule(demo_org))
    _do(demo_org, case, "petugas2.pptng", PATROL_DAY, data=PATROL)
    _do(demo_org, case, "kasie.pptng", PATROL_DAY)  # receiving the reports: nothing recorded
    task = _live(case)
    assert task.step_id == "evaluasi"
    client = Client()
    client.force_login(demo_org.user("kabid.pptng"))
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    form_at = html.index(reverse("cases:task_complete", args=[task.pk]))
    earlier_at = html.index("Catatan langkah sebelumnya")
    assert earlier_at < form_at  # above the inputs
    patrol = Task.objects.get(case=case, step_id="patroli")
    programme = Task.objects.get(case=case, step_id="rumuskan_program")
    # The patrol report is open (show_open: [patroli]); the programme is collapsed.
    assert f'id="sebelum-{task.pk}-t{patrol.pk}" open>' in html
    assert f'id="sebelum-{task.pk}-t{programme.pk}">' in html
    assert PATROL["hasil"] in html[earlier_at:form_at]


def test_by_default_the_most_recent_record_is_open(demo_org):
    case = case_start_written(
        sop_code="PPW",
        unit=demo_org.unit("PPTNG"),
        actor=demo_org.person("kasat.pptng"),
        subject="Patroli April",
        data=PROGRAMME,
        now=T0,
    )
    _do(demo_org, case, "kabid.pptng", T0, data=PLAN)
    task = _live(case)
    cf = case_file_for_user(demo_org.user("kasie.pptng"), case.pk)
    keys = cf.open_keys(task, services.case_spec(case).step(task.step_id))
    plan = Task.objects.get(case=case, step_id="susun_rencana")
    assert keys == {f"t{plan.pk}"}
    assert [r.step_id for r in cf.before(task)] == ["rumuskan_program", "susun_rencana"]


# -- API and CLI ----------------------------------------------------------------------------------


def test_the_api_case_carries_each_steps_record(demo_org):
    case, _children = ppw_closed_with_two_violators(demo_org)
    _row, token = api_token_create(user=demo_org.user("kasie.pptng"), name="t")
    response = Client().get(f"/api/v1/cases/{case.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    body = response.json()
    records = body["file"]
    assert [r["step"] for r in records][:3] == ["rumuskan_program", "susun_rencana", "susun_jadwal"]
    first = records[0]
    assert first["no"] == "1" and first["completed_by"] == "Drs. Wahyu Hidayat, M.Si."
    bulan = next(f for f in first["fields"] if f["name"] == "bulan")
    assert bulan == {
        "name": "bulan",
        "label": "Bulan program patroli",
        "type": "date",
        "value": "2026-04-01",
        "text": "1 April 2026",
        "corrected": False,
    }
    patrol = records[3]
    assert patrol["occurrence"] == "2026-04-14"
    (photo,) = patrol["attachments"]
    assert photo["field"] == "dokumentasi" and photo["content_type"] == "image/png"
    assert photo["url"] == reverse("cases:attachment", args=[photo["id"]])
    decision = next(r for r in records if r["step"] == "ada_temuan")
    assert decision["decision"] == "ya"
    flat = str(records)
    for text in PARENT_TEXTS:
        if not text.startswith("14 April 2026"):  # moments stay ISO (completed_at)
            assert text in flat, text


def test_case_show_prints_the_case_file(demo_org):
    case, _children = ppw_closed_with_two_violators(demo_org)
    out = io.StringIO()
    call_command("case", "show", case.number, "--as", "kasie.pptng", stdout=out)
    text = out.getvalue()
    assert "Berkas kasus" in text
    for value in PARENT_TEXTS:
        assert value in text, value


# -- the PDF --------------------------------------------------------------------------------------


def test_the_case_file_pdf_of_a_closed_ppw_case_holds_every_recorded_value(demo_org, tmp_path):
    case, children = ppw_closed_with_two_violators(demo_org)
    client = Client()
    client.force_login(demo_org.user("kasat.pptng"))
    response = client.get(reverse("cases:file_pdf", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('inline; filename="berkas-') and disposition.endswith('.pdf"')
    text = _pdftotext(response.content, tmp_path)
    for value in [*PARENT_TEXTS, case.number, "PPW", "Rantai audit utuh", "lapak.png"]:
        assert value in text, value
    for child in children:
        assert child.number in text
    child_pdf = client.get(reverse("cases:file_pdf", args=[children[1].pk]))
    child_text = _pdftotext(child_pdf.content, tmp_path)
    violator = VIOLATORS[1]
    for value in [
        violator["pelanggar"]["nama"],
        violator["pelanggar"]["nik"],
        violator["pelanggar"]["alamat"],
        violator["lokasi"]["address"],
        violator["perda"],
        children[1].letters.get(key="pernyataan").number,  # the statement's, as signed
        CHECKS[1],
        "mentaati",
        case.number,
    ]:
        assert value in child_text, value


def test_the_pdf_names_the_first_broken_event_of_a_tampered_chain(demo_org, tmp_path):
    case, _children = ppw_closed_with_two_violators(demo_org)
    from trantib.cases.models import Event
    from trantib.cases.tests.test_audit import tamper

    event = Event.objects.filter(case=case).order_by("seq")[2]
    # Edited behind the application's back, the append-only trigger switched off on PostgreSQL.
    tamper("UPDATE cases_event SET data = %s WHERE id = %s", ['{"tampered": true}', event.pk])
    client = Client()
    client.force_login(demo_org.user("kasat.pptng"))
    text = _pdftotext(client.get(reverse("cases:file_pdf", args=[case.pk])).content, tmp_path)
    assert "Rantai audit RUSAK mulai peristiwa #3" in text
    assert TaskStatus.DONE  # the rest of the file still prints


# -- personal data --------------------------------------------------------------------------------


def test_a_confidential_reporter_stays_out_of_the_case_file_for_a_role_without_access(
    demo_org, tmp_path
):
    """The case file shows what the steps recorded; a confidential reporter is no part of it,
    so the Sekcam (no intake role) sees neither on the page, in the API nor in the PDF. The
    reporter's photo is listed as the reporter's, without their name."""
    from trantib.complaints import services as complaints
    from trantib.complaints.models import Category
    from trantib.demo import complaint_setup_load

    complaint_setup_load()
    complaint = complaints.complaint_file(
        channel="web",
        category=Category.objects.get(code="bangunan"),
        description="Gudang baru di tepi jalan Desa Gempolan menutup saluran air warga",
        kelurahan="Gempolan",
        reporter_name="Sri Wahyuningsih",
        reporter_phone="0812-7766-5544",
        reporter_email="sri.wahyuningsih@example.com",
        confidential=True,
        photos=[("gudang.png", io.BytesIO(PNG))],
    )
    secrets = ("Wahyuningsih", "81277665544", "7766-5544", "sri.wahyuningsih@example.com")
    case = complaint.case
    reader = demo_org.user("sekcam.krj")
    cf = case_file_for_user(reader, case.pk)
    assert "Gudang baru di tepi jalan" in cf.records[0].fields[1].text
    (photo,) = cf.other_attachments or cf.records[0].attachments
    assert photo.uploaded_by == "Pelapor"
    client = Client()
    client.force_login(reader)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    pdf = _pdftotext(client.get(reverse("cases:file_pdf", args=[case.pk])).content, tmp_path)
    _row, token = api_token_create(user=reader, name="t")
    api = Client().get(f"/api/v1/cases/{case.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert "Gudang baru di tepi jalan" in pdf and "Gudang baru di tepi jalan" in api.text
    for surface in (page.split('class="card case-file"')[1], pdf, api.text):
        for secret in secrets:
            assert secret not in surface


def test_a_duplicate_complaints_case_file_links_the_original_with_its_current_step(demo_org):
    from trantib.complaints import services as complaints
    from trantib.complaints.models import Category
    from trantib.demo import complaint_setup_load

    complaint_setup_load()

    def filed(description):
        return complaints.complaint_file(
            channel="web",
            category=Category.objects.get(code="bangunan"),
            description=description,
            kelurahan="Gempolan",
            reporter_name="Warga",
            reporter_phone="0812-1111-2222",
        )

    original = filed("Gudang baru menutup saluran air warga di Desa Gempolan")
    duplicate = filed("Saluran air tertutup bangunan gudang di Gempolan")
    complaints.complaint_mark_duplicate(
        complaint=duplicate, original=original, actor=demo_org.person("kasi.krj")
    )
    cf = case_file_for_user(demo_org.user("kasi.krj"), duplicate.case_id)
    (link,) = cf.linked
    assert (link.relation, link.case.pk) == ("Pengaduan asli", original.case_id)
    assert link.current == (_live(original.case).title,)
    # Another kecamatan sees neither case.
    with pytest.raises(NotFound):
        case_file_for_user(demo_org.user("kasi.krw"), duplicate.case_id)


def test_a_patrol_schedule_is_written_as_dates_and_other_lists_as_typed() -> None:
    from trantib.cases.casefile import _People, value_lines
    from trantib.engine.spec import FieldType, RecordField

    schedule = RecordField(name="jadwal", label="Tanggal patroli", type=FieldType.LIST)
    zone = dt.UTC
    people = _People(unit_id=0)
    days = ["2026-04-14", "2026-04-21"]
    assert value_lines(schedule, days, zone=zone, people=people, schedule=True) == [
        "14 April 2026",
        "21 April 2026",
    ]
    assert value_lines(schedule, days, zone=zone, people=people) == days
