"""The CLI: ``trantib letter list|show|pdf|docx|number|sign|attach|cancel|verify``, through the
same services as the pages; errors are one line naming the argument, with a non-zero status."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document

from trantib.letters.models import Letter, LetterState
from trantib.letters.qr import verify_url
from trantib.letters.services import letter_draft, letter_filename, letter_submit
from trantib.letters.tests.support import SCAN as PDF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run(*args: str) -> str:
    out = StringIO()
    call_command("letter", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def refused(*args: str, status: int = 2) -> str:
    with pytest.raises(CommandError) as err:
        run(*args)
    assert err.value.returncode == status
    assert "\n" not in str(err.value)
    return str(err.value)


def _approved(demo_org, hal: str = "Teguran I warung Budi") -> Letter:
    camat = demo_org.person("camat.cpd")
    letter = letter_draft(
        unit=demo_org.unit("CPD"),
        kind="surat_teguran",
        actor=camat,
        hal=hal,
        signer_role="camat",
        recipient="Sdr. Budi",
        body="Dengan ini kami menegur Saudara.",
        data={
            "tingkat": "1",
            "pelanggar_nama": "Budi",
            "lokasi": "Jl. Raya Cipondoh",
            "perda": "Perda 8/2018 Pasal 5",
            "kewajiban": "Membongkar lapak",
            "tempo": "7 hari kerja",
        },
    )
    return letter_submit(letter=letter, actor=camat)


def test_a_letter_is_numbered_written_attached_shown_and_verified(demo_org, tmp_path):
    letter = _approved(demo_org)
    out = run("number", str(letter.pk), "--as", "camat.cpd")
    letter.refresh_from_db()
    assert letter.state == LetterState.NUMBERED
    assert out.startswith(f"{letter.pk} numbered {letter.number}, dated ")
    draft = tmp_path / "cetak.pdf"
    assert run("pdf", letter.number, "-o", str(draft)).startswith(f"{draft}: {letter.number}")
    assert draft.read_bytes().startswith(b"%PDF-")
    scan = tmp_path / "ditandatangani.pdf"
    scan.write_bytes(PDF)
    out = run("attach", letter.number, str(scan), "--as", "camat.cpd", "--signed-by", "Camat")
    letter.refresh_from_db()
    assert letter.state == LetterState.SIGNED and letter.official_sha256 in out
    official = tmp_path / "resmi.pdf"
    run("pdf", str(letter.pk), "-o", str(official), "--as", "kasi.cpd")
    assert official.read_bytes() == PDF
    shown = run("show", letter.number, "--as", "kasi.cpd")
    for text in (
        letter.number,
        "Camat Cipondoh, H. Rahmat Hidayat, S.STP., M.Si.",
        "NIP. 19780512 199803 1 002",
        f"/verifikasi/{letter.verify_code}/",
        "letter_numbered",
        "letter_signed",
    ):
        assert text in shown, text
    body = json.loads(run("show", str(letter.pk), "--json"))
    assert body["state"] == "signed" and body["signer"]["title"] == "Camat Cipondoh"
    out = run("verify", str(scan), f"--code={letter.verify_code}")
    assert "State:     sah" in out and "Same file: yes" in out
    other = tmp_path / "lain.pdf"
    other.write_bytes(PDF + b"% changed\n")
    message = refused("verify", str(other), f"--code={letter.verify_code}", status=1)
    assert message == "FILE: it is not the official copy of this letter"


def test_list_filters_and_says_when_there_is_nothing(demo_org):
    first = _approved(demo_org, hal="Teguran lapak pertama")
    _approved(demo_org, hal="Teguran lapak kedua")
    out = run("list", "--unit", "CPD", "--search", "pertama")
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["ID", "Number", "Dated"]
    assert len(lines) == 3 and lines[2].startswith(str(first.pk))
    assert run("list", "--state", "signed") == "No letters.\n"
    assert run("list", "--as", "kasi.krw") == "No letters.\n"  # another kecamatan's reader
    assert "more than 1 letters" in run("list", "--limit", "1")


def test_cancel_keeps_the_number_and_refusals_name_the_argument(demo_org, tmp_path):
    letter = _approved(demo_org)
    run("number", str(letter.pk), "--as", "camat.cpd")
    letter.refresh_from_db()
    assert refused("cancel", str(letter.pk), "--as", "kasi.cpd", "--reason", "salah").startswith(
        "error: Hanya penanda tangan"
    )
    out = run("cancel", letter.number, "--as", "camat.cpd", "--reason", "Salah alamat")
    assert out == f"{letter.pk} cancelled, number {letter.number} kept.\n"
    assert refused("cancel", str(letter.pk), "--as", "camat.cpd", "--reason", "lagi").startswith(
        "error: Surat ini sudah dibatalkan"
    )
    assert refused("show", "999999") == "LETTER: no letter with id 999999"
    assert refused("show", "300.1/9999/X/2026") == "LETTER: no letter numbered '300.1/9999/X/2026'"
    assert refused("show", str(letter.pk), "--as", "kasi.krw") == (
        f"LETTER: no letter with id {letter.pk}"
    )
    assert refused("number", str(letter.pk), "--as", "nobody") == "--as: no login 'nobody'"
    assert refused("list", "--unit", "XYZ").startswith("--unit: no unit 'XYZ'")
    assert refused("list", "--limit", "0") == "--limit: 0 is not a positive number"
    assert refused("attach", str(letter.pk), str(tmp_path / "none.pdf"), "--as", "camat.cpd") == (
        f"FILE: no such file '{tmp_path / 'none.pdf'}'"
    )
    assert refused("verify", str(tmp_path / "x.pdf"), "--code", "nope") == (
        "--code: no letter has the verification code 'nope'"
    )
    assert refused("pdf", str(letter.pk), "-o", str(tmp_path / "no" / "dir" / "x.pdf")).startswith(
        "--output: cannot write"
    )


def test_a_wrong_file_or_state_is_refused_with_the_services_field(demo_org, tmp_path):
    letter = _approved(demo_org)
    gif = tmp_path / "scan.gif"
    gif.write_bytes(b"GIF89a")
    # Not numbered yet: nothing awaits a signed copy.
    assert refused("attach", str(letter.pk), str(gif), "--as", "camat.cpd").startswith("error: ")
    run("number", str(letter.pk), "--as", "camat.cpd")
    assert refused("attach", str(letter.pk), str(gif), "--as", "camat.cpd") == (
        "file: Berkas scan.gif bukan PDF."
    )
    assert refused("number", str(letter.pk), "--as", "camat.cpd").startswith("error: ")


def test_docx_writes_the_word_file(demo_org, tmp_path):
    letter = _approved(demo_org)
    target = tmp_path / "surat.docx"
    run("docx", str(letter.pk), "-o", str(target))
    document = Document(str(target))  # python-docx opens it
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Teguran" in text


def test_a_file_written_without_a_name_is_named_as_on_the_pages(demo_org, tmp_path, monkeypatch):
    letter = _approved(demo_org)
    monkeypatch.chdir(tmp_path)
    out = run("pdf", str(letter.pk))
    name = letter_filename(letter, "pdf")
    assert out.startswith(f"{name}: ") and (tmp_path / name).read_bytes().startswith(b"%PDF-")


def test_show_gives_the_verification_address_the_qr_carries(demo_org):
    letter = _approved(demo_org)
    run("number", str(letter.pk), "--as", "camat.cpd")
    letter.refresh_from_db()
    assert f"Verify:    {verify_url(letter.verify_code)}" in run("show", str(letter.pk))
    body = json.loads(run("show", str(letter.pk), "--json"))
    assert body["verify_url"] == verify_url(letter.verify_code)
