"""The access matrix, generated from the product's own routes: every page of the URL
configuration and every operation of the OpenAPI document is requested as anonymous, as officers
of other units (and officials whose acting order there is over or not yet begun), as the lowest
role of the unit that owns the planted objects, as a supervisor above that unit, and as its head
and the head's Plt./Plh. (who must find them: the probe reaches what it means to). No answer may
show an object, or personal data, to someone who may not see it; a refused change must change
nothing; and a route the matrix does not know fails the suite, so a new door is covered the day
it is added.

``matrix.py`` is the table (and says how to add a route); ``planted.py`` the objects;
``readers.py`` who reads and which units each may see.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponseBase
from django.test import Client, override_settings
from pytest_django import DjangoDbBlocker

from trantib.accounts.models import OrgUnit
from trantib.api.services import api_token_create
from trantib.conftest import DemoOrg

from .matrix import FAMILIES, MATRIX, Entry, Probe, Who
from .planted import Planted, plant
from .readers import CIRCLES, Circle, readers_of, sees
from .reading import PNG, answer_text, changes, fill, fingerprint, placeholders, smallest
from .routes import UNSAFE, Route, openapi_document, routes, unknown_and_gone

DOCUMENT = openapi_document()
ROUTES = routes(document=DOCUMENT)
HOW_TO_ADD = (
    "add it to trantib/core/tests/access_matrix/matrix.py: who may see it and a Probe that "
    "fills its path from the planted objects (the module's docstring says how)"
)


def entry_for(key: str) -> Entry | None:
    if key in MATRIX:
        return MATRIX[key]
    for prefix, entry in FAMILIES.items():
        if key.startswith(prefix):
            return entry
    return None


def matrix_problems(found: list[Route]) -> list[str]:
    """What the matrix misses of the routes ``found``, and what it lists that is gone."""
    unknown, gone = unknown_and_gone(found, set(MATRIX), tuple(FAMILIES))
    said = [f"unknown route {r.key} ({r.pattern}): {HOW_TO_ADD}" for r in unknown]
    said += [f"the matrix lists {key}, which no longer exists: remove it" for key in gone]
    return said


# -- the guard -------------------------------------------------------------------------------


def test_the_matrix_knows_every_route_of_the_product_and_none_that_is_gone() -> None:
    problems = matrix_problems(ROUTES)
    assert not problems, "\n".join(problems)


def test_a_page_added_to_the_url_configuration_without_a_row_fails_the_matrix() -> None:
    with override_settings(ROOT_URLCONF="trantib.core.tests.access_matrix.urls_with_a_new_page"):
        found = routes(document=DOCUMENT)
    problems = matrix_problems(found)
    assert problems == [
        "unknown route matrix_probe_new_page (kasus/<int:case_id>/rahasia/): " + HOW_TO_ADD
    ]
    # ... and the generated test of that route fails too, naming the route.
    with pytest.raises(pytest.fail.Exception, match="unknown route matrix_probe_new_page"):
        _entry_or_fail(next(r for r in found if r.key == "matrix_probe_new_page"))


def test_an_operation_added_to_the_api_without_a_row_fails_the_matrix() -> None:
    document = json.loads(json.dumps(DOCUMENT))
    document["paths"]["/api/v1/cases/{id}/secret"] = {
        "get": {"operationId": "case_secret", "parameters": []}
    }
    problems = matrix_problems(routes(document=document))
    assert problems == [
        "unknown route GET /api/v1/cases/{id}/secret (/api/v1/cases/{id}/secret): " + HOW_TO_ADD
    ]


def test_a_row_whose_route_is_gone_fails_the_matrix() -> None:
    unknown, gone = unknown_and_gone(
        ROUTES, {*MATRIX, "GET /api/v1/cases/{id}/old"}, tuple(FAMILIES)
    )
    assert unknown == []
    assert gone == ["GET /api/v1/cases/{id}/old"]


def _entry_or_fail(route: Route) -> Entry:
    entry = entry_for(route.key)
    if entry is None:
        pytest.fail(f"unknown route {route.key} ({route.pattern}): {HOW_TO_ADD}")
    return entry


# -- the world: planted once for the module, rolled back at its end ----------------------------


@dataclass
class World:
    planted: Planted
    tokens: dict[str, str]
    sessions: dict[str, SimpleCookie]


def _logins() -> set[str]:
    found = {"admin"}
    for circle in CIRCLES.values():
        found.update(readers_of(circle))
    found.update(e.owner for e in MATRIX.values() if e.owner)
    return found


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            planted = plant(DemoOrg(logins=[]))
            users = get_user_model().objects
            tokens, sessions = {}, {}
            for login in sorted(_logins()):
                user = users.get(username=login)
                tokens[login] = api_token_create(user=user, name="matrix")[1]
                client = Client()
                client.force_login(user)
                sessions[login] = client.cookies
            yield World(planted, tokens, sessions)
        finally:
            transaction.set_rollback(True)
    log = os.environ.get("TRANTIB_ACCESS_MATRIX_LOG")
    if log:  # every request of the run and its answer, for a reader checking the matrix
        with open(log, "w", encoding="utf-8") as out:
            out.writelines(f"{m}\t{u}\t{w}\t{s}\n" for m, u, w, s in SENT)


# -- requests --------------------------------------------------------------------------------


def _value(raw: str, probe: Probe, planted: Planted) -> str:
    if raw.startswith("="):
        return raw[1:]
    if raw == "{unit}":
        return _unit(probe, planted)
    if raw == "{unit_id}":
        return str(OrgUnit.objects.get(code=_unit(probe, planted)).pk)
    if raw == "{month}":
        return planted.month
    name, _, attr = raw.partition(".")
    obj: Any = planted.objects[name]
    return str(getattr(obj, attr) if attr else obj.pk)


def _unit(probe: Probe, planted: Planted) -> str:
    if probe.of in CIRCLES:
        return probe.of
    return planted.unit_of.get(probe.of, "CPD")


def _names_its_unit(probe: Probe) -> bool:
    """The probe's path names one of the owning unit's objects, or its query the unit whose
    figures the page shows (not a filter of the reader's own list)."""
    return probe.scope or any(not v.startswith("=") for v in probe.args.values())


def _url(route: Route, probe: Probe, planted: Planted) -> tuple[str, dict[str, str]]:
    values = {k: _value(v, probe, planted) for k, v in probe.args.items()}
    missing = placeholders(route.pattern) - set(values)
    assert not missing, f"{route.key}: the probe fills no {sorted(missing)}"
    query = {k: _value(v, probe, planted) for k, v in probe.query.items()}
    return fill(route.pattern, values), query


def _client(world: World, login: str | None, route: Route) -> Client:
    address = f"10.9.{len(login or '')}.{sum(map(ord, login or '')) % 250 + 1}"
    client = Client(REMOTE_ADDR=address)
    client.login_name = login  # type: ignore[attr-defined]  # for the log
    if login is not None:
        if route.kind == "api":
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[login]}"
        else:
            client.cookies = SimpleCookie(world.sessions[login].output(header=""))
    return client


