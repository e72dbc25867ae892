"""Privacy across every surface at once: a confidential reporter's identity reaches the intake
roles of the handling unit (Staf, Kasi Trantib, Camat) and nobody else — not a page, a list, the
CSV export, the REST API, Open311, the public status page — and an anonymous report keeps none.

The other test modules check each surface on its own; this one walks all of them as each kind
of reader, so a new page that forgets ``reporter_for`` shows up here.
"""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.utils import timezone

from trantib.api.services import api_token_create
from trantib.api.tests.support import ApiClient
from trantib.cases import services as case_services
from trantib.cases.models import Task, TaskStatus
from trantib.complaints import services
from trantib.complaints.models import Complaint
from trantib.conftest import DemoOrg

NAME = "Sri Wahyuningsih"
PHONE_TYPED = "0812-7766-5544"
PHONE_STORED = "+6281277665544"
EMAIL = "sri.wahyuningsih@example.com"
SECRETS = (NAME, "Wahyuningsih", PHONE_STORED, "81277665544", "7766", EMAIL)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
INTAKE = ("staf.krj", "kasi.krj", "camat.krj")
# Kerjo officers without an intake role, and an officer of another kecamatan.
OTHERS = ("sekcam.krj", "danru.krj", "anggota.krj", "staf.cpd")


@pytest.fixture
def confidential(demo_org: DemoOrg, complaint_categories) -> Complaint:
    complaint = services.complaint_file(
        channel="web",
        category=complaint_categories["bangunan"],
        description="Gudang baru di tepi jalan Desa Gempolan menutup saluran air warga",
        kelurahan="Gempolan",
        latitude="-7.5783",
        longitude="111.0624",
        reporter_name=NAME,
        reporter_phone=PHONE_TYPED,
        reporter_email=EMAIL,
        confidential=True,
        photos=[("gudang.png", io.BytesIO(PNG))],
    )
    # One step on, so the case has a timeline, a task in someone's list, a notification.
    task = Task.objects.get(case=complaint.case, step_id="staf_sampaikan", status=TaskStatus.OPEN)
    case_services.task_complete(task=task, actor=demo_org.person("staf.krj"))
    return complaint


def _surfaces(complaint: Complaint) -> list[str]:
    case = complaint.case
    month = timezone.localtime(complaint.received_at, complaint.unit.zone()).strftime("%Y-%m")
    return [
        "/",
        "/tugas/",
        "/kasus/",
        f"/kasus/?q={case.number}",
        f"/kasus/{case.pk}/",
        "/pemberitahuan/",
        "/pengaduan/",
        f"/pengaduan/?q={complaint.tracking}",
        "/pengaduan/ekspor.csv",
        f"/pengaduan/{complaint.pk}/",
        "/pengaduan/peta/",
        "/pengaduan/peta.geojson",
        # The search box: the complaint found by place and content, never by the reporter (a
        # part of the name: the page repeats the query).
        "/cari/?q=Gempolan",
        "/cari/?q=saluran+air",
        "/cari/?q=Wahyu",
        # The monthly recap and the cases behind its figures: counts and case subjects only.
        f"/laporan/rekap/pengaduan/?unit=KRJ&periode={month}",
        f"/laporan/rincian/?laporan=rekap_pengaduan&angka=diterima&unit=KRJ&periode={month}",
    ]


def _api_surfaces(complaint: Complaint) -> list[str]:
    case = complaint.case
    return [
        "/complaints",
        f"/complaints/{complaint.tracking}",
        "/cases",
        f"/cases/{case.pk}",
        f"/cases/{case.pk}/events",
        "/tasks/mine",
        f"/search?q={complaint.tracking}",
        "/search?q=Gempolan",
        "/search?q=Wahyu",
    ]


def _page_client(demo_org: DemoOrg, login: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(login))
    return client


def _leaks(body: bytes) -> list[str]:
    # Hashes and digests (64 hex digits: the audit chain, file SHA-256s) are not the reporter's
    # data, and one in a few hundred holds "7766" by chance.
    text = re.sub(r"[0-9a-f]{64}", "", body.decode("utf-8", errors="replace"))
    return [s for s in SECRETS if s in text]


@pytest.mark.parametrize("login", OTHERS)
def test_no_officer_outside_intake_sees_a_confidential_reporter_anywhere(
    demo_org: DemoOrg, confidential: Complaint, login: str
):
    pages = _page_client(demo_org, login)
    seen = 0
    for url in _surfaces(confidential):
        response = pages.get(url)
        assert response.status_code in (200, 404), (login, url, response.status_code)
        seen += response.status_code == 200
        assert not _leaks(response.content), (login, url, _leaks(response.content))
    assert seen >= 5  # the pages were really read, not all refused
    _row, token = api_token_create(user=demo_org.user(login), name="privacy")
    api = ApiClient(token)
    for path in _api_surfaces(confidential):
        response = api.get(path)
        assert response.status_code in (200, 404), (login, path, response.status_code)
        assert not _leaks(response.content), (login, path, _leaks(response.content))


