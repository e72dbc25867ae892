"""/api/v1/letters with real tokens: the letter's life through the API, its files, verifying a
PDF, and incoming letters with their dispositions — each refused to whoever may not."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from docx import Document

from trantib.api.services import api_token_create
from trantib.api.tests.support import ApiClient
from trantib.demo import complaint_setup_load
from trantib.letters.models import Disposition, IncomingLetter, LetterState, SignMode
from trantib.letters.qr import verify_url
from trantib.letters.services import (
    letter_draft,
    letter_filename,
    letter_number,
    letter_submit,
    settings_for,
)
from trantib.letters.tests.support import OTHER_SCAN as OTHER_PDF
from trantib.letters.tests.support import SCAN as PDF
from trantib.letters.tests.support import png


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def api_as(demo_org):
    """``api_as("kasi.cpd")``: a client with a fresh token of that demo user."""

    def make(username: str) -> ApiClient:
        _row, token = api_token_create(user=demo_org.user(username), name="test")
        return ApiClient(token)

    return make


@pytest.fixture
def anonymous() -> ApiClient:
    return ApiClient(None)


@pytest.fixture
def complaint_sop_in_use(demo_org) -> None:
    """The demo complaint categories: PGD is then started by a complaint's intake only."""
    complaint_setup_load()


def _draft(demo_org, **kw):
    args = {
        "unit": demo_org.unit("CPD"),
        "kind": "surat_teguran",
        "actor": demo_org.person("kasi.cpd"),
        "hal": "Teguran I",
        "signer_role": "camat",
        "paraf_roles": ["sekcam"],
        "recipient": "Sdr. Budi (pemilik warung)",
        "body": "Dengan ini kami menegur Saudara.",
        "data": {
            "tingkat": "1",
            "pelanggar_nama": "Budi",
            "lokasi": "Jl. Raya Cipondoh",
            "perda": "Perda 8/2018 Pasal 5",
            "kewajiban": "Membongkar lapak",
            "tempo": "7 hari kerja",
        },
    }
    args.update(kw)
    return letter_draft(**args)


def _numbered(demo_org):
    camat = demo_org.person("camat.cpd")
    letter = letter_submit(letter=_draft(demo_org, actor=camat, paraf_roles=[]), actor=camat)
    return letter_number(letter=letter, actor=camat)


# -- reading -------------------------------------------------------------------------------


def test_the_list_shows_the_units_letters_filtered_and_an_outsider_none(
    demo_org, api_as, django_assert_max_num_queries
):
    for n in range(5):
        _draft(demo_org, hal=f"Teguran warung {n}")
    numbered = _numbered(demo_org)
    kasi = api_as("kasi.cpd")
    with django_assert_max_num_queries(8):
        body = kasi.get("/letters").json()
    assert body["count"] == 6
    assert {i["kind"] for i in body["items"]} == {"surat_teguran"}
    body = kasi.get("/letters", state="numbered").json()
    assert [i["number"] for i in body["items"]] == [numbered.number]
    assert kasi.get("/letters", q="warung 3").json()["count"] == 1
    assert kasi.get("/letters", kind="nota_dinas").json()["count"] == 0
    bad = kasi.get("/letters", state="lost")
    assert bad.status_code == 422 and bad.json()["field"] == "state"
    assert api_as("kasi.krw").get("/letters").json() == {"count": 0, "items": []}


def test_the_detail_holds_the_header_the_paraf_chain_and_the_signer(demo_org, api_as):
    letter = _draft(demo_org)
    kasi, sekcam = api_as("kasi.cpd"), api_as("sekcam.cpd")
    assert kasi.post(f"/letters/{letter.pk}/submit").status_code == 200
    returned = sekcam.post(f"/letters/{letter.pk}/return", {"note": "Pasal belum lengkap"})
    assert returned.status_code == 200
    body = returned.json()
    assert body["state"] == "returned"
    assert body["reviews"][0]["outcome"] == "kembali"
    assert body["reviews"][0]["note"] == "Pasal belum lengkap"
    assert body["data"]["pelanggar_nama"] == "Budi"
    assert body["signer"] is None and body["verify_url"] is None
    refused = api_as("camat.cpd").post(f"/letters/{letter.pk}/initial", {})
    assert refused.status_code == 409  # not waiting for paraf: it was returned
    assert kasi.post(f"/letters/{letter.pk}/submit").status_code == 200
    body = sekcam.post(f"/letters/{letter.pk}/initial", {"note": "ok"}).json()
    assert body["state"] == "approved" and body["reviews"][-1]["person"] == (
        demo_org.person("sekcam.cpd").full_name
    )
    numbered = api_as("camat.cpd").post(f"/letters/{letter.pk}/number").json()
    assert numbered["state"] == "numbered" and numbered["number"].startswith("300.1.2.1/0001/")
    assert numbered["signer"]["id_line"] == "NIP. 19780512 199803 1 002"
    assert numbered["signer"]["title"] == "Camat Cipondoh"
    letter.refresh_from_db()
    # The QR's address, from the site's configured address, never the request's Host header.
    assert numbered["verify_url"] == verify_url(letter.verify_code)
    assert "/verifikasi/" in numbered["verify_url"]
    missing = api_as("kasi.krw").get(f"/letters/{letter.pk}")
    assert missing.status_code == 404 and missing.json()["message"] == "Surat tidak ditemukan."


