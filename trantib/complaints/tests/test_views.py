"""The complaint pages through the Django test client: the public form, the status page, the
staff list, export, counter form, complaint page, map data and the case-page panel — who sees
a confidential reporter, errors beside their fields, the rate limit, query counts."""

from __future__ import annotations

import csv
import io
import re
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trantib.cases import services as case_services
from trantib.cases.models import Attachment, CaseStatus, Task, TaskStatus
from trantib.complaints import services
from trantib.complaints.models import Category, Complaint
from trantib.complaints.templatetags.complaints import days_left_text
from trantib.core.models import RateWindow
from trantib.core.ratelimit import client_key

pytestmark = pytest.mark.django_db

REPORTER = {
    "reporter_name": "Siti Rahayu Pelapor",
    "reporter_phone": "0812-3456-7890",
    "reporter_email": "siti.pelapor@example.org",
}
PHONE_STORED = "+6281234567890"
SECRETS = (REPORTER["reporter_name"], PHONE_STORED, "81234567890", REPORTER["reporter_email"])
SEE = ("staf.krj", "kasi.krj", "camat.krj")
MASKED = ("danru.krj", "anggota.krj", "sekcam.krj")
# Inside Kerjo's box: the routing rules send it to KRJ.
KRJ_POINT = ("-7.586200", "111.049600")


