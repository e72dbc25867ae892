"""The login page: lockout per account and per client with the wait in words, the access log
administrators read, password validators, and the second factor (TOTP)."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Iterator
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from trantib.accounts.models import AccessEvent, LoginThrottle
from trantib.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

Type = AccessEvent.Type


@contextlib.contextmanager
def later(**delta: float) -> Iterator[None]:
    """The clock moved on by ``delta`` (the only thing these tests mock)."""
    real = timezone.now
    with mock.patch("django.utils.timezone.now", lambda: real() + dt.timedelta(**delta)):
        yield


def log_in(client: Client, username: str, password: str, address: str = "203.0.113.9"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def test_five_wrong_passwords_lock_the_account_and_the_page_says_how_long(demo_org):
    client = Client()
    for _ in range(4):
        response = log_in(client, "staf.krj", "tebakan")
        assert response.status_code == 200
        assert "Nama pengguna atau kata sandi salah" in response.content.decode()
    locked = log_in(client, "staf.krj", "tebakan")
    assert locked.status_code == 429
    assert "coba lagi dalam 15 menit" in locked.content.decode()
    assert locked["Retry-After"] == "900"
    # The right password too, from another client: the account itself is locked.
    right = log_in(Client(), "staf.krj", DEMO_PASSWORD, address="198.51.100.4")
    assert right.status_code == 429 and "15 menit" in right.content.decode()
    with later(minutes=5):
        assert "10 menit" in log_in(client, "staf.krj", DEMO_PASSWORD).content.decode()
    with later(minutes=15, seconds=1):
        response = log_in(client, "staf.krj", DEMO_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"


def test_an_unknown_username_is_locked_just_the_same(demo_org):
    client = Client()
    answers = [log_in(client, "tidak.ada", "tebakan").status_code for _ in range(6)]
    assert answers == [200, 200, 200, 200, 429, 429]


def test_a_client_that_tries_many_accounts_is_locked_whatever_account_it_names(demo_org, settings):
    settings.TRANTIB_LOGIN_CLIENT_FAILURES = 6
    guesser, office = Client(), Client()
    names = ["staf.krj", "kasi.krj", "camat.krj", "staf.cpd", "kasi.cpd", "camat.cpd"]
    answers = [log_in(guesser, name, "tebakan").status_code for name in names]
    assert answers == [200, 200, 200, 200, 200, 429]
    # Even a right password of a fresh account, from the locked address.
    assert log_in(guesser, "anggota1.cpd", DEMO_PASSWORD).status_code == 429
    # Another address is not locked out with it.
    assert log_in(office, "anggota1.cpd", DEMO_PASSWORD, address="198.51.100.4").status_code == 302


def test_behind_the_trusted_proxy_each_citizen_has_their_own_client_count(demo_org, settings):
    settings.TRANTIB_LOGIN_CLIENT_FAILURES = 2
    settings.TRANTIB_TRUSTED_PROXIES = ["10.0.0.1"]

    def via_proxy(username: str, password: str, forwarded: str):
        return Client().post(
            "/login/",
            {"username": username, "password": password},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    assert via_proxy("staf.krj", "x", "198.51.100.1").status_code == 200
    assert via_proxy("kasi.krj", "x", "198.51.100.1").status_code == 429
    assert via_proxy("anggota1.cpd", DEMO_PASSWORD, "198.51.100.2").status_code == 302
    assert LoginThrottle.objects.get(kind="client", subject="198.51.100.1").locked_until


def test_a_complete_login_forgets_the_accounts_failures(demo_org):
    client = Client()
    for _ in range(4):
        log_in(client, "staf.krj", "tebakan")
    assert log_in(client, "staf.krj", DEMO_PASSWORD).status_code == 302
    answers = [log_in(Client(), "staf.krj", "tebakan").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 200]


def test_administrators_read_the_events_and_lift_a_lock(demo_org):
    client = Client()
    for _ in range(5):
        log_in(client, "staf.krj", "tebakan")
    log_in(client, "staf.krj", DEMO_PASSWORD)
    types = list(
        AccessEvent.objects.filter(username="staf.krj")
        .order_by("pk")
        .values_list("type", flat=True)
    )
    assert types == [Type.LOGIN_FAILED] * 5 + [Type.LOGIN_LOCKED, Type.LOGIN_REFUSED]
    failed = AccessEvent.objects.filter(type=Type.LOGIN_FAILED).first()
    assert (failed.door, failed.client) == ("page", "203.0.113.9")

    admin = Client()
    admin.force_login(demo_org.user("admin"))
    page = admin.get("/admin/accounts/accessevent/?q=staf.krj").content.decode()
    assert "staf.krj" in page and "Dikunci" in page
    lock = LoginThrottle.objects.get(kind="account", subject="staf.krj")
    response = admin.post(
        "/admin/accounts/loginthrottle/",
        {"action": "unlock", "_selected_action": [lock.pk]},
    )
    assert response.status_code == 302
    assert log_in(client, "staf.krj", DEMO_PASSWORD).status_code == 302
    unlocked = AccessEvent.objects.get(type=Type.LOGIN_UNLOCKED)
    assert unlocked.data == {"kind": "account", "by": "admin"}


def test_the_admin_has_no_login_form_of_its_own(demo_org):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/"


# -- passwords ---------------------------------------------------------------------------


def test_django_password_validators_refuse_weak_passwords_people_set(demo_org):
    user = demo_org.user("staf.krj")
    for weak in ("12345678901", "password123", "staf.krj2026", "pendek"):
        with pytest.raises(ValidationError):
            validate_password(weak, user)
    client = Client()
    client.force_login(user)
    refused = client.post(
        "/akun/sandi/",
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "1234567890",
            "new_password2": "1234567890",
        },
    )
    assert refused.status_code == 200
    assert "terlalu umum" in refused.content.decode() or "too common" in refused.content.decode()
    accepted = client.post(
        "/akun/sandi/",
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "Tertib-Kota-Tangerang-7",
            "new_password2": "Tertib-Kota-Tangerang-7",
        },
    )
    assert accepted.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Tertib-Kota-Tangerang-7")
    assert AccessEvent.objects.filter(type=Type.PASSWORD_CHANGED, user=user).count() == 1
    # The demo's own password is written as a hash by the loader, not set by a person.
    assert demo_org.user("kasi.krj").check_password(DEMO_PASSWORD)


# -- the second factor --------------------------------------------------------------------


def enrol(client: Client) -> TOTPDevice:
    page = client.get("/akun/dua-langkah/")
    assert page.status_code == 200 and b"data:image/svg+xml" in page.content
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post("/akun/dua-langkah/", {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/akun/"
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_a_user_with_totp_logs_in_with_the_password_and_then_the_code(demo_org):
    user = demo_org.user("kasi.krj")
    setup = Client()
    setup.force_login(user)
    device = enrol(setup)

    client = Client()
    response = log_in(client, "kasi.krj", DEMO_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/login/kode/"
    assert client.get("/").status_code == 302  # the password alone is not a login
    wrong = client.post("/login/kode/", {"code": "000000"}, REMOTE_ADDR="203.0.113.9")
    assert wrong.status_code == 200 and "Kode salah" in wrong.content.decode()
    code = code_for(device, steps_ahead=1)  # the enrolment used this step's code
    # Right after a wrong code the device waits a second (django-otp doubles it each time).
    soon = client.post("/login/kode/", {"code": code}, REMOTE_ADDR="203.0.113.9")
    assert soon.status_code == 429 and "Tunggu 1 detik" in soon.content.decode()
    with later(seconds=2):
        response = client.post("/login/kode/", {"code": code}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    # The same code again, elsewhere: each code works once.
    other = Client()
    log_in(other, "kasi.krj", DEMO_PASSWORD)
    again = other.post("/login/kode/", {"code": code}, REMOTE_ADDR="203.0.113.9")
    assert again.status_code == 200
    events = AccessEvent.objects.filter(user=user).values_list("type", flat=True)
    assert Type.TWO_FACTOR_ENABLED in events and Type.LOGIN_SUCCEEDED in events
    succeeded = AccessEvent.objects.get(user=user, type=Type.LOGIN_SUCCEEDED)
    assert succeeded.data == {"two_factor": True}


def test_wrong_codes_count_against_the_account_and_lock_it(demo_org):
    setup = Client()
    setup.force_login(demo_org.user("kasi.krj"))
    enrol(setup)
    client = Client()
    log_in(client, "kasi.krj", DEMO_PASSWORD)
    answers = []
    for attempt in range(5):
        with later(minutes=attempt):  # past django-otp's own short waits
            answers.append(client.post("/login/kode/", {"code": "000000"}).status_code)
    assert answers == [200, 200, 200, 200, 429]
    # The password alone does not start a new round of guesses.
    assert log_in(Client(), "kasi.krj", DEMO_PASSWORD).status_code == 429


def test_the_code_must_follow_the_password_within_five_minutes(demo_org):
    setup = Client()
    setup.force_login(demo_org.user("kasi.krj"))
    device = enrol(setup)
    client = Client()
    log_in(client, "kasi.krj", DEMO_PASSWORD)
    with later(minutes=6):
        response = client.post("/login/kode/", {"code": code_for(device, steps_ahead=1)})
    assert response.status_code == 302 and response["Location"] == "/login/"


def test_a_unit_that_requires_it_sends_its_heads_to_enrol_before_anything_else(demo_org):
    unit = demo_org.unit("CPD")
    unit.two_factor_required = True
    unit.save(update_fields=["two_factor_required"])
    head, member = Client(), Client()

    response = log_in(head, "camat.cpd", DEMO_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/akun/dua-langkah/"
    assert head.get("/kasus/")["Location"] == "/akun/dua-langkah/"
    enrol(head)
    assert head.get("/kasus/").status_code == 200
    # Not a head of the unit: the password is enough.
    assert log_in(member, "anggota1.cpd", DEMO_PASSWORD)["Location"] == "/"
    # The head cannot switch it off again.
    head.post("/akun/dua-langkah/hapus/")
    assert TOTPDevice.objects.filter(user__username="camat.cpd", confirmed=True).exists()


def test_an_administrator_removes_a_lost_phones_device(demo_org):
    setup = Client()
    setup.force_login(demo_org.user("kasi.krj"))
    device = enrol(setup)
    admin = Client()
    admin.force_login(demo_org.user("admin"))
    response = admin.post(
        "/admin/otp_totp/totpdevice/", {"action": "remove", "_selected_action": [device.pk]}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user__username="kasi.krj").exists()
    assert log_in(Client(), "kasi.krj", DEMO_PASSWORD)["Location"] == "/"
    removed = AccessEvent.objects.get(type=Type.TWO_FACTOR_DISABLED)
    assert removed.data == {"by": "admin"} and removed.door == "admin"
    assert get_user_model().objects.get(username="kasi.krj").is_active
