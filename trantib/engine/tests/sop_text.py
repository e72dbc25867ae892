"""A small valid SOP as YAML text, for tests that change one thing and look at the result."""

VALID = """\
format: trantib-sop/1
code: TST
version: 1
status: draft
domain: test
calendar: working
identity:
  instansi: [PEMERINTAH KOTA CONTOH, KECAMATAN CONTOH]
  nomor: "300.1/001/2026"
  tanggal_pembuatan: Januari 2026
  tanggal_revisi: ""
  tanggal_efektif: Januari 2026
  disahkan_oleh: {jabatan: CAMAT CONTOH, nama: Budi, nip: "197001012000031001"}
  nama: SOP Contoh
  dasar_hukum: [Perda Nomor 1 Tahun 2020]
  keterkaitan: []
  peringatan: Apabila SOP tidak dilaksanakan maka pelayanan terganggu
  kualifikasi_pelaksana: []
  peralatan_perlengkapan: [Komputer]
  pencatatan_pendataan: [Buku agenda]
roles:
  - {id: kasi, name: Kasi Trantib}
  - {id: camat, name: Camat}
steps:
  - id: terima
    no: "1"
    kind: start
    role: kasi
    activity: Menerima laporan
    time: 15 menit
    next: draft
  - id: draft
    no: "2"
    kind: process
    role: kasi
    activity: Membuat draft surat perintah
    time: 1 jam
    next: periksa
  - id: periksa
    no: "3"
    kind: decision
    role: camat
    activity: Memeriksa draft, apabila tidak ada koreksi ditandatangani
    question: Ada koreksi?
    time: 2 jam
    branches:
      - {label: tidak ada koreksi, to: arsip}
      - {label: ada koreksi, to: draft, loop: true}
  - id: arsip
    no: "4"
    kind: end
    role: kasi
    activity: Mengarsipkan
    time: 10 Menit
"""


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line containing ``needle``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def without_bindings(text: str) -> str:
    """The text without its ``binds`` blocks and the comment above each: PGD v2 as it was
    published, before it declared its bindings."""
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        if line.startswith("    # A binding is"):
            skipping = True
        elif skipping and not line.startswith(("    #", "    binds:", "      ")):
            skipping = False
        if not skipping:
            out.append(line)
    return "".join(out)
