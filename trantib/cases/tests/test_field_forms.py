"""Forms for the field: typed Indonesian dates (never read as today), a patrol schedule
normalised or refused line by line, people picked from the unit, a place with the device's
accuracy, a photo's own time and place, one patrol's form at a time, and Hari ini."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

import trantib
from trantib.cases import services
from trantib.cases.forms import StepForm
from trantib.cases.models import Attachment, Case, Task, TaskStatus
from trantib.core.errors import Invalid
from trantib.demo.letters import case_start_written, task_complete_written
from trantib.engine import runtime
from trantib.engine.spec import Capture, FieldType, RecordField, Step, StepKind
from trantib.sops import registry

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LIBRARY = Path(trantib.__file__).parent / "sops" / "library"


def a_step(*records: RecordField) -> Step:
    return Step(id="lapor", no="1", kind=StepKind.PROCESS, role="r", activity="a", records=records)


def client_for(demo_org, username: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(username))
    return client


@pytest.fixture
def ppw_v2():
    """The library's PPW in force (v3, since issue 11, as v2 before it): its patrol officers are
    picked from the unit (``members``) and its patrol photos open the camera."""
    spec = registry.get("PPW")
    assert spec.version >= 2
    assert spec.step("susun_jadwal").records[1].type is FieldType.MEMBERS
    (photos,) = [f for f in spec.step("patroli").records if f.type is FieldType.FILES]
    assert photos.capture is Capture.PHOTO
    return LIBRARY


def live(case: Case, step_id: str = "") -> list[Task]:
    tasks = Task.objects.filter(case=case, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED])
    return list(tasks.filter(step_id=step_id) if step_id else tasks)


def ppw_at_schedule(demo_org, now=None) -> Case:
    case = case_start_written(
        sop_code="PPW",
        unit=demo_org.unit("PPTNG"),
        actor=demo_org.person("kasat.pptng"),
        subject="Patroli wilayah",
        data={"bulan": "2026-12-01", "nomor_surat_tugas": "300.1/01"},
        now=now,
    )
    task_complete_written(task=live(case)[0], actor=demo_org.person("kabid.pptng"), now=now)
    assert live(case)[0].step_id == "susun_jadwal"
    return case


def patrols_from_today(demo_org, days=(0, 1, 2)) -> tuple[Case, list[Task]]:
    """A PPW case (v2) whose schedule has a patrol today and on the following days."""
    today = demo_org.unit("PPTNG").today()
    case = ppw_at_schedule(demo_org)
    officers = [demo_org.person("petugas1.pptng").pk, demo_org.person("petugas2.pptng").pk]
    task_complete_written(
        task=live(case)[0],
        actor=demo_org.person("kasie.pptng"),
        data={
            "jadwal": [(today + dt.timedelta(days=d)).isoformat() for d in days],
            "personil": officers,
        },
    )
    return case, sorted(live(case, "patroli"), key=lambda t: t.occurrence)


# -- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "read"),
    [("1000", 1000), ("2,5", 2.5), ("2.5", 2.5), ("-3", -3), ("12 500", 12500), ("0,125", 0.125)],
)
def test_a_step_form_reads_a_number_as_written(typed, read) -> None:
    step = a_step(RecordField("jumlah", "Jumlah barang", FieldType.NUMBER))
    form = StepForm(step, {"data.jumlah": typed})
    assert form.is_valid(), form.errors
    assert form.data == {"jumlah": read}
    assert type(form.data["jumlah"]) is type(read)


@pytest.mark.parametrize("typed", ["1.000", "2,500", "1.000.000", "-12.500"])
def test_a_number_that_reads_as_thousands_or_a_fraction_is_refused_naming_the_field(typed) -> None:
    """ "1.000" is a thousand to an Indonesian reader and one to the browser's canonical form:
    the page asks instead of guessing."""
    step = a_step(RecordField("jumlah", "Jumlah barang", FieldType.NUMBER, required=True))
    form = StepForm(step, {"data.jumlah": typed})
    assert not form.is_valid()
    message = form.error_for("data.jumlah")
    assert "Jumlah barang" in message and typed in message and "1000" in message
    assert "jumlah" not in form.data


# -- dates --------------------------------------------------------------------------------


def test_a_step_form_reads_indonesian_dates_and_times() -> None:
    step = a_step(
        RecordField("tanggal", "Tanggal surat", FieldType.DATE),
        RecordField("waktu", "Waktu operasi", FieldType.DATETIME),
    )
    form = StepForm(step, {"data.tanggal": "3 Desember 2026", "data.waktu": "3/12/2026 14.05"})
    assert form.is_valid(), form.errors
    assert form.data == {"tanggal": "2026-12-03", "waktu": "2026-12-03T14:05"}


@pytest.mark.parametrize("typed", ["12/31/2026", "31/2/2026", "besok"])
def test_a_step_form_refuses_a_date_it_cannot_read_naming_the_field_never_today(typed) -> None:
    step = a_step(RecordField("tanggal", "Tanggal surat", FieldType.DATE, required=True))
    form = StepForm(step, {"data.tanggal": typed})
    assert not form.is_valid()
    message = form.error_for("data.tanggal")
    assert "Tanggal surat" in message
    assert "tidak ada" in message or "3 Desember 2026" in message
    assert "tanggal" not in form.data


def test_a_schedule_is_sent_on_as_iso_dates_and_a_bad_line_is_refused_by_number() -> None:
    spec = registry.get("PPW")
    step = spec.step("susun_jadwal")
    post = {"data.jadwal": "3 Desember 2026\n\n5/12/2026\n2026-12-07", "data.personil": "7"}
    members = [(7, "Ahmad Fauzi — Petugas Operasional")]
    form = StepForm(step, post, spec=spec, members=members)
    assert form.is_valid(), form.errors
    assert form.data["jadwal"] == ["2026-12-03", "2026-12-05", "2026-12-07"]

    bad = StepForm(
        step, {**post, "data.jadwal": "3 Desember 2026\nbesok"}, spec=spec, members=members
    )
    assert not bad.is_valid()
    assert "baris 2" in bad.error_for("data.jadwal")
    assert "Tanggal-tanggal patroli" in bad.error_for("data.jadwal")


def test_the_engine_refuses_a_schedule_line_that_is_not_a_date(demo_org) -> None:
    case = ppw_at_schedule(demo_org)
    officer = demo_org.person("petugas1.pptng").pk
    with pytest.raises(Invalid) as refused:
        task_complete_written(
            task=live(case)[0],
            actor=demo_org.person("kasie.pptng"),
            data={"jadwal": ["2026-12-03", "5/12/2026"], "personil": [officer]},
        )
    assert refused.value.field == "data.jadwal"
    assert "Tanggal-tanggal patroli" in refused.value.message
    assert not Task.objects.filter(case=case, step_id="patroli").exists()
    # The pure engine says why, with a code the service words.
    spec = registry.get("PPW")
    state = runtime.CaseState.from_dict(Case.objects.get(pk=case.pk).state)
    action = runtime.Complete(
        "susun_jadwal", data={"jadwal": ["3 Desember 2026"], "personil": [officer]}
    )
    with pytest.raises(runtime.ActionRefused) as engine:
        runtime.apply(spec, state, action)
    assert engine.value.field == "data.jadwal" and engine.value.code == "not_a_date"


def test_a_date_typed_on_the_page_is_refused_beside_its_input(demo_org) -> None:
    kasat = client_for(demo_org, "kasat.pptng")
    response = kasat.post(
        reverse("cases:start"),
        {
            "sop": "PPW",
            "unit": "PPTNG",
            "subject": "Patroli",
            "data.bulan": "12/31/2026",
            "data.nomor_surat_tugas": "1",
        },
    )
    assert response.status_code == 422
    assert "bulan 31 tidak ada" in response.content.decode()
    assert not Case.objects.filter(subject="Patroli", sop_code="PPW").exists()


# -- people, places, photos ---------------------------------------------------------------
#
# On PPL v2 (issue 10): its Danru ticks the Anggota Trantib from the unit (``members``), and its
# field team records the place and the photos of the penertiban. No guard fills these fields
# (PPW v3's schedule and patrol report are filled from the patrol plan since issue 12).


@pytest.fixture
def ppl_v2():
    """The library's PPL in force: row 6 ticks its members, row 7 records the place and the
    photos (camera), and no step guard fills any of them."""
    spec = registry.get("PPL")
    assert spec.version >= 2
    members = spec.step("siapkan_anggota")
    assert [f.type for f in members.records] == [FieldType.NUMBER, FieldType.MEMBERS]
    field_work = spec.step("laksanakan_penertiban")
    (place,) = [f for f in field_work.records if f.type is FieldType.LOCATION]
    (photos,) = [f for f in field_work.records if f.type is FieldType.FILES]
    assert (place.name, photos.name, photos.capture) == ("lokasi", "dokumentasi", Capture.PHOTO)
    assert not services.step_filled(members) and not services.step_filled(field_work)
    return LIBRARY


def ppl_at_members(demo_org) -> Case:
    """A CPD PPL case at row 6: the Danru prepares the Anggota Trantib."""
    case = case_start_written(
        sop_code="PPL",
        unit=demo_org.unit("CPD"),
        actor=demo_org.person("kasi.cpd"),
        subject="Dugaan lokalisasi di Jl. Kali Pasir",
        data={
            "sumber": "Kelurahan Cipondoh",
            "lokasi": {"address": "Jl. Kali Pasir"},
            "uraian": "Laporan warga",
        },
    )
    kasi = demo_org.person("kasi.cpd")
    task_complete_written(
        task=live(case)[0], actor=demo_org.person("camat.cpd"), data={"perintah": "Tertibkan"}
    )
    draft = services.attachment_add(
        case=case, actor=kasi, name="draft.png", content=io.BytesIO(PNG), task=live(case)[0]
    )
    task_complete_written(
        task=live(case)[0], actor=kasi, data={"draft": [draft.pk]}, attachments=[draft.pk]
    )
    task_complete_written(
        task=live(case)[0], actor=demo_org.person("sekcam.cpd"), decision="tidak ada koreksi"
    )
    task_complete_written(task=live(case)[0], actor=demo_org.person("camat.cpd"))
    task_complete_written(task=live(case)[0], actor=kasi, data={"arahan": "Siapkan regu"})
    assert live(case)[0].step_id == "siapkan_anggota"
    return case


def ppl_in_the_field(demo_org) -> tuple[Case, Task]:
    """A CPD PPL case at row 7: the Anggota Trantib's penertiban, claimed by anggota1."""
    case = ppl_at_members(demo_org)
    anggota = [demo_org.person("anggota1.cpd").pk, demo_org.person("anggota2.cpd").pk]
    task_complete_written(
        task=live(case)[0],
        actor=demo_org.person("danru.cpd"),
        data={"jumlah_personel": 2, "anggota": anggota},
    )
    (field_work,) = live(case)
    assert field_work.step_id == "laksanakan_penertiban"
    services.task_claim(task=field_work, actor=demo_org.person("anggota1.cpd"))
    return case, field_work


