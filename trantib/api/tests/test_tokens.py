"""``POST /api/v1/auth/token`` under the login throttle (429 with the wait, declared in the
OpenAPI document), tokens that expire, the owner's list, revocation by the owner and by an
administrator, and the second factor on the API."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from trantib.accounts.models import AccessDoor, AccessEvent
from trantib.accounts.tests.test_logins import code_for, later, log_in
from trantib.api.models import ApiToken
from trantib.api.services import api_token_create
from trantib.demo import DEMO_PASSWORD

from .support import ApiClient

pytestmark = pytest.mark.django_db


def token_for(username: str, password: str, **extra):
    return ApiClient(None).post(
        "/auth/token", {"username": username, "password": password, **extra}
    )


def test_the_token_endpoint_locks_after_five_failures_and_names_the_wait(demo_org):
    answers = [token_for("kasi.krj", f"tebakan{n}").status_code for n in range(4)]
    assert answers == [401, 401, 401, 401]
    locked = token_for("kasi.krj", "tebakan5")
    assert locked.status_code == 429
    assert locked.json() == {
        "message": "Terlalu banyak percobaan masuk yang gagal untuk akun ini atau dari "
        "perangkat ini. Demi keamanan, coba lagi dalam 15 menit.",
        "field": "username",
        "kind": "throttled",
    }
    assert locked["Retry-After"] == "900"
    # The right password is refused too while the lock holds, and works after it.
    assert token_for("kasi.krj", DEMO_PASSWORD).status_code == 429
    with later(minutes=15, seconds=1):
        assert token_for("kasi.krj", DEMO_PASSWORD).status_code == 201
    assert ApiToken.objects.filter(user__username="kasi.krj").count() == 1


def test_the_page_and_the_api_count_the_same_failures(demo_org):
    page = Client()
    for _ in range(3):
        log_in(page, "kasi.krj", "tebakan", address="127.0.0.1")
    assert token_for("kasi.krj", "tebakan").status_code == 401
    assert token_for("kasi.krj", "tebakan").status_code == 429
    assert log_in(page, "kasi.krj", DEMO_PASSWORD).status_code == 429
    doors = set(AccessEvent.objects.values_list("door", flat=True))
    assert doors == {"page", "api"}


def test_the_openapi_document_declares_the_429_and_the_token_operations():
    doc = Client().get("/api/v1/openapi.json").json()
    token = doc["paths"]["/api/v1/auth/token"]["post"]
    assert {"201", "401", "403", "422", "429"} <= set(token["responses"])
    assert token["responses"]["429"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }
    assert set(doc["paths"]["/api/v1/auth/tokens"]) == {"get"}
    assert set(doc["paths"]["/api/v1/auth/tokens/{id}"]) == {"delete"}


# -- expiry -------------------------------------------------------------------------------


def test_a_token_works_until_its_expiry_and_not_after(demo_org):
    response = token_for("staf.krj", DEMO_PASSWORD, days=2, name="integrasi")
    assert response.status_code == 201
    body = response.json()
    row = ApiToken.objects.get(user__username="staf.krj")
    assert row.expires_at - row.created_at == dt.timedelta(days=2)
    sent = dt.datetime.fromisoformat(body["expires_at"])
    assert abs(sent - row.expires_at) < dt.timedelta(milliseconds=1)
    client = ApiClient(body["token"])
    assert client.get("/tasks/mine").status_code == 200
    with later(days=1, hours=23):
        assert client.get("/tasks/mine").status_code == 200
    with later(days=2, seconds=1):
        expired = client.get("/tasks/mine")
    assert expired.status_code == 401
    assert expired.json()["message"] == "Token API tidak ada atau tidak berlaku."


def test_a_token_lives_thirty_days_by_default_and_at_most_the_servers_maximum(demo_org, settings):
    settings.TRANTIB_API_TOKEN_MAX_DAYS = 90
    assert token_for("staf.krj", DEMO_PASSWORD).status_code == 201
    row = ApiToken.objects.get(user__username="staf.krj")
    assert row.expires_at - row.created_at == dt.timedelta(days=30)
    refused = token_for("staf.krj", DEMO_PASSWORD, days=91)
    assert refused.status_code == 422
    assert refused.json() == {
        "message": "Masa berlaku token 1 sampai 90 hari.",
        "field": "days",
        "kind": "refused",
    }
    assert token_for("staf.krj", DEMO_PASSWORD, days=0).status_code == 422


# -- the owner's list and revocation ------------------------------------------------------


def test_the_owner_lists_their_working_tokens_and_revokes_one(demo_org):
    user = demo_org.user("staf.krj")
    first, first_token = api_token_create(user=user, name="ponsel")
    second, second_token = api_token_create(user=user, name="laptop")
    api_token_create(user=user, name="lama", days=1)
    api_token_create(user=demo_org.user("kasi.krj"), name="orang lain")
    client = ApiClient(first_token)
    with later(days=1, seconds=1):  # "lama" has expired
        listed = client.get("/auth/tokens").json()
    assert [(t["name"], t["current"]) for t in listed] == [("laptop", False), ("ponsel", True)]

    assert (
        client.client.delete(f"/api/v1/auth/tokens/{second.pk}", headers=client.headers).status_code
        == 200
    )
    assert ApiClient(second_token).get("/tasks/mine").status_code == 401
    # Revoking one's own current token logs the client out of the API.
    assert (
        client.client.delete(f"/api/v1/auth/tokens/{first.pk}", headers=client.headers).status_code
        == 200
    )
    assert client.get("/tasks/mine").status_code == 401
    second.refresh_from_db()
    assert second.revoked_by == user and second.revoked_at is not None
    revoked = AccessEvent.objects.filter(type=AccessEvent.Type.TOKEN_REVOKED, user=user)
    assert revoked.count() == 2 and revoked.first().door == "api"


def test_nobody_else_may_revoke_a_token_but_an_administrator(demo_org, api_as):
    row, token = api_token_create(user=demo_org.user("staf.krj"), name="ponsel")
    other = api_as("kasi.krj")
    response = other.client.delete(f"/api/v1/auth/tokens/{row.pk}", headers=other.headers)
    assert response.status_code == 404
    assert ApiClient(token).get("/tasks/mine").status_code == 200
    admin = api_as("admin")
    response = admin.client.delete(f"/api/v1/auth/tokens/{row.pk}", headers=admin.headers)
    assert response.status_code == 200 and response.json()["id"] == row.pk
    assert ApiClient(token).get("/tasks/mine").status_code == 401


def test_the_owner_revokes_on_the_account_page_and_an_administrator_in_the_admin(demo_org):
    user = demo_org.user("staf.krj")
    mine, mine_token = api_token_create(user=user, name="ponsel")
    theirs, theirs_token = api_token_create(user=demo_org.user("kasi.krj"), name="laptop")
    page = Client()
    page.force_login(user)
    listed = page.get("/akun/").content.decode()
    assert "ponsel" in listed and "laptop" not in listed
    assert page.post(f"/akun/token/{theirs.pk}/cabut/").status_code == 404
    assert page.post(f"/akun/token/{mine.pk}/cabut/")["Location"] == "/akun/"
    assert ApiClient(mine_token).get("/tasks/mine").status_code == 401

    admin = Client()
    admin.force_login(demo_org.user("admin"))
    assert "laptop" in admin.get("/admin/api/apitoken/?keadaan=aktif").content.decode()
    response = admin.post(
        "/admin/api/apitoken/", {"action": "revoke", "_selected_action": [theirs.pk]}
    )
    assert response.status_code == 302
    assert ApiClient(theirs_token).get("/tasks/mine").status_code == 401
    theirs.refresh_from_db()
    assert theirs.revoked_by == demo_org.user("admin")


# -- the second factor on the API -----------------------------------------------------------


def test_a_user_with_totp_sends_the_code_with_the_password(demo_org):
    user = demo_org.user("kasi.krj")
    device = TOTPDevice.objects.create(user=user, name="ponsel", confirmed=True)
    missing = token_for("kasi.krj", DEMO_PASSWORD)
    assert missing.status_code == 401 and missing.json()["field"] == "otp"
    wrong = token_for("kasi.krj", DEMO_PASSWORD, otp="000000")
    assert wrong.status_code == 401 and wrong.json()["field"] == "otp"
    with later(seconds=2):  # past django-otp's short wait after a wrong code
        right = token_for("kasi.krj", DEMO_PASSWORD, otp=code_for(device))
    assert right.status_code == 201
    assert ApiClient(right.json()["token"]).get("/tasks/mine").status_code == 200


def test_a_head_whose_unit_requires_totp_gets_no_token_without_it(demo_org):
    unit = demo_org.unit("KRJ")
    unit.two_factor_required = True
    unit.save(update_fields=["two_factor_required"])
    refused = token_for("camat.krj", DEMO_PASSWORD)
    assert refused.status_code == 403
    assert "verifikasi dua langkah" in refused.json()["message"]
    assert token_for("staf.krj", DEMO_PASSWORD).status_code == 201  # not a head


def test_the_console_creates_a_token_for_some_days_and_revokes_it(demo_org):
    out, err = io.StringIO(), io.StringIO()
    call_command("apitoken", "create", "kasi.krj", "--days", "3", stdout=out, stderr=err)
    token = out.getvalue().strip()
    row = ApiToken.objects.get(user__username="kasi.krj")
    assert row.expires_at - row.created_at == dt.timedelta(days=3)
    assert f"token {row.pk}, valid until" in err.getvalue()
    assert ApiClient(token).get("/tasks/mine").status_code == 200
    call_command("apitoken", "revoke", str(row.pk), stdout=io.StringIO())
    assert ApiClient(token).get("/tasks/mine").status_code == 401
    event = AccessEvent.objects.get(type=AccessEvent.Type.TOKEN_REVOKED)
    assert (event.door, event.data["by"]) == ("cli", "operator")
    with pytest.raises(CommandError, match=r"--days: Masa berlaku token 1 sampai 365 hari\."):
        call_command("apitoken", "create", "kasi.krj", "--days", "400", stdout=io.StringIO())


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the written-out lookup runs on PostgreSQL only"
)
def test_the_written_out_token_lookup_finds_what_the_orm_query_finds(demo_org):
    """``api_token_find`` on PostgreSQL runs its query written out: for a working token, one
    past its expiry, a revoked one, one of a deactivated login and one of a login without a
    person, it finds what the ORM query finds, with the user and the person (or none) loaded
    alike, and reads nothing more for them."""
    from django.contrib.auth import get_user_model

    from trantib.api.selectors import _token_find_orm, _token_find_sql
    from trantib.api.services import api_token_revoke
    from trantib.core.keys import key_digest

    now = timezone.now()
    staf = demo_org.user("staf.krj")
    working = api_token_create(user=staf, name="a")[1]
    expired = api_token_create(user=staf, name="b")[1]
    ApiToken.objects.filter(digest=key_digest(expired)).update(expires_at=now)
    revoked_row, revoked = api_token_create(user=staf, name="c")
    api_token_revoke(token=revoked_row, actor=staf, door=AccessDoor.API)
    idle = get_user_model().objects.create_user("idle", password="x-unused-9")
    idle_token = api_token_create(user=idle, name="d")[1]
    gone = get_user_model().objects.create_user("gone", password="x-unused-9")
    gone_token = api_token_create(user=gone, name="e")[1]
    get_user_model().objects.filter(pk=gone.pk).update(is_active=False)

    def seen(found: ApiToken | None) -> object:
        if found is None:
            return None
        person = getattr(found.user, "person", None)
        return (
            {f.attname: getattr(found, f.attname) for f in found._meta.concrete_fields},
            {f.attname: getattr(found.user, f.attname) for f in found.user._meta.concrete_fields},
            person
            and {f.attname: getattr(person, f.attname) for f in person._meta.concrete_fields},
        )

    for token in (working, expired, revoked, idle_token, gone_token, "no-such-token"):
        orm = _token_find_orm(key_digest(token), now)
        with CaptureQueriesContext(connection) as queries:
            sql = _token_find_sql(key_digest(token), now)
            written = seen(sql)
        assert len(queries) == 1  # the user and the person came with the token
        assert written == seen(orm), token
    assert seen(_token_find_orm(key_digest(working), now)) is not None
    assert _token_find_sql(key_digest(idle_token), now).user.username == "idle"
    assert (
        _token_find_sql(key_digest(working), now).user.person.pk == demo_org.person("staf.krj").pk
    )