def _body(route: Route, entry: Entry, values: dict[str, str]) -> tuple[Any, str | None]:
    """The API operation's body (data, content type) or the page's form, in whose field names
    and values ``{name}`` is the probe's path argument ``name`` as filled (``values``), and
    ``{unit}`` the owning unit's code."""
    if route.kind == "page":
        return {_put(k, values): _put(v, values) for k, v in entry.body.items()}, None
    request = (route.operation or {}).get("requestBody")
    if not request:
        return None, None
    kind, content = next(iter(request["content"].items()))
    data = smallest(content["schema"], DOCUMENT)
    data.update(entry.body)
    if kind == "application/json":
        return json.dumps(data), "application/json"
    form: dict[str, Any] = {}
    for name, value in data.items():
        form[name] = (
            SimpleUploadedFile("bukti.png", PNG, "image/png") if value == "bukti.png" else value
        )
        if isinstance(value, list):
            form[name] = [
                SimpleUploadedFile("bukti.png", PNG, "image/png") if v == "bukti.png" else v
                for v in value
            ]
    return form, None


def _put(text: Any, values: dict[str, str]) -> Any:
    if not isinstance(text, str):
        return text
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


SENT: list[tuple[str, str, str, int]] = []  # (method, url, login, status): the run's log


def _send(
    client: Client, method: str, url: str, query: dict[str, str], body: Any, kind: str | None
) -> HttpResponseBase:
    if query:
        url = f"{url}?{urlencode(query)}"
    if method == "GET":
        response = client.get(url)
    elif kind is not None:
        response = client.generic(method, url, body, content_type=kind)
    elif method == "POST":
        response = client.post(url, body or {})
    else:
        response = client.generic(method, url)
    SENT.append(
        (method, url, getattr(client, "login_name", "") or "anonymous", response.status_code)
    )
    return response