def test_a_members_field_keeps_person_ids_of_the_unit_and_refuses_anyone_else(
    demo_org, ppl_v2
) -> None:
    case = ppl_at_members(demo_org)
    members = live(case)[0]
    danru = demo_org.person("danru.cpd")
    html = client_for(demo_org, "danru.cpd").get(reverse("cases:detail", args=[case.pk]))
    page = html.content.decode()
    anggota1 = demo_org.person("anggota1.cpd")
    assert f'name="data.anggota" value="{anggota1.pk}"' in page
    outsider = demo_org.person("kasi.krw")
    assert f'value="{outsider.pk}"' not in page

    with pytest.raises(Invalid) as refused:
        task_complete_written(
            task=members,
            actor=danru,
            data={"jumlah_personel": 2, "anggota": [anggota1.pk, outsider.pk]},
        )
    assert refused.value.field == "data.anggota"
    assert "Anggota Trantib yang ditugaskan" in refused.value.message
    assert str(outsider.pk) in refused.value.message
    with pytest.raises(Invalid) as shape:
        task_complete_written(
            task=members, actor=danru, data={"jumlah_personel": 2, "anggota": ["Regu 1"]}
        )
    assert shape.value.field == "data.anggota"

    response = client_for(demo_org, "danru.cpd").post(
        reverse("cases:task_complete", args=[members.pk]),
        {"data.jumlah_personel": "1", "data.anggota": [str(anggota1.pk)]},
    )
    assert response.status_code == 302
    members.refresh_from_db()
    assert members.data == {"jumlah_personel": 1, "anggota": [anggota1.pk]}


