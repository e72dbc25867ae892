"""The review of the operation file (issue 12): an uploaded "photo" must be an image and is never
served as a page; only the people of the case's SOP (or the unit's heads) change a file; a bad
number, row count or id is a 422 naming its field, never a 500; a photo stays with its row; the
file's page reads its incident log in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trantib.core.errors import Invalid, NotAllowed
from trantib.operations import services
from trantib.operations.models import Operation, SeizedItem
from trantib.sops.selectors import role_positions_forget

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
HTML = b"<html><script>alert(document.cookie)</script></html>"


def _seize(operation: Operation, desk, photos=None, rows=None):
    return services.items_seize(
        operation=operation,
        actor=desk.who("danru.cpd"),
        storage="Gudang Kecamatan",
        perda="",
        items=rows or [{"description": "spanduk", "quantity": 2, "measure": "lembar"}],
        photos=photos,
    )


# --- 1. a seized item's photo is an image, served as one -------------------------------------


def test_a_seized_items_photo_that_is_no_image_is_refused_naming_its_field(desk, operation):
    upload = SimpleUploadedFile("bukti.html", HTML, content_type="image/jpeg")
    with pytest.raises(Invalid) as refused:
        _seize(operation, desk, photos={0: upload})
    assert refused.value.field == "items-0-photo"
    assert "JPEG" in refused.value.message
    assert not SeizedItem.objects.exists()


def test_a_seized_items_png_photo_is_kept(desk, operation):
    rows, _letter = _seize(operation, desk, photos={0: SimpleUploadedFile("a.png", PNG)})
    assert rows[0].photo.read() == PNG


def test_the_seizure_page_refuses_an_html_photo_beside_its_form(client, demo_org, operation):
    client.force_login(demo_org.user("danru.cpd"))
    page = client.post(
        reverse("operations:seize", args=[operation.pk]),
        {
            "rows": "3",
            "items-0-description": "spanduk",
            "items-0-quantity": "2",
            "items-0-measure": "lembar",
            "items-0-photo": SimpleUploadedFile("bukti.html", HTML, content_type="text/html"),
            "storage": "Gudang",
        },
    )
    assert page.status_code == 422
    assert "JPEG" in page.content.decode()
    assert not SeizedItem.objects.exists()


def test_a_stored_file_that_is_no_image_is_served_as_an_attachment_never_as_a_page(
    client, demo_org, desk, operation
):
    rows, _letter = _seize(operation, desk)
    item = rows[0]
    item.photo.save("bukti.html", ContentFile(HTML))  # as the unchecked form once kept it
    client.force_login(demo_org.user("kasi.cpd"))
    served = client.get(reverse("operations:item_photo", args=[item.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment")
    assert served["X-Content-Type-Options"] == "nosniff"


def test_a_stored_photo_is_served_inline_with_its_image_type(client, demo_org, desk, operation):
    rows, _letter = _seize(operation, desk, photos={0: SimpleUploadedFile("x.html", JPEG)})
    client.force_login(demo_org.user("kasi.cpd"))
    served = client.get(reverse("operations:item_photo", args=[rows[0].pk]))
    assert served["Content-Type"] == "image/jpeg"
    assert served["Content-Disposition"].startswith("inline")
    assert b"".join(served.streaming_content) == JPEG


# --- 2. only the SOP's people (or the unit's heads) change a file -----------------------------


def test_a_staf_pelayanan_of_the_unit_reads_the_file_but_cannot_change_it(desk, operation):
    staf = desk.who("staf.cpd")
    assert not services.may_edit(staf, operation)
    with pytest.raises(NotAllowed):
        services.incident_add(
            operation=operation, actor=staf, at=desk.now, text="Tiba di lokasi", now=desk.now
        )
    with pytest.raises(NotAllowed):
        _seize_as(operation, staf)
    assert not operation.incidents.exists()


def _seize_as(operation, actor):
    return services.items_seize(
        operation=operation,
        actor=actor,
        storage="Gudang",
        perda="",
        items=[{"description": "spanduk", "quantity": 1, "measure": "lembar"}],
    )


@pytest.mark.parametrize("login", ["danru.cpd", "anggota1.cpd", "kasi.cpd", "camat.cpd"])
def test_the_people_of_the_sop_and_the_units_head_change_the_file(desk, operation, login):
    who = desk.who(login)
    assert services.may_edit(who, operation)
    services.place_add(operation=operation, actor=who, name=f"Tempat {login}", now=desk.now)
    assert operation.places.filter(name=f"Tempat {login}").exists()


def test_the_staf_sees_no_edit_forms_and_a_post_is_refused(client, demo_org, operation):
    client.force_login(demo_org.user("staf.cpd"))
    page = client.get(reverse("operations:file", args=[operation.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Kronologi kejadian" in html  # the file is read
    assert reverse("operations:change", args=[operation.pk, "incident"]) not in html
    assert reverse("operations:seize", args=[operation.pk]) not in html
    posted = client.post(
        reverse("operations:change", args=[operation.pk, "incident"]),
        {"at": "3 Agustus 2026 08.00", "text": "Tiba di lokasi"},
    )
    assert posted.status_code == 403
    assert not operation.incidents.exists()
    seized = client.post(
        reverse("operations:seize", args=[operation.pk]),
        {"items-0-description": "x", "items-0-quantity": "1", "items-0-measure": "buah"},
    )
    assert seized.status_code == 403


def test_the_danru_sees_the_edit_forms(client, demo_org, operation):
    client.force_login(demo_org.user("danru.cpd"))
    html = client.get(reverse("operations:file", args=[operation.pk])).content.decode()
    assert reverse("operations:change", args=[operation.pk, "incident"]) in html
    assert reverse("operations:seize", args=[operation.pk]) in html


# --- 3. bad input is a 422 naming its field ---------------------------------------------------


@pytest.mark.parametrize("rows", ["abc", "1000000000", "-1", "²"])
def test_a_bad_row_count_of_the_seizure_form_is_refused(client, demo_org, operation, rows):
    client.force_login(demo_org.user("danru.cpd"))
    page = client.post(
        reverse("operations:seize", args=[operation.pk]),
        {"rows": rows, "items-0-description": "x", "items-0-quantity": "1", "storage": "G"},
    )
    assert page.status_code == 422
    assert not SeizedItem.objects.exists()


@pytest.mark.parametrize("quantity", ["9" * 25, "²", "１"])
def test_a_huge_or_odd_quantity_is_refused_naming_its_field(client, demo_org, operation, quantity):
    client.force_login(demo_org.user("danru.cpd"))
    page = client.post(
        reverse("operations:seize", args=[operation.pk]),
        {
            "rows": "3",
            "items-0-description": "x",
            "items-0-quantity": quantity,
            "items-0-measure": "buah",
            "storage": "Gudang",
        },
    )
    assert page.status_code == 422
    assert page.context["error_field"] == "items-0-quantity"


def test_the_service_refuses_a_quantity_beyond_its_column(desk, operation):
    with pytest.raises(Invalid) as refused:
        _seize(operation, desk, rows=[{"description": "x", "quantity": 10**20, "measure": "b"}])
    assert refused.value.field == "items-0-quantity"


def test_a_huge_partner_personnel_count_is_refused(client, demo_org, desk, operation):
    client.force_login(demo_org.user("danru.cpd"))
    page = client.post(
        reverse("operations:change", args=[operation.pk, "partner"]),
        {"agency": "Polsek Cipondoh", "personnel": "9" * 25},
    )
    assert page.status_code == 422
    assert page.context["error_field"] == "personnel"
    with pytest.raises(Invalid) as refused:
        services.partner_add(
            operation=operation, actor=desk.who("danru.cpd"), agency="Polsek", personnel=10**12
        )
    assert refused.value.field == "personnel"


@pytest.mark.parametrize("item", ["9" * 25, "²"])
def test_a_huge_or_odd_item_id_at_the_end_of_custody_is_refused(
    client, demo_org, desk, operation, item
):
    _seize(operation, desk)
    client.force_login(demo_org.user("danru.cpd"))
    page = client.post(
        reverse("operations:items_end", args=[operation.pk]),
        {"items": item, "on": "3 Agustus 2026", "end": "return", "returned_to": "Pemilik"},
    )
    assert page.status_code == 422
    assert page.context["error_field"] == "items"


@pytest.mark.parametrize(
    ("form", "data", "field"),
    [
        ("place", {"name": "Jl. Bouraq\x00"}, "name"),
        ("partner", {"agency": "Polsek\x00"}, "agency"),
        ("incident", {"at": "3 Agustus 2026 08.00", "text": "Tiba\x00"}, "text"),
        ("team", {"name": "Regu\x00", "members": ["x\x00"]}, "members"),
        ("basis", {"commander": "1\x00"}, "commander"),
    ],
)
def test_a_nul_byte_in_a_text_field_is_refused_naming_its_field(
    client, demo_org, operation, form, data, field
):
    client.force_login(demo_org.user("danru.cpd"))
    page = client.post(reverse("operations:change", args=[operation.pk, form]), data)
    assert page.status_code == 422
    assert page.context["error_field"] == field


def test_a_nul_byte_in_the_seizure_form_and_the_list_search_is_no_500(client, demo_org, operation):
    client.force_login(demo_org.user("danru.cpd"))
    page = client.post(
        reverse("operations:seize", args=[operation.pk]),
        {
            "rows": "1",
            "items-0-description": "spanduk\x00",
            "items-0-quantity": "1",
            "items-0-measure": "lembar",
            "storage": "Gudang",
        },
    )
    assert page.status_code == 422
    assert page.context["error_field"] == "items-0-description"
    assert client.get(reverse("operations:list"), {"q": "a\x00b"}).status_code == 200


def test_a_photo_stays_with_its_row_when_an_earlier_row_is_blank(client, demo_org, operation):
    client.force_login(demo_org.user("danru.cpd"))
    page = client.post(
        reverse("operations:seize", args=[operation.pk]),
        {
            "rows": "3",
            "items-0-description": "",
            "items-0-quantity": "",
            "items-0-photo": SimpleUploadedFile("a.png", PNG),
            "items-1-description": "gerobak",
            "items-1-quantity": "1",
            "items-1-measure": "unit",
            "items-1-photo": SimpleUploadedFile("b.jpg", JPEG),
            "storage": "Gudang",
        },
    )
    assert page.status_code == 302, page.content.decode()[:400]
    item = SeizedItem.objects.get()
    assert item.description == "gerobak"
    assert item.photo.read() == JPEG


def test_a_bad_field_of_a_later_row_is_named_by_its_form_row(client, demo_org, operation):
    client.force_login(demo_org.user("danru.cpd"))
    page = client.post(
        reverse("operations:seize", args=[operation.pk]),
        {
            "rows": "3",
            "items-1-description": "gerobak",
            "items-1-quantity": "1",
            "items-1-measure": "",
            "storage": "Gudang",
        },
    )
    assert page.status_code == 422
    assert page.context["error_field"] == "items-1-measure"


# --- 4. the file's page reads its incident log in a fixed number of queries -------------------


def _page_queries(client, operation) -> int:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("operations:file", args=[operation.pk]))
    assert page.status_code == 200
    return len(queries)


def test_the_file_page_does_not_query_per_incident(client, demo_org, desk, operation):
    danru = desk.who("danru.cpd")
    client.force_login(demo_org.user("danru.cpd"))

    def log(n: int) -> None:
        for k in range(n):
            at = desk.now - dt.timedelta(minutes=60 - k)
            first = services.incident_add(
                operation=operation, actor=danru, at=at, text=f"Kejadian {k}", now=desk.now
            )
            services.incident_add(
                operation=operation,
                actor=danru,
                at=at,
                text=f"Koreksi {k}",
                corrects=first,
                now=desk.now,
            )

    # Both counts start without the per-process memory of units that adopted no SOP (10 s):
    # otherwise a slow run (more than 10 s between the two pages) counts one read more.
    log(1)
    role_positions_forget()
    few = _page_queries(client, operation)
    log(8)
    role_positions_forget()
    many = _page_queries(client, operation)
    assert many == few, f"{few} queries with 2 incidents, {many} with 18"


def test_the_staf_is_not_offered_to_open_a_file_and_cannot_open_one(client, demo_org, ppl_case):
    url = reverse("operations:for_case", args=[ppl_case.pk])
    client.force_login(demo_org.user("staf.cpd"))
    page = client.get(url)
    assert page.status_code == 200 and "<button" not in page.content.decode().split("<main")[-1]
    assert client.post(url).status_code == 403
    assert not Operation.objects.exists()
    client.force_login(demo_org.user("danru.cpd"))
    assert "<button" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert Operation.objects.filter(case=ppl_case).exists()
