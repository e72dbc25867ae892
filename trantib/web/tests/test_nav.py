"""The navigation offers the registers a person's units work with, and no others."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from trantib.conftest import DemoOrg

LINKS = {
    "board": reverse("enforcement:board"),
    "violators": reverse("enforcement:violators"),
    "patrols": reverse("patrols:list"),
    "operations": reverse("operations:list"),
    "community": reverse("community:programme"),
}


def _nav_links(client: Client, demo_org: DemoOrg, login: str) -> set[str]:
    client.force_login(demo_org.user(login))
    html = client.get(reverse("home")).content.decode()
    nav = html.split("<nav", 1)[1].split("</nav>", 1)[0]
    return {name for name, url in LINKS.items() if f'href="{url}"' in nav}


@pytest.mark.parametrize(
    ("login", "shown"),
    [
        # Satpol PP runs patrols, the ladder ("Penegakan" opens its board) and operations (OPP).
        ("petugas1.pptng", {"board", "patrols", "operations"}),
        # A kecamatan runs operations (PPL, PUR): their results are violators, no ladder.
        ("staf.cpd", {"violators", "operations"}),
        # Satbinmas runs the Polmas programme only.
        ("banit1.binmas", {"community"}),
        # The Sekda supervises the kecamatan and the Satpol PP of the city.
        ("sekda.tng", {"board", "patrols", "operations"}),
    ],
)
def test_the_navigation_offers_the_registers_of_the_persons_units(
    client: Client, demo_org: DemoOrg, login: str, shown: set[str]
) -> None:
    assert _nav_links(client, demo_org, login) == shown


def test_an_administrator_is_offered_every_register(client: Client, demo_org: DemoOrg) -> None:
    assert _nav_links(client, demo_org, "admin") == {"board", "patrols", "operations", "community"}
