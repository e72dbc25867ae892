"""The search box's cases: found by number (exact first) and subject within the reader's
units, never by an officer of another unit."""

from __future__ import annotations

from django.urls import reverse

from trantib.api.tests.support import pgd_start, pur_start
from trantib.cases.search import cases_search


def test_a_case_is_found_by_its_whole_number_in_any_case_as_the_exact_hit(demo_org):
    case = pur_start(demo_org, "Unjuk rasa paguyuban ojek di Situ Cipondoh")
    [hit] = cases_search(demo_org.user("anggota1.cpd"), case.number.lower(), 10)
    assert hit.exact and hit.title == case.number and hit.unit_code == "CPD"
    assert hit.url == reverse("cases:detail", args=[case.pk])
    assert hit.subtitle.startswith("Unjuk rasa paguyuban ojek") and "Berjalan" in hit.subtitle


def test_a_case_is_found_by_part_of_its_number_and_by_its_subject(demo_org):
    case = pur_start(demo_org, "Unjuk rasa paguyuban ojek di Situ Cipondoh")
    officer = demo_org.user("anggota1.cpd")
    assert [h.title for h in cases_search(officer, "paguyuban ojek", 10)] == [case.number]
    hits = cases_search(officer, case.number[:-2], 10)
    assert case.number in [h.title for h in hits] and not any(h.exact for h in hits)


def test_an_officer_of_another_unit_finds_no_case_of_the_unit(demo_org):
    krj = pgd_start(demo_org, "Karaoke Dusun Sidomulyo buka sampai pagi")
    cpd = pur_start(demo_org, "Unjuk rasa paguyuban ojek di Situ Cipondoh")
    outsider = demo_org.user("kasi.krw")
    for query in (krj.number, cpd.number, "Sidomulyo", "paguyuban ojek"):
        assert cases_search(outsider, query, 10) == [], query
    # Each unit's reader finds their own and not the other's.
    assert [h.title for h in cases_search(demo_org.user("staf.krj"), "Sidomulyo", 10)] == [
        krj.number
    ]
    assert cases_search(demo_org.user("anggota1.cpd"), "Sidomulyo", 10) == []


def test_the_case_search_runs_a_fixed_number_of_queries_however_many_match(
    demo_org, django_assert_max_num_queries
):
    for n in range(12):
        pgd_start(demo_org, f"Warung remang-remang nomor {n}")
    staf = demo_org.user("staf.krj")
    with django_assert_max_num_queries(2):
        assert len(cases_search(staf, "remang-remang", 10)) == 10
