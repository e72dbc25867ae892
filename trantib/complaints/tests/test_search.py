"""The search box's complaints and places: found by tracking number, case number, kelurahan
and content within the reader's units; a confidential complaint's content is matched only
for who may see its reporter."""

from __future__ import annotations

import pytest

from trantib.complaints.models import Category
from trantib.complaints.search import complaints_search, places_search
from trantib.complaints.services import complaint_file

SECRET_WORDS = "rentenir Pak Harjono menagih dengan ancaman"


@pytest.fixture
def complaints(demo_org, complaint_categories: dict[str, Category]):
    """Two complaints in Cipondoh: an open one and a confidential one."""
    plain = complaint_file(
        channel="web",
        category=complaint_categories["cpd-pkl"],
        description="Gerobak bakso menutup trotoar Jalan Gatot Subroto",
        kelurahan="Poris Plawad Indah",
        address="Jl. Gatot Subroto No. 12",
        reporter_name="Ani",
    )
    secret = complaint_file(
        channel="web",
        category=complaint_categories["cpd-pkl"],
        description=SECRET_WORDS,
        kelurahan="Ketapang Cipondoh",
        address="Gang Mawar 3, rumah Pak Harjono",
        reporter_name="Siti Pelapor",
        confidential=True,
    )
    return plain, secret


def titles(hits) -> list[str]:
    return [h.title for h in hits]


def test_a_complaint_is_found_by_its_tracking_number_in_any_spelling_as_the_exact_hit(
    demo_org, complaints
):
    plain, _secret = complaints
    spelled = plain.tracking.replace("-", " ").lower()
    [hit] = complaints_search(demo_org.user("anggota1.cpd"), spelled, 10)
    assert hit.title == plain.tracking and hit.exact and hit.unit_code == "CPD"
    assert hit.url == f"/pengaduan/{plain.pk}/"


def test_a_complaint_is_found_by_its_content_and_kelurahan_and_its_case_number_opens_the_case(
    demo_org, complaints, client
):
    plain, _secret = complaints
    officer = demo_org.user("anggota1.cpd")
    assert titles(complaints_search(officer, "gatot subroto", 10)) == [plain.tracking]
    assert titles(complaints_search(officer, "Poris Plawad Indah", 10)) == [plain.tracking]
    # The case number finds the case, not the complaint beside it: the only hit, opened at once.
    assert complaints_search(officer, plain.case.number, 10) == []
    client.force_login(officer)
    response = client.get("/cari/", {"q": plain.case.number})
    assert response.status_code == 302 and response["Location"] == f"/kasus/{plain.case_id}/"


def test_an_officer_of_another_unit_finds_no_complaint_of_cipondoh(demo_org, complaints):
    plain, secret = complaints
    outsider = demo_org.user("kasi.krw")
    for query in (plain.tracking, "gatot subroto", "Poris Plawad", secret.tracking, "rentenir"):
        assert complaints_search(outsider, query, 10) == [], query
        assert places_search(outsider, query, 10) == [], query


def test_a_confidential_complaints_content_is_matched_only_for_who_may_see_its_reporter(
    demo_org, complaints
):
    _plain, secret = complaints
    # The Kasi Trantib takes complaints in (an intake role): he may read the reporter.
    kasi = demo_org.user("kasi.cpd")
    [hit] = complaints_search(kasi, "rentenir", 10)
    assert hit.title == secret.tracking and "rentenir" in hit.subtitle
    assert [h.title for h in places_search(kasi, "Gang Mawar", 10)] == [secret.address]
    # An Anggota of the same unit may not: the content finds nothing, not even the address.
    officer = demo_org.user("anggota1.cpd")
    for query in ("rentenir", "Harjono", "Gang Mawar"):
        assert complaints_search(officer, query, 10) == [], query
        assert places_search(officer, query, 10) == [], query
    # By its tracking number he finds it, without a word of its content.
    [hit] = complaints_search(officer, secret.tracking, 10)
    assert hit.exact and "rentenir" not in hit.subtitle and "Harjono" not in hit.subtitle
    # The reporter's name is never searched, whoever asks.
    assert complaints_search(kasi, "Siti Pelapor", 10) == []


def test_places_are_the_units_and_the_kelurahan_of_the_readers_complaints(demo_org, complaints):
    officer = demo_org.user("anggota1.cpd")
    [unit] = places_search(officer, "cipondoh", 10)[:1]
    assert unit.title == "Kecamatan Cipondoh" and unit.url == "/kasus/?q=CPD%2F"
    [desa] = places_search(officer, "Poris Plawad Indah", 10)
    assert desa.kind == "Kelurahan/desa" and desa.subtitle == "1 pengaduan"
    assert desa.url == "/pengaduan/?q=Poris+Plawad+Indah"
    # Kecamatan Karawaci is not one of his units.
    assert places_search(officer, "Karawaci", 10) == []


def test_the_complaint_search_runs_a_fixed_number_of_queries_however_many_match(
    demo_org, complaint_categories, django_assert_max_num_queries
):
    for n in range(12):
        complaint_file(
            channel="web",
            category=complaint_categories["cpd-pkl"],
            description=f"Lapak sayur nomor {n} di trotoar",
            kelurahan="Cipondoh Makmur",
        )
    officer = demo_org.user("anggota1.cpd")
    with django_assert_max_num_queries(3):
        assert len(complaints_search(officer, "lapak sayur", 10)) == 10
    with django_assert_max_num_queries(5):
        assert places_search(officer, "Cipondoh Makmur", 10)[0].subtitle == "12 pengaduan"
