"""Incoming letters: the buku agenda surat masuk, the lembar disposisi that can open a case, and
their pages — recorded, numbered, disposed of and refused as the rules say."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from trantib.cases.models import Case
from trantib.complaints.tests.conftest import complaint_categories  # noqa: F401
from trantib.core.audit import audit_events
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.letters.models import Disposition, IncomingLetter
from trantib.letters.services import disposition_create, disposition_done, incoming_record

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
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


def test_the_complaint_sop_is_refused_with_the_intake_message(demo_org, complaint_categories):  # noqa: F811
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
