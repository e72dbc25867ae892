"""Outbox fixtures: a unit to send for, a fresh outbox folder, a gateway chosen per test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from trantib.accounts.models import OrgUnit
from trantib.outbox.models import OutboxMessage
from trantib.outbox.services import outbox_enqueue

from .gateways import GW


@pytest.fixture
def outbox_dir(settings, tmp_path) -> Path:
    path = tmp_path / "outbox"
    settings.TRANTIB_OUTBOX_DIR = path
    settings.TRANTIB_OUTBOX_GATEWAYS = {"sms": "file", "email": "file"}
    settings.TRANTIB_OUTBOX_MAX_ATTEMPTS = 3
    settings.TRANTIB_OUTBOX_BACKOFF_SECONDS = 30
    settings.TRANTIB_OUTBOX_LEASE_SECONDS = 120
    return path


@pytest.fixture
def use_gateway(settings) -> Callable[[str], None]:
    def use(name: str, channel: str = "sms") -> None:
        settings.TRANTIB_OUTBOX_GATEWAYS = {
            **settings.TRANTIB_OUTBOX_GATEWAYS,
            channel: name if name in ("file", "console", "http", "email") else f"{GW}.{name}",
        }

    return use


@pytest.fixture
def unit(db: None) -> OrgUnit:
    return OrgUnit.objects.create(code="KRJ", name="Kecamatan Kerjo", kind="kecamatan")


@pytest.fixture
def sms(unit: OrgUnit, outbox_dir: Path) -> Callable[..., OutboxMessage]:
    def make(**kwargs: object) -> OutboxMessage:
        values: dict[str, object] = {
            "unit": unit,
            "channel": "sms",
            "recipient": "0812-3456-7890",
            "body": "Pengaduan Anda diterima dengan nomor PGD/12.",
            "kind": "complaint_received",
            "ref": "complaint:12",
        }
        values.update(kwargs)
        return outbox_enqueue(**values)  # type: ignore[arg-type]

    return make
