"""The library files encode their source documents faithfully.

Seeds 001 (PPL), 003 (POLMAS) and 004 (PUR), and the Kalimantan Barat reference SOPs no. 80
(OPP) and no. 77 (RTHM): the numbered rows, the role columns in document order, the Mutu Baku
cells as printed, and the decisions the text implies with their correction loops.
"""

from functools import cache
from pathlib import Path

import pytest

from trantib.engine.loader import load_file
from trantib.engine.spec import SOPSpec, StepKind
from trantib.engine.timing import CalendarKind

LIBRARY = Path(__file__).resolve().parents[1] / "library"

PPL = "ketertiban/PPL.v1.yaml"
PUR = "unjuk-rasa/PUR.v1.yaml"
POLMAS = "polmas/POLMAS.v1.yaml"
OPP = "penegakan/OPP.v1.yaml"
RTHM = "penegakan/RTHM.v1.yaml"
KECAMATAN_ROLES = ["Camat", "Sekcam", "Kasi Trantib", "Komandan", "Anggota Trantib"]


@cache
def load(relative: str) -> SOPSpec:
    spec, _warnings = load_file(LIBRARY / relative)
    return spec


def row(spec: SOPSpec, no: str):
    return next(r for r in spec.rows if r.no == no)


@pytest.mark.parametrize(
    ("path", "code", "rows", "roles"),
    [
        (PPL, "PPL", 10, KECAMATAN_ROLES),
        (PUR, "PUR", 11, KECAMATAN_ROLES),
        (
            POLMAS,
            "POLMAS",
            4,
            [
                "Kasat Binmas",
                "KBO Binmas",
                "Kanit Binkamsa",
                "Kanit Binpolmas",
                "Kanit Bintibmas",
                "Banit",
            ],
        ),
        (OPP, "OPP", 12, ["Pol PP", "PPNS", "Kasi", "Kabid", "Sekretaris", "Kasat"]),
        (RTHM, "RTHM", 5, ["Tim", "Kasi", "Kabid", "Sekretaris", "Kasat"]),
    ],
)
def test_each_file_has_the_documents_numbered_rows_and_role_columns(path, code, rows, roles):
    spec = load(path)
    assert spec.code == code
    assert [r.no for r in spec.rows] == [str(n) for n in range(1, rows + 1)]
    assert [r.name for r in spec.roles] == roles


@pytest.mark.parametrize(
    ("path", "no", "time", "output"),
    [
        (PPL, "1", "2 Jam", "Surat Perintah"),
        (PPL, "4", "2 Jam", "Laporan Pelaksana"),
        (PPL, "8", "2 Hari", "Draft Laporan Pelaksanaan"),
        (PPL, "10", "10 Menit", "Surat Perintah"),
        (PUR, "1", "1 Jam", "Surat Perintah Walikota"),
        (PUR, "7", "30 Menit", "Surat Perintah"),
        (PUR, "9", "2 Hari", "Draft Laporan Pelaksanaan"),
        (PUR, "10", "1 Hari", "Laporan Pelaksanaan"),
        (POLMAS, "1", "1 Jam", ""),
        (POLMAS, "4", "1 Jam", ""),
        (OPP, "1", "7 hari", "Laporan hasil koordinasi dan advisteknis dari OPD terkait"),
        (OPP, "4", "2 jam", "Konsep surat"),
        (OPP, "8", "3 hari", "Surat pemberitahuan/peringatan I, II dan III dan Disposisi"),
        (OPP, "11", "1 hari", "Surat Tugas yang ditanda tangan Kasat"),
        (RTHM, "1", "1 hari", "- Draft SK Tim\n- SK yang ditanda tangan Kasat\n- SK yang ditanda"),
        (RTHM, "2", "1 hari", "Kerangka Acuan Kerja (KAK)"),
        (RTHM, "3", "1 hari", ""),
    ],
)
def test_the_mutu_baku_of_a_row_is_kept_as_printed_on_its_first_step(path, no, time, output):
    lead = row(load(path), no).lead
    assert lead.time.text == time
    assert lead.output == output


