"""The CLI: ``trantib letter list|show|pdf|docx|number|sign|attach|cancel|verify``, through the
same services as the pages; errors are one line naming the argument, with a non-zero status."""

from __future__ import annotations

import importlib
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from trantib.letters.models import Letter, LetterState
from trantib.letters.services import letter_draft, letter_submit

pytestmark = pytest.mark.django_db

from trantib.letters.tests.support import SCAN as PDF


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
    out = run("verify", str(scan), "--code", letter.verify_code)
    assert "State:     sah" in out and "Same file: yes" in out
    other = tmp_path / "lain.pdf"
    other.write_bytes(PDF + b"% changed\n")
    message = refused("verify", str(other), "--code", letter.verify_code, status=1)
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


def test_docx_writes_the_word_file_when_the_templates_exist(demo_org, tmp_path):
    letter = _approved(demo_org)
    rendering = importlib.import_module("trantib.letters.rendering")
    target = tmp_path / "surat.docx"
    if not hasattr(rendering, "letter_docx"):
        assert refused("docx", str(letter.pk), "-o", str(target)).startswith("docx: ")
        pytest.skip("rendering.letter_docx is not in this branch yet")
    run("docx", str(letter.pk), "-o", str(target))
    assert target.read_bytes().startswith(b"PK")
