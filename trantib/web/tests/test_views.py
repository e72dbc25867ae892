"""Login, logout, the home page and the language choice, through the Django test client."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from trantib.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_the_login_page_has_indonesian_labels(client: Client) -> None:
    html = client.get(reverse("login")).content.decode()
    assert "Nama pengguna" in html
    assert "Kata sandi" in html
    assert '<button type="submit" class="button primary">Masuk</button>' in html


def test_a_wrong_password_shows_a_clear_error_and_logs_nobody_in(
    client: Client, officer: AbstractUser
) -> None:
    response = client.post(reverse("login"), {"username": officer.username, "password": "salah"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logging_in_with_the_right_password_leads_to_the_home_page(
    client: Client, officer: AbstractUser
) -> None:
    response = client.post(
        reverse("login"), {"username": officer.username, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Selamat datang" in response.content.decode()


def test_the_home_page_sends_an_anonymous_visitor_to_the_login_page(client: Client) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_the_home_page_greets_the_person_and_lists_positions_and_units(
    client: Client, supervisor: AbstractUser, django_assert_max_num_queries
) -> None:
    client.force_login(supervisor)
    # session and user, person, positions, units, the task and unread-notice counts, and the
    # positions of the units behind the navigation's registers (one query)
    with django_assert_max_num_queries(9):
        html = client.get(reverse("home")).content.decode()
    person = supervisor.person  # type: ignore[attr-defined]
    assert f"Selamat datang, {person.full_name}" in html
    assert "Camat Cipondoh" in html  # the position, as signed
    assert "Kecamatan Cipondoh" in html  # the unit
    assert reverse("sops:list") in html


def test_the_home_page_of_a_login_without_a_person_greets_the_username(client: Client) -> None:
    user = get_user_model().objects.create_user("tamu", password="rahasia-sekali")
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert "Selamat datang, tamu" in html
    assert "Anda belum memegang jabatan apa pun hari ini" in html


def test_the_admin_link_is_shown_to_staff_only(client: Client, officer: AbstractUser) -> None:
    client.force_login(officer)
    assert reverse("admin:index") not in client.get(reverse("home")).content.decode()
    officer.is_staff = True
    officer.save(update_fields=["is_staff"])
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()


def test_logging_out_takes_a_post_and_ends_the_session(
    client: Client, officer: AbstractUser
) -> None:
    client.force_login(officer)
    assert client.get(reverse("logout")).status_code == 405  # a link cannot log you out
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_pages_are_in_indonesian_even_for_a_browser_asking_for_english(client: Client) -> None:
    response = client.get(reverse("login"), headers={"accept-language": "en-US,en;q=0.9"})
    assert response["Content-Language"] == "id"
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert "Kata sandi" in html
    assert "Password" not in html


def test_choosing_english_switches_the_interface_to_english(client: Client) -> None:
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("login")}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("login")
    assert response["Content-Language"] == "en"
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Password" in html
    assert "Kata sandi" not in html


def test_choosing_indonesian_again_switches_back(client: Client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    response = client.get(reverse("sops:list"))
    assert response["Content-Language"] == "id"
    assert "Pustaka SOP" in response.content.decode()


def test_an_unknown_language_in_the_cookie_falls_back_to_indonesian(client: Client) -> None:
    client.cookies["django_language"] = "fr"
    assert client.get(reverse("login"))["Content-Language"] == "id"
