"""One check for every uploaded file, whatever the door: a PDF must parse, an image must open
in Pillow and declare a sane size (a 300-byte PNG declaring 30000 × 30000 pixels is refused,
not a 500), and each kind has its one size limit (10 MB, the logo 1 MB)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from trantib.core.errors import Invalid
from trantib.letters import uploads
from trantib.letters.services import incoming_record, letter_settings_save
from trantib.letters.tests.support import SCAN, png, png_bomb
from trantib.letters.tests.test_pages import client_for, text


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_each_kind_of_file_is_read_by_its_content():
    assert uploads.pdf_check(SCAN, field="file") == uploads.PDF
    assert uploads.scan_check(png(), field="scan") == uploads.PNG
    for junk, field in (
        (b"%PDF-1.7\n% not a pdf\n%%EOF\n", "file"),
        (b"%PDF-" + b"\0" * 64, "file"),
        (b"GIF89a", "file"),
    ):
        with pytest.raises(Invalid) as refused:
            uploads.pdf_check(junk, field=field, name="x.pdf")
        assert refused.value.field == field
    with pytest.raises(Invalid, match="bukan gambar PNG atau JPEG"):
        uploads.image_check(SCAN, field="photo")


def test_an_image_declaring_a_huge_size_is_refused_before_it_is_decoded():
    bomb = png_bomb()
    assert len(bomb) < 400
    for check in (uploads.logo_check, uploads.photo_check, uploads.scan_check):
        with pytest.raises(Invalid, match="terlalu besar"):
            check(bomb, field="f")
    with pytest.raises(Invalid, match="terlalu besar"):
        uploads.logo_check(png((4001, 10)))
    assert uploads.logo_check(png((400, 400))) == uploads.PNG


def test_the_size_limits_are_one_per_kind():
    with pytest.raises(Invalid, match="10 MB"):
        uploads.size_check(uploads.FILE_MAX + 1, field="file")
    with pytest.raises(Invalid, match="1 MB"):
        uploads.logo_check(png() + b"\0" * uploads.LOGO_MAX)
    uploads.size_check(uploads.FILE_MAX, field="file")


def test_a_logo_bomb_is_a_refusal_beside_the_field_not_a_500(demo_org):
    with pytest.raises(Invalid) as refused:
        letter_settings_save(
            unit=demo_org.unit("CPD"),
            actor=demo_org.person("camat.cpd"),
            changes={},
            logo=png_bomb(),
        )
    assert refused.value.field == "logo"
    logo = io.BytesIO(png_bomb())
    logo.name = "lambang.png"
    form = {
        "unit": "CPD",
        "kop_lines": "",
        "address_lines": "",
        "place": "Tangerang",
        "font": "arial",
        "font_size": "12",
        "paper": "F4",
        "margin_top": "20",
        "margin_right": "20",
        "margin_bottom": "20",
        "margin_left": "25",
        "sign_mode": "basah",
        "logo": logo,
    }
    response = client_for(demo_org, "camat.cpd").post(reverse("letters:settings"), form)
    assert response.status_code == 422 and "terlalu besar" in text(response)


def test_an_incoming_scan_must_be_a_readable_pdf_or_image(demo_org):
    unit = demo_org.unit("CPD")

    def record(scan: bytes):
        return incoming_record(
            unit=unit,
            actor=demo_org.person("staf.cpd"),
            received_on=unit.today(),
            sender="Ketua RW 05",
            number="012/RW05",
            dated=unit.today(),
            subject="Undangan",
            scan=scan,
            scan_name="surat.pdf",
        )

    for junk in (b"%PDF-1.4\n1 0 obj<<>>endobj\n", png_bomb(), b"\xff\xd8\xff" + b"\0" * 20):
        with pytest.raises(Invalid) as refused:
            record(junk)
        assert refused.value.field == "scan"
    assert record(SCAN).scan.name.endswith(".pdf")
