"""Incoming letters: the buku agenda surat masuk, the lembar disposisi that can open a case, and
their pages — recorded, numbered, disposed of and refused as the rules say."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trantib.accounts.models import Position
from trantib.cases.models import Case
from trantib.core.audit import audit_events
from trantib.core.dates import date_id
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.demo import complaint_setup_load
from trantib.letters.models import Disposition, IncomingLetter
from trantib.letters.services import disposition_create, disposition_done, incoming_record
from trantib.letters.tests.support import SCAN as PDF
from trantib.letters.tests.support import png

PNG = png()
PUR_DATA = {
    "waktu_unjuk_rasa": "2026-12-01T10:00",
    "lokasi": "Depan kantor Kecamatan Cipondoh",
    "hasil_koordinasi": "Polsek Cipondoh siaga di lokasi",
    "perintah": "Kasi Trantib menyiapkan pengamanan",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _today(demo_org) -> dt.date:
    return demo_org.unit("CPD").today()


def _record(demo_org, **kw) -> IncomingLetter:
    today = _today(demo_org)
    args = {
        "unit": demo_org.unit("CPD"),
        "actor": demo_org.person("staf.cpd"),
        "received_on": today,
        "sender": "Ketua RW 05 Kelurahan Poris Plawad",
        "number": "012/RW05/XII/2026",
        "dated": today - dt.timedelta(days=2),
        "subject": "Permohonan penertiban lapak di atas saluran air",
        "scan": PDF,
        "scan_name": "surat-rw05.pdf",
    }
    args.update(kw)
    return incoming_record(**args)


# -- recording and numbering -------------------------------------------------------------


def test_a_recorded_letter_takes_the_next_agenda_number_of_its_year_and_keeps_its_scan(demo_org):
    first = _record(demo_org)
    second = _record(demo_org, number="013/RW05/XII/2026", scan=PNG, scan_name="foto.png")
    year = _today(demo_org).year
    assert first.agenda_number == f"0001/SM/{year}"
    assert second.agenda_number == f"0002/SM/{year}"
    assert first.scan.name.endswith(".pdf") and second.scan.name.endswith(".png")
    with first.scan.open("rb") as f:
        assert f.read() == PDF
    assert len(first.scan_sha256) == 64
    # A letter received last year is numbered in last year's agenda, from 1.
    old = _record(demo_org, received_on=dt.date(year - 1, 12, 30), dated=dt.date(year - 1, 12, 1))
    assert old.agenda_number == f"0001/SM/{year - 1}"
    # Another unit keeps its own agenda.
    other = _record(demo_org, unit=demo_org.unit("KRW"), actor=demo_org.person("kasi.krw"))
    assert other.agenda_number == f"0001/SM/{year}"
    event = audit_events(first).get()
    assert event.type == "incoming_recorded"
    assert event.data["agenda_number"] == first.agenda_number
    assert event.data["scan_sha256"] == first.scan_sha256


def test_it_refuses_a_bad_scan_bad_dates_and_an_outsider_with_the_field_named(demo_org):
    with pytest.raises(Invalid) as refused:
        _record(demo_org, scan=b"GIF89a....", scan_name="surat.gif")
    assert refused.value.field == "scan" and "surat.gif" in refused.value.message
    with pytest.raises(Invalid) as refused:
        _record(demo_org, scan=PDF + b"\x00" * (10 * 1024 * 1024), scan_name="besar.pdf")
    assert refused.value.field == "scan" and "10 MB" in refused.value.message
    today = _today(demo_org)
    with pytest.raises(Invalid) as refused:
        _record(demo_org, received_on=today + dt.timedelta(days=1))
    assert refused.value.field == "received_on"
    with pytest.raises(Invalid) as refused:
        _record(demo_org, dated=today + dt.timedelta(days=1))
    assert refused.value.field == "dated"
    with pytest.raises(Invalid) as refused:
        _record(demo_org, sender="  ")
    assert refused.value.field == "sender"
    with pytest.raises(NotAllowed):
        _record(demo_org, actor=demo_org.person("kasi.krw"))
    assert not IncomingLetter.objects.exists()


# -- disposition ---------------------------------------------------------------------------


def test_the_camat_disposes_to_the_kasi_who_reports_it_done(demo_org):
    incoming = _record(demo_org)
    camat, kasi = demo_org.person("camat.cpd"), demo_org.person("kasi.cpd")
    due = _today(demo_org) + dt.timedelta(days=7)
    disposition = disposition_create(
        incoming=incoming,
        actor=camat,
        to_role="kasi_trantib",
        to_person=kasi,
        instruction="Tinjau lokasi dan laporkan",
        sifat="Segera",
        due_on=due,
    )
    assert disposition.case is None and disposition.to_person == kasi
    with pytest.raises(NotAllowed):
        disposition_done(disposition=disposition, actor=demo_org.person("danru.cpd"), note="x")
    with pytest.raises(Invalid) as refused:
        disposition_done(disposition=disposition, actor=kasi, note=" ")
    assert refused.value.field == "note"
    done = disposition_done(disposition=disposition, actor=kasi, note="Sudah ditinjau")
    assert done.done_by == kasi and done.done_at is not None
    with pytest.raises(Conflict):
        disposition_done(disposition=disposition, actor=kasi, note="lagi")
    types = [e.type for e in audit_events(incoming)]
    assert types == ["incoming_recorded", "disposition_created", "disposition_done"]
    assert audit_events(incoming)[1].data["due_on"] == due.isoformat()


def test_only_the_head_disposes_and_to_a_jabatan_of_the_unit(demo_org):
    incoming = _record(demo_org)
    args = {"incoming": incoming, "to_role": "kasi_trantib", "instruction": "Tindak lanjuti"}
    with pytest.raises(NotAllowed):
        disposition_create(actor=demo_org.person("kasi.cpd"), **args)
    camat = demo_org.person("camat.cpd")
    with pytest.raises(Invalid) as refused:
        disposition_create(actor=camat, **{**args, "to_role": "bupati"})
    assert refused.value.field == "to_role"
    with pytest.raises(Invalid) as refused:
        disposition_create(actor=camat, to_person=demo_org.person("danru.cpd"), **args)
    assert refused.value.field == "to_person"
    with pytest.raises(Invalid) as refused:
        disposition_create(actor=camat, **{**args, "instruction": ""})
    assert refused.value.field == "instruction"
    with pytest.raises(Invalid) as refused:
        disposition_create(actor=camat, sifat="Kilat", **args)
    assert refused.value.field == "sifat"
    with pytest.raises(Invalid) as refused:
        disposition_create(actor=camat, due_on=incoming.received_on - dt.timedelta(days=1), **args)
    assert refused.value.field == "due_on"
    assert not Disposition.objects.exists()


def test_the_head_who_disposes_is_whoever_holds_a_supervising_position(demo_org):
    """Not a list of position codes: a Camat whose position is not marked as supervising (the
    organisation says the unit is headed elsewhere) does not dispose; a head of any code
    does."""
    incoming = _record(demo_org)
    args = {"incoming": incoming, "to_role": "kasi_trantib", "instruction": "Tindak lanjuti"}
    camat, kasi = demo_org.person("camat.cpd"), demo_org.person("kasi.cpd")
    Position.objects.filter(unit__code="CPD", code="camat").update(supervises=False)
    with pytest.raises(NotAllowed):
        disposition_create(actor=camat, **args)
    Position.objects.filter(unit__code="CPD", code="kasi_trantib").update(supervises=True)
    assert disposition_create(actor=kasi, **args).from_person == kasi


def test_a_disposition_opens_a_case_of_the_chosen_sop_with_the_letters_subject(demo_org):
    incoming = _record(demo_org, subject="Pemberitahuan unjuk rasa warga di kantor kecamatan")
    disposition = disposition_create(
        incoming=incoming,
        actor=demo_org.person("camat.cpd"),
        to_role="kasi_trantib",
        instruction="Siapkan pengamanan unjuk rasa",
        open_sop="PUR",
        case_data=PUR_DATA,
    )
    case = disposition.case
    assert case is not None and case.sop_code == "PUR" and case.unit == incoming.unit
    assert case.subject == incoming.subject
    assert audit_events(incoming).last().data["case"] == case.number


def test_a_case_the_first_step_cannot_start_is_refused_and_nothing_is_kept(demo_org):
    incoming = _record(demo_org)
    camat = demo_org.person("camat.cpd")
    args = {"incoming": incoming, "actor": camat, "to_role": "kasi_trantib", "instruction": "x"}
    with pytest.raises(Invalid) as refused:
        disposition_create(open_sop="PUR", case_data={**PUR_DATA, "perintah": ""}, **args)
    assert refused.value.field == "case_data.perintah"
    with pytest.raises(Invalid) as refused:
        disposition_create(open_sop="TIDAKADA", **args)
    assert refused.value.field == "open_sop"
    # The Camat does not start PPL (its first step is the Kasi's).
    with pytest.raises(NotAllowed) as refused:
        disposition_create(open_sop="PPL", case_data={"sumber": "x"}, **args)
    assert refused.value.field == "open_sop"
    assert not Disposition.objects.exists() and not Case.objects.exists()


def test_the_complaint_sop_is_refused_with_the_intake_message(demo_org):
    complaint_setup_load()  # the demo categories: PGD is started by a complaint's intake only
    incoming = _record(demo_org)
    with pytest.raises(Invalid) as refused:
        disposition_create(
            incoming=incoming,
            actor=demo_org.person("camat.cpd"),
            to_role="kasi_trantib",
            instruction="Tangani sebagai pengaduan",
            open_sop="PGD",
            case_data={"saluran": "Surat", "uraian": "Lapak di saluran air"},
        )
    assert refused.value.field == "open_sop"
    assert "/pengaduan/baru/" in refused.value.message
    assert not Disposition.objects.exists()


# -- the pages -----------------------------------------------------------------------------


def _client(client, demo_org, username):
    client.force_login(demo_org.user(username))
    return client


def _pdftotext(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "lembar.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(  # noqa: S603 — a fixed tool on a file we wrote
        [shutil.which("pdftotext") or "pdftotext", str(path), "-"],
        capture_output=True,
        check=True,
    )
    return " ".join(out.stdout.decode().split())


def test_a_letter_is_recorded_through_the_page_with_its_scan(client, demo_org):
    _client(client, demo_org, "staf.cpd")
    page = client.get(reverse("letters:incoming_new"))
    assert page.status_code == 200 and "Catat surat masuk" in page.content.decode()
    today = _today(demo_org)
    response = client.post(
        reverse("letters:incoming_new"),
        {
            "unit": "CPD",
            "received_on": today.isoformat(),
            "dated": f"{today.day}/{today.month}/{today.year}",
            "sender": "Lurah Poris Plawad",
            "number": "005/123-Kel/2026",
            "subject": "Undangan rapat koordinasi ketertiban pasar",
            "note": "Diantar kurir",
            "scan": SimpleUploadedFile("undangan.pdf", PDF, content_type="application/pdf"),
        },
    )
    incoming = IncomingLetter.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("letters:incoming_detail", args=[incoming.pk])
    assert incoming.dated == today and incoming.recorded_by == demo_org.person("staf.cpd")
    detail = client.get(response["Location"]).content.decode()
    assert incoming.agenda_number in detail and "Undangan rapat koordinasi" in detail
    assert reverse("letters:incoming_scan", args=[incoming.pk]) in detail  # shown inline
    scan = client.get(reverse("letters:incoming_scan", args=[incoming.pk]))
    assert scan["Content-Type"] == "application/pdf"
    assert scan["Content-Disposition"].startswith("inline;")
    assert b"".join(scan.streaming_content) == PDF


def test_a_bad_upload_is_named_beside_the_field_and_nothing_is_recorded(client, demo_org):
    _client(client, demo_org, "staf.cpd")
    today = _today(demo_org).isoformat()
    response = client.post(
        reverse("letters:incoming_new"),
        {
            "unit": "CPD",
            "received_on": today,
            "dated": "kemarin sore",
            "sender": "Lurah",
            "number": "1",
            "subject": "Perihal",
            "scan": SimpleUploadedFile("surat.docx", b"PK\x03\x04 a word file"),
        },
    )
    assert response.status_code == 422
    assert "kemarin sore" in response.content.decode()  # the date it could not read
    response = client.post(
        reverse("letters:incoming_new"),
        {
            "unit": "CPD",
            "received_on": today,
            "dated": today,
            "sender": "Lurah",
            "number": "1",
            "subject": "Perihal",
            "scan": SimpleUploadedFile("surat.docx", b"PK\x03\x04 a word file"),
        },
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_scan-error"' in page and "surat.docx bukan PDF, JPEG atau PNG" in page
    assert not IncomingLetter.objects.exists()


def test_an_outsider_gets_404_for_the_letter_its_scan_and_its_sheet(client, demo_org):
    incoming = _record(demo_org)
    disposition = disposition_create(
        incoming=incoming,
        actor=demo_org.person("camat.cpd"),
        to_role="kasi_trantib",
        instruction="Tindak lanjuti",
    )
    _client(client, demo_org, "kasi.krw")
    for name in ("letters:incoming_detail", "letters:incoming_scan"):
        assert client.get(reverse(name, args=[incoming.pk])).status_code == 404
    pdf = reverse("letters:incoming_disposition_pdf", args=[incoming.pk])
    assert client.get(pdf).status_code == 404
    done = reverse("letters:disposition_done", args=[disposition.pk])
    assert client.post(done, {"note": "x"}).status_code == 404
    agenda = client.get(reverse("letters:incoming")).content.decode()
    assert incoming.agenda_number not in agenda
    assert "Belum ada surat masuk" in agenda


def test_the_head_disposes_on_the_page_and_opens_a_case_with_its_first_step(client, demo_org):
    incoming = _record(demo_org, subject="Pemberitahuan unjuk rasa warga")
    _client(client, demo_org, "camat.cpd")
    url = reverse("letters:incoming_detail", args=[incoming.pk])
    page = client.get(url).content.decode()
    assert "Lembar disposisi" in page and 'value="PUR"' in page
    assert 'value="PGD"' not in page  # started by a complaint's intake only
    fields = client.get(url, {"open_sop": "PUR"}, headers={"HX-Request": "true"})
    assert 'name="kasus-perintah"' in fields.content.decode()
    assert "<html" not in fields.content.decode()  # only the fragment
    post = {
        "to_role": "kasi_trantib",
        "to_person": str(demo_org.person("kasi.cpd").pk),
        "instruction": "Siapkan pengamanan",
        "sifat": "Segera",
        "due_on": (_today(demo_org) + dt.timedelta(days=3)).isoformat(),
        "open_sop": "PUR",
    }
    # Chosen without JavaScript: the first step is shown to be filled, nothing is kept yet.
    response = client.post(url, post)
    assert response.status_code == 422 and 'name="kasus-perintah"' in response.content.decode()
    assert not Disposition.objects.exists()
    fields = {f"kasus-{k}": v for k, v in PUR_DATA.items()}
    response = client.post(url, {**post, **fields, "kasus-shown": "PUR", "kasus-perintah": ""})
    assert response.status_code == 422
    assert "“Perintah kepada Kasi” wajib diisi." in response.content.decode()
    response = client.post(url, {**post, **fields, "kasus-shown": "PUR"})
    assert response.status_code == 302
    disposition = Disposition.objects.get()
    assert disposition.case.sop_code == "PUR" and disposition.sifat == "Segera"
    page = client.get(url).content.decode()
    assert disposition.case.number in page and "Siapkan pengamanan" in page


def test_the_kasi_may_not_dispose_but_reports_his_disposition_done(client, demo_org):
    incoming = _record(demo_org)
    disposition = disposition_create(
        incoming=incoming,
        actor=demo_org.person("camat.cpd"),
        to_role="kasi_trantib",
        instruction="Tinjau lokasi",
    )
    _client(client, demo_org, "kasi.cpd")
    url = reverse("letters:incoming_detail", args=[incoming.pk])
    page = client.get(url).content.decode()
    assert "Catat disposisi" not in page and "Laporkan selesai" in page
    refused = client.post(url, {"to_role": "danru", "instruction": "x", "sifat": "Biasa"})
    assert refused.status_code == 403
    done_url = reverse("letters:disposition_done", args=[disposition.pk])
    empty = client.post(done_url, {"note": ""})
    assert empty.status_code == 422 and "Tindak lanjut wajib diisi." in empty.content.decode()
    assert client.post(done_url, {"note": "Lokasi ditinjau, lapak dibongkar"}).status_code == 302
    disposition.refresh_from_db()
    assert disposition.done_by == demo_org.person("kasi.cpd")
    assert client.post(done_url, {"note": "lagi"}).status_code == 409


def test_the_lembar_disposisi_prints_the_letter_and_the_heads_instruction(
    client, demo_org, tmp_path
):
    incoming = _record(demo_org)
    disposition_create(
        incoming=incoming,
        actor=demo_org.person("camat.cpd"),
        to_role="kasi_trantib",
        instruction="Tinjau lokasi bersama Lurah",
        sifat="Segera",
        due_on=_today(demo_org) + dt.timedelta(days=5),
    )
    _client(client, demo_org, "kasi.cpd")
    response = client.get(reverse("letters:incoming_disposition_pdf", args=[incoming.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdftotext(response.content, tmp_path)
    for value in (
        "LEMBAR DISPOSISI",
        "KECAMATAN CIPONDOH",
        "Ketua RW 05 Kelurahan Poris Plawad",
        "012/RW05/XII/2026",
        incoming.agenda_number,
        date_id(incoming.received_on),
        date_id(incoming.dated),
        "Kasi Ketentraman dan Ketertiban Umum",
        "Tinjau lokasi bersama Lurah",
        "Camat Cipondoh",
        "H. Rahmat Hidayat, S.STP., M.Si.",
        "NIP. 19780512 199803 1 002",
    ):
        assert value in text, value


def _agenda_with_three(demo_org) -> list[IncomingLetter]:
    today = _today(demo_org)
    old = today - dt.timedelta(days=40)
    return [
        _record(demo_org, received_on=old, dated=old, subject="Undangan lama", number="A/1"),
        _record(demo_org, subject="Permohonan penertiban PKL", number="B/2"),
        _record(demo_org, subject='=HYPERLINK("x")', number="C/3", sender="-Warga"),
    ]


def test_the_agenda_filters_by_period_and_search(client, demo_org):
    old, pkl, formula = _agenda_with_three(demo_org)
    _client(client, demo_org, "kasi.cpd")
    page = client.get(reverse("letters:incoming")).content.decode()
    assert all(i.agenda_number in page for i in (old, pkl, formula))
    since = (_today(demo_org) - dt.timedelta(days=7)).isoformat()
    page = client.get(reverse("letters:incoming"), {"dari": since}).content.decode()
    assert old.agenda_number not in page and pkl.agenda_number in page
    page = client.get(reverse("letters:incoming"), {"q": "penertiban"}).content.decode()
    assert pkl.agenda_number in page and formula.agenda_number not in page
    bad = client.get(reverse("letters:incoming"), {"dari": "31/02/2026"})
    assert bad.status_code == 200 and "tidak ada di kalender" in bad.content.decode()


def test_the_agenda_exports_csv_and_xlsx_with_the_filter_applied(client, demo_org):
    old, pkl, _formula = _agenda_with_three(demo_org)
    disposition_create(
        incoming=pkl,
        actor=demo_org.person("camat.cpd"),
        to_role="kasi_trantib",
        instruction="Tindak lanjuti",
    )
    _client(client, demo_org, "kasi.cpd")
    since = {"dari": (_today(demo_org) - dt.timedelta(days=7)).isoformat()}
    response = client.get(reverse("letters:incoming_csv"), since)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["No. agenda", "Tanggal terima", "Asal surat"]
    by_number = {r[3]: r for r in rows[1:]}
    assert set(by_number) == {"B/2", "C/3"}  # the old letter is outside the period
    assert by_number["B/2"][6] == "Kasi Ketentraman dan Ketertiban Umum"
    assert by_number["B/2"][7] == "Didisposisi"
    assert by_number["C/3"][5].startswith("'=") and by_number["C/3"][2] == "'-Warga"
    response = client.get(reverse("letters:incoming_xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet["A1"].value == "Buku agenda surat masuk" and sheet["A1"].font.bold
    assert [c.value for c in sheet[5]][:2] == ["No. agenda", "Tanggal terima"]
    assert sheet["A5"].font.bold
    values = list(sheet.iter_rows(min_row=6, values_only=True))
    assert len(values) == 3
    received = {row[3]: row[1] for row in values}
    assert received["A/1"].date() == old.received_on  # a real date cell
    assert isinstance(received["B/2"], dt.datetime)
    # Formula-like text is a text cell, as typed: no apostrophe in a typed spreadsheet.
    [formula_row] = [r for r in sheet.iter_rows(min_row=6) if r[3].value == "C/3"]
    assert formula_row[5].value == '=HYPERLINK("x")' and formula_row[5].data_type == "s"
    assert formula_row[2].value == "-Warga" and formula_row[2].data_type == "s"
    outsider = client.get(reverse("letters:incoming_csv"))
    assert outsider.status_code == 200
    client.force_login(demo_org.user("kasi.krw"))
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("letters:incoming_csv")).content.decode("utf-8-sig"))
        )
    )
    assert len(rows) == 1  # the header only


def test_the_agenda_page_keeps_its_query_count_with_many_letters(
    client, demo_org, django_assert_num_queries
):
    camat = demo_org.person("camat.cpd")

    def disposed(n: int) -> None:
        incoming = _record(demo_org, number=f"N/{n}", scan=None)
        disposition_create(
            incoming=incoming, actor=camat, to_role="kasi_trantib", instruction="Tindak lanjuti"
        )

    _client(client, demo_org, "kasi.cpd")
    disposed(0)
    client.get(reverse("letters:incoming"))  # rows made on first use (sessions, settings)
    with CaptureQueriesContext(connection) as one:
        response = client.get(reverse("letters:incoming"))
    assert response.content.decode().count("Didisposisi") >= 1
    for n in range(1, 12):
        disposed(n)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("letters:incoming"))
    assert response.content.decode().count("Didisposisi") >= 12
