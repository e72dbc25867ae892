"""The issue's check: a PPL operation of Cipondoh with a full file and seized items under their
Berita Acara, through to the Laporan Pelaksanaan drafted from the file; the signed report's PDF
text holds the file's facts, and the Berita Acara Penyitaan's PDF its items."""

from __future__ import annotations

import datetime as dt

import pytest

from trantib.cases.models import CaseStatus
from trantib.enforcement.services import violator_create
from trantib.letters.tests.sop_desk import WIB, assert_printed, pdf_text
from trantib.operations import services

pytestmark = pytest.mark.django_db


def test_a_ppl_operation_file_with_seized_items_writes_the_report(desk, ppl_case):
    case = ppl_case
    kasi, danru, anggota = (desk.who(x) for x in ("kasi.cpd", "danru.cpd", "anggota1.cpd"))
    team = [danru.pk, anggota.pk]
    desk.complete(case, "perintah_camat", "camat.cpd", {"perintah": "Tertibkan minggu ini"})
    sp = desk.draft(case, "draft_surat_perintah", "kasi.cpd", {"data": {"personel": team}})
    sp = desk.submit(sp, "kasi.cpd")
    desk.complete(case, "draft_surat_perintah", "kasi.cpd")
    sp = desk.initial(sp, "sekcam.cpd")
    desk.complete(case, "verifikasi_surat_perintah", "sekcam.cpd", decision="tidak ada koreksi")
    sp = desk.sign(sp, "camat.cpd")
    desk.complete(case, "tandatangani_surat_perintah", "camat.cpd")
    desk.complete(case, "arahan_danru", "kasi.cpd", {"arahan": "Siapkan satu regu"})
    desk.complete(case, "siapkan_anggota", "danru.cpd", {"jumlah_personel": 2, "anggota": team})

    # The file, kept by the Danru during the operation.
    op = services.operation_open(case=case, actor=danru, now=desk.tick())
    services.operation_update(
        operation=op,
        actor=danru,
        changes={
            "day": dt.date(2026, 8, 5),
            "starts_at": dt.time(21, 0),
            "ends_at": dt.time(23, 30),
            "commander": danru,
        },
        now=desk.tick(),
    )
    services.place_add(
        operation=op,
        actor=danru,
        name="Rumah kos Jl. Bouraq No. 12",
        latitude=-6.17,
        longitude=106.64,
        now=desk.tick(),
    )
    services.team_add(
        operation=op,
        actor=danru,
        name="Regu Penindakan",
        leader=danru,
        members=[danru, anggota],
        now=desk.tick(),
    )
    services.partner_add(
        operation=op,
        actor=danru,
        agency="Polsek Cipondoh",
        contact="Iptu Hendra",
        personnel=4,
        now=desk.tick(),
    )
    services.readiness_check(
        operation=op, actor=danru, item="Kendaraan", ready=True, now=desk.tick()
    )
    night = dt.datetime(2026, 8, 5, 21, 15, tzinfo=WIB)
    desk.at(dt.datetime(2026, 8, 5, 23, 40, tzinfo=WIB))
    services.incident_add(
        operation=op,
        actor=danru,
        at=night,
        text="Tim tiba dan menutup akses rumah kos",
        now=desk.tick(),
    )
    owner = violator_create(
        unit=case.unit,
        actor=danru,
        kind="orang",
        name="Sri Wahyuni",
        address="Jl. Bouraq No. 12",
        desa="Poris Plawad",
        now=desk.now,
    )
    guest = violator_create(
        unit=case.unit, actor=danru, kind="orang", name="Dewi Lestari", now=desk.now
    )
    services.result_add(
        operation=op,
        actor=danru,
        violator=owner,
        action="pernyataan",
        note="Pemilik menandatangani surat pernyataan",
        now=desk.tick(),
    )
    services.result_add(operation=op, actor=danru, violator=guest, action="panti", now=desk.tick())
    items, ba = services.items_seize(
        operation=op,
        actor=danru,
        owner=owner,
        storage="Gudang Kecamatan Cipondoh",
        perda="Perda Kota Tangerang Nomor 8 Tahun 2005 tentang Pelarangan Pelacuran",
        items=[
            {"description": "kasur lipat", "quantity": 4, "measure": "buah"},
            {"description": "buku tamu", "quantity": 1, "measure": "buah"},
        ],
        now=desk.tick(),
    )
    assert ba.data["dasar"] == [f"Surat Perintah Nomor {sp.number} tanggal 3 Agustus 2026"]
    ba = desk.sign(desk.submit(ba, "danru.cpd"), "danru.cpd")
    assert_printed(ba, "Sri Wahyuni")
    ba_text = pdf_text(ba)
    assert "4 buah kasur lipat" in ba_text and "1 buah buku tamu" in ba_text

    # The field report of row 7, then the report drafted from the file.
    desk.complete(
        case,
        "laksanakan_penertiban",
        "anggota1.cpd",
        {
            "waktu_pelaksanaan": "2026-08-05T21:00",
            "lokasi": {"address": "Jl. Bouraq No. 12"},
            "laporan_lapangan": "Dua orang didata; barang disita",
        },
    )
    report = desk.draft(case, "draft_laporan", "danru.cpd")
    assert f"Surat Perintah Nomor {sp.number}" in report.data["kegiatan"]
    assert "Polsek Cipondoh (4 personel)" in report.data["kegiatan"]
    assert "Sri Wahyuni: surat pernyataan" in report.data["hasil"]
    report = desk.submit(report, "danru.cpd")
    desk.complete(case, "draft_laporan", "danru.cpd")
    report = desk.sign(report, "kasi.cpd")
    desk.complete(case, "periksa_laporan", "kasi.cpd", decision="tidak ada koreksi")
    desk.complete(case, "laporan_kepada_camat", "camat.cpd")
    desk.complete(case, "arsip_laporan", "kasi.cpd", {"nomor_arsip": "300.1/ARS/2026"})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED

    text = pdf_text(report)
    for fact in (
        sp.number,
        "5 Agustus 2026 pukul 21.00 – 23.30 WIB",
        "Rumah kos Jl. Bouraq No. 12",
        "Regu Penindakan",
        danru.full_name,
        anggota.full_name,
        "Polsek Cipondoh",
        "Tim tiba dan menutup akses rumah kos",
        "Sri Wahyuni",
        "Dewi Lestari",
        "dibawa ke panti sosial",
        "4 buah kasur lipat",
        ba.number,
        "Gudang Kecamatan Cipondoh",
    ):
        assert fact in text, (fact, text[:1500])
    del kasi, items
