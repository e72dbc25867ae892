"""Each case type reads as what it is: a Polmas activity is a "kegiatan", a complaint a
"pengaduan"; start cards of one SOP with several entries read differently."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from trantib.cases import services

pytestmark = pytest.mark.django_db


def client_for(demo_org, username: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(username))
    return client


def card_titles(html: str) -> list[str]:
    return re.findall(r'<a class="start-link"[^>]*>.*?<strong>(.*?)</strong>', html, re.S)


def test_the_polmas_start_page_says_kegiatan_and_its_four_cards_differ(demo_org) -> None:
    html = client_for(demo_org, "banit1.binmas").get(reverse("cases:start")).content.decode()
    assert "<h1>Mulai kegiatan</h1>" in html
    assert "Mulai kasus" not in html
    titles = card_titles(html)
    assert titles == ["Pos Sapta", "Pos Mantap", "Pos Satria", "Pos Khidmat"]
    assert html.count("COMUNITY POLICYNG") == 4  # the SOP's name, as the sub-line of each


def test_the_polmas_form_and_its_result_say_kegiatan(demo_org) -> None:
    client = client_for(demo_org, "banit1.binmas")
    query = {"sop": "POLMAS", "unit": "BINMAS", "entry": "pos_khidmat"}
    html = client.get(reverse("cases:start"), query).content.decode()
    assert "<h1>Pos Khidmat</h1>" in html
    assert ">Mulai kegiatan</button>" in html
    refused = client.post(reverse("cases:start"), {**query, "subject": ""}).content.decode()
    assert "Perihal kegiatan wajib diisi" in refused


def test_a_patrol_programme_and_its_enforcement_entry_read_differently(demo_org) -> None:
    html = client_for(demo_org, "kasat.pptng").get(reverse("cases:start")).content.decode()
    titles = card_titles(html)
    assert "Program patroli bulanan" in titles
    assert "Penegakan Perda terhadap pelanggar" in titles
    assert len(titles) == len(set(titles))


def test_a_case_page_calls_the_case_by_its_sops_word(demo_org) -> None:
    case = services.case_start(
        sop_code="PGD",
        unit=demo_org.unit("KRJ"),
        actor=demo_org.person("staf.krj"),
        subject="Baliho tanpa izin",
        data={"saluran": "Datang ke kantor", "uraian": "Baliho di simpang tiga"},
    )
    html = client_for(demo_org, "staf.krj").get(reverse("cases:detail", args=[case.pk]))
    assert f'Pengaduan <span class="code">{case.number}</span>' in html.content.decode()
    listed = client_for(demo_org, "staf.krj").get(reverse("cases:list"), {"sop": "PGD"})
    assert "1 pengaduan." in listed.content.decode()
