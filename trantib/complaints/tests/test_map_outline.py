"""Maps without tiles: the units' outlines are drawn, and the page says the base map is missing
instead of showing a grey box."""

from __future__ import annotations

import html as htmllib
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from trantib.accounts.models import outline_validate

pytestmark = pytest.mark.django_db


def staff(demo_org, username: str = "kasi.krj") -> Client:
    client = Client()
    client.force_login(demo_org.user(username))
    return client


def outline_of(page: str, map_id: str) -> dict:
    tag = re.search(rf'<div [^>]*id="{map_id}"[^>]*>', page, re.S)
    assert tag, map_id
    raw = re.search(r'data-outline="([^"]*)"', tag.group(0))
    assert raw and raw.group(1)
    return json.loads(htmllib.unescape(raw.group(1)))


def test_the_demo_units_have_approximate_outlines(demo_org) -> None:
    kerjo = demo_org.unit("KRJ").outline
    assert kerjo["type"] == "Polygon"
    ring = kerjo["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) >= 4
    lons, lats = zip(*ring, strict=True)
    assert min(lons) < 111.0496 < max(lons) and min(lats) < -7.5862 < max(lats)  # the office


def test_the_complaint_map_carries_the_units_outline_and_an_offline_notice(
    demo_org, settings
) -> None:
    settings.TRANTIB_MAP_TILE_URL = "https://tile.example.org/{z}/{x}/{y}.png"
    page = staff(demo_org).get(reverse("complaints:map")).content.decode()
    outline = outline_of(page, "map-cluster")
    assert [f["properties"]["name"] for f in outline["features"]] == ["Kecamatan Kerjo"]
    notice = re.search(r'<p class="map-offline" id="map-cluster-offline"[^>]*>([^<]*)</p>', page)
    assert notice and " hidden" in notice.group(0)  # tiles configured: shown only if they fail
    assert "Peta dasar tidak tersedia; menampilkan batas wilayah unit." in notice.group(1)

    settings.TRANTIB_MAP_TILE_URL = ""  # offline mode
    offline = staff(demo_org).get(reverse("complaints:map")).content.decode()
    notice = re.search(r'<p class="map-offline" id="map-cluster-offline"[^>]*>', offline)
    assert notice and "hidden" not in notice.group(0)
    assert 'data-tiles=""' in offline


def test_the_public_form_draws_every_units_outline(client: Client, demo_org) -> None:
    page = client.get(reverse("complaints:report")).content.decode()
    names = {f["properties"]["name"] for f in outline_of(page, "map-picker")["features"]}
    assert {"Kecamatan Kerjo", "Kecamatan Cipondoh"} <= names


def test_an_outline_that_is_not_a_polygon_is_refused() -> None:
    outline_validate(None)
    outline_validate({"type": "Polygon", "coordinates": [[[1, 2], [1, 3], [2, 3], [1, 2]]]})
    for bad in (
        {"type": "Point", "coordinates": [1, 2]},
        {"type": "Polygon", "coordinates": [[[1, 2], [1, 3]]]},
        {"type": "Polygon", "coordinates": [[[1, 200], [1, 3], [2, 3], [1, 200]]]},
        "not json",
    ):
        with pytest.raises(ValidationError):
            outline_validate(bad)