@pytest.mark.parametrize(
    ("path", "no", "requirements"),
    [
        (PPL, "7", ("Surat Perintah, Seragam, alat peneritiban, kendaraan, dan perlengkapan",)),
        (PUR, "4", ("Draft Surat Perintah",)),
        (POLMAS, "1", ("Surat perintah tugas", "Kamera / hp", "Buku catatan", "Alat tulis")),
        (OPP, "1", ("Surat kesiapan operasi kepada TNI, Kepolisian dan OPD terkait",)),
        (RTHM, "1", ("Alat Tulis Kantor", "Daftar nama-nama Tim dan Nota Pengantar", "Nota Dinas")),
    ],
)
def test_the_kelengkapan_of_a_row_is_kept_as_printed(path, no, requirements):
    assert row(load(path), no).lead.requirements == requirements


@pytest.mark.parametrize(
    ("path", "no", "roles", "kinds"),
    [
        (PPL, "4", ["sekcam", "camat"], ["decision", "process"]),
        (PPL, "9", ["kasi_trantib", "camat"], ["decision", "process"]),
        (PUR, "4", ["kasi_trantib", "sekcam"], ["decision", "process"]),
        (PUR, "10", ["kasi_trantib", "camat"], ["decision", "process"]),
        (OPP, "1", ["kabid_ppd", "kasat_pol_pp"], ["start", "process"]),
        (OPP, "6", ["kabid_ppd", "sekretaris", "kasat_pol_pp"], ["decision"] * 3),
        (OPP, "11", ["kabid_ppd", "sekretaris", "kasat_pol_pp"], ["decision"] * 3),
        (OPP, "12", ["pol_pp"], ["end"]),
        (
            RTHM,
            "1",
            ["tim", "kasi_penegakan", "kabid_ppd", "sekretaris", "kasat_pol_pp"],
            ["start", "decision", "process", "decision", "decision"],
        ),
        (
            RTHM,
            "3",
            ["kasi_penegakan", "kabid_ppd", "sekretaris", "kasat_pol_pp"],
            ["process"] * 4,
        ),
        (
            RTHM,
            "4",
            ["tim", "kasi_penegakan", "kabid_ppd", "sekretaris", "kasat_pol_pp"],
            ["process"] * 5,
        ),
        (RTHM, "5", ["tim"], ["end"]),
    ],
)
def test_a_row_that_passes_through_several_roles_has_one_step_per_role(path, no, roles, kinds):
    r = row(load(path), no)
    assert [s.role for s in r.steps] == roles
    assert [s.kind.value for s in r.steps] == kinds
    for step in r.steps[1:]:
        assert step.activity == r.lead.activity
        assert step.title
        assert not step.requirements
        assert not step.time.text
        assert not step.output