@pytest.mark.parametrize("login", INTAKE)
def test_the_intake_roles_do_see_the_confidential_reporter(
    demo_org: DemoOrg, confidential: Complaint, login: str
):
    pages = _page_client(demo_org, login)
    for url in (f"/pengaduan/{confidential.pk}/", "/pengaduan/", "/pengaduan/ekspor.csv"):
        response = pages.get(url)
        assert response.status_code == 200 and NAME in response.content.decode(), (login, url)
    _row, token = api_token_create(user=demo_org.user(login), name="privacy")
    detail = ApiClient(token).get(f"/complaints/{confidential.tracking}")
    assert detail.status_code == 200 and PHONE_STORED in detail.content.decode()


def test_public_surfaces_never_show_a_reporter(client: Client, confidential: Complaint):
    plain = services.complaint_file(
        channel="web",
        category=confidential.category,
        description="Bangunan tanpa papan PBG di Desa Botok, dekat jembatan",
        kelurahan="Botok",
        reporter_name=NAME,
        reporter_phone=PHONE_TYPED,
    )
    urls = [
        f"/lacak/{confidential.tracking}/",
        f"/lacak/{plain.tracking}/",
        "/open311/v2/requests.xml",
        "/open311/v2/requests.json",
        f"/open311/v2/requests/{confidential.pk}.json",
        f"/open311/v2/requests/{plain.pk}.xml",
        "/open311/v2/services.json",
    ]
    for url in urls:
        response = client.get(url)
        # A confidential complaint is no public request at all.
        expected = 404 if url.startswith(f"/open311/v2/requests/{confidential.pk}.") else 200
        assert response.status_code == expected, url
        assert not _leaks(response.content), (url, _leaks(response.content))
        # Nor the officer who worked on it.
        assert "Sulistyowati" not in response.content.decode(), url


def test_an_anonymous_report_leaves_no_identity_in_the_database(complaint_categories):
    complaint = services.complaint_file(
        channel="web",
        category=complaint_categories["pkl"],
        description="Lapak menutup trotoar depan Pasar Kerjo setiap pagi",
        kelurahan="Kuto",
        anonymous=True,
        reporter_name=NAME,
        reporter_phone=PHONE_TYPED,
        reporter_email=EMAIL,
    )
    from django.db import connection

    # Every text column of every table that could hold it: none does.
    with connection.cursor() as cursor:
        tables = ("complaints_complaint", "cases_case", "cases_task", "cases_event")
        for table in (*tables, "outbox_outboxmessage"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            for row in cursor.fetchall():
                assert not [s for s in SECRETS if s in repr(row)], (table, complaint.pk)


# -- the XLSX exports (every list's "Unduh XLSX") ------------------------------------------------
# A workbook is a zip: its cells are read back with openpyxl and searched like a page.

XLSX_SURFACES = ("/pengaduan/ekspor.xlsx", "/kasus/ekspor.xlsx", "/tugas/ekspor.xlsx")


@pytest.mark.parametrize("login", OTHERS)
def test_no_officer_outside_intake_finds_a_confidential_reporter_in_an_xlsx(
    demo_org: DemoOrg, confidential: Complaint, login: str
):
    from trantib.core.tests.xlsx_support import xlsx_text

    pages = _page_client(demo_org, login)
    for url in XLSX_SURFACES:
        response = pages.get(url)
        assert response.status_code == 200, (login, url, response.status_code)
        text = xlsx_text(response.content)
        assert not _leaks(text.encode()), (login, url, _leaks(text.encode()))
    complaints = xlsx_text(pages.get("/pengaduan/ekspor.xlsx").content)
    if login.endswith(".krj"):  # the row is there, its reporter masked
        assert confidential.tracking in complaints and "Dirahasiakan" in complaints
    else:
        assert confidential.tracking not in complaints


@pytest.mark.parametrize("login", INTAKE)
def test_the_intake_roles_find_the_confidential_reporter_in_the_complaint_xlsx(
    demo_org: DemoOrg, confidential: Complaint, login: str
):
    from trantib.core.tests.xlsx_support import xlsx_text

    text = xlsx_text(_page_client(demo_org, login).get("/pengaduan/ekspor.xlsx").content)
    assert NAME in text and PHONE_STORED in text and EMAIL in text
