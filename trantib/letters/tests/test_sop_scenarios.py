"""Each seed SOP run end to end through the services, with every letter its Output column
names: drafted from the case, initialled, numbered and signed (and delivered where the ladder
needs it); each signed letter's PDF names its number, its date the Indonesian way, the
addressee or violator, and the signer with the NIP line. POLMAS (seed 003) writes no letter."""

from __future__ import annotations

import datetime as dt

import pytest

from trantib.cases.models import Attachment, Case, CaseStatus
from trantib.complaints.models import Category
from trantib.complaints.services import complaint_file
from trantib.demo import complaint_setup_load
from trantib.letters.models import Letter, LetterState
from trantib.sops import registry

from .sop_desk import SCAN, WIB, Desk, assert_printed

pytestmark = pytest.mark.django_db


def _letters(case: Case) -> dict[str, Letter]:
    return {letter.key: letter for letter in Letter.objects.filter(case=case)}


def _signed(desk: Desk, case: Case, step: str, drafter: str, signer: str, **kw) -> Letter:
    """Draft at ``step``, send it (no paraf in between) and sign it."""
    letter = desk.draft(case, step, drafter, kw.get("changes"))
    letter = desk.submit(letter, drafter)
    return desk.sign(letter, signer)


# -- PPW v3 (seed 000): the patrol month, then one violator's whole ladder --------------------


