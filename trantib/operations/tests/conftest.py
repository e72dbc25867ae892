"""An operation case of Cipondoh (PPL) at a fixed clock, and its file."""

from __future__ import annotations

import datetime as dt

import pytest

from trantib.cases.models import Case
from trantib.letters.tests.sop_desk import WIB, Desk
from trantib.operations import services
from trantib.operations.models import Operation


@pytest.fixture
def desk(demo_org) -> Desk:
    return Desk(demo_org, dt.datetime(2026, 8, 3, 9, 0, tzinfo=WIB))


@pytest.fixture
def ppl_case(desk: Desk) -> Case:
    return desk.start(
        "PPL",
        "CPD",
        "kasi.cpd",
        "Rumah kos di Jl. Bouraq",
        data={
            "sumber": "Lurah Poris Plawad",
            "lokasi": {"address": "Jl. Bouraq No. 12, Poris Plawad"},
            "uraian": "Rumah kos diduga dipakai untuk praktik prostitusi",
        },
    )


@pytest.fixture
def operation(desk: Desk, ppl_case: Case) -> Operation:
    return services.operation_open(case=ppl_case, actor=desk.who("kasi.cpd"), now=desk.now)
