"""Confidential letters: a Rahasia letter is listed to the rest of its unit as its kind and
number only, and opens only for its drafter, reviewers, signer and heads; the addressee of a
letter to a confidential reporter shows only to who may see that reporter — on the register
page, in its exports, through the API and the CLI alike."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from trantib.api.services import api_token_create
from trantib.api.tests.support import ApiClient
from trantib.complaints.models import Category
from trantib.complaints.services import complaint_file
from trantib.demo import complaint_setup_load
from trantib.letters.services import letter_initial, letter_number, letter_submit
from trantib.letters.tests.test_letters_browser import DESKTOP, as_user
from trantib.letters.tests.test_pages import client_for, draft, signed, text
from trantib.web.tests.test_browser import PHONE, page_width

SECRET_HAL = "Penyelidikan pungutan liar oleh oknum"
REPORTER = "Sri Wulandari Pelapor"
REPORTER_ADDRESS = "Jl. Kenanga No. 7, Cipondoh"


def api(demo_org, username: str) -> ApiClient:
    _row, token = api_token_create(user=demo_org.user(username), name="test")
    return ApiClient(token)


def cli(*args: str) -> str:
    out = io.StringIO()
    call_command("letter", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def secret(demo_org):
    """A Sangat Rahasia nota dinas of the Kasi, initialled by the Sekcam, numbered by the
    Camat."""
    kasi = demo_org.person("kasi.cpd")
    letter = draft(
        demo_org,
        kind="nota_dinas",
        hal=SECRET_HAL,
        sifat="Sangat Rahasia",
        recipient="Camat Cipondoh",
        body="Laporan awal terlampir.",
        data={"dari": "Kasi Trantib"},
    )
    letter = letter_submit(letter=letter, actor=kasi)
    letter = letter_initial(letter=letter, actor=demo_org.person("sekcam.cpd"))
    return letter_number(letter=letter, actor=demo_org.person("camat.cpd"))


@pytest.fixture
def to_reporter(demo_org):
    """A Surat Pemberitahuan to the confidential reporter of a complaint in Cipondoh."""
    complaint_setup_load()
    complaint = complaint_file(
        channel="web",
        category=Category.objects.get(code="cpd-pkl"),
        description="Lapak menutup trotoar di depan pasar",
        kelurahan="Cipondoh",
        reporter_name=REPORTER,
        reporter_phone="081234567890",
        confidential=True,
    )
    return draft(
        demo_org,
        kind="surat_pemberitahuan",
        hal="Tindak lanjut pengaduan",
        case=complaint.case,
        recipient=f"Sdri. {REPORTER}",
        recipient_address=REPORTER_ADDRESS,
        body="Pengaduan Saudari telah kami tindak lanjuti.",
        data={},
    )


# -- a Rahasia letter ---------------------------------------------------------------------------


def test_a_secret_letter_opens_for_who_works_on_it_and_is_a_404_for_the_rest(demo_org, secret):
    url = reverse("letters:letter", args=[secret.pk])
    for worker in ("kasi.cpd", "sekcam.cpd", "camat.cpd", "sekda.tng"):
        assert client_for(demo_org, worker).get(url).status_code == 200, worker
    for other in ("danru.cpd", "anggota1.cpd", "staf.cpd"):
        client = client_for(demo_org, other)
        assert client.get(url).status_code == 404, other
        assert client.get(reverse("letters:pdf", args=[secret.pk])).status_code == 404, other
        assert api(demo_org, other).get(f"/letters/{secret.pk}").status_code == 404, other


def test_the_register_lists_a_secret_letter_by_kind_and_number_only(demo_org, secret):
    for other in ("danru.cpd", "staf.cpd"):
        page = text(client_for(demo_org, other).get(reverse("letters:register")))
        assert secret.number in page.replace("<wbr>", "") and "Nota Dinas" in page
        assert f'href="{reverse("letters:letter", args=[secret.pk])}"' not in page
        assert SECRET_HAL not in page, other
        # A search of the hal finds nothing either (it would tell what the letter is about).
        found = text(
            client_for(demo_org, other).get(reverse("letters:register"), {"q": "pungutan"})
        )
        assert secret.number not in found.replace("<wbr>", "")
    page = text(
        client_for(demo_org, "kasi.cpd").get(reverse("letters:register"), {"q": "pungutan"})
    )
    assert SECRET_HAL in page


def test_the_exports_api_and_cli_mask_a_secret_letter_alike(demo_org, secret):
    client = client_for(demo_org, "danru.cpd")
    raw = client.get(reverse("letters:register_export", args=["csv"])).content.decode("utf-8-sig")
    [row] = [r for r in csv.reader(io.StringIO(raw)) if secret.number in r]
    assert SECRET_HAL not in row
    book = load_workbook(
        io.BytesIO(client.get(reverse("letters:register_export", args=["xlsx"])).content)
    )
    cells = [str(c) for row in book.active.iter_rows(values_only=True) for c in row]
    assert secret.number in cells and SECRET_HAL not in cells
    pdf = client.get(reverse("letters:register_export", args=["pdf"]))
    assert pdf.status_code == 200
    listed = api(demo_org, "danru.cpd").get("/letters").json()
    [item] = [i for i in listed["items"] if i["number"] == secret.number]
    assert (
        item["restricted"] is True
        and item["hal"] != SECRET_HAL
        and SECRET_HAL not in json.dumps(listed)
    )
    mine = api(demo_org, "kasi.cpd").get("/letters").json()
    [item] = [i for i in mine["items"] if i["number"] == secret.number]
    assert item["restricted"] is False and item["hal"] == SECRET_HAL
    assert SECRET_HAL not in cli("list", "--as", "danru.cpd")
    assert SECRET_HAL in cli("list", "--as", "camat.cpd")


# -- a letter to a confidential reporter ----------------------------------------------------------


def test_a_confidential_reporters_address_shows_only_to_who_may_see_the_reporter(
    demo_org, to_reporter
):
    # The intake roles of Cipondoh (Kasi, Camat, Staf) see the reporter; the Danru does not.
    page = text(client_for(demo_org, "kasi.cpd").get(reverse("letters:register")))
    assert REPORTER in page
    page = text(client_for(demo_org, "danru.cpd").get(reverse("letters:register")))
    assert "Tindak lanjut pengaduan" in page and REPORTER not in page
    raw = (
        client_for(demo_org, "danru.cpd")
        .get(reverse("letters:register_export", args=["csv"]))
        .content.decode("utf-8-sig")
    )
    assert "Tindak lanjut pengaduan" in raw and REPORTER not in raw
    # The letter itself (its page, its PDF, the API, the CLI) names the reporter: it opens
    # only for who may see the reporter or works on the letter.
    hidden = api(demo_org, "danru.cpd").get(f"/letters/{to_reporter.pk}")
    assert hidden.status_code == 404 and REPORTER not in hidden.content.decode()
    danru = client_for(demo_org, "danru.cpd")
    for name in ("letters:letter", "letters:pdf"):
        assert danru.get(reverse(name, args=[to_reporter.pk])).status_code == 404, name
    shown = api(demo_org, "kasi.cpd").get(f"/letters/{to_reporter.pk}").json()
    assert REPORTER in shown["recipient"] and shown["recipient_address"] == REPORTER_ADDRESS
    with pytest.raises(CommandError):
        cli("show", str(to_reporter.pk), "--as", "danru.cpd")
    assert REPORTER in cli("show", str(to_reporter.pk), "--as", "kasi.cpd")


@pytest.mark.browser
def test_the_masked_row_reads_on_a_phone_and_a_desktop(
    chromium_browser: Browser, live_server: LiveServer, demo_org, secret, to_reporter, tmp_path
) -> None:
    shots = Path(os.environ.get("TRANTIB_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    signed(demo_org, hal="Teguran I lapak di trotoar Jl. Raya Cipondoh")
    for name, viewport in (("360", PHONE), ("1280", DESKTOP)):
        context = chromium_browser.new_context(locale="id-ID", viewport=viewport)
        page = context.new_page()
        try:
            as_user(page, live_server.url, "danru.cpd")
            page.goto(f"{live_server.url}/surat/")
            row = page.locator("tr", has_text="(rahasia)")
            expect(row).to_have_count(1)
            expect(row.get_by_role("link")).to_have_count(0)
            assert SECRET_HAL not in page.content() and REPORTER not in page.content()
            assert page_width(page) <= viewport["width"]
            page.screenshot(path=str(shots / f"register-masked-{name}.png"), full_page=True)
        finally:
            context.close()
