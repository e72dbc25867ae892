"""``trantib org import``: good and bad CSV and XLSX files built here; every problem as
FILE:LINE: column: message, nothing saved when anything is refused, and a second import of the
same files changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from trantib.accounts.models import Assignment, OrgUnit, Person, Position
from trantib.accounts.services.org_import import ImportRefused, org_import_files
from trantib.core.audit import audit_events
from trantib.core.models import AuditEvent

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

UNITS = [
    ["kode", "nama", "jenis", "induk", "zona_waktu", "kop"],
    ["PEMKAB-UJI", "Pemerintah Kabupaten Uji", "pemda", "", "WIB", "PEMERINTAH KABUPATEN UJI"],
    ["UJI", "Kecamatan Uji", "kecamatan", "PEMKAB-UJI", "WITA", "PEMERINTAH | KECAMATAN UJI"],
]
POSITIONS = [
    ["unit", "kode", "nama", "pengawas"],
    ["UJI", "camat", "Camat Uji", "ya"],
    ["UJI", "sekcam", "Sekretaris Kecamatan Uji", "tidak"],
]
PEOPLE = [
    ["nama", "jenis", "nip", "nrp", "pangkat", "login"],
    ["Drs. Hadi Santoso", "asn", "19760214 199903 1 004", "", "Pembina (IV/a)", "camat.uji"],
    ["Rini Astuti", "asn", "19810505 200604 2 007", "", "Penata (III/c)", ""],
    ["Bripka Andi", "polri", "", "86010123", "Bripka", ""],
]
ASSIGNMENTS = [
    ["pegawai", "unit", "jabatan", "status", "mulai", "sampai"],
    ["19760214 199903 1 004", "UJI", "camat", "definitif", "2025-01-02", ""],
    ["19810505 200604 2 007", "UJI", "sekcam", "", "02-01-2025", ""],
    ["19810505 200604 2 007", "UJI", "camat", "plh", "2026-12-14", "2026-12-18"],
    ["86010123", "UJI", "sekcam", "plt", "2026-03-01", "2026-03-31"],
]


def _csv(path: Path, rows: list[list[object]], *, sep: str = ",") -> Path:
    def cell(v: object) -> str:
        text = str(v)
        return f'"{text}"' if sep in text or '"' in text else text

    path.write_text("\n".join(sep.join(cell(v) for v in r) for r in rows) + "\n", "utf-8")
    return path


def _csvs(tmp_path: Path, **changes: list[list[object]]) -> list[Path]:
    sheets = {"unit": UNITS, "jabatan": POSITIONS, "pegawai": PEOPLE, "penugasan": ASSIGNMENTS}
    sheets.update(changes)
    return [_csv(tmp_path / f"{name}.csv", rows) for name, rows in sheets.items()]


def _xlsx(path: Path, **changes: list[list[object]]) -> Path:
    sheets = {"Unit": UNITS, "Jabatan": POSITIONS, "Pegawai": PEOPLE, "Penugasan": ASSIGNMENTS}
    sheets.update(changes)
    book = Workbook()
    book.active.title = "Petunjuk"
    book.active.append(["Isi lembar-lembar berikut."])
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append([None if v == "" else v for v in row])
    book.save(path)
    return path


def _run(*paths: Path) -> tuple[int, list[str]]:
    """The command as an administrator runs it: its exit code and its lines."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("org", "import", *map(str, paths), stdout=out)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue().splitlines()


