"""Words people expect: a 404 that speaks of the area it is in, no jargon on the home page,
dates written the Indonesian way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from trantib.core.dates import date_id

pytestmark = pytest.mark.django_db


def test_a_missing_case_says_so_and_not_that_an_sop_is_missing(demo_org) -> None:
    client = Client()
    client.force_login(demo_org.user("staf.krj"))
    html = client.get("/kasus/999999/").content.decode()
    assert "Kasus atau tugas ini tidak ada" in html
    main = html.split("<main", 1)[-1].split("</main>", 1)[0]
    assert "SOP" not in main
    sop = client.get("/sop/NOSUCH/").content.decode()
    assert "SOP atau versi ini tidak ada di pustaka" in sop


def test_the_home_page_has_no_bpmn_jargon(demo_org) -> None:
    client = Client()
    client.force_login(demo_org.user("staf.krj"))
    assert "BPMN" not in client.get("/").content.decode()


def test_dates_are_written_the_indonesian_way() -> None:
    assert date_id(dt.date(2026, 12, 3)) == "3 Desember 2026"
    assert date_id(dt.datetime(2026, 1, 31, 9, 54)) == "31 Januari 2026"
