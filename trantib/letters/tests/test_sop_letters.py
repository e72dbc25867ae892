"""An SOP step's letter: drafted from the case, holding the step until it has come far enough,
filling the step's fields, shown on the task and on the case page; the ladder's period counted
from the delivery on the Perda's calendar."""

from __future__ import annotations

import dataclasses
import datetime as dt

import holidays
import pytest
from django.urls import reverse

from trantib.cases.models import Attachment
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.demo import DEMO_PASSWORD
from trantib.letters.checks import letter_block_problems
from trantib.letters.models import Letter, LetterState
from trantib.letters.services import letter_draft_for_task
from trantib.letters.sop import ladder_deadline
from trantib.sops import registry

from .sop_desk import WIB, Desk

pytestmark = pytest.mark.django_db

PELANGGAR = {"nama": "Sutarman", "nik": "3671010101800001", "alamat": "Kp. Babakan RT 03/RW 02"}


def _enforcement(desk: Desk):
    """A PPW enforcement started by hand at beri_teguran: the step waits for its Surat
    Pernyataan, so the case opens with it live and the start form's values kept for it."""
    return desk.start(
        "PPW",
        "PPTNG",
        "kasat.pptng",
        "PKL di trotoar Jl. Sudirman",
        entry="beri_teguran",
        data={
            "pelanggar": PELANGGAR,
            "lokasi": {"address": "Trotoar Jl. Sudirman depan Pasar Anyar"},
            "perda": "Perda Kota Tangerang Nomor 8 Tahun 2018 Pasal 5",
        },
    )


def _statement_signed(desk: Desk, case) -> Letter:
    letter = desk.draft(case, "beri_teguran", "kasat.pptng")
    letter = desk.submit(letter, "kasat.pptng")
    return desk.sign(letter, "kasat.pptng")


def test_a_step_held_for_its_letter_opens_its_case_live_and_takes_the_start_values_later(
    demo_org,
):
    desk = Desk(demo_org, dt.datetime(2026, 7, 20, 9, 0, tzinfo=WIB))
    case = _enforcement(desk)
    assert case.sop_version.version == 3
    assert desk.active(case) == ["beri_teguran"]
    with pytest.raises(Invalid, match="Konsep Surat Pernyataan belum dibuat") as refused:
        desk.complete(case, "beri_teguran", "kasat.pptng")
    assert refused.value.field == "letter"
    letter = desk.draft(case, "beri_teguran", "kasat.pptng")
    # Drafted from what the start form recorded: the party, the place, the Perda, the period.
    assert letter.data["pelanggar_nama"] == "Sutarman"
    assert letter.data["pelanggar_nik"] == "3671010101800001"
    assert letter.data["pelanggar_alamat"] == "Kp. Babakan RT 03/RW 02"
    assert letter.data["lokasi"] == "Trotoar Jl. Sudirman depan Pasar Anyar"
    assert letter.data["tempo"] == "15 hari"
    assert "dalam waktu 15 (lima belas) hari sejak" in letter.body  # its body, with the words
    assert (letter.key, letter.step_id, letter.signer_role) == (
        "pernyataan",
        "beri_teguran",
        "kasat_pol_pp",
    )
    with pytest.raises(Conflict, match="sudah dibuat"):
        desk.draft(case, "beri_teguran", "kasat.pptng")
    with pytest.raises(Invalid, match=r"Surat Pernyataan belum ditandatangani \(status sekarang"):
        desk.complete(case, "beri_teguran", "kasat.pptng")
    letter = desk.sign(desk.submit(letter, "kasat.pptng"), "kasat.pptng")
    done = desk.complete(case, "beri_teguran", "kasat.pptng")
    assert done.data["nomor_surat_pernyataan"] == letter.number
    assert done.data["pelanggar"] == PELANGGAR  # kept from the start form
    assert desk.active(case) == ["tunggu_pernyataan"]


