"""Privacy across every surface at once: a violator's NIK, phone and street address reach the
enforcement roles of its unit (Satpol PP Kota Tangerang's Kasat, Kabid, Kasie, petugas) and
nobody else — a front-office Staf of the same unit and the Sekda who supervises it read masks,
an officer of another unit finds nothing — on the register list, the violator page, the CSV
export, the API, the search box, and the enforcement case's page, case file PDF and API.

Modelled on ``trantib/complaints/tests/test_privacy.py``: a new surface that forgets
``violator_display`` or the cases' record masker shows up here.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
from django.test import Client

from trantib.accounts.models import Position
from trantib.accounts.services import assignment_create
from trantib.api.services import api_token_create
from trantib.api.tests.support import ApiClient
from trantib.conftest import DemoOrg
from trantib.core.search import search_run
from trantib.enforcement import services
from trantib.enforcement.models import Enforcement, FindingSource, Violator
from trantib.enforcement.tests import ladder_support as support
from trantib.letters.tests.sop_desk import WIB, Desk

NIK = "3671011705850001"
NIK_MASKED = "3671••••••••0001"
PHONE_TYPED = "0812-7766-5544"
STREET = "Jl. Gatot Subroto No. 14 RT 02/RW 05"
NIK_HELD = "3671015708920003"  # a second violator, whose case still waits at beri_teguran
SECRETS = (NIK, "01170585", "81277665544", "7766-5544", "Gatot Subroto", NIK_HELD, "Melati")
NOW = dt.datetime(2026, 7, 20, 9, 0, tzinfo=WIB)

OFFICERS = ("kasat.pptng", "kasie.pptng", "petugas2.pptng")
MASKED = ("staf.cpd", "sekda.tng")  # a Staf of the unit, the supervisor of its parent
OUTSIDERS = ("kasi.krw", "camat.krj")


@pytest.fixture
def staf_pptng(demo_org: DemoOrg) -> None:
    """A front-office Staf of Satpol PP Kota Tangerang (the demo has none): Dewi Lestari, Staf
    of Cipondoh, seconded there too."""
    position = Position.objects.create(
        unit=demo_org.unit("PPTNG"), code="staf", name="Staf Tata Usaha"
    )
    assignment_create(
        person=demo_org.person("staf.cpd"), position=position, valid_from=dt.date(2024, 1, 2)
    )


@pytest.fixture
def enforcement(demo_org: DemoOrg, staf_pptng: None) -> Enforcement:
    tibum, _reklame = support.catalogue(demo_org, NOW)
    violator = services.violator_create(
        unit=demo_org.unit("PPTNG"),
        actor=demo_org.person("petugas1.pptng"),
        kind="orang",
        name="Budi Hartono",
        nik=NIK,
        phone=PHONE_TYPED,
        address=STREET,
        desa="Cibodas",
        kecamatan="Cibodas",
        latitude=-6.2011,
        longitude=106.6102,
        now=NOW - dt.timedelta(days=1),
    )
    found = services.finding_open(
        unit=demo_org.unit("PPTNG"),
        actor=demo_org.person("petugas1.pptng"),
        violator=violator,
        articles=[support.article(tibum, "Pasal 12 ayat (1)")],
        place="Trotoar Jl. Sudirman depan Pasar Anyar",
        latitude=-6.1783,
        longitude=106.6319,
        found_at=NOW - dt.timedelta(hours=1),
        source=FindingSource.PATROL,
        now=NOW,
    )
    # The Kasat gives the warning: the case records the violator as its party (PPW pelanggar).
    desk = Desk(demo_org, NOW + dt.timedelta(minutes=5))
    letter = desk.draft(found.case, "beri_teguran", "kasat.pptng")
    desk.sign(desk.submit(letter, "kasat.pptng"), "kasat.pptng")
    done = desk.complete(found.case, "beri_teguran", "kasat.pptng", {})
    assert done.data["pelanggar"]["nik"] == NIK
    # A second finding whose case is still at its held first step (the form keeps the party).
    siti = services.violator_create(
        unit=demo_org.unit("PPTNG"),
        actor=demo_org.person("petugas1.pptng"),
        kind="orang",
        name="Siti Rahma",
        nik=NIK_HELD,
        address="Gg. Melati No. 3",
        now=NOW - dt.timedelta(days=1),
    )
    held = services.finding_open(
        unit=demo_org.unit("PPTNG"),
        actor=demo_org.person("petugas1.pptng"),
        violator=siti,
        articles=[support.article(tibum, "Pasal 14")],
        place="Depan Pasar Anyar",
        found_at=NOW - dt.timedelta(hours=2),
        source=FindingSource.PATROL,
        now=NOW,
    )
    found.held_case_id = held.case_id  # type: ignore[attr-defined]
    return found


def _pages(e: Enforcement) -> list[str]:
    v, case = e.violator, e.case
    assert case is not None
    return [
        "/penegakan/pelanggar/",
        "/penegakan/pelanggar/?q=Budi",
        "/penegakan/pelanggar/?q=36710117",
        "/penegakan/pelanggar/?berulang=1",
        "/penegakan/pelanggar/ekspor.csv",
        f"/penegakan/pelanggar/{v.pk}/",
        f"/penegakan/pelanggar/pilih/cari/?unit={v.unit_id}&prefix=t&t-q=Budi",
        f"/penegakan/pelanggar/pilih/cari/?unit={v.unit_id}&prefix=t&t-q=36710117",
        f"/kasus/{case.pk}/",
        f"/kasus/{e.held_case_id}/",  # type: ignore[attr-defined]
    ]


def _api(e: Enforcement) -> list[str]:
    case = e.case
    assert case is not None
    return [
        "/enforcement/violators",
        "/enforcement/violators?q=Budi",
        "/enforcement/violators?q=36710117",
        f"/enforcement/violators/{e.violator_id}",
        "/cases",
        f"/cases/{case.pk}",
        f"/cases/{case.pk}/events",
        f"/cases/{e.held_case_id}",  # type: ignore[attr-defined]
        f"/cases/{e.held_case_id}/events",  # type: ignore[attr-defined]
        "/tasks/mine",
    ]


def _client(demo_org: DemoOrg, login: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(login))
    return client


def _api_client(demo_org: DemoOrg, login: str) -> ApiClient:
    _row, token = api_token_create(user=demo_org.user(login), name="privacy")
    return ApiClient(token)


def _leaks(body: bytes | str) -> list[str]:
    text = body if isinstance(body, str) else body.decode("utf-8", errors="replace")
    text = re.sub(r"[0-9a-f]{64}", "", text)  # hashes are not the violator's data
    return [s for s in SECRETS if s in text]


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "berkas.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(  # noqa: S603 — a fixed tool on a file we wrote
        [shutil.which("pdftotext") or "pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        check=True,
    )
    return " ".join(out.stdout.decode().split())


def _search(demo_org: DemoOrg, login: str, query: str) -> list[str]:
    found = search_run(demo_org.user(login), query)
    return [hit.title for provider, hits in found if provider.name == "violators" for hit in hits]


@pytest.mark.parametrize("login", MASKED)
def test_a_staf_and_a_supervisor_read_the_violator_masked_everywhere(
    demo_org: DemoOrg, enforcement: Enforcement, login: str, tmp_path
):
    pages = _client(demo_org, login)
    for url in _pages(enforcement):
        response = pages.get(url)
        assert response.status_code == 200, (login, url, response.status_code)
        assert not _leaks(response.content), (login, url, _leaks(response.content))
    detail = pages.get(f"/penegakan/pelanggar/{enforcement.violator_id}/").content.decode()
    assert "Budi Hartono" in detail and NIK_MASKED in detail and "Cibodas" in detail
    case_page = pages.get(f"/kasus/{enforcement.case_id}/").content.decode()
    assert "Budi Hartono" in case_page and NIK_MASKED in case_page
    export = pages.get("/penegakan/pelanggar/ekspor.csv").content.decode()
    assert "Budi Hartono" in export and NIK_MASKED in export
    # A NIK typed in a search box finds nothing for them; the name does.
    assert "Budi" not in pages.get("/penegakan/pelanggar/?q=36710117").content.decode()
    pdf = pages.get(f"/kasus/{enforcement.case_id}/berkas.pdf")
    assert pdf.status_code == 200
    text = _pdf_text(pdf.content, tmp_path)
    assert "Budi Hartono" in text and not _leaks(text), _leaks(text)
    api = _api_client(demo_org, login)
    for path in _api(enforcement):
        response = api.get(path)
        assert response.status_code == 200, (login, path, response.status_code)
        assert not _leaks(response.content), (login, path, _leaks(response.content))
    one = api.get(f"/enforcement/violators/{enforcement.violator_id}").json()
    assert one["nik"] == NIK_MASKED and one["masked"] is True and one["latitude"] is None
    assert api.get("/enforcement/violators?q=36710117").json()["count"] == 0
    assert _search(demo_org, login, "Budi Hartono") == ["Budi Hartono"]
    assert _search(demo_org, login, NIK) == []
    assert _search(demo_org, login, "36710117") == []


@pytest.mark.parametrize("login", OFFICERS)
def test_the_enforcement_roles_of_the_unit_see_the_violator_whole(
    demo_org: DemoOrg, enforcement: Enforcement, login: str, tmp_path
):
    pages = _client(demo_org, login)
    detail = pages.get(f"/penegakan/pelanggar/{enforcement.violator_id}/").content.decode()
    assert NIK in detail and "+6281277665544" in detail and STREET in detail
    assert "Laki-laki, lahir 17 Mei 1985" in detail
    assert NIK in pages.get("/penegakan/pelanggar/?q=36710117").content.decode()
    assert NIK in pages.get("/penegakan/pelanggar/ekspor.csv").content.decode()
    assert NIK in pages.get(f"/kasus/{enforcement.case_id}/").content.decode()
    held = pages.get(f"/kasus/{enforcement.held_case_id}/")  # type: ignore[attr-defined]
    assert NIK_HELD in held.content.decode()
    text = _pdf_text(pages.get(f"/kasus/{enforcement.case_id}/berkas.pdf").content, tmp_path)
    assert NIK in text
    api = _api_client(demo_org, login)
    one = api.get(f"/enforcement/violators/{enforcement.violator_id}").json()
    assert one["nik"] == NIK and one["address"] == STREET and one["masked"] is False
    assert NIK in api.get(f"/cases/{enforcement.case_id}").content.decode()
    assert _search(demo_org, login, NIK) == ["Budi Hartono"]


@pytest.mark.parametrize("login", OUTSIDERS)
def test_an_officer_of_another_unit_finds_nothing_of_the_violator(
    demo_org: DemoOrg, enforcement: Enforcement, login: str
):
    pages = _client(demo_org, login)
    for url in _pages(enforcement):
        response = pages.get(url)
        assert response.status_code in (200, 404), (login, url, response.status_code)
        assert "Budi Hartono" not in response.content.decode(), (login, url)
        assert not _leaks(response.content), (login, url)
    assert pages.get(f"/penegakan/pelanggar/{enforcement.violator_id}/").status_code == 404
    assert pages.get(f"/kasus/{enforcement.case_id}/").status_code == 404
    api = _api_client(demo_org, login)
    for path in _api(enforcement):
        response = api.get(path)
        assert response.status_code in (200, 404), (login, path, response.status_code)
        assert "Budi Hartono" not in response.content.decode(), (login, path)
    assert api.get(f"/enforcement/violators/{enforcement.violator_id}").status_code == 404
    assert _search(demo_org, login, "Budi Hartono") == []


def test_the_enforcement_roles_are_a_setting(demo_org: DemoOrg, enforcement: Enforcement, settings):
    settings.TRANTIB_ENFORCEMENT_ROLES = ["kasat_pol_pp"]
    budi = Violator.objects.get(pk=enforcement.violator_id)
    kasie = _client(demo_org, "kasie.pptng").get(f"/penegakan/pelanggar/{budi.pk}/")
    assert NIK not in kasie.content.decode() and NIK_MASKED in kasie.content.decode()
    kasat = _client(demo_org, "kasat.pptng").get(f"/penegakan/pelanggar/{budi.pk}/")
    assert NIK in kasat.content.decode()


# -- the XLSX exports (every list's "Unduh XLSX") ------------------------------------------------
# A workbook is a zip: its cells are read back with openpyxl and searched like a page.

XLSX_SURFACES = (
    "/penegakan/pelanggar/ekspor.xlsx",
    "/penegakan/pelanggar/ekspor.xlsx?q=Budi",
    "/penegakan/ekspor.xlsx",
    "/kasus/ekspor.xlsx",
    "/tugas/ekspor.xlsx",
)


def _xlsx(pages: Client, url: str) -> str:
    from trantib.core.tests.xlsx_support import xlsx_text

    response = pages.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return xlsx_text(response.content)


@pytest.mark.parametrize("login", MASKED)
def test_a_staf_and_a_supervisor_read_the_violator_masked_in_every_xlsx(
    demo_org: DemoOrg, enforcement: Enforcement, login: str
):
    pages = _client(demo_org, login)
    for url in XLSX_SURFACES:
        text = _xlsx(pages, url)
        assert not _leaks(text), (login, url, _leaks(text))
    register = _xlsx(pages, "/penegakan/pelanggar/ekspor.xlsx")
    assert "Budi Hartono" in register and NIK_MASKED in register
    assert "Budi Hartono" in _xlsx(pages, "/penegakan/ekspor.xlsx")


@pytest.mark.parametrize("login", OFFICERS)
def test_the_enforcement_roles_read_the_violator_whole_in_the_register_xlsx(
    demo_org: DemoOrg, enforcement: Enforcement, login: str
):
    register = _xlsx(_client(demo_org, login), "/penegakan/pelanggar/ekspor.xlsx")
    assert NIK in register and "+6281277665544" in register and STREET in register


@pytest.mark.parametrize("login", OUTSIDERS)
def test_an_officer_of_another_unit_finds_the_violator_in_no_xlsx(
    demo_org: DemoOrg, enforcement: Enforcement, login: str
):
    pages = _client(demo_org, login)
    for url in XLSX_SURFACES:
        text = _xlsx(pages, url)
        assert "Budi Hartono" not in text and not _leaks(text), (login, url)