def test_a_correction_of_a_members_field_offers_and_accepts_only_the_units_people(
    demo_org, ppl_v2
) -> None:
    """Review finding 1: a correction checks ``members`` exactly as completion does, and its
    form offers the unit's members."""
    case = ppl_at_members(demo_org)
    members = live(case)[0]
    danru = demo_org.person("danru.cpd")
    anggota1, anggota2 = demo_org.person("anggota1.cpd"), demo_org.person("anggota2.cpd")
    outsider = demo_org.person("kasi.krw")
    task_complete_written(
        task=members, actor=danru, data={"jumlah_personel": 1, "anggota": [anggota1.pk]}
    )
    members.refresh_from_db()
    with pytest.raises(Invalid) as refused:
        services.field_correct(
            task=members, actor=danru, field="anggota", value=[outsider.pk], reason="Salah"
        )
    assert refused.value.field == "data.anggota" and str(outsider.pk) in refused.value.message

    client = client_for(demo_org, "danru.cpd")
    url = reverse("cases:task_correct", args=[members.pk])
    form = client.get(url, {"isian": "anggota"}).content.decode()
    assert f'name="data.anggota" value="{anggota2.pk}"' in form
    assert f'value="{outsider.pk}"' not in form
    response = client.post(
        url, {"isian": "anggota", "data.anggota": [str(outsider.pk)], "reason": "Salah"}
    )
    assert response.status_code == 422
    members.refresh_from_db()
    assert members.data["anggota"] == [anggota1.pk]
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert outsider.full_name not in page

    response = client.post(
        url, {"isian": "anggota", "data.anggota": [str(anggota2.pk)], "reason": "Salah"}
    )
    assert response.status_code == 302
    members.refresh_from_db()
    assert members.data["anggota"] == [anggota2.pk]