def test_a_reviewer_out_of_turn_is_refused_with_403(demo_org, api_as):
    letter = letter_submit(letter=_draft(demo_org), actor=demo_org.person("kasi.cpd"))
    refused = api_as("camat.cpd").post(f"/letters/{letter.pk}/initial", {"note": ""})
    assert refused.status_code == 403 and "Sekretaris" in refused.json()["message"]
    unknown = api_as("sekcam.cpd").post(f"/letters/{letter.pk}/initial", {"catatan": "x"})
    assert unknown.status_code == 422 and unknown.json()["field"] == "catatan"


# -- files -----------------------------------------------------------------------------------


def test_the_pdf_is_the_draft_until_the_signed_copy_becomes_the_official_one(demo_org, api_as):
    letter = _numbered(demo_org)
    camat = api_as("camat.cpd")
    draft = camat.get(f"/letters/{letter.pk}/pdf")
    assert draft.status_code == 200 and draft["Content-Type"] == "application/pdf"
    assert draft.content.startswith(b"%PDF-") and draft.content != PDF
    not_pdf = camat.upload(
        f"/letters/{letter.pk}/signed-copy", file=SimpleUploadedFile("scan.gif", b"GIF89a")
    )
    assert not_pdf.status_code == 422 and not_pdf.json()["field"] == "file"
    body = camat.upload(
        f"/letters/{letter.pk}/signed-copy",
        file=SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf"),
        signed_by="Camat",
    ).json()
    assert body["state"] == "signed" and len(body["official_sha256"]) == 64
    official = camat.get(f"/letters/{letter.pk}/pdf")
    assert b"".join(official.streaming_content) == PDF
    assert api_as("kasi.krw").get(f"/letters/{letter.pk}/pdf").status_code == 404


