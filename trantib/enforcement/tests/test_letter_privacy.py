"""A violator's NIK and street address in the letters of an enforcement case (issue 12 review).

The finding's party value (PPW ``pelanggar``: nama, NIK, alamat) fills the Surat Pernyataan's and
the Surat Teguran's ``pelanggar_nik`` / ``pelanggar_alamat`` and the Teguran's addressee. A reader
of the unit who is not one of its enforcement roles (a front-office Staf) reads the letter through
the API, its page, its editor and its draft's PDF preview with them masked; an enforcement
officer reads them whole. The signed PDF is the official document addressed to the violator and
keeps its text (docs/enforcement.md, "Data pribadi"): it is what the violator received, and
masking it would make the unit's copy differ from the letter served.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from django.test import Client
from django.utils import timezone

from trantib.accounts.models import Position
from trantib.accounts.services import assignment_create
from trantib.api.services import api_token_create
from trantib.api.tests.support import ApiClient
from trantib.enforcement.models import FindingSource
from trantib.enforcement.services import finding_open
from trantib.enforcement.tests import ladder_support as support
from trantib.letters.models import Letter
from trantib.letters.tests.sop_desk import Desk

pytestmark = pytest.mark.django_db

NIK = "3671010101800001"
STREET = "Kp. Babakan RT 03/RW 02"


@pytest.fixture
def staf_pptng(demo_org) -> None:
    position = Position.objects.create(
        unit=demo_org.unit("PPTNG"), code="staf", name="Staf Tata Usaha"
    )
    assignment_create(
        person=demo_org.person("staf.cpd"), position=position, valid_from=dt.date(2024, 1, 2)
    )


@pytest.fixture
def letters(demo_org, staf_pptng) -> tuple[Letter, Letter]:
    """A signed Surat Pernyataan and a draft Surat Teguran I to Sutarman."""
    desk = Desk(demo_org, timezone.now() - dt.timedelta(days=30))
    tibum, _reklame = support.catalogue(demo_org, desk.now)
    enforcement = finding_open(
        unit=demo_org.unit("PPTNG"),
        actor=desk.who("petugas1.pptng"),
        violator=support.violator(demo_org),
        articles=[support.article(tibum, "Pasal 14")],
        place="Trotoar Jl. Sudirman",
        found_at=desk.now - dt.timedelta(hours=1),
        source=FindingSource.PATROL,
        now=desk.now,
    )
    case = enforcement.case
    statement = desk.draft(case, "beri_teguran", "kasat.pptng")
    statement = desk.sign(desk.submit(statement, "kasat.pptng"), "kasat.pptng")
    desk.complete(case, "beri_teguran", "kasat.pptng")
    desk.pass_wait(case, "tunggu_pernyataan")
    desk.complete(
        case,
        "cek_pernyataan",
        "kasat.pptng",
        {"hasil_pemeriksaan": "Masih berjualan"},
        decision="tidak mentaati",
    )
    teguran = desk.draft(case, "teguran_1", "kasat.pptng")
    assert statement.kind == "surat_pernyataan" and teguran.kind == "surat_teguran"
    for letter in (statement, teguran):
        assert letter.data["pelanggar_nik"] == NIK
        assert STREET in letter.data["pelanggar_alamat"]
    assert STREET in teguran.recipient_address
    return statement, teguran


def _api(demo_org, login: str, letter: Letter) -> str:
    _row, token = api_token_create(user=demo_org.user(login), name="surat")
    response = ApiClient(token).get(f"/letters/{letter.pk}")
    assert response.status_code == 200, response.content
    return response.content.decode()


def _client(demo_org, login: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(login))
    return client


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "surat.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(  # noqa: S603 — a fixed tool on a file we wrote
        [shutil.which("pdftotext") or "pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        check=True,
    )
    return " ".join(out.stdout.decode().split())


def test_a_staf_of_the_unit_reads_the_violators_letters_without_nik_or_street(
    demo_org, letters, tmp_path
):
    statement, teguran = letters
    for letter in (statement, teguran):
        body = _api(demo_org, "staf.cpd", letter)
        assert NIK not in body and STREET not in body
        assert "Sutarman" in body  # the letter is readable, only the personal data is masked
        page = _client(demo_org, "staf.cpd").get(f"/surat/{letter.pk}/")
        assert page.status_code == 200
        html = page.content.decode()
        assert NIK not in html and STREET not in html
    # The draft's PDF preview is drafted from the fields: masked too.
    preview = _client(demo_org, "staf.cpd").get(f"/surat/{teguran.pk}/surat.pdf")
    text = _pdf_text(preview.content, tmp_path)
    assert "Sutarman" in text
    assert NIK not in text and STREET not in text


def test_an_enforcement_officer_reads_them_whole(demo_org, letters, tmp_path):
    statement, teguran = letters
    for letter in (statement, teguran):
        body = _api(demo_org, "kasie.pptng", letter)
        assert NIK in body and STREET in body
    preview = _client(demo_org, "kasie.pptng").get(f"/surat/{teguran.pk}/surat.pdf")
    text = _pdf_text(preview.content, tmp_path)
    assert STREET in text  # the addressee (a Surat Teguran prints no NIK)


def test_the_drafter_who_may_not_read_them_edits_the_letter_and_they_stay(demo_org, letters):
    """A draft in the hands of a non-enforcement drafter: the editor neither shows nor posts
    the violator's NIK and address, and saving keeps them as stored."""
    _statement, teguran = letters
    Letter.objects.filter(pk=teguran.pk).update(created_by=demo_org.person("staf.cpd"))
    client = _client(demo_org, "staf.cpd")
    editor = client.get(f"/surat/{teguran.pk}/ubah/")
    assert editor.status_code == 200, editor.status_code
    html = editor.content.decode()
    assert NIK not in html and STREET not in html
    assert "Sutarman" in html
    # Saving what the editor showed keeps the stored NIK and address (they were never posted).
    from trantib.letters.forms import editor_fields

    posted: dict[str, object] = {"then": "save"}
    for f in editor_fields(teguran, []):
        if f.name.removeprefix("data.") in ("pelanggar_nik", "pelanggar_alamat"):
            continue
        if f.name == "recipient_address":
            continue
        posted[f.name] = f.value
    saved = client.post(f"/surat/{teguran.pk}/ubah/", posted)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    teguran.refresh_from_db()
    assert teguran.data["pelanggar_nik"] == NIK
    assert STREET in teguran.data["pelanggar_alamat"]
    assert STREET in teguran.recipient_address
