"""The search page ``/cari/``, its box in the header, and ``GET /api/v1/search``: every
register's hits grouped, within the user's units; an exact number opens its page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from trantib.api.services import api_token_create
from trantib.api.tests.support import ApiClient, pgd_start, pur_start
from trantib.letters.tests.test_confidential import SECRET_HAL, secret  # noqa: F401 (fixture)
from trantib.letters.tests.test_pages import client_for, draft, text
from trantib.web.tests.test_browser import PHONE, log_in, page_width

SEARCH = "/cari/"


def api(demo_org, username: str) -> ApiClient:
    _row, token = api_token_create(user=demo_org.user(username), name="test")
    return ApiClient(token)


# -- the page -----------------------------------------------------------------------------------


def test_the_search_page_asks_a_visitor_to_log_in(client):
    response = client.get(SEARCH, {"q": "CPD"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_an_empty_or_too_short_query_is_explained_not_searched(demo_org):
    client = client_for(demo_org, "anggota1.cpd")
    empty = text(client.get(SEARCH))
    assert "Ketik nomor kasus" in empty and "hasil untuk" not in empty
    short = text(client.get(SEARCH, {"q": " a  "}))
    assert "Ketik paling sedikit 3 huruf atau angka." in short


def test_the_page_groups_the_hits_of_every_register_with_kind_unit_and_link(demo_org):
    case = pur_start(demo_org, "Unjuk rasa paguyuban Cipondoh Indah")
    letter = draft(demo_org, hal="Undangan rapat paguyuban Cipondoh Indah")
    page = text(client_for(demo_org, "camat.cpd").get(SEARCH, {"q": "paguyuban cipondoh"}))
    assert '<h2 id="group-cases" class="group-title">Kasus' in page
    assert '<h2 id="group-letters" class="group-title">Surat' in page
    assert page.index("group-cases") < page.index("group-letters")
    assert f'href="{reverse("cases:detail", args=[case.pk])}"' in page
    assert f'href="{reverse("letters:letter", args=[letter.pk])}"' in page
    assert case.number in page and '<span class="code">CPD</span>' in page
    assert "2 hasil untuk" in page


def test_an_exact_case_number_opens_the_case_straight_away(demo_org):
    case = pur_start(demo_org)
    response = client_for(demo_org, "anggota1.cpd").get(SEARCH, {"q": f" {case.number} "})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])


def test_an_officer_of_another_unit_is_told_nothing_matches(demo_org):
    case = pur_start(demo_org, "Unjuk rasa paguyuban Cipondoh Indah")
    client = client_for(demo_org, "kasi.krw")
    for query in (case.number, "paguyuban cipondoh"):
        response = client.get(SEARCH, {"q": query})
        assert response.status_code == 200 and "Tidak ada yang cocok" in text(response)
        assert reverse("cases:detail", args=[case.pk]) not in text(response)


def test_a_query_with_control_characters_is_searched_without_them(demo_org):
    pur_start(demo_org, "Unjuk rasa paguyuban Cipondoh Indah")
    response = client_for(demo_org, "camat.cpd").get(SEARCH, {"q": "paguyuban\x00 cipondoh"})
    assert response.status_code == 200 and "1 hasil untuk" in text(response)


def test_a_secret_letters_hal_is_neither_matched_nor_shown_on_the_page(
    demo_org,
    secret,  # noqa: F811
):
    client = client_for(demo_org, "danru.cpd")
    assert "Tidak ada yang cocok" in text(client.get(SEARCH, {"q": "pungutan liar"}))
    found = text(client.get(SEARCH, {"q": secret.number}))
    assert secret.number in found and SECRET_HAL not in found
    assert f'href="{reverse("letters:letter", args=[secret.pk])}"' not in found


def test_the_search_page_runs_a_bounded_number_of_queries_however_many_match(
    demo_org, django_assert_max_num_queries
):
    client = client_for(demo_org, "staf.krj")
    for n in range(3):
        pgd_start(demo_org, f"Warung remang-remang nomor {n}")
    client.get(SEARCH, {"q": "remang-remang"})  # sessions, translations: warmed up
    # one to three per provider (cases, letters, complaints, places, violators, patrol areas,
    # operation places, Polmas), the session, the person and the navigation
    with django_assert_max_num_queries(24) as few:
        client.get(SEARCH, {"q": "remang-remang"})
    for n in range(3, 15):
        pgd_start(demo_org, f"Warung remang-remang nomor {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = text(client.get(SEARCH, {"q": "remang-remang"}))
    assert "Hanya 10 yang terbaru ditampilkan" in page


# -- the API ------------------------------------------------------------------------------------


def test_the_api_answers_the_groups_of_hits_the_user_may_see(demo_org):
    case = pur_start(demo_org, "Unjuk rasa paguyuban Cipondoh Indah")
    body = api(demo_org, "anggota1.cpd").get("/search", q="paguyuban cipondoh").json()
    assert body["query"] == "paguyuban cipondoh" and body["total"] == 1
    [group] = body["groups"]
    assert group["name"] == "cases" and group["label"] == "Kasus"
    assert group["hits"] == [
        {
            "kind": "Kasus",
            "title": case.number,
            "subtitle": group["hits"][0]["subtitle"],
            "unit": "CPD",
            "url": reverse("cases:detail", args=[case.pk]),
            "exact": False,
        }
    ]
    outsider = api(demo_org, "kasi.krw").get("/search", q=case.number).json()
    assert outsider == {"query": case.number, "total": 0, "groups": []}


def test_the_api_refuses_a_short_query_names_the_field_and_needs_a_token(demo_org):
    response = api(demo_org, "anggota1.cpd").get("/search", q="ab")
    assert response.status_code == 422
    assert response.json() == {
        "message": "Kata pencarian paling sedikit 3 karakter.",
        "field": "q",
        "kind": "refused",
    }
    assert ApiClient(None).get("/search", q="Cipondoh").status_code == 401


def test_the_api_masks_a_secret_letter_as_the_page_does(demo_org, secret):  # noqa: F811
    client = api(demo_org, "danru.cpd")
    assert client.get("/search", q="pungutan liar").json()["total"] == 0
    body = client.get("/search", q=secret.number).json()
    assert secret.number in str(body) and SECRET_HAL not in str(body)


def test_the_search_operation_is_in_the_openapi_document(demo_org, client):
    doc = client.get("/api/v1/openapi.json").json()
    operation = doc["paths"]["/api/v1/search"]["get"]
    assert operation["operationId"] == "search"
    assert {"200", "401", "422"} <= set(operation["responses"])


# -- in a browser -------------------------------------------------------------------------------


@pytest.mark.browser
def test_an_officer_types_a_case_number_in_the_header_box_on_a_phone_and_lands_on_the_case(
    browser_page: Page, live_server: LiveServer, demo_org, officer: AbstractUser
) -> None:
    page, base = browser_page, live_server.url
    case = pur_start(demo_org, "Unjuk rasa paguyuban Cipondoh Indah")
    page.set_viewport_size(PHONE)
    log_in(page, base, officer)
    box = page.get_by_role("searchbox", name="Cari kasus, surat, pengaduan, tempat")
    expect(box).to_be_visible()
    assert page_width(page) <= PHONE["width"]
    # A word: the results page, grouped.
    box.fill("paguyuban")
    box.press("Enter")
    page.wait_for_url(f"{base}/cari/?q=paguyuban")
    expect(page.get_by_role("heading", level=2, name="Kasus")).to_be_visible()
    expect(page.get_by_role("link", name=case.number)).to_be_visible()
    assert page_width(page) <= PHONE["width"]
    # The whole number: straight to the case.
    box = page.get_by_role("searchbox", name="Cari kasus, surat, pengaduan, tempat")
    box.fill(case.number.lower())
    box.press("Enter")
    page.wait_for_url(f"{base}{reverse('cases:detail', args=[case.pk])}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.subject[:20])