def test_the_docx_is_the_word_file_of_the_same_letter(demo_org, api_as):
    letter = _draft(demo_org)
    response = api_as("kasi.cpd").get(f"/letters/{letter.pk}/docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))  # python-docx opens it
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Budi" in text and "Teguran" in text


def test_the_files_are_named_alike_on_the_api_the_pages_and_the_cli(demo_org, api_as):
    letter = _numbered(demo_org)
    kasi = api_as("kasi.cpd")
    name = letter_filename(letter, "pdf")
    assert name == f"surat-teguran-{letter.number.replace('/', '-').lower()}.pdf"
    assert f'filename="{name}"' in kasi.get(f"/letters/{letter.pk}/pdf")["Content-Disposition"]
    docx = kasi.get(f"/letters/{letter.pk}/docx")["Content-Disposition"]
    assert f'filename="{letter_filename(letter, "docx")}"' in docx


def test_electronic_signing_through_the_api(demo_org, api_as):
    settings = settings_for(demo_org.unit("CPD"))
    settings.sign_mode = SignMode.ELECTRONIC
    settings.save()
    camat = demo_org.person("camat.cpd")
    letter = letter_submit(letter=_draft(demo_org, actor=camat, paraf_roles=[]), actor=camat)
    body = api_as("camat.cpd").post(f"/letters/{letter.pk}/sign", {"passphrase": ""}).json()
    assert body["state"] == "signed" and body["sign_mode"] == "elektronik"


# -- delivery, cancel, verification -----------------------------------------------------------


def test_a_signed_letter_is_delivered_verified_and_cancelled_keeping_its_number(demo_org, api_as):
    letter = _numbered(demo_org)
    camat = api_as("camat.cpd")
    camat.upload(
        f"/letters/{letter.pk}/signed-copy",
        file=SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf"),
    )
    naive = camat.upload(
        f"/letters/{letter.pk}/deliver", received_by="Budi", received_at="2026-01-02T10:00"
    )
    assert naive.status_code == 422 and naive.json()["field"] == "received_at"
    garbled = camat.upload(
        f"/letters/{letter.pk}/deliver", received_by="Budi", received_at="kemarin"
    )
    assert garbled.status_code == 422 and garbled.json()["field"] == "received_at"
    letter.refresh_from_db()
    at = letter.signed_at.isoformat()
    body = camat.upload(
        f"/letters/{letter.pk}/deliver",
        received_by="Budi",
        received_at=at,
        place="Warung Budi",
        photo=SimpleUploadedFile("terima.png", png()),
    ).json()
    assert body["deliveries"] == [
        {
            "method": "langsung",
            "received_by": "Budi",
            "received_at": body["deliveries"][0]["received_at"],
            "place": "Warung Budi",
            "photo": True,
        }
    ]
    kasi = api_as("kasi.cpd")
    same = kasi.upload(
        "/letters/verify",
        code=letter.verify_code,
        file=SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"),
    ).json()
    assert same["same"] is True and same["state"] == "signed"
    assert same["number"] == letter.number and same["signer_title"] == "Camat Cipondoh"
    assert "Budi" not in json.dumps(same)  # the addressee is nobody's business here
    other = kasi.upload(
        "/letters/verify",
        code=letter.verify_code,
        file=SimpleUploadedFile("b.pdf", OTHER_PDF, content_type="application/pdf"),
    ).json()
    assert other["same"] is False and other["uploaded_sha256"] != other["official_sha256"]
    not_pdf = kasi.upload(
        "/letters/verify", code=letter.verify_code, file=SimpleUploadedFile("c.txt", b"hello")
    )
    assert not_pdf.status_code == 422 and not_pdf.json()["field"] == "file"
    unknown = kasi.upload("/letters/verify", code="nope", file=SimpleUploadedFile("a.pdf", PDF))
    assert unknown.status_code == 404 and unknown.json()["field"] == "code"
    refused = kasi.post(f"/letters/{letter.pk}/cancel", {"reason": "Salah alamat"})
    assert refused.status_code == 403
    assert camat.post(f"/letters/{letter.pk}/cancel", {"reason": ""}).status_code == 422
    body = camat.post(f"/letters/{letter.pk}/cancel", {"reason": "Salah alamat"}).json()
    assert body["state"] == LetterState.CANCELLED and body["number"] == letter.number
    assert body["cancel_reason"] == "Salah alamat"
    assert camat.post(f"/letters/{letter.pk}/cancel", {"reason": "lagi"}).status_code == 409


def test_without_a_token_every_operation_is_401(demo_org, anonymous):
    letter = _draft(demo_org)
    for path in ("/letters", f"/letters/{letter.pk}", "/letters/incoming"):
        response = anonymous.get(path)
        assert response.status_code == 401 and response.json()["field"] == "Authorization"
    assert anonymous.post(f"/letters/{letter.pk}/submit").status_code == 401


# -- incoming letters ------------------------------------------------------------------------


def _incoming(client, demo_org, **fields):
    today = demo_org.unit("CPD").today().isoformat()
    data = {
        "unit": "CPD",
        "received_on": today,
        "dated": today,
        "sender": "Ketua RW 05",
        "number": "012/RW05/2026",
        "subject": "Pemberitahuan unjuk rasa warga",
        "scan": SimpleUploadedFile("surat.pdf", PDF, content_type="application/pdf"),
    }
    data.update(fields)
    return client.upload("/letters/incoming", **data)


def test_an_incoming_letter_is_recorded_listed_and_disposed_of_through_the_api(
    demo_org, api_as, complaint_sop_in_use
):
    staf = api_as("staf.cpd")
    response = _incoming(staf, demo_org)
    assert response.status_code == 201
    body = response.json()
    year = demo_org.unit("CPD").today().year
    assert body["agenda_number"] == f"0001/SM/{year}" and len(body["scan_sha256"]) == 64
    bad = _incoming(staf, demo_org, scan=SimpleUploadedFile("x.exe", b"MZ\x90\x00"))
    assert bad.status_code == 422 and bad.json()["field"] == "scan"
    assert _incoming(staf, demo_org, received_on="03-12-2026").status_code == 422
    other_unit = _incoming(api_as("kasi.krw"), demo_org)
    assert other_unit.status_code == 404 and other_unit.json()["field"] == "unit"
    listed = api_as("kasi.cpd").get("/letters/incoming", q="unjuk rasa").json()
    assert [i["agenda_number"] for i in listed["items"]] == [body["agenda_number"]]
    assert api_as("kasi.krw").get(f"/letters/incoming/{body['id']}").status_code == 404

    path = f"/letters/incoming/{body['id']}/dispositions"
    order = {"to_role": "kasi_trantib", "to_person": "kasi.cpd", "instruction": "Amankan"}
    assert api_as("kasi.cpd").post(path, order).status_code == 403
    camat = api_as("camat.cpd")
    complaint = camat.post(
        path, {**order, "open_sop": "PGD", "case_data": {"saluran": "Surat", "uraian": "x"}}
    )
    assert complaint.status_code == 422 and complaint.json()["field"] == "open_sop"
    assert "/pengaduan/baru/" in complaint.json()["message"]
    missing = camat.post(path, {**order, "open_sop": "PUR", "case_data": {}})
    assert missing.status_code == 422
    assert missing.json()["field"].startswith("case_data.")
    case_data = {
        "waktu_unjuk_rasa": "2026-12-10T09:00",
        "lokasi": "Depan kantor kecamatan",
        "hasil_koordinasi": "Polsek siaga",
        "perintah": "Siapkan pengamanan",
    }
    made = camat.post(path, {**order, "sifat": "Segera", "open_sop": "PUR", "case_data": case_data})
    assert made.status_code == 201
    disposition = made.json()
    assert disposition["case"] and disposition["to_person"] == "Agus Setiawan, S.Sos."
    done_path = f"/letters/incoming/dispositions/{disposition['id']}/done"
    assert api_as("danru.cpd").post(done_path, {"note": "x"}).status_code == 403
    done = api_as("kasi.cpd").post(done_path, {"note": "Pengamanan siap"})
    assert done.status_code == 200 and done.json()["done_by"] == "Agus Setiawan, S.Sos."
    assert api_as("kasi.cpd").post(done_path, {"note": "lagi"}).status_code == 409
    detail = api_as("kasi.cpd").get(f"/letters/incoming/{body['id']}").json()
    assert [d["done_note"] for d in detail["dispositions"]] == ["Pengamanan siap"]
    assert IncomingLetter.objects.count() == 1 and Disposition.objects.count() == 1


def test_a_disposition_takes_its_due_date_as_written_in_json(demo_org, api_as):
    response = _incoming(api_as("staf.cpd"), demo_org)
    path = f"/letters/incoming/{response.json()['id']}/dispositions"
    camat = api_as("camat.cpd")
    order = {"to_role": "kasi_trantib", "instruction": "Hadiri rapat"}
    bad = camat.post(path, {**order, "due_on": "20-12-2026"})
    assert bad.status_code == 422 and bad.json()["field"] == "due_on"
    assert camat.post(path, {**order, "due_on": 20261220}).status_code == 422
    made = camat.post(path, {**order, "due_on": "2026-12-20"})
    assert made.status_code == 201, made.json()
    assert made.json()["due_on"] == "2026-12-20"
    assert Disposition.objects.get().due_on.isoformat() == "2026-12-20"


@override_settings(TRANTIB_VERIFY_RATE_LIMIT=2, TRANTIB_VERIFY_RATE_WINDOW=60)
def test_verifying_through_the_api_counts_against_the_pages_limit(demo_org, api_as, client):
    letter = _numbered(demo_org)
    kasi = api_as("kasi.cpd")

    def check():
        file = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
        return kasi.upload("/letters/verify", code=letter.verify_code, file=file)

    assert check().status_code == 200
    assert client.get(f"/verifikasi/{letter.verify_code}/").status_code == 200
    limited = check()
    assert limited.status_code == 429 and "Terlalu banyak" in limited.json()["message"]


def test_the_api_check_of_a_pdf_is_the_pages_check(demo_org, api_as):
    """The official copy of a letter signed in Trantib: the same file, its signature valid
    as of its signing (one function behind the page, the API and the CLI)."""
    from trantib.letters.tests.test_signing import official, signed_letter

    letter = signed_letter(demo_org)
    body = (
        api_as("kasi.cpd")
        .upload(
            "/letters/verify",
            code=letter.verify_code,
            file=SimpleUploadedFile("a.pdf", official(letter), content_type="application/pdf"),
        )
        .json()
    )
    assert body["same"] is True
    assert body["signature"]["signed"] and body["signature"]["intact"]
    assert body["signature"]["trusted"]
    assert body["signature"]["signer_name"] == demo_org.person("camat.cpd").full_name
