"""An officer of another kecamatan (kasi.krw) reaches nothing of a Cipondoh letter: its Word
file, its signed copy, its signing, its delivery photo, its lines in the register's exports —
on the pages and through the API, a 404 as if it did not exist."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document

from trantib.api.services import api_token_create
from trantib.api.tests.support import ApiClient
from trantib.letters.models import LetterState
from trantib.letters.services import letter_deliver, letter_number, letter_submit
from trantib.letters.tests.support import SCAN, png
from trantib.letters.tests.test_pages import client_for, draft, signed


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def api(demo_org, username: str) -> ApiClient:
    _row, token = api_token_create(user=demo_org.user(username), name="test")
    return ApiClient(token)


def test_the_files_of_a_cipondoh_letter_are_not_found_for_karawaci(demo_org):
    letter = signed(demo_org, hal="Teguran warung Cipondoh")
    delivery = letter_deliver(
        letter=letter,
        actor=demo_org.person("kasi.cpd"),
        received_by="Budi",
        received_at=timezone.now(),
        photo=png(),
        photo_name="terima.png",
    )
    photo = reverse("letters:delivery_photo", args=[letter.pk, delivery.pk])
    docx = reverse("letters:docx", args=[letter.pk])
    cpd, krw = client_for(demo_org, "kasi.cpd"), client_for(demo_org, "kasi.krw")
    assert cpd.get(photo).status_code == 200 and cpd.get(docx).status_code == 200
    assert krw.get(photo).status_code == 404
    assert krw.get(docx).status_code == 404
    for fmt in ("csv", "xlsx", "pdf"):
        export = krw.get(reverse("letters:register_export", args=[fmt]))
        assert export.status_code == 200
        body = export.content if fmt != "pdf" else b""
        assert b"Teguran warung Cipondoh" not in body and letter.number.encode() not in body
    outsider = api(demo_org, "kasi.krw")
    assert outsider.get(f"/letters/{letter.pk}/docx").status_code == 404
    assert outsider.get(f"/letters/{letter.pk}/pdf").status_code == 404


def test_karawaci_cannot_sign_or_attach_the_signed_copy_of_a_cipondoh_letter(demo_org):
    camat = demo_org.person("camat.cpd")
    approved = letter_submit(letter=draft(demo_org, actor="camat.cpd", paraf=()), actor=camat)
    krw = client_for(demo_org, "camat.krw")
    assert (
        krw.post(reverse("letters:sign", args=[approved.pk]), {"passphrase": ""}).status_code == 404
    )
    assert (
        api(demo_org, "camat.krw")
        .post(f"/letters/{approved.pk}/sign", {"passphrase": ""})
        .status_code
        == 404
    )
    numbered = letter_number(letter=approved, actor=camat)
    scan = io.BytesIO(SCAN)
    scan.name = "ttd.pdf"
    assert (
        krw.post(reverse("letters:signed_copy", args=[numbered.pk]), {"file": scan}).status_code
        == 404
    )
    response = api(demo_org, "camat.krw").upload(
        f"/letters/{numbered.pk}/signed-copy",
        file=SimpleUploadedFile("ttd.pdf", SCAN, content_type="application/pdf"),
    )
    assert response.status_code == 404
    numbered.refresh_from_db()
    assert numbered.state == LetterState.NUMBERED and not numbered.official_pdf


def test_the_word_file_opens_in_python_docx_for_its_own_unit(demo_org):
    letter = draft(demo_org, hal="Teguran warung Cipondoh")
    response = client_for(demo_org, "kasi.cpd").get(reverse("letters:docx", args=[letter.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert response.status_code == 200 and "Budi Santoso" in text