def test_a_member_id_beyond_the_databases_range_is_refused_naming_the_field(
    demo_org, ppl_v2
) -> None:
    """Review findings 1 and 2: an id above 2**63-1 is refused by the engine (422 through the
    API), on completion and on correction, never a 500."""
    from trantib.api.services import api_token_create
    from trantib.api.tests.support import ApiClient

    huge = 2**63
    with pytest.raises(runtime.ActionRefused) as engine:
        runtime.check_data(
            a_step(RecordField(name="anggota", label="Anggota", type=FieldType.MEMBERS)),
            {"anggota": [huge]},
        )
    assert engine.value.field == "data.anggota"
    case = ppl_at_members(demo_org)
    members = live(case)[0]
    danru = demo_org.person("danru.cpd")
    with pytest.raises(Invalid) as refused:
        task_complete_written(
            task=members, actor=danru, data={"jumlah_personel": 1, "anggota": [huge]}
        )
    assert refused.value.field == "data.anggota"
    _row, token = api_token_create(user=demo_org.user("danru.cpd"), name="t")
    api = ApiClient(token)
    answer = api.post(
        f"/tasks/{members.pk}/complete",
        {"data": {"jumlah_personel": 1, "anggota": [10**20]}},
    )
    assert answer.status_code == 422, answer.content
    assert b"data.anggota" in answer.content

    anggota1 = demo_org.person("anggota1.cpd")
    task_complete_written(
        task=members, actor=danru, data={"jumlah_personel": 1, "anggota": [anggota1.pk]}
    )
    answer = api.post(
        f"/tasks/{members.pk}/correct",
        {"field": "anggota", "value": [10**20], "reason": "Salah"},
    )
    assert answer.status_code == 422, answer.content
    assert b"data.anggota" in answer.content
    members.refresh_from_db()
    assert members.data["anggota"] == [anggota1.pk]
    assert (
        client_for(demo_org, "camat.cpd").get(reverse("cases:detail", args=[case.pk])).status_code
        == 200
    )


def test_a_place_keeps_the_devices_accuracy_and_an_address_alone_is_enough(
    demo_org, ppl_v2
) -> None:
    case, field_work = ppl_in_the_field(demo_org)
    anggota = client_for(demo_org, "anggota1.cpd")
    page = anggota.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "data-field-map" in page and "Gunakan lokasi saya" in page
    assert 'name="data.lokasi.accuracy"' in page
    assert "-6.1781" not in page  # no placeholder coordinates from elsewhere
    response = anggota.post(
        reverse("cases:task_complete", args=[field_work.pk]),
        {
            "data.waktu_pelaksanaan": "3/12/2026 21.00",
            "data.lokasi.address": "Jl. Kali Pasir",
            "data.lokasi.lat": "-6.178100",
            "data.lokasi.lon": "106.630000",
            "data.lokasi.accuracy": "12.5",
            "data.laporan_lapangan": "Tiga bangunan liar dibongkar",
        },
    )
    assert response.status_code == 302
    field_work.refresh_from_db()
    assert field_work.data["lokasi"] == {
        "address": "Jl. Kali Pasir",
        "lat": -6.1781,
        "lon": 106.63,
        "accuracy": 12.5,
    }
    # The engine keeps a numeric accuracy and refuses anything else.
    rute = RecordField("rute", "Rute", FieldType.LOCATION)
    kept = runtime.check_data(a_step(rute), {"rute": {"lat": 1, "lon": 2, "accuracy": 8}})
    assert kept["rute"]["accuracy"] == 8.0
    with pytest.raises(runtime.ActionRefused):
        runtime.check_data(a_step(rute), {"rute": {"lat": 1, "lon": 2, "accuracy": "dekat"}})
    assert runtime.check_data(a_step(rute), {"rute": {"address": "Jl. Merdeka"}}) == {
        "rute": {"address": "Jl. Merdeka"}
    }