# Every decision of each file: step id → (role, [(label, to, loop)]).
DECISIONS = {
    PPL: {
        "verifikasi_surat_perintah": (
            "sekcam",
            [
                ("tidak ada koreksi", "tandatangani_surat_perintah", False),
                ("ada koreksi", "draft_surat_perintah", True),
            ],
        ),
        "periksa_laporan": (
            "kasi_trantib",
            [
                ("tidak ada koreksi", "laporan_kepada_camat", False),
                ("ada koreksi", "draft_laporan", True),
            ],
        ),
    },
    PUR: {
        "periksa_surat_perintah": (
            "kasi_trantib",
            [
                ("tidak ada koreksi", "paraf_surat_perintah", False),
                ("ada koreksi", "draft_surat_perintah", True),
            ],
        ),
        "periksa_laporan": (
            "kasi_trantib",
            [
                ("tidak ada koreksi", "laporan_kepada_camat", False),
                ("ada koreksi", "draft_laporan", True),
            ],
        ),
    },
    POLMAS: {},
    OPP: {
        "periksa_konsep": (
            "kasi_penegakan",
            [("setuju", "periksa_draft_kabid", False), ("tidak setuju", "konsep_surat", True)],
        ),
        "periksa_draft_kabid": (
            "kabid_ppd",
            [
                ("setuju", "periksa_draft_sekretaris", False),
                ("tidak setuju", "periksa_konsep", True),
            ],
        ),
        "periksa_draft_sekretaris": (
            "sekretaris",
            [
                ("setuju", "setujui_surat_kasat", False),
                ("tidak setuju", "periksa_draft_kabid", True),
            ],
        ),
        "setujui_surat_kasat": (
            "kasat_pol_pp",
            [
                ("setuju", "disposisi_kasi", False),
                ("tidak setuju", "periksa_draft_sekretaris", True),
            ],
        ),
        "nota_dinas_kabid": (
            "kabid_ppd",
            [
                ("setuju", "nota_dinas_sekretaris", False),
                ("tidak setuju", "paraf_surat_tugas", True),
            ],
        ),
        "nota_dinas_sekretaris": (
            "sekretaris",
            [
                ("setuju", "tandatangani_surat_tugas", False),
                ("tidak setuju", "nota_dinas_kabid", True),
            ],
        ),
        "tandatangani_surat_tugas": (
            "kasat_pol_pp",
            [
                ("setuju", "pelaksanaan_operasi", False),
                ("tidak setuju", "nota_dinas_sekretaris", True),
            ],
        ),
    },
    RTHM: {
        "paraf_kasi": (
            "kasi_penegakan",
            [("setuju", "nota_dinas_kabid", False), ("tidak setuju", "buat_spt", True)],
        ),
        "periksa_sekretaris": (
            "sekretaris",
            [("setuju", "setujui_kasat", False), ("tidak setuju", "nota_dinas_kabid", True)],
        ),
        "setujui_kasat": (
            "kasat_pol_pp",
            [("setuju", "susun_kak", False), ("tidak setuju", "periksa_sekretaris", True)],
        ),
    },
}


@pytest.mark.parametrize("path", list(DECISIONS))
def test_every_decision_the_text_implies_is_explicit_with_its_branches(path):
    spec = load(path)
    decisions = {
        s.id: (s.role, [(b.label, b.to, b.loop) for b in s.branches])
        for s in spec.steps
        if s.kind is StepKind.DECISION
    }
    assert decisions == DECISIONS[path]
    for step_id in decisions:
        assert spec.step(step_id).question


@pytest.mark.parametrize(
    ("path", "decision", "drafting_row", "drafter"),
    [
        (PPL, "verifikasi_surat_perintah", "3", "kasi_trantib"),
        (PPL, "periksa_laporan", "8", "danru"),
        (PUR, "periksa_surat_perintah", "3", "danru"),
        (PUR, "periksa_laporan", "9", "danru"),
        (OPP, "periksa_konsep", "4", "ppns"),
        (RTHM, "paraf_kasi", "1", "tim"),
    ],
)
def test_a_correction_loops_back_to_the_step_that_drafts_again(
    path, decision, drafting_row, drafter
):
    spec = load(path)
    loops = [b for b in spec.step(decision).branches if b.loop]
    assert len(loops) == 1
    target = spec.step(loops[0].to)
    assert (target.no, target.role) == (drafting_row, drafter)
    assert spec.steps.index(target) < spec.steps.index(spec.step(decision))


@pytest.mark.parametrize("path", [PPL, PUR, OPP, RTHM])
def test_the_path_without_corrections_passes_every_row_in_document_order(path):
    spec = load(path)
    step, visited = spec.start, []
    while True:
        if not visited or visited[-1] != step.no:
            visited.append(step.no)
        if step.kind is StepKind.END:
            break
        if step.kind is StepKind.DECISION:
            step = spec.step(next(b.to for b in step.branches if not b.loop))
        else:
            step = spec.step(step.next)
    assert visited == [r.no for r in spec.rows]