def png() -> bytes:
    """A real 1×1 PNG (signature, IHDR, IDAT, IEND)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def client_for(demo_org, username: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(username))
    return client


def html_of(response) -> str:
    return response.content.decode()


def report(**overrides) -> dict[str, object]:
    data: dict[str, object] = {
        "description": "Lapak PKL menutup trotoar di depan pasar sejak pagi",
        "latitude": KRJ_POINT[0],
        "longitude": KRJ_POINT[1],
        "address": "Depan Pasar Kerjo",
        "kelurahan": "Kuto",
        **REPORTER,
    }
    data.update(overrides)
    return data


def file_complaint(categories, *, confidential=True, code="pkl", point=KRJ_POINT, **kw):
    args = {
        "channel": "web",
        "category": categories[code],
        "description": "Lapak PKL menutup trotoar di depan pasar sejak pagi",
        "latitude": point[0] if point else None,
        "longitude": point[1] if point else None,
        "kelurahan": "Kuto",
        "confidential": confidential,
        **REPORTER,
    }
    args.update(kw)
    return services.complaint_file(**args)


# -- the public form ------------------------------------------------------------------------


def test_the_public_form_files_a_complaint_routed_to_kerjo_with_its_photo(
    client: Client, complaint_categories: dict[str, Category]
) -> None:
    page = client.get(reverse("complaints:report"))
    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in html_of(page)
    assert complaint_categories["pkl"].name in html_of(page)

    photo = SimpleUploadedFile("trotoar.png", png(), content_type="image/png")
    response = client.post(
        reverse("complaints:report"),
        report(category=complaint_categories["pkl"].pk, photos=[photo]),
        follow=True,
    )
    assert response.redirect_chain == [(reverse("complaints:filed"), 302)]
    complaint = Complaint.objects.get()
    assert complaint.unit.code == "KRJ"
    assert complaint.channel == "web"
    # The rate limit counts the client's address, in a counter no complaint points to.
    counter = RateWindow.objects.get()
    assert (counter.key, counter.count) == (client_key("complaint-client", "127.0.0.1"), 1)
    assert complaint.reporter_phone == PHONE_STORED
    assert complaint.case.status == CaseStatus.OPEN and complaint.case.unit.code == "KRJ"
    photos = Attachment.objects.filter(case=complaint.case)
    assert [(a.name, a.content_type) for a in photos] == [("trotoar.png", "image/png")]
    html = html_of(response)
    assert f'<p class="tracking-big" data-tracking>{complaint.tracking}</p>' in html
    assert reverse("complaints:status", args=[complaint.tracking]) in html
    # A reload shows the number again and files nothing.
    assert complaint.tracking in html_of(client.get(reverse("complaints:filed")))
    assert Complaint.objects.count() == 1


def test_the_thank_you_page_without_a_complaint_sends_the_visitor_to_the_form(
    client: Client,
) -> None:
    response = client.get(reverse("complaints:filed"))
    assert response.status_code == 302 and response["Location"] == reverse("complaints:report")


def test_the_public_form_refuses_a_post_without_the_csrf_token(
    complaint_categories: dict[str, Category],
) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("complaints:report"), report(category=complaint_categories["pkl"].pk)
    )
    assert response.status_code == 403
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"description": ""}, "id_description", "Uraian pengaduan wajib diisi."),
        ({"description": "PKL"}, "id_description", "Uraian pengaduan terlalu pendek"),
        ({"reporter_phone": "12ab"}, "id_reporter_phone", "Nomor telepon “12ab” tidak dapat"),
        ({"reporter_email": "bukan-email"}, "id_reporter_email", "tidak sah"),
        ({"latitude": "-95"}, None, None),
    ],
)
def test_a_wrong_value_comes_back_beside_its_field(
    client: Client, complaint_categories: dict[str, Category], overrides, field, message
) -> None:
    response = client.post(
        reverse("complaints:report"),
        report(category=complaint_categories["pkl"].pk, **overrides),
    )
    assert response.status_code == 422
    html = html_of(response)
    if field is not None:
        error = re.search(rf'<p class="error" id="{field}-error" role="alert">([^<]*)</p>', html)
        assert error is not None, html
        assert message in error.group(1)
    else:
        assert 'class="error" role="alert"' in html
    # What was typed is kept.
    assert "Depan Pasar Kerjo" in html
    assert not Complaint.objects.exists()


def test_a_missing_category_and_description_are_both_named(client: Client, demo_org) -> None:
    response = client.post(reverse("complaints:report"), report(description=""))
    assert response.status_code == 422
    html = html_of(response)
    assert '<p class="error" id="id_category-error" role="alert">Pilih jenis pengaduan.' in html
    assert '<p class="error" id="id_description-error" role="alert">Uraian pengaduan wajib' in html
    assert "Pengaduan belum terkirim" in html


def test_an_anonymous_report_keeps_no_identity_even_when_typed(
    client: Client, complaint_categories: dict[str, Category]
) -> None:
    client.post(
        reverse("complaints:report"),
        report(category=complaint_categories["pkl"].pk, anonymous="on"),
    )
    complaint = Complaint.objects.get()
    assert complaint.anonymous
    assert (complaint.reporter_name, complaint.reporter_phone, complaint.reporter_email) == (
        "",
        "",
        "",
    )


def test_the_public_form_works_without_a_point_on_the_map(
    client: Client, complaint_categories: dict[str, Category]
) -> None:
    response = client.post(
        reverse("complaints:report"),
        report(category=complaint_categories["pkl"].pk, latitude="", longitude=""),
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert not complaint.has_point and complaint.kelurahan == "Kuto"


def test_a_client_over_the_rate_limit_gets_the_form_back_with_429(
    client: Client, complaint_categories: dict[str, Category], settings
) -> None:
    settings.TRANTIB_PUBLIC_RATE_LIMIT = 2
    data = report(category=complaint_categories["pkl"].pk)
    assert client.post(reverse("complaints:report"), data).status_code == 302
    assert client.post(reverse("complaints:report"), data).status_code == 302
    third = client.post(reverse("complaints:report"), data)
    assert third.status_code == 429
    assert "Terlalu banyak pengaduan dari perangkat ini" in html_of(third)
    assert 'name="description"' in html_of(third)  # the form, with what was typed
    assert Complaint.objects.count() == 2


# -- the public status page -----------------------------------------------------------------


def test_the_status_page_shows_the_progress_and_never_the_reporter_or_an_officer(
    client: Client, demo_org, complaint_categories: dict[str, Category]
) -> None:
    complaint = file_complaint(complaint_categories)
    staf = demo_org.person("staf.krj")
    task = Task.objects.get(case=complaint.case, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED])
    case_services.task_complete(task=task, actor=staf)

    response = client.get(reverse("complaints:status", args=[complaint.tracking]))
    assert response.status_code == 200
    body = response.content
    html = body.decode()
    assert complaint.tracking in html
    assert "Sedang ditindaklanjuti" in html
    assert complaint_categories["pkl"].name in html
    assert "Kecamatan Kerjo" in html or complaint.unit.name in html
    assert re.search(r"sisa \d+ hari kerja|jatuh tempo hari ini", html)
    for secret in (*SECRETS, staf.full_name, demo_org.person("kasi.krj").full_name):
        assert secret.encode() not in body, secret


def test_the_tracking_form_finds_a_number_typed_loosely(
    client: Client, complaint_categories: dict[str, Category]
) -> None:
    complaint = file_complaint(complaint_categories)
    loose = complaint.tracking.lower().replace("-", " ")
    response = client.get(reverse("complaints:track"), {"tracking": loose})
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:status", args=[complaint.tracking])


def test_an_unknown_tracking_number_is_a_404_with_the_form(client: Client, demo_org) -> None:
    response = client.get(reverse("complaints:status", args=["ZZZZ-ZZZZ"]))
    assert response.status_code == 404
    html = html_of(response)
    assert 'name="tracking"' in html and "tidak ditemukan" in html
    garbage = client.get(reverse("complaints:track"), {"tracking": "halo"})
    assert garbage.status_code == 422
    assert "bukan nomor pelacakan" in html_of(garbage)


def test_a_duplicate_names_the_original_case_but_not_its_tracking_number(
    client: Client, demo_org, complaint_categories: dict[str, Category]
) -> None:
    original = file_complaint(complaint_categories)
    copy = file_complaint(complaint_categories, description="Ada PKL lagi di trotoar pasar Kerjo")
    services.complaint_mark_duplicate(
        complaint=copy, original=original, actor=demo_org.person("staf.krj")
    )
    html = html_of(client.get(reverse("complaints:status", args=[copy.tracking])))
    assert "digabung dengan pengaduan lain" in html
    assert f"(kasus {original.case.number})" in html
    # The original's tracking number opens its own status page: it is not handed out.
    assert original.tracking not in html


# -- staff: who sees a confidential reporter ------------------------------------------------


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode() if response.streaming else None
    text = text if text is not None else response.content.decode()
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.mark.parametrize("username", SEE)
def test_the_intake_roles_see_a_confidential_reporter_everywhere(
    demo_org, complaint_categories: dict[str, Category], username: str
) -> None:
    complaint = file_complaint(complaint_categories)
    client = client_for(demo_org, username)
    pages = {
        "list": client.get(reverse("complaints:list")),
        "detail": client.get(reverse("complaints:detail", args=[complaint.pk])),
        "case": client.get(reverse("cases:detail", args=[complaint.case_id])),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = html_of(response)
        assert REPORTER["reporter_name"] in html, name
        assert PHONE_STORED in html, name
    assert REPORTER["reporter_email"] in html_of(pages["detail"])
    rows = csv_rows(client.get(reverse("complaints:export")))
    header, row = rows[0], rows[1]
    record = dict(zip(header, row, strict=True))
    assert record["Pelapor"] == REPORTER["reporter_name"]
    assert record["Telepon pelapor"] == PHONE_STORED
    assert record["E-mail pelapor"] == REPORTER["reporter_email"]


@pytest.mark.parametrize("username", MASKED)
def test_other_members_of_the_unit_see_the_complaint_but_not_the_confidential_reporter(
    demo_org, complaint_categories: dict[str, Category], username: str
) -> None:
    complaint = file_complaint(complaint_categories)
    client = client_for(demo_org, username)
    responses = [
        client.get(reverse("complaints:list")),
        client.get(reverse("complaints:detail", args=[complaint.pk])),
        client.get(reverse("cases:detail", args=[complaint.case_id])),
        client.get(reverse("complaints:export")),
    ]
    for response in responses:
        assert response.status_code == 200
        body = response.content
        assert complaint.tracking.encode() in body  # the complaint itself is there
        assert b"Dirahasiakan" in body
        for secret in SECRETS:
            assert secret.encode() not in body, (response.request["PATH_INFO"], secret)


def test_a_reporter_who_did_not_ask_for_secrecy_is_shown_to_the_whole_unit(
    demo_org, complaint_categories: dict[str, Category]
) -> None:
    complaint = file_complaint(complaint_categories, confidential=False)
    html = html_of(client_for(demo_org, "danru.krj").get(reverse("complaints:list")))
    assert REPORTER["reporter_name"] in html and complaint.tracking in html


def test_an_officer_of_another_unit_finds_nothing(
    demo_org, complaint_categories: dict[str, Category], outsider
) -> None:
    complaint = file_complaint(complaint_categories)
    client = Client()
    client.force_login(outsider)
    assert client.get(reverse("complaints:detail", args=[complaint.pk])).status_code == 404
    assert complaint.tracking not in html_of(client.get(reverse("complaints:list")))
    assert len(csv_rows(client.get(reverse("complaints:export")))) == 1  # the header only
    assert client.get(reverse("complaints:map_geojson")).json()["features"] == []
    dup = client.post(reverse("complaints:duplicate", args=[complaint.pk]), {"original": "1"})
    assert dup.status_code == 404


def test_the_staff_pages_need_a_login(client: Client, demo_org) -> None:
    for name in ("complaints:list", "complaints:export", "complaints:new", "complaints:map"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"], name


# -- staff: the list ------------------------------------------------------------------------


def test_the_list_filters_and_counts_working_days(
    demo_org, complaint_categories: dict[str, Category]
) -> None:
    pkl = file_complaint(complaint_categories)
    noise = file_complaint(
        complaint_categories, code="kebisingan", description="Musik keras sampai tengah malam"
    )
    client = client_for(demo_org, "kasi.krj")
    html = html_of(client.get(reverse("complaints:list"), {"category": "kebisingan"}))
    assert noise.tracking in html and pkl.tracking not in html
    html = html_of(client.get(reverse("complaints:list"), {"q": pkl.tracking.lower()}))
    assert pkl.tracking in html and noise.tracking not in html
    html = html_of(client.get(reverse("complaints:list")))
    assert len(re.findall(r"sisa \d+ hari kerja|jatuh tempo hari ini", html)) == 2
    assert noise.case.number in html
    htmx = client.get(reverse("complaints:list"), {"status": "open"}, HTTP_HX_REQUEST="true")
    assert htmx.content.decode().lstrip().startswith('<section id="results"')


def test_the_list_runs_the_same_queries_for_one_complaint_or_a_full_page(
    demo_org, complaint_categories: dict[str, Category]
) -> None:
    client = client_for(demo_org, "staf.krj")
    file_complaint(complaint_categories)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("complaints:list"))
    for i in range(26):
        file_complaint(complaint_categories, description=f"Laporan PKL nomor {i} di trotoar")
    with CaptureQueriesContext(connection) as many:
        html = html_of(client.get(reverse("complaints:list")))
    assert html.count('class="c-tracking"') == 25
    assert "Halaman 1 dari 2" in html
    assert len(many) == len(one) <= 9, [q["sql"] for q in many.captured_queries]


def test_the_export_is_every_page_and_writes_formulas_as_text(
    demo_org, complaint_categories: dict[str, Category]
) -> None:
    for i in range(3):
        file_complaint(complaint_categories, description=f"Laporan PKL nomor {i} di trotoar")
    file_complaint(complaint_categories, description="=HYPERLINK(1) PKL di depan pasar")
    response = client_for(demo_org, "staf.krj").get(reverse("complaints:export"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert len(rows) == 5
    assert any(r[-1] == "'=HYPERLINK(1) PKL di depan pasar" for r in rows[1:])


# -- staff: the counter form ----------------------------------------------------------------


def test_the_staf_records_a_phone_complaint_and_lands_on_its_page(
    demo_org, complaint_categories: dict[str, Category]
) -> None:
    client = client_for(demo_org, "staf.krj")
    assert client.get(reverse("complaints:new")).status_code == 200
    response = client.post(
        reverse("complaints:new"),
        report(category=complaint_categories["bangunan"].pk, channel="phone"),
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:detail", args=[complaint.pk])
    assert complaint.channel == "phone"
    assert complaint.taken_by == demo_org.person("staf.krj")
    assert not RateWindow.objects.exists()  # the counter is not rate-limited
    html = html_of(client.get(response["Location"]))
    assert f"Pengaduan {complaint.tracking} dicatat" in html


def test_the_counter_form_names_a_wrong_field_and_refuses_a_non_intake_officer(
    demo_org, complaint_categories: dict[str, Category]
) -> None:
    client = client_for(demo_org, "kasi.krj")
    response = client.post(
        reverse("complaints:new"),
        report(category=complaint_categories["pkl"].pk, channel="counter", description=""),
    )
    assert response.status_code == 422
    assert 'id="id_description-error"' in html_of(response)
    danru = client_for(demo_org, "danru.krj")
    assert danru.get(reverse("complaints:new")).status_code == 403
    refused = danru.post(
        reverse("complaints:new"), report(category=complaint_categories["pkl"].pk, channel="phone")
    )
    assert refused.status_code == 403
    assert not Complaint.objects.exists()


# -- staff: the complaint page and duplicates -----------------------------------------------


def test_the_complaint_page_shows_the_place_the_photo_and_the_case(
    demo_org, complaint_categories: dict[str, Category]
) -> None:
    complaint = file_complaint(
        complaint_categories, photos=[("lapak.png", io.BytesIO(png()))], address="Jl. Raya"
    )
    html = html_of(
        client_for(demo_org, "staf.krj").get(reverse("complaints:detail", args=[complaint.pk]))
    )
    attachment = Attachment.objects.get(case=complaint.case)
    assert f'<img src="{reverse("cases:attachment", args=[attachment.pk])}"' in html
    assert reverse("cases:detail", args=[complaint.case_id]) in html
    assert 'data-map="point"' in html and f'data-lat="{KRJ_POINT[0]}"' in html
    assert 'data-tiles=""' in html  # no tile server in the tests: a blank map
    assert re.search(r"sisa \d+ hari kerja|jatuh tempo hari ini", html)


def test_a_nearby_complaint_is_offered_and_marked_as_duplicate_from_the_page(
    demo_org, complaint_categories: dict[str, Category]
) -> None:
    original = file_complaint(complaint_categories)
    near = ("-7.586500", "111.049800")  # about 40 m away
    copy = file_complaint(
        complaint_categories, point=near, description="PKL di trotoar pasar Kerjo lagi"
    )
    client = client_for(demo_org, "staf.krj")
    html = html_of(client.get(reverse("complaints:detail", args=[copy.pk])))
    assert f"Tandai sebagai duplikat dari {original.tracking}" in html
    assert re.search(r"\b\d{2} m\b", html)

    response = client.post(
        reverse("complaints:duplicate", args=[copy.pk]), {"original": original.pk}
    )
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.duplicate_of == original
    assert copy.case.status == CaseStatus.CANCELLED
    # Once more: the service refuses, the page says why.
    again = client.post(reverse("complaints:duplicate", args=[copy.pk]), {"original": original.pk})
    assert again.status_code == 409
    assert "sudah ditandai duplikat" in html_of(again)


def test_only_the_intake_roles_mark_duplicates(
    demo_org, complaint_categories: dict[str, Category]
) -> None:
    original = file_complaint(complaint_categories)
    copy = file_complaint(complaint_categories, description="PKL di trotoar pasar Kerjo lagi")
    danru = client_for(demo_org, "danru.krj")
    html = html_of(danru.get(reverse("complaints:detail", args=[copy.pk])))
    assert original.tracking in html and "Tandai sebagai duplikat" not in html
    refused = danru.post(reverse("complaints:duplicate", args=[copy.pk]), {"original": original.pk})
    assert refused.status_code == 403
    assert 'role="alert"' in html_of(refused)
    copy.refresh_from_db()
    assert copy.duplicate_of is None
    bad = client_for(demo_org, "staf.krj").post(
        reverse("complaints:duplicate", args=[copy.pk]), {"original": "x1"}
    )
    assert bad.status_code == 404


# -- staff: the map -------------------------------------------------------------------------


def test_the_map_data_has_the_open_complaints_and_no_reporter(
    demo_org, complaint_categories: dict[str, Category]
) -> None:
    complaint = file_complaint(complaint_categories)
    file_complaint(complaint_categories, point=None, description="PKL tanpa titik di peta ini")
    client = client_for(demo_org, "staf.krj")
    page = client.get(reverse("complaints:map"))
    assert page.status_code == 200
    assert 'data-geojson="/pengaduan/peta.geojson"' in html_of(page)
    response = client.get(reverse("complaints:map_geojson"), {"unit": "KRJ"})
    data = response.json()
    assert data["type"] == "FeatureCollection"
    [feature] = data["features"]
    assert feature["geometry"]["coordinates"] == [111.0496, -7.5862]
    assert set(feature["properties"]) == {"id", "tracking", "category", "status", "number", "url"}
    assert feature["properties"]["url"] == reverse("complaints:detail", args=[complaint.pk])
    for secret in SECRETS:
        assert secret.encode() not in response.content
    assert client.get(reverse("complaints:map_geojson"), {"unit": "CPD"}).json()["features"] == []


@pytest.mark.parametrize("bad", ["\x00", "KRJ\x00", "\x01", "\x7f"])
def test_a_filter_with_a_control_character_is_ignored_never_a_500(
    demo_org, complaint_categories: dict[str, Category], bad: str
) -> None:
    # PostgreSQL refuses a NUL in any query: the value must not get that far.
    file_complaint(complaint_categories)
    client = client_for(demo_org, "staf.krj")
    client.raise_request_exception = True
    features = client.get(reverse("complaints:map_geojson"), {"unit": bad}).json()["features"]
    assert len(features) == 1  # the filter is dropped: all of the officer's complaints
    assert client.get(reverse("complaints:map"), {"unit": bad}).status_code == 200
    for name in ("unit", "q", "status", "category"):
        page = client.get(reverse("complaints:list"), {name: bad})
        assert page.status_code == 200 and len(page.context["rows"]) == 1
        export = client.get(reverse("complaints:export"), {name: bad})
        assert export.status_code == 200 and len(csv_rows(export)) == 2


# -- the case page and the working-days text ------------------------------------------------


def test_the_case_page_links_to_its_complaint(
    demo_org, complaint_categories: dict[str, Category]
) -> None:
    complaint = file_complaint(complaint_categories)
    html = html_of(
        client_for(demo_org, "kasi.krj").get(reverse("cases:detail", args=[complaint.case_id]))
    )
    assert f"Pengaduan {complaint.tracking}" in html
    assert reverse("complaints:detail", args=[complaint.pk]) in html
    assert re.search(r"sisa \d+ hari kerja|jatuh tempo hari ini", html)


def test_the_nav_links_to_the_complaints_for_staff_only(client: Client, demo_org) -> None:
    assert 'href="/pengaduan/"' not in html_of(client.get(reverse("complaints:report")))
    staf = client_for(demo_org, "staf.krj")
    assert 'href="/pengaduan/"' in html_of(staf.get(reverse("home")))


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (3, "sisa 3 hari kerja"),
        (1, "sisa 1 hari kerja"),
        (0, "jatuh tempo hari ini"),
        (-2, "terlambat 2 hari kerja"),
        (None, ""),
    ],
)
def test_working_days_read_as_a_sentence(days, text) -> None:
    assert days_left_text(days) == text