def test_ppw_a_patrol_month_and_a_violators_ladder_to_penertiban_write_every_letter(demo_org):
    desk = Desk(demo_org, dt.datetime(2026, 8, 3, 8, 30, tzinfo=WIB))
    team = [desk.who(p).pk for p in ("petugas1.pptng", "petugas2.pptng")]
    patrol = desk.start(
        "PPW", "PPTNG", "kasat.pptng", "Patroli Agustus 2026", data={"bulan": "2026-08-01"}
    )
    # Row 1: the Surat Tugas Patroli, before the programme's first step can be done.
    assert desk.active(patrol) == ["rumuskan_program"]
    tugas = _signed(
        desk,
        patrol,
        "rumuskan_program",
        "kasat.pptng",
        "kasat.pptng",
        changes={"data": {"personel": team}},
    )
    assert tugas.data["waktu"] == "1 Agustus 2026"
    done = desk.complete(patrol, "rumuskan_program", "kasat.pptng")
    assert done.data == {"bulan": "2026-08-01", "nomor_surat_tugas": tugas.number}
    desk.complete(patrol, "susun_rencana", "kabid.pptng", {"koordinasi": "Polres Metro"})
    desk.complete(
        patrol,
        "susun_jadwal",
        "kasie.pptng",
        {"jadwal": ["2026-08-04", "2026-08-05"], "personil": team},
    )
    desk.at(dt.datetime(2026, 8, 5, 15, 0, tzinfo=WIB))
    desk.complete(
        patrol,
        "patroli",
        "petugas1.pptng",
        {
            "rute": {"address": "Jl. Sudirman"},
            "hasil": "PKL berjualan di trotoar depan Pasar Anyar",
            "temuan": ["PKL berjualan di trotoar Jl. Sudirman"],
        },
        occurrence="2026-08-04",
    )
    desk.complete(
        patrol,
        "patroli",
        "petugas2.pptng",
        {"rute": {"address": "Jl. Daan Mogot"}, "hasil": "Wilayah tertib"},
        occurrence="2026-08-05",
    )
    # Row 5: the monthly report, drafted from the patrols, signed by the Kasie.
    laporan = desk.draft(patrol, "terima_laporan", "kasie.pptng")
    assert (
        laporan.data["kegiatan"] == "4 Agustus 2026: Jl. Sudirman\n5 Agustus 2026: Jl. Daan Mogot"
    )
    assert "PKL berjualan di trotoar depan Pasar Anyar" in laporan.data["hasil"]
    laporan = desk.sign(desk.submit(laporan, "kasie.pptng"), "kasie.pptng")
    desk.complete(patrol, "terima_laporan", "kasie.pptng")
    desk.complete(
        patrol,
        "evaluasi",
        "kabid.pptng",
        {"evaluasi": "Satu pelanggaran", "temuan": ["PKL berjualan di trotoar Jl. Sudirman"]},
    )
    desk.complete(patrol, "ada_temuan", "kasat.pptng", decision="ya")
    desk.complete(patrol, "buka_penegakan", "kasat.pptng")
    desk.complete(patrol, "selesai_patroli", "kasat.pptng")
    patrol.refresh_from_db()
    assert patrol.status == CaseStatus.CLOSED

    case = Case.objects.get(parent=patrol)
    violator = {"nama": "Sutarman", "alamat": "Kp. Babakan RT 03/RW 02"}
    place = {"address": "Trotoar Jl. Sudirman depan Pasar Anyar"}
    perda = "Perda Kota Tangerang Nomor 8 Tahun 2018 Pasal 5"
    # Row 7: the Surat Pernyataan the violator signs on paper, in front of the Kasat.
    pernyataan = desk.draft(
        case,
        "beri_teguran",
        "kasat.pptng",
        {
            "data": {"pelanggar_nama": "Sutarman", "lokasi": place["address"], "perda": perda},
            "body": "Pernyataan ini ditandatangani sendiri oleh Sutarman di hadapan petugas.",
        },
    )
    pernyataan = desk.sign(desk.submit(pernyataan, "kasat.pptng"), "kasat.pptng")
    assert pernyataan.sign_mode == "basah"
    done = desk.complete(
        case,
        "beri_teguran",
        "kasat.pptng",
        {"pelanggar": violator, "lokasi": place, "perda": perda},
    )
    assert done.data["nomor_surat_pernyataan"] == pernyataan.number
    desk.pass_wait(case, "tunggu_pernyataan")
    desk.complete(
        case,
        "cek_pernyataan",
        "kasat.pptng",
        {"hasil_pemeriksaan": "Masih berjualan"},
        decision="tidak mentaati",
    )
    # Row 8: Surat Teguran I, II and III, each citing the one before, each delivered.
    before = pernyataan
    for n in (1, 2, 3):
        teguran = desk.draft(case, f"teguran_{n}", "kasat.pptng")
        cited = f"{before.kind_name} Nomor {before.number}"
        assert teguran.data["surat_sebelumnya"].startswith(cited)
        assert "dasar" not in teguran.data  # one way: the field for it, not a line of Dasar
        assert teguran.body.startswith(f"Menindaklanjuti {cited}")  # cited in its body
        assert teguran.data["pelanggar_nama"] == "Sutarman"
        teguran = desk.sign(desk.submit(teguran, "kasat.pptng"), "kasat.pptng")
        teguran = desk.deliver(teguran, "kasie.pptng", "Sutarman", desk.now + dt.timedelta(hours=1))
        done = desk.complete(case, f"teguran_{n}", "kasat.pptng")
        assert done.data["nomor_surat"] == teguran.number
        desk.pass_wait(case, f"tunggu_{n}")
        desk.complete(
            case,
            f"cek_{n}",
            "kasat.pptng",
            {"hasil_pemeriksaan": "Masih berjualan"},
            decision="tidak mentaati",
        )
        before = teguran
    # Row 9: the Surat Perintah Penertiban, citing Surat Teguran III.
    perintah = desk.draft(case, "perintah_penertiban", "kasat.pptng", {"data": {"personel": team}})
    assert perintah.data["dasar"][-1].startswith(f"Surat Teguran III Nomor {before.number}")
    assert perintah.data["tempat"] == place["address"]
    perintah = desk.sign(desk.submit(perintah, "kasat.pptng"), "kasat.pptng")
    done = desk.complete(case, "perintah_penertiban", "kasat.pptng")
    assert done.data["nomor_surat_perintah"] == perintah.number
    desk.complete(case, "rencana_penertiban", "kabid.pptng", {"rencana": "Kamis 06.00, dua regu"})
    desk.complete(case, "siapkan_petugas", "kasie.pptng", {"personil": team})
    # Row 12: the Berita Acara Penertiban, from the violator and the officers of row 11.
    ba = desk.draft(
        case,
        "penertiban",
        "petugas2.pptng",
        {
            "data": {"tindakan": "Lapak dibongkar; barang dagangan diamankan"},
            "body": "Penertiban disaksikan oleh Sutarman selaku pemilik lapak.",
        },
    )
    assert ba.data["petugas"] == team and ba.data["jenis"] == "penertiban"
    assert ba.data["pelanggar_alamat"] == "Kp. Babakan RT 03/RW 02"
    ba = desk.sign(desk.submit(ba, "petugas2.pptng"), "petugas2.pptng")
    desk.complete(
        case, "penertiban", "petugas2.pptng", {"laporan": "Lapak dibongkar"}, photo="dokumentasi"
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED

    assert set(_letters(patrol)) == {"surat_tugas", "laporan_patroli"}
    letters = _letters(case)
    assert set(letters) == {
        "pernyataan",
        "teguran_1",
        "teguran_2",
        "teguran_3",
        "perintah_penertiban",
        "berita_acara",
    }
    assert all(x.state == LetterState.SIGNED for x in letters.values())
    assert all(letters[f"teguran_{n}"].deliveries.exists() for n in (1, 2, 3))
    assert_printed(tugas)
    assert_printed(laporan)
    assert_printed(letters["pernyataan"], "Sutarman")
    for n in (1, 2, 3):
        assert_printed(letters[f"teguran_{n}"], "Sutarman")
    assert_printed(letters["perintah_penertiban"])
    assert_printed(letters["berita_acara"], "Sutarman")
    assert tugas.signer_id_line == "NIP. 19710927 199403 1 003"  # the Kasat's, as printed


# -- PPL (seed 001): Kasi drafts, Sekcam initials, Camat signs; the Kasi signs the report -------


def test_ppl_the_surat_perintah_and_the_report_are_written_initialled_and_signed(demo_org):
    desk = Desk(demo_org, dt.datetime(2026, 8, 3, 9, 0, tzinfo=WIB))
    team = [desk.who(p).pk for p in ("danru.cpd", "anggota1.cpd")]
    case = desk.start(
        "PPL",
        "CPD",
        "kasi.cpd",
        "Rumah kos di Jl. Bouraq",
        data={
            "sumber": "Lurah Poris Plawad",
            "lokasi": {"address": "Jl. Bouraq No. 12, Poris Plawad"},
            "uraian": "Rumah kos diduga dipakai untuk praktik prostitusi",
        },
    )
    desk.complete(case, "perintah_camat", "camat.cpd", {"perintah": "Tertibkan minggu ini"})
    sp = desk.draft(case, "draft_surat_perintah", "kasi.cpd", {"data": {"personel": team}})
    assert sp.data["tempat"] == "Jl. Bouraq No. 12, Poris Plawad"
    assert (sp.signer_role, sp.paraf_roles) == ("camat", ["sekcam"])
    sp = desk.submit(sp, "kasi.cpd")
    desk.complete(case, "draft_surat_perintah", "kasi.cpd")
    sp = desk.initial(sp, "sekcam.cpd")
    desk.complete(case, "verifikasi_surat_perintah", "sekcam.cpd", decision="tidak ada koreksi")
    sp = desk.sign(sp, "camat.cpd")
    done = desk.complete(case, "tandatangani_surat_perintah", "camat.cpd")
    assert done.data["nomor_surat_perintah"] == sp.number
    assert done.data["tanggal_surat_perintah"] == sp.dated.isoformat()  # type: ignore[union-attr]
    (copy,) = done.data["surat_perintah"]
    with Attachment.objects.get(pk=copy).file.open("rb") as fh:
        assert fh.read() == SCAN  # the signed scan, the official copy
    desk.complete(case, "arahan_danru", "kasi.cpd", {"arahan": "Siapkan satu regu"})
    desk.complete(case, "siapkan_anggota", "danru.cpd", {"jumlah_personel": 2, "anggota": team[1:]})
    desk.complete(
        case,
        "laksanakan_penertiban",
        "anggota1.cpd",
        {
            "waktu_pelaksanaan": "2026-08-05T21:00",
            "lokasi": {"address": "Jl. Bouraq No. 12"},
            "laporan_lapangan": "Enam orang didata dan dibina; rumah kos disegel sementara",
        },
    )
    report = desk.draft(case, "draft_laporan", "danru.cpd")
    assert report.data["kegiatan"] == "5 Agustus 2026 21.00 WIB"
    assert report.data["hasil"] == "Enam orang didata dan dibina; rumah kos disegel sementara"
    assert (report.signer_role, report.paraf_roles) == ("kasi_trantib", [])
    report = desk.submit(report, "danru.cpd")
    desk.complete(case, "draft_laporan", "danru.cpd")
    report = desk.sign(report, "kasi.cpd")
    desk.complete(case, "periksa_laporan", "kasi.cpd", decision="tidak ada koreksi")
    desk.complete(case, "laporan_kepada_camat", "camat.cpd")
    desk.complete(case, "arsip_laporan", "kasi.cpd", {"nomor_arsip": "300.1/ARS/2026"})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    letters = _letters(case)
    assert set(letters) == {"surat_perintah", "laporan"}
    assert all(x.state == LetterState.SIGNED for x in letters.values())
    assert [r.role for r in letters["surat_perintah"].reviews.filter(outcome="paraf")] == ["sekcam"]
    assert_printed(letters["surat_perintah"])
    assert_printed(letters["laporan"])
    assert letters["surat_perintah"].signer_name == desk.who("camat.cpd").full_name
    assert letters["laporan"].signer_name == desk.who("kasi.cpd").full_name


# -- PUR (seed 004): the Danru drafts; paraf Kasi and Sekcam; the Camat validates --------------


def test_pur_the_surat_perintah_passes_two_paraf_before_the_camat_validates_it(demo_org):
    desk = Desk(demo_org, dt.datetime(2026, 8, 10, 7, 0, tzinfo=WIB))
    team = [desk.who(p).pk for p in ("danru.cpd", "anggota1.cpd", "anggota2.cpd")]
    case = desk.start(
        "PUR",
        "CPD",
        "camat.cpd",
        "Unjuk rasa di depan kantor kecamatan",
        data={
            "waktu_unjuk_rasa": "2026-08-10T10:00",
            "lokasi": {"address": "Depan Kantor Kecamatan Cipondoh"},
            "hasil_koordinasi": "Polsek menurunkan satu pleton",
            "perintah": "Amankan jalannya unjuk rasa",
        },
    )
    desk.complete(case, "arahan_danru", "kasi.cpd", {"arahan": "Susun rencana pengamanan"})
    sp = desk.draft(case, "draft_surat_perintah", "danru.cpd", {"data": {"personel": team}})
    assert sp.data["waktu"] == "10 Agustus 2026 10.00 WIB"
    assert sp.data["tempat"] == "Depan Kantor Kecamatan Cipondoh"
    assert sp.paraf_roles == ["kasi_trantib", "sekcam"]
    sp = desk.submit(sp, "danru.cpd")
    desk.complete(case, "draft_surat_perintah", "danru.cpd", {"rencana": "Dua ring"})
    sp = desk.initial(sp, "kasi.cpd")
    desk.complete(case, "periksa_surat_perintah", "kasi.cpd", decision="tidak ada koreksi")
    sp = desk.initial(sp, "sekcam.cpd")
    assert sp.state == LetterState.APPROVED
    desk.complete(case, "paraf_surat_perintah", "sekcam.cpd")
    sp = desk.sign(sp, "camat.cpd")
    done = desk.complete(case, "validasi_surat_perintah", "camat.cpd")
    assert done.data["nomor_surat_perintah"] == sp.number
    desk.complete(case, "perintah_danru", "kasi.cpd")
    desk.complete(case, "pengarahan_anggota", "danru.cpd", {"jumlah_personel": 3, "anggota": team})
    desk.complete(
        case,
        "penanganan",
        "anggota1.cpd",
        {
            "mulai": "2026-08-10T10:00",
            "lokasi": {"address": "Depan Kantor Kecamatan Cipondoh"},
            "laporan_lapangan": "Unjuk rasa berlangsung tertib dan bubar pukul 12.00",
        },
    )
    report = desk.draft(case, "draft_laporan", "danru.cpd")
    report = desk.submit(report, "danru.cpd")
    desk.complete(case, "draft_laporan", "danru.cpd")
    report = desk.sign(report, "kasi.cpd")
    desk.complete(case, "periksa_laporan", "kasi.cpd", decision="tidak ada koreksi")
    desk.complete(case, "laporan_kepada_camat", "camat.cpd")
    desk.complete(case, "arsip_laporan", "kasi.cpd")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    letters = _letters(case)
    assert set(letters) == {"surat_perintah", "laporan"}
    assert all(x.state == LetterState.SIGNED for x in letters.values())
    initialled = letters["surat_perintah"].reviews.filter(outcome="paraf").order_by("order")
    assert [r.role for r in initialled] == ["kasi_trantib", "sekcam"]
    assert_printed(letters["surat_perintah"])
    assert_printed(letters["laporan"])


# -- PGD (seed 002): a Nota Dinas to the Camat and a Surat Pemberitahuan to the reporter -------


def test_pgd_the_report_to_the_camat_and_the_letter_to_the_reporter(demo_org):
    complaint_setup_load()
    desk = Desk(demo_org, dt.datetime(2026, 8, 3, 9, 0, tzinfo=WIB))
    complaint = complaint_file(
        channel="counter",
        category=Category.objects.get(code="hiburan"),
        description="Warung karaoke di Dusun Ngasem buka sampai pukul 02.00",
        latitude="-7.5901",
        longitude="111.0512",
        kelurahan="Tamansari",
        reporter_name="Sri Wahyuni",
        reporter_phone="081234567890",
        actor=desk.who("staf.krj"),
        now=desk.now,
    )
    case = complaint.case
    desk.tick()
    desk.complete(case, "staf_sampaikan", "staf.krj")
    desk.complete(case, "kasi_teruskan", "kasi.krj")
    desk.complete(case, "camat_arahkan", "camat.krj", {"arahan": "Cek dan tertibkan"})
    desk.complete(
        case,
        "koordinasi_tindak",
        "kasi.krj",
        {"tindakan": "Pemilik warung diberi teguran lisan dan menutup pukul 24.00"},
    )
    desk.complete(case, "bukti_penyelesaian", "kasi.krj", photo="bukti")
    nota = _signed(desk, case, "lapor_camat", "kasi.krj", "kasi.krj")
    assert (nota.recipient, nota.data["dari"]) == (
        "Camat Kerjo",
        "Kepala Seksi Ketentraman dan Ketertiban",
    )
    assert "Pemilik warung diberi teguran lisan" in nota.body
    desk.complete(case, "lapor_camat", "kasi.krj")
    pemberitahuan = desk.draft(
        case,
        "informasi_pelapor",
        "staf.krj",
        {"recipient": "Sdr. Sri Wahyuni", "recipient_address": "Dusun Ngasem, Tamansari"},
    )
    assert pemberitahuan.signer_role == "camat"
    assert "Pemilik warung diberi teguran lisan" in pemberitahuan.body
    pemberitahuan = desk.sign(desk.submit(pemberitahuan, "staf.krj"), "camat.krj")
    desk.complete(
        case,
        "informasi_pelapor",
        "staf.krj",
        {
            "saluran": "Surat",
            "isi": f"Surat Pemberitahuan Nomor {pemberitahuan.number}",
            "waktu": desk.now.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    letters = _letters(case)
    assert set(letters) == {"nota_dinas", "pemberitahuan"}
    assert_printed(letters["nota_dinas"], "Camat Kerjo")
    assert_printed(letters["pemberitahuan"], "Sri Wahyuni")


# -- POLMAS (seed 003) ----------------------------------------------------------------------------


def test_polmas_names_no_letter_so_its_steps_offer_none():
    spec = registry.get("POLMAS")
    assert [s.id for s in spec.steps if s.letter is not None] == []