def _snapshot() -> tuple[int, ...]:
    return (
        OrgUnit.objects.count(),
        Position.objects.count(),
        Person.objects.count(),
        Assignment.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_good_set_of_csv_files_is_imported_with_a_one_line_summary(tmp_path):
    code, lines = _run(*_csvs(tmp_path))
    assert code == 0
    assert lines == [
        "Diimpor: unit 2 baru, 0 diubah, 0 tetap; jabatan 2 baru, 0 diubah, 0 tetap; "
        "pegawai 3 baru, 0 diubah, 0 tetap; penugasan 4 baru, 0 diubah, 0 tetap; "
        "1 akun login baru (tanpa kata sandi)"
    ]
    uji = OrgUnit.objects.get(code="UJI")
    assert uji.parent.code == "PEMKAB-UJI"
    assert uji.timezone == "Asia/Makassar"
    assert uji.kop() == ["PEMERINTAH", "KECAMATAN UJI"]
    hadi = Person.objects.get(nip="197602141999031004")
    assert hadi.user.username == "camat.uji"
    assert not hadi.user.has_usable_password()
    plh = Assignment.objects.get(acting="plh")
    assert (plh.person.full_name, plh.position.code) == ("Rini Astuti", "camat")
    assert (plh.valid_from, plh.valid_until) == (dt.date(2026, 12, 14), dt.date(2026, 12, 18))
    assert Assignment.objects.get(person__nrp="86010123").title == "Plt. Sekretaris Kecamatan Uji"
    assert Assignment.objects.get(person=hadi).valid_from == dt.date(2025, 1, 2)
    # Every row written through the services, each with its audit event.
    assert [e.type for e in audit_events(uji)] == ["unit_created"]
    assert [e.type for e in audit_events(hadi)] == ["person_created"]
    assert [e.type for e in audit_events(plh)] == ["assignment_created"]


def test_importing_the_same_files_again_changes_nothing_and_a_changed_row_updates(tmp_path):
    paths = _csvs(tmp_path)
    assert _run(*paths)[0] == 0
    before = _snapshot()
    code, lines = _run(*paths)
    assert code == 0
    assert lines == [
        "Diimpor: unit 0 baru, 0 diubah, 2 tetap; jabatan 0 baru, 0 diubah, 2 tetap; "
        "pegawai 0 baru, 0 diubah, 3 tetap; penugasan 0 baru, 0 diubah, 4 tetap"
    ]
    assert _snapshot() == before

    # The Plh. period is shortened and the Camat's name corrected: two updates, audited.
    assignments = [r[:] for r in ASSIGNMENTS]
    assignments[3][5] = "2026-12-16"
    people = [r[:] for r in PEOPLE]
    people[1][0] = "Drs. Hadi Santoso, M.Si."
    code, lines = _run(*_csvs(tmp_path, penugasan=assignments, pegawai=people))
    assert code == 0, lines
    assert "pegawai 0 baru, 1 diubah, 2 tetap; penugasan 0 baru, 1 diubah, 3 tetap" in lines[0]
    plh = Assignment.objects.get(acting="plh")
    assert plh.valid_until == dt.date(2026, 12, 16)
    assert [e.type for e in audit_events(plh)] == ["assignment_created", "assignment_changed"]
    hadi = Person.objects.get(nip="197602141999031004")
    assert hadi.full_name == "Drs. Hadi Santoso, M.Si."
    assert [e.type for e in audit_events(hadi)] == ["person_created", "person_changed"]


def test_a_good_workbook_is_imported_and_again_changes_nothing(tmp_path):
    path = _xlsx(tmp_path / "organisasi.xlsx")
    code, lines = _run(path)
    assert code == 0, lines
    assert "penugasan 4 baru" in lines[0]
    assert Person.objects.get(nip="197602141999031004").full_name == "Drs. Hadi Santoso"
    before = _snapshot()
    assert _run(path) == (
        0,
        [
            lines[0]
            .replace("4 baru, 0 diubah, 0 tetap", "0 baru, 0 diubah, 4 tetap")
            .replace("2 baru, 0 diubah, 0 tetap", "0 baru, 0 diubah, 2 tetap")
            .replace("3 baru, 0 diubah, 0 tetap", "0 baru, 0 diubah, 3 tetap")
            .replace("; 1 akun login baru (tanpa kata sandi)", "")
        ],
    )
    assert _snapshot() == before


def test_a_workbook_takes_excel_dates_and_an_nrp_typed_as_a_number(tmp_path):
    people = [r[:] for r in PEOPLE]
    people[3][3] = 86010123  # eight digits survive as a number (an 18-digit NIP would not)
    assignments = [r[:] for r in ASSIGNMENTS]
    assignments[1][4] = dt.datetime(2025, 1, 2)  # a date cell
    code, lines = _run(_xlsx(tmp_path / "org.xlsx", Pegawai=people, Penugasan=assignments))
    assert code == 0, lines
    assert Person.objects.filter(nrp="86010123").exists()
    assert Assignment.objects.filter(valid_from=dt.date(2025, 1, 2)).count() == 2


def test_the_shipped_examples_import_as_csv_and_as_a_workbook_alike(tmp_path):
    code, lines = _run(*sorted(EXAMPLES.glob("*.csv")))
    assert code == 0, lines
    before = _snapshot()
    code, again = _run(EXAMPLES / "organisasi.xlsx")
    assert code == 0, again
    assert "unit 0 baru, 0 diubah, 2 tetap" in again[0]
    assert "penugasan 0 baru, 0 diubah, 6 tetap" in again[0]
    assert _snapshot() == before


def test_every_problem_of_bad_csv_files_is_listed_by_file_line_and_column_and_nothing_saved(
    tmp_path,
):
    units = [*UNITS, ["LAIN", "Kecamatan Lain", "kecamatan", "TIDAK-ADA", "WIB", ""]]
    positions = [*POSITIONS, ["UJI", "camat", "Camat lagi", "ya"]]
    people = [*PEOPLE, ["Budi", "asn", "19760214 199913 1 005", "", "", ""]]
    assignments = [*ASSIGNMENTS, ["19760214 199903 1 004", "UJI", "lurah", "", "2025-01-02", ""]]
    before = _snapshot()
    code, lines = _run(
        *_csvs(tmp_path, unit=units, jabatan=positions, pegawai=people, penugasan=assignments)
    )
    assert code == 1
    d = tmp_path
    assert lines == [
        f"{d}/unit.csv:4: induk: unit induk TIDAK-ADA tidak dikenal: tidak ada di berkas maupun "
        "di basis data.",
        f"{d}/jabatan.csv:4: kode: jabatan camat di unit UJI sudah ada di baris 2.",
        f"{d}/pegawai.csv:5: nip: NIP: digit 13-14 (13) bukan bulan yang sah (01-12).",
        f"{d}/penugasan.csv:6: jabatan: jabatan lurah tidak ada di unit UJI: tambahkan di "
        "lembar jabatan.",
        "Impor ditolak: 4 masalah; tidak ada yang disimpan.",
    ]
    assert _snapshot() == before


def test_a_person_assigned_to_an_unknown_person_or_unit_is_refused(tmp_path):
    assignments = [
        *ASSIGNMENTS,
        ["19990101 202001 1 001", "UJI", "camat", "", "2025-01-02", ""],
        ["86010123", "ENTAH", "camat", "", "2025-01-02", ""],
    ]
    code, lines = _run(*_csvs(tmp_path, penugasan=assignments))
    assert code == 1
    assert lines[:2] == [
        f"{tmp_path}/penugasan.csv:6: pegawai: pegawai 19990101 202001 1 001 tidak dikenal: "
        "tidak ada di lembar pegawai maupun di basis data.",
        f"{tmp_path}/penugasan.csv:7: unit: unit ENTAH tidak dikenal: tidak ada di berkas "
        "maupun di basis data.",
    ]
    assert not OrgUnit.objects.filter(code="UJI").exists()


def test_a_missing_column_is_named_on_the_header_line(tmp_path):
    positions = [[r[0], r[2], r[3]] for r in POSITIONS]  # no "kode"
    code, lines = _run(*_csvs(tmp_path, jabatan=positions))
    assert code == 1
    assert lines == [
        f"{tmp_path}/jabatan.csv:1: kode: kolom wajib ini tidak ada di baris judul.",
        "Impor ditolak: 1 masalah; tidak ada yang disimpan.",
    ]
    assert not OrgUnit.objects.exists()


def test_every_problem_of_a_bad_workbook_names_its_sheet_line_and_column(tmp_path):
    people = [r[:] for r in PEOPLE]
    people[2][2] = 1.98105052006042e17  # typed as a number: Excel kept 15 digits
    people.append(["Tanpa Kunci", "lainnya", "", "", "", ""])
    positions = [*POSITIONS, ["UJI", "sekcam", "Sekcam dua kali", "tidak"]]
    units = [r[:] for r in UNITS]
    units[2][3] = "PEMKAB-ENTAH"
    path = _xlsx(tmp_path / "org.xlsx", Unit=units, Jabatan=positions, Pegawai=people)
    code, lines = _run(path)
    assert code == 1
    assert lines == [
        f"{path}[Unit]:3: induk: unit induk PEMKAB-ENTAH tidak dikenal: tidak ada di berkas "
        "maupun di basis data.",
        f"{path}[Jabatan]:4: kode: jabatan sekcam di unit UJI sudah ada di baris 3.",
        f"{path}[Pegawai]:3: nip: tertulis sebagai angka, sehingga digit terakhirnya hilang; "
        "format kolom ini sebagai Teks lalu ketik ulang nomornya.",
        f"{path}[Pegawai]:5: nip: isi NIP, NRP atau login, agar baris ini dikenali saat impor "
        "ulang.",
        f"{path}[Penugasan]:3: pegawai: pegawai 19810505 200604 2 007 tidak dikenal: tidak ada "
        "di lembar pegawai maupun di basis data. (Atau barisnya di lembar pegawai ditolak: "
        "lihat di atas.)",
        f"{path}[Penugasan]:4: pegawai: pegawai 19810505 200604 2 007 tidak dikenal: tidak ada "
        "di lembar pegawai maupun di basis data. (Atau barisnya di lembar pegawai ditolak: "
        "lihat di atas.)",
        "Impor ditolak: 6 masalah; tidak ada yang disimpan.",
    ]
    assert not OrgUnit.objects.exists()
    assert not Person.objects.exists()


def test_a_row_refused_by_the_database_rules_keeps_every_other_row_out(tmp_path, demo_org):
    # A new person (new NIP) with an NRP already on file for someone else: the model's rule,
    # found while writing; and a person on file whose login the file would replace.
    taken = Person.objects.exclude(nrp="").first().nrp
    camat = demo_org.person("camat.cpd")
    people = [
        *PEOPLE,
        ["Orang Lain", "polri", "19900101 201501 1 001", taken, "", ""],
        [camat.full_name, "asn", camat.nip_display, "", "", "login.lain"],
    ]
    before = _snapshot()
    code, lines = _run(*_csvs(tmp_path, pegawai=people))
    assert code == 1
    assert lines == [
        f"{tmp_path}/pegawai.csv:5: nrp: NRP ini sudah terdaftar untuk pegawai lain.",
        f"{tmp_path}/pegawai.csv:6: login: pegawai ini sudah punya login camat.cpd; login "
        "diganti lewat admin, bukan lewat impor.",
        "Impor ditolak: 2 masalah; tidak ada yang disimpan.",
    ]
    assert _snapshot() == before


def test_a_csv_written_by_excel_in_indonesia_with_semicolons_is_read(tmp_path):
    paths = _csvs(tmp_path)
    _csv(tmp_path / "unit.csv", UNITS, sep=";")
    code, lines = _run(*paths)
    assert code == 0, lines


def test_a_csv_whose_name_does_not_say_its_kind_is_refused(tmp_path):
    code, lines = _run(_csv(tmp_path / "data.csv", UNITS))
    assert code == 1
    assert lines[0].startswith(f"{tmp_path}/data.csv:1: berkas: nama berkas CSV harus diawali")


def test_the_service_refuses_with_the_problems_and_a_dry_run_keeps_nothing(tmp_path):
    paths = _csvs(tmp_path)
    result = org_import_files(paths=paths, dry_run=True)
    assert result.counts["unit"]["created"] == 2
    assert not OrgUnit.objects.exists()
    people = [*PEOPLE, ["X", "robot", "", "", "", "x"]]
    with pytest.raises(ImportRefused) as refused:
        org_import_files(paths=_csvs(tmp_path, pegawai=people))
    assert [str(p) for p in refused.value.problems] == [
        f"{tmp_path}/pegawai.csv:5: jenis: 'robot' tidak dikenal; isi salah satu: asn, polri, "
        "lainnya."
    ]
