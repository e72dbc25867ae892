"""Helpers of the API tests: a client that carries a token, cases started through services."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from trantib.cases import services
from trantib.cases.models import Case, Task

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

PGD_DATA = {"saluran": "SMS", "uraian": "Warung karaoke buka sampai pukul 02.00"}
PUR_DATA = {
    "waktu_unjuk_rasa": "2026-12-01T10:00",
    "lokasi": {"lat": -6.2, "lon": 106.6, "address": "Jl. Contoh"},
    "hasil_koordinasi": "Polsek siaga di lokasi",
    "perintah": "Amankan jalannya unjuk rasa",
}


class ApiClient:
    """The Django test client, speaking JSON to /api/v1 with a Bearer token."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path: str, body: Any = None, *, raw: str | None = None) -> Any:
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(
            f"/api/v1{path}", data, content_type="application/json", headers=self.headers
        )

    def upload(self, path: str, **fields: Any) -> Any:
        return self.client.post(f"/api/v1{path}", fields, headers=self.headers)


def pgd_start(demo_org: Any, subject: str = "Warung buka melewati jam malam") -> Case:
    return services.case_start(
        sop_code="PGD",
        unit=demo_org.unit("KRJ"),
        actor=demo_org.person("staf.krj"),
        subject=subject,
        data=PGD_DATA,
    )


def pur_start(demo_org: Any, subject: str = "Unjuk rasa di depan kantor kecamatan") -> Case:
    return services.case_start(
        sop_code="PUR",
        unit=demo_org.unit("CPD"),
        actor=demo_org.person("camat.cpd"),
        subject=subject,
        data=PUR_DATA,
    )


def live_task(case: Case) -> Task:
    return Task.objects.get(case=case, status__in=["open", "claimed"])