def test_only_the_holder_of_the_steps_position_drafts_its_letter(demo_org):
    desk = Desk(demo_org, dt.datetime(2026, 7, 20, 9, 0, tzinfo=WIB))
    case = _enforcement(desk)
    task = desk.live(case, "beri_teguran")
    with pytest.raises(NotAllowed):
        letter_draft_for_task(task=task, actor=desk.who("petugas1.pptng"), now=desk.now)
    assert not Letter.objects.filter(case=case).exists()


def test_surat_teguran_i_delivered_on_the_friday_before_a_monday_holiday_runs_seven_working_days(
    demo_org,
):
    indonesia = holidays.country_holidays("ID", years=2026)
    holiday = dt.date(2026, 8, 17)  # Hari Kemerdekaan, a Monday in 2026
    assert holiday in indonesia and holiday.weekday() == 0
    friday = holiday - dt.timedelta(days=3)
    assert friday.weekday() == 4 and friday not in indonesia
    maulid = dt.date(2026, 8, 25)  # Maulid Nabi, a Tuesday: the period skips it too
    assert [d for d in indonesia if holiday < d <= dt.date(2026, 8, 31)] == [maulid]
    desk = Desk(demo_org, dt.datetime(2026, 7, 20, 9, 0, tzinfo=WIB))
    case = _enforcement(desk)
    statement = _statement_signed(desk, case)
    desk.complete(case, "beri_teguran", "kasat.pptng")
    desk.pass_wait(case, "tunggu_pernyataan")  # 15 calendar days: the violator's own promise
    desk.complete(
        case,
        "cek_pernyataan",
        "kasat.pptng",
        {"hasil_pemeriksaan": "Masih berjualan di trotoar"},
        decision="tidak mentaati",
    )
    desk.at(dt.datetime.combine(friday, dt.time(8, 30), tzinfo=WIB))
    teguran = desk.draft(case, "teguran_1", "kasat.pptng")
    assert teguran.kind_name == "Surat Teguran I" and teguran.hal == "Teguran I"
    assert teguran.recipient == "Sdr. Sutarman"
    assert teguran.data["tempo"] == "7 hari kerja"  # working days: the wait says so
    previous = f"Surat Pernyataan Nomor {statement.number} tanggal 20 Juli 2026"
    assert teguran.data["surat_sebelumnya"] == previous
    assert f"Menindaklanjuti {previous}, berdasarkan hasil pengawasan" in teguran.body
    assert "dalam waktu 7 (tujuh) hari kerja sejak surat ini diterima" in teguran.body  # words
    teguran = desk.sign(desk.submit(teguran, "kasat.pptng"), "kasat.pptng")
    with pytest.raises(Invalid, match="Surat Teguran I belum ditandatangani dan diserahkan"):
        desk.complete(case, "teguran_1", "kasat.pptng")
    served = dt.datetime.combine(friday, dt.time(14, 0), tzinfo=WIB)
    teguran = desk.deliver(teguran, "kasie.pptng", "Sutarman", served)
    desk.at(served + dt.timedelta(days=3))  # recorded on the holiday itself
    done = desk.complete(case, "teguran_1", "kasat.pptng")
    assert done.data == {"nomor_surat": teguran.number, "tanggal_serah": friday.isoformat()}
    wait = desk.live(case, "tunggu_1")
    # By hand: delivered Friday 14 August 2026; Saturday 15 and Sunday 16 are the weekend,
    # Monday 17 is Hari Kemerdekaan; the seven working days are Tuesday 18, Wednesday 19,
    # Thursday 20, Friday 21, Monday 24, (Tuesday 25 is Maulid Nabi) Wednesday 26 and
    # Thursday 27 August: due on the 27th at the opening hour. Seven calendar days (version
    # 2) would have ended on Friday 21.
    assert wait.due_at == dt.datetime(2026, 8, 27, 8, 0, tzinfo=WIB)
    spec = registry.get("PPW", 3)
    block = spec.step("teguran_1").letter
    assert block is not None
    assert ladder_deadline(spec, block, teguran) == wait.due_at