def test_a_photo_field_opens_the_camera_and_keeps_the_photos_time_and_place(
    demo_org, ppl_v2
) -> None:
    case, field_work = ppl_in_the_field(demo_org)
    anggota = client_for(demo_org, "anggota1.cpd")
    page = anggota.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert re.search(r'name="data.dokumentasi"[^>]*accept="image/\*" capture="environment"', page)
    taken = dt.datetime(2026, 12, 3, 7, 15, tzinfo=dt.UTC)
    post = MultiValueDict(
        {
            "data.waktu_pelaksanaan": ["3/12/2026 14.00"],
            "data.lokasi.address": ["Jl. Kali Pasir"],
            "data.laporan_lapangan": ["Tiga bangunan liar dibongkar"],
            "data.dokumentasi.taken_at": [str(int(taken.timestamp() * 1000)), "x"],
            "data.dokumentasi.taken_lat": ["-6.2"],
            "data.dokumentasi.taken_lon": ["106.6"],
            "data.dokumentasi.taken_accuracy": ["9"],
        }
    )
    files = [
        SimpleUploadedFile("a.png", PNG, content_type="image/png"),
        SimpleUploadedFile("b.png", PNG + b"b", content_type="image/png"),
    ]
    response = anggota.post(
        reverse("cases:task_complete", args=[field_work.pk]),
        {**{k: post.getlist(k) for k in post}, "data.dokumentasi": files},
    )
    assert response.status_code == 302
    first, second = Attachment.objects.filter(case=case, task=field_work).order_by("name")
    assert first.taken_at == taken
    assert (first.taken_lat, first.taken_lon, first.taken_accuracy) == (-6.2, 106.6, 9.0)
    assert second.taken_at is None and second.taken_lat == -6.2  # its time was unreadable


# -- one occurrence at a time, Hari ini -----------------------------------------------------


def test_a_repeated_step_shows_one_occurrences_form_and_lists_the_others(demo_org, ppw_v2) -> None:
    case, patrols = patrols_from_today(demo_org)
    petugas = client_for(demo_org, "petugas1.pptng")
    page = petugas.get(reverse("cases:detail", args=[case.pk])).content.decode()
    forms = re.findall(r'action="/tugas/(\d+)/selesaikan/"', page)
    assert forms == [str(patrols[0].pk)]
    assert "3 pelaksanaan terjadwal" in page
    for later in patrols[1:]:
        assert f"?tugas={later.pk}#tugas-{later.pk}" in page

    chosen = petugas.get(reverse("cases:detail", args=[case.pk]), {"tugas": patrols[1].pk})
    html = chosen.content.decode()
    assert f'id="tugas-{patrols[1].pk}"' in html and f'id="tugas-{patrols[0].pk}"' not in html
    assert "dijadwalkan pada" in html  # tomorrow's patrol: no form yet
    assert not re.findall(r'action="/tugas/(\d+)/selesaikan/"', html)


def test_hari_ini_lists_only_todays_work_of_that_officer(demo_org, ppw_v2) -> None:
    _case, patrols = patrols_from_today(demo_org, days=(0, 1))
    page = client_for(demo_org, "petugas1.pptng").get(reverse("cases:today")).content.decode()
    assert "Patroli hari ini" in page
    assert f"?tugas={patrols[0].pk}" in page
    assert f"?tugas={patrols[1].pk}" not in page  # tomorrow's
    other = client_for(demo_org, "staf.krj").get(reverse("cases:today")).content.decode()
    assert f"?tugas={patrols[0].pk}" not in other
    assert "Tidak ada patroli, operasi, atau tugas yang jatuh tempo hari ini" in other