@pytest.mark.parametrize(
    ("path", "calendar"),
    [
        (PPL, CalendarKind.WORKING),
        (PUR, CalendarKind.AROUND_THE_CLOCK),
        (POLMAS, CalendarKind.AROUND_THE_CLOCK),
        (OPP, CalendarKind.WORKING),
        (RTHM, CalendarKind.AROUND_THE_CLOCK),
    ],
)
def test_each_sop_counts_its_time_standards_on_the_calendar_chosen_for_it(path, calendar):
    assert load(path).calendar.kind is calendar


def test_seed_001_keeps_its_activity_text_verbatim_with_the_extraction_slip_fixed():
    spec = load(PPL)
    # Issue 14: the Nama SOP is the seed's title line as printed; the pages keep the short name.
    assert spec.identity.nama == "SOP PELARANGAN PELACURAN"
    assert spec.name == spec.short_name == "Pelarangan Pelacuran"
    assert spec.identity.instansi == ("KETENTRAMAN DAN KETERTIBAN UMUM - KOTA TANGERANG",)
    assert row(spec, "1").lead.activity == (
        "Kasi Ketentraman dan Ketertiban Umum menerima laporan pendataan kegiatan Pelacuran "
        "/protitusi dan lokalisasi keWilayahan/ OPD terkait dan menyusun laporan untuk Camat"
    )
    assert row(spec, "10").lead.kind is StepKind.END


def test_community_policing_is_four_pos_activities_each_a_case_of_its_own():
    spec = load(POLMAS)
    assert [s.id for s in spec.steps] == ["pos_sapta", "pos_mantap", "pos_satria", "pos_khidmat"]
    assert all(s.kind is StepKind.END and s.role == "banit" for s in spec.steps)
    assert [s.entry for s in spec.steps] == [False, True, True, True]
    # Issue 14: the document's Ket column is blank; the schedule is in the activity texts.
    assert [s.notes for s in spec.steps] == ["", "", "", ""]
    schedule = ["sabtu pagi", "", "siaga setiap hari", "Sholat Jumat"]
    assert all(when in s.activity for s, when in zip(spec.steps, schedule, strict=True))
    assert spec.steps[0].activity.startswith("A. POS SAPTA\n1. Maksud\n- kegiatan Polisi sabtu")
    for step in spec.steps:
        types = {f.name: f.type.value for f in step.records}
        assert types["waktu"] == "datetime"
        assert types["lokasi"] == "location"
        assert types["peserta"] == "list"
        assert types["keluhan"] == "longtext"
        assert types["dokumentasi"] == "files"
        assert types["peringatan_dipatuhi"] == "boolean"


def test_community_policing_keeps_the_full_identity_header():
    identity = load(POLMAS).identity
    assert identity.nomor == "SOP / 06 / IX / 2019"
    assert identity.tanggal_pembuatan == "03 SEPTEMBER 2019"
    assert identity.tanggal_efektif == "01 OKTOBER 2019"
    assert identity.disahkan_oleh.jabatan == "KAPOLRES GORONTALO KOTA"
    assert identity.disahkan_oleh.nama == "ROBIN LUMBAN RAJA, S.I.K. M.SI"
    assert identity.disahkan_oleh.pangkat == "AJUN KOMISARIS BESAR POLISI"
    assert identity.disahkan_oleh.nip == "76050993"
    assert len(identity.dasar_hukum) == 7
    assert len(identity.kualifikasi_pelaksana) == 4
    assert len(identity.peringatan) == 3
    assert identity.peralatan_perlengkapan[0] == "R4 / R2"
    assert identity.pencatatan_pendataan == ("Buku catatan", "Materi")


def test_the_reference_sops_keep_their_identity_and_signatory():
    for path, nomor in [(OPP, "000.8.3.3/ 329 /SATPOLPP-A"), (RTHM, "000.8.3.3/ 326 /SATPOLPP-A")]:
        identity = load(path).identity
        assert identity.nomor == nomor
        assert identity.tanggal_pembuatan == "Agustus 2023"
        assert identity.disahkan_oleh.nama == "SUHERMAN, S.H., M.H."
        assert identity.disahkan_oleh.nip == "19701110 200212 1 005"
        assert identity.instansi[-1] == "SEKSI PENEGAKKAN"