def test_a_correction_sends_the_letter_back_and_waits_for_nothing(demo_org):
    desk = Desk(demo_org, dt.datetime(2026, 8, 3, 9, 0, tzinfo=WIB))
    case = _ppl_to_draft(desk)
    team = [desk.who(login).pk for login in ("danru.cpd", "anggota1.cpd")]
    letter = desk.draft(case, "draft_surat_perintah", "kasi.cpd", {"data": {"personel": team}})
    with pytest.raises(Invalid, match="belum diajukan untuk paraf"):
        desk.complete(case, "draft_surat_perintah", "kasi.cpd")
    letter = desk.submit(letter, "kasi.cpd")
    done = desk.complete(case, "draft_surat_perintah", "kasi.cpd")
    (draft_pdf,) = done.data["draft"]  # the draft as it printed, among the step's files
    kept = Attachment.objects.get(pk=draft_pdf)
    assert (kept.task_id, kept.content_type) == (done.pk, "application/pdf")
    assert kept.name == "Konsep Surat Perintah.pdf"
    # The Sekcam finds a mistake: the letter goes back to the Kasi with her note.
    desk.complete(
        case,
        "verifikasi_surat_perintah",
        "sekcam.cpd",
        {"koreksi": "Tempat belum lengkap"},
        decision="ada koreksi",
    )
    letter.refresh_from_db()
    assert letter.state == LetterState.RETURNED
    assert letter.reviews.get(outcome="kembali").note == "Tempat belum lengkap"
    with pytest.raises(Invalid, match="belum diajukan untuk paraf"):
        desk.complete(case, "draft_surat_perintah", "kasi.cpd")
    desk.submit(letter, "kasi.cpd")
    desk.complete(case, "draft_surat_perintah", "kasi.cpd")
    with pytest.raises(Invalid, match="Surat Perintah belum diparaf"):
        desk.complete(case, "verifikasi_surat_perintah", "sekcam.cpd", decision="tidak ada koreksi")


def _ppl_to_draft(desk: Desk):
    case = desk.start(
        "PPL",
        "CPD",
        "kasi.cpd",
        "Penertiban rumah kos di Jl. Bouraq",
        data={
            "sumber": "Lurah Poris Plawad",
            "lokasi": {"address": "Jl. Bouraq No. 12, Poris Plawad"},
            "uraian": "Rumah kos diduga dipakai untuk praktik prostitusi",
        },
    )
    assert desk.active(case) == ["perintah_camat"]  # a first step that needs no letter
    desk.complete(case, "perintah_camat", "camat.cpd", {"perintah": "Tertibkan minggu ini"})
    return case


