"""The search box's letters: found by number and hal within the reader's units; a Rahasia
letter is found by its number only, shown as its kind and number, for who does not work on
it."""

from __future__ import annotations

from django.urls import reverse

from trantib.letters.search import letters_search
from trantib.letters.tests.test_confidential import SECRET_HAL, secret  # noqa: F401 (fixture)
from trantib.letters.tests.test_pages import draft, signed


def test_a_letter_is_found_by_its_whole_number_as_the_exact_hit_and_by_part_of_it(demo_org):
    letter = signed(demo_org, hal="Teguran I pedagang bakso Jalan Kemuning")
    kasi = demo_org.user("kasi.cpd")
    [hit] = letters_search(kasi, letter.number, 10)
    assert hit.exact and hit.title == letter.number and hit.unit_code == "CPD"
    assert hit.url == reverse("letters:letter", args=[letter.pk])
    assert "Teguran I pedagang bakso" in hit.subtitle
    part = letter.number.split("/")[1]
    assert letter.number in [h.title for h in letters_search(kasi, f"/{part}/", 10)]


def test_a_letter_is_found_by_its_hal_and_never_by_an_officer_of_another_unit(demo_org):
    letter = draft(demo_org, hal="Undangan rapat penataan parkir liar")
    assert [h.url for h in letters_search(demo_org.user("anggota1.cpd"), "parkir liar", 10)] == [
        reverse("letters:letter", args=[letter.pk])
    ]
    outsider = demo_org.user("kasi.krw")
    assert letters_search(outsider, "parkir liar", 10) == []
    numbered = signed(demo_org, hal="Teguran penutupan reklame")
    assert letters_search(outsider, numbered.number, 10) == []


def test_a_secret_letter_is_found_by_number_only_and_shows_no_hal_to_who_does_not_work_on_it(
    demo_org,
    secret,  # noqa: F811
):
    for other in ("danru.cpd", "anggota1.cpd"):
        user = demo_org.user(other)
        assert letters_search(user, "pungutan liar", 10) == [], other
        [hit] = letters_search(user, secret.number, 10)
        assert hit.title == secret.number and SECRET_HAL not in hit.subtitle
        assert "(rahasia)" in hit.subtitle and "Nota Dinas" in hit.subtitle
        # Not a link to a page that would answer 404, and not opened straight away.
        assert not hit.exact and hit.url.startswith(reverse("letters:register"))
    [hit] = letters_search(demo_org.user("kasi.cpd"), "pungutan liar", 10)
    assert SECRET_HAL in hit.subtitle and hit.url == reverse("letters:letter", args=[secret.pk])


def test_the_letter_search_runs_a_fixed_number_of_queries_however_many_match(
    demo_org, django_assert_max_num_queries
):
    for n in range(12):
        draft(demo_org, hal=f"Teguran lapak buah nomor {n}")
    kasi = demo_org.user("kasi.cpd")
    with django_assert_max_num_queries(4):
        assert len(letters_search(kasi, "lapak buah", 10)) == 10
