"""schemathesis over the whole of /api/v1: no server error, no answer outside the document.

Each operation gets generated requests, valid and invalid, sent with a real token of a demo
officer who can see cases, tasks and an attachment; every response is checked against
``/api/v1/openapi.json`` (status declared, content type, body schema) and for being no 5xx.

A request the document calls valid may still be refused with 422 by the rules, because what a
step accepts (its fields, its branches, the position that may do it) lives in the SOP, not in
the OpenAPI document. Such a refusal says ``"kind": "refused"``; the API's own reading of a
request says ``"kind": "input"``, and that must never answer a request the document allows:
``input_refusal_of_valid_request`` fails on it, so the document says exactly what the server
accepts.
"""

from __future__ import annotations

import io

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.transport.serialization import Binary

from config.wsgi import application
from trantib.api.services import api_token_create
from trantib.cases import services
from trantib.cases.models import Task
from trantib.complaints.services import complaint_file

from .support import PNG, PUR_DATA

POSITIVE_ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]

schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json",
    application,
    config=schemathesis.Config.from_dict(
        {
            "generation": {
                "deterministic": True,
                "database": "none",
                # Unknown query parameters are ignored, as HTTP APIs do: not a negative case.
                "allow-extra-parameters": False,
                # The token is sent by the test itself (see below), not generated.
                "with-security-parameters": False,
            },
            "checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE_ACCEPTED}},
        }
    ),
)


@pytest.fixture
def same_connection():
    """Keep the test's database connection across the requests, as Django's test client does:
    at the end of a request Django closes a connection found inside a transaction, and the
    whole test runs inside one (on PostgreSQL the next request would find it closed)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(demo_org, complaint_categories, same_connection):
    """The Kasi Trantib of Cipondoh, with cases of two SOPs (PUR, and PGD through a
    confidential complaint of Cipondoh's category), live tasks, an attachment. The demo
    categories let generated complaints be filed: the document's example files one."""
    unit = demo_org.unit("CPD")
    kasi = demo_org.person("kasi.cpd")
    pur = services.case_start(
        sop_code="PUR", unit=unit, actor=demo_org.person("camat.cpd"), subject="Demo", data=PUR_DATA
    )
    task = Task.objects.get(case=pur, status="open")
    services.attachment_add(case=pur, actor=kasi, name="foto.png", content=io.BytesIO(PNG))
    services.task_claim(task=task, actor=kasi)
    complaint_file(
        channel="phone",
        category=complaint_categories["cpd-pkl"],
        description="Lapak di trotoar Jl. Raya Cipondoh menutup jalan pejalan kaki",
        reporter_name="Pelapor Rahasia",
        reporter_phone="081234567890",
        confidential=True,
        actor=demo_org.person("staf.cpd"),
    )
    _row, value = api_token_create(user=demo_org.user("kasi.cpd"), name="schemathesis")
    return value


def input_refusal_of_valid_request(ctx, response, case) -> bool | None:
    """A request generated from the document as valid is never refused as input that does not
    fit the document (the SOP's own refusals say ``refused``)."""
    if case.meta is None or case.meta.generation.mode is not GenerationMode.POSITIVE:
        return None
    if response.status_code not in (400, 422):
        return None
    body = response.json()
    if _empty_file(case, body.get("field", "")):
        # Werkzeug's multipart encoder (the WSGI transport's) drops the line break that ends
        # an empty file's part, and the next boundary is lost with it: the server never
        # received the file. Real clients (curl, requests) send it, and it is accepted.
        return None
    if body.get("kind") == "input":
        raise AssertionError(
            f"{case.method} {case.formatted_path}: the document allows this request, the "
            f"server refuses it as input: {body}"
        )
    return True


def _empty_file(case, field: str) -> bool:
    if not isinstance(case.body, dict) or field not in case.body:
        return False
    values = case.body[field] if isinstance(case.body[field], list) else [case.body[field]]
    return any(not getattr(v, "data", v) for v in values if isinstance(v, bytes | Binary))


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_the_api_answers_as_its_document_says(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        additional_checks=[input_refusal_of_valid_request],
    )