def test_the_form_shows_the_fields_the_letter_fills_read_only_and_does_not_ask_for_them(
    demo_org, client
):
    desk = Desk(demo_org, dt.datetime(2026, 7, 20, 9, 0, tzinfo=WIB))
    case = _enforcement(desk)
    client.force_login(demo_org.user("kasat.pptng"))
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "diisi dari surat" in page
    assert 'name="data.nomor_surat_pernyataan"' not in page
    assert 'value="Sutarman"' in page  # the start form's value, kept for the step
    assert "Buat konsep Surat Pernyataan dari kasus" in page
    task = desk.live(case, "beri_teguran")
    response = client.post(reverse("letters:draft_for_task", args=[task.pk]))
    assert response.status_code == 302
    letter = Letter.objects.get(case=case, key="pernyataan")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Buat konsep" not in page
    assert "Konsep" in page and letter.kind_name in page
    # The form posts without the number: the step refuses for the letter, not for the field.
    response = client.post(
        reverse("cases:task_complete", args=[task.pk]),
        {
            "data.pelanggar.nama": "Sutarman",
            "data.lokasi.address": "Trotoar Jl. Sudirman",
            "data.perda": "Perda 8/2018",
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Surat Pernyataan belum ditandatangani" in body
    assert "Nomor Surat Pernyataan” wajib diisi" not in body


def test_the_draft_button_is_refused_to_an_outsider_and_to_another_units_officer(demo_org, client):
    desk = Desk(demo_org, dt.datetime(2026, 7, 20, 9, 0, tzinfo=WIB))
    case = _enforcement(desk)
    task = desk.live(case, "beri_teguran")
    client.force_login(demo_org.user("kasi.krw"))
    assert client.post(reverse("letters:draft_for_task", args=[task.pk])).status_code == 404
    client.force_login(demo_org.user("petugas1.pptng"))
    response = client.post(reverse("letters:draft_for_task", args=[task.pk]))
    assert response.status_code == 302
    assert not Letter.objects.filter(case=case).exists()
    assert client.get(reverse("letters:draft_for_task", args=[task.pk])).status_code == 405


def test_the_case_page_lists_the_cases_letters(demo_org, client):
    desk = Desk(demo_org, dt.datetime(2026, 7, 20, 9, 0, tzinfo=WIB))
    case = _enforcement(desk)
    letter = _statement_signed(desk, case)
    client.force_login(demo_org.user("kabid.pptng"))
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Naskah dinas" in page
    assert letter.number in page and "20 Juli 2026" in page
    assert letter.signer_name in page and "Ditandatangani" in page


def test_the_library_letter_blocks_name_known_kinds_and_their_fields():
    for spec in registry.library().specs:
        assert letter_block_problems(spec) == [], spec.key


def test_a_letter_block_naming_an_unknown_kind_or_field_fails_the_system_check():
    spec = registry.get("PPW", 3)
    step = spec.step("teguran_1")
    assert step.letter is not None
    bad = dataclasses.replace(
        step.letter,
        kind="surat_teguran",
        fill=(*step.letter.fill, ("nama_usaha", "beri_teguran.perda")),
        data=(("tingkat", "4"),),
    )
    broken = dataclasses.replace(
        spec,
        steps=tuple(dataclasses.replace(s, letter=bad) if s is step else s for s in spec.steps),
    )
    problems = letter_block_problems(broken)
    assert any(".fill.nama_usaha: Surat Teguran has no field 'nama_usaha'" in p for p in problems)
    assert any(".data.tingkat: '4' is not one of: 1, 2, 3" in p for p in problems)
    unknown = dataclasses.replace(
        spec,
        steps=tuple(
            dataclasses.replace(s, letter=dataclasses.replace(bad, kind="surat_sakti"))
            if s is step
            else s
            for s in spec.steps
        ),
    )
    assert any("unknown letter kind 'surat_sakti'" in p for p in letter_block_problems(unknown))


def test_the_api_neither_requires_nor_asks_for_the_fields_the_letter_fills(demo_org, client):
    desk = Desk(demo_org, dt.datetime(2026, 7, 20, 9, 0, tzinfo=WIB))
    case = _enforcement(desk)
    token = client.post(
        "/api/v1/auth/token",
        {"username": "kasat.pptng", "password": DEMO_PASSWORD},
        content_type="application/json",
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    found = client.get(f"/api/v1/cases/{case.pk}", headers=headers).json()
    (task,) = [t for t in found["tasks"] if t["step"] == "beri_teguran"]
    records = {r["name"]: r["required"] for r in task["records"]}
    assert records["nomor_surat_pernyataan"] is False and records["perda"] is True
    letter = _statement_signed(desk, case)
    done = client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        {"data": {}},  # the start form's values wait for the step; the number comes from the letter
        content_type="application/json",
        headers=headers,
    )
    assert done.status_code == 200, done.content
    assert done.json()["data"]["nomor_surat_pernyataan"] == letter.number
