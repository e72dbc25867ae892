"""The client behind trusted proxies, and the per-client limit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory

from trantib.core.errors import TooMany
from trantib.core.models import RateWindow
from trantib.core.ratelimit import client_address, client_key, rate_limit_take

T0 = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)


def request(remote: str = "10.0.0.2", forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/lapor/", **headers)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRANTIB_TRUSTED_PROXIES = []
    assert client_address(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_address_it_appended_counts(settings):
    settings.TRANTIB_TRUSTED_PROXIES = ["10.0.0.2"]
    # The client wrote 1.2.3.4 itself; the proxy appended what it saw, 198.51.100.7.
    got = client_address(request("10.0.0.2", "1.2.3.4, 198.51.100.7"))
    assert got == "198.51.100.7"


def test_a_client_that_is_not_a_trusted_proxy_cannot_name_its_own_address(settings):
    settings.TRANTIB_TRUSTED_PROXIES = ["10.0.0.0/24"]
    # Straight to the server, forging the header: its own address counts, whatever it wrote.
    assert client_address(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"
    assert client_address(request("203.0.113.9", "10.0.0.7")) == "203.0.113.9"


def test_behind_two_trusted_proxies_the_outer_ones_view_counts(settings):
    settings.TRANTIB_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_address(request("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.9")) == (
        "198.51.100.7"
    )


def test_a_request_from_the_proxy_without_a_header_or_with_junk_counts_as_what_it_can_read(
    settings,
):
    settings.TRANTIB_TRUSTED_PROXIES = ["10.0.0.2"]
    assert client_address(request("10.0.0.2")) == "10.0.0.2"
    assert client_address(request("10.0.0.2", "not-an-address")) == "10.0.0.2"
    settings.TRANTIB_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_address(request("10.0.0.2", "junk, 10.0.0.9")) == "10.0.0.9"


def test_behind_a_proxy_every_client_has_its_own_budget(settings, db):
    settings.TRANTIB_TRUSTED_PROXIES = ["127.0.0.1"]

    def take(client: str) -> None:
        rate_limit_take(
            scope="lapor",
            client=client_address(request("127.0.0.1", client)),
            limit=1,
            window=60,
            message="Tunggu.",
            now=T0,
        )

    take("198.51.100.1")
    take("198.51.100.2")  # another citizen behind the same proxy: not refused
    with pytest.raises(TooMany):
        take("198.51.100.1")


def test_an_ipv6_client_counts_by_its_64_and_scopes_count_apart():
    assert client_key("s", "2001:db8:1:2::10") == client_key("s", "2001:db8:1:2::99")
    assert client_key("s", "2001:db8:1:3::10") != client_key("s", "2001:db8:1:2::10")
    assert client_key("a", "203.0.113.9") != client_key("b", "203.0.113.9")
    assert "203.0.113.9" not in client_key("a", "203.0.113.9")


@pytest.mark.django_db
def test_the_limit_refuses_past_its_count_and_opens_again_after_the_window():
    def take(at: dt.datetime) -> None:
        rate_limit_take(scope="t", client="c", limit=2, window=60, message="Tunggu.", now=at)

    take(T0)
    take(T0 + dt.timedelta(seconds=10))
    with pytest.raises(TooMany) as refused:
        take(T0 + dt.timedelta(seconds=20))
    assert (refused.value.message, refused.value.field) == ("Tunggu.", "client")
    take(T0 + dt.timedelta(seconds=61))
    assert RateWindow.objects.get().count == 1


def test_a_proxy_that_writes_the_port_too_still_names_the_client(settings):
    settings.TRANTIB_TRUSTED_PROXIES = ["10.0.0.2"]
    assert client_address(request("10.0.0.2", "198.51.100.7:53211")) == "198.51.100.7"
    assert client_address(request("10.0.0.2", "[2001:db8::7]:443")) == "2001:db8::7"
    assert client_address(request("10.0.0.2", "2001:db8::7")) == "2001:db8::7"


@pytest.mark.django_db
def test_a_window_counts_to_its_limit_at_the_edges_and_a_refusal_writes_nothing():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def take(at: dt.datetime, limit: int = 3) -> None:
        rate_limit_take(scope="e", client="c", limit=limit, window=60, message="Tunggu.", now=at)

    with CaptureQueriesContext(connection) as queries:
        take(T0)
    assert len(queries.captured_queries) == 1  # one statement on every complaint
    take(T0 + dt.timedelta(seconds=59, microseconds=999_999))
    take(T0 + dt.timedelta(seconds=30))
    with pytest.raises(TooMany):
        take(T0 + dt.timedelta(seconds=59))
    row = RateWindow.objects.get()
    assert (row.window_start, row.count) == (T0, 3)
    # Exactly one window later a new one starts, counted from that moment.
    take(T0 + dt.timedelta(seconds=60))
    row = RateWindow.objects.get()
    assert (row.window_start, row.count) == (T0 + dt.timedelta(seconds=60), 1)
    with pytest.raises(TooMany):
        take(T0 + dt.timedelta(seconds=61), limit=1)
    with pytest.raises(TooMany):
        take(T0 + dt.timedelta(seconds=200), limit=0)  # a limit of none refuses everything
    assert RateWindow.objects.get().count == 1  # refused: nothing written