def _ok(status: int) -> bool:
    return 200 <= status < 300


def _to_login(response: HttpResponseBase) -> bool:
    location = response.get("Location", "")
    return 300 <= response.status_code < 400 and ("/login/" in location)


# -- the matrix ------------------------------------------------------------------------------


@dataclass
class Run:
    route: Route
    entry: Entry
    world: World
    failures: list[str]

    def say(self, who: str | None, method: str, url: str, problem: str) -> None:
        self.failures.append(f"{method} {url} as {who or 'anonymous'}: {problem}")

    def leaks(self, login: str | None, response: HttpResponseBase, method: str, url: str) -> None:
        if not _ok(response.status_code):
            return
        text = answer_text(response)
        for name, marker in self.world.planted.hidden_from(login, sees(login)):
            if marker in text:
                self.say(login, method, url, f"{response.status_code} shows {name} ({marker!r})")

    def probe(self, probe: Probe) -> None:
        planted = self.world.planted
        who = self.entry.who
        circle = CIRCLES[_unit(probe, planted)]
        url, query = _url(self.route, probe, planted)
        shown = f"{url}?{query}" if query else url
        named = _names_its_unit(probe)
        owner = self.entry.owner or circle.head
        if who == Who.OWN and probe.of in planted.seen_by:
            owner = sorted(planted.seen_by[probe.of])[0]
        # The head's Plt./Plh. reads what the head reads (where the head is the control).
        heads = (owner,)
        if owner == circle.head and who not in (Who.OWN, Who.STAFF):
            heads += circle.acting
        # A public door has no unit to be outside of: one officer of another unit is enough.
        outsiders = circle.outsiders[:1] if who == Who.PUBLIC else circle.outsiders
        reads = self.route.kind == "page" or self.route.method == "GET"
        if reads:
            readers = (
                (None, *outsiders, *heads)
                if who == Who.PUBLIC
                else (None, *outsiders, circle.member, *circle.above, *circle.acting, owner)
            )
            for login in readers:
                response = _send(
                    _client(self.world, login, self.route), "GET", url, query, None, None
                )
                status = response.status_code
                self.leaks(login, response, "GET", shown)
                if login in heads:
                    if who != Who.STAFF:
                        self.control(probe, response, shown, login, finds=probe.shows)
                    continue
                if login in circle.above and _above_reads(self.entry):
                    # Their own lists hold their own tasks and tokens, not the unit's: they
                    # find the object where the page names it or its unit.
                    finds = probe.shows and named
                    self.control(probe, response, shown, login, finds=finds)
                    continue
                if not _may_succeed(self.entry, login, circle, named) and _ok(status):
                    self.say(login, "GET", shown, f"{status}: must be refused ({who})")
        methods = [self.route.method] if self.route.method in UNSAFE else []
        if self.route.kind == "page":
            methods = ["POST"]
        for method in methods:
            self.change(probe, method, url, query, shown, circle, outsiders)

    def control(
        self, probe: Probe, response: HttpResponseBase, url: str, owner: str, *, finds: bool
    ) -> None:
        """``owner`` may read: they get the row's statuses and, when ``finds``, the object."""
        status = response.status_code
        expected = probe.ok or self.entry.ok
        if status not in expected:
            self.say(owner, "GET", url, f"{status}, who may read it expects {expected}")
            return
        markers = self.world.planted.markers.get(probe.of, ())
        image = response.get("Content-Type", "").startswith("image/")  # the object's photo
        if finds and markers and _ok(status) and not image:
            text = answer_text(response)
            if not any(m in text for m in markers):
                self.say(owner, "GET", url, f"shows none of {probe.of}'s markers {markers}")

    def change(
        self,
        probe: Probe,
        method: str,
        url: str,
        query: dict[str, str],
        shown: str,
        circle: Circle,
        outsiders: tuple[str, ...],
    ) -> None:
        who = self.entry.who
        senders: list[str | None] = [None, *outsiders]
        if who in (Who.HEADS, Who.OWN, Who.STAFF):
            senders.append(circle.member)
        if not _above_reads(self.entry):
            senders += circle.above
        if who in (Who.OWN, Who.STAFF):
            senders += circle.acting
        values = {k: _value(v, probe, self.world.planted) for k, v in probe.args.items()}
        values.setdefault("unit", _unit(probe, self.world.planted))  # a form naming its unit
        before = fingerprint(self.world.planted.objects)
        for login in senders:
            # Its own savepoint, as a request is its own transaction in production: a
            # database error in it cannot spoil the ones after.
            body, kind = _body(self.route, self.entry, values)  # fresh files each time
            with transaction.atomic():
                response = _send(
                    _client(self.world, login, self.route), method, url, query, body, kind
                )
            after = fingerprint(self.world.planted.objects)
            status = response.status_code
            self.leaks(login, response, method, shown)
            counted, rows = changes(before, after)
            before = after
            if (counted or rows) and not self.entry.passes:
                said = "; ".join([*map(str, counted), *rows])
                self.say(login, method, shown, f"{status} and it changed: {said}")
            named = _names_its_unit(probe)
            if _may_succeed(self.entry, login, circle, named) or (self.entry.passes and login):
                continue
            bounced = self.entry.bounce and login in (circle.member, *circle.above)
            if _ok(status) or (300 <= status < 400 and not _to_login(response) and not bounced):
                self.say(login, method, shown, f"{status}: must be refused ({who})")
            elif status in (400, 422) and _names_its_unit(probe):
                # Refused for its input, not for who sent it: either the row's body never
                # reaches the access check, or the check let this reader through.
                self.say(
                    login,
                    method,
                    shown,
                    f"{status} for its input, not its sender: the row's body does not reach "
                    f"the access check, or the check let them in ({answer_text(response)[:200]})",
                )


def _above_reads(entry: Entry) -> bool:
    """Whether a supervisor above the owning unit reads the row's pages (``Entry.above``)."""
    if entry.above is not None:
        return entry.above
    return entry.who in (Who.PUBLIC, Who.SIGNED_IN, Who.UNIT)


def _may_succeed(entry: Entry, login: str | None, circle: Circle, named: bool) -> bool:
    """Whether ``login`` (None: anonymous), not the owning unit's head, may get a 2xx."""
    who = entry.who
    if who == Who.PUBLIC:
        return True
    if login is None or who in (Who.OWN, Who.STAFF):
        return False
    if login in circle.acting:
        return True  # as the head
    if login in circle.above and _above_reads(entry):
        return True
    if login == circle.member:
        return who in (Who.SIGNED_IN, Who.UNIT)
    return not named  # an outsider: the reader's own units' page, never another's object


def _ids(route: Route) -> str:
    return route.key


@pytest.mark.parametrize("route", ROUTES, ids=_ids)
def test_the_route_shows_and_changes_nothing_for_whom_may_not(
    route: Route, world: World, demo_org: DemoOrg
) -> None:
    entry = _entry_or_fail(route)
    run = Run(route, entry, world, [])
    failures: list[str] = []
    known: list[str] = []
    gone: list[str] = []
    for probe in entry.probes:
        run.failures = []
        run.probe(probe)
        if not probe.leak:
            failures += run.failures
        elif run.failures:
            known.append(probe.leak)
        else:
            gone.append(f"{route.key}: the known leak is gone, remove leak= from its probe")
    if entry.leak:
        if failures:
            pytest.xfail(f"known leak: {entry.leak}")
        pytest.fail(f"{route.key}: the known leak is gone, remove leak= from its row")
    assert not failures + gone, "\n".join(failures + gone)
    if known:
        pytest.xfail(f"known leak: {'; '.join(known)}")
