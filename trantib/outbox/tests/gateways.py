"""Stand-ins for the outside world's gateways, selected by dotted path in the settings (or the
``TRANTIB_SMS_GATEWAY`` environment variable of a worker subprocess)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import ClassVar

from trantib.outbox.gateways import FileGateway, GatewayError
from trantib.outbox.models import OutboxMessage

GW = "trantib.outbox.tests.gateways"


def files(path: Path) -> list[Path]:
    """The messages the file gateway wrote (not its temporary files)."""
    return sorted(path.glob("*.txt")) if path.exists() else []


class Down(FileGateway):
    """A gateway that cannot be reached."""

    def send(self, message: OutboxMessage) -> str:
        raise GatewayError("connection refused: gateway down")


class Refusing(FileGateway):
    """A gateway that refuses the message for good (a 4xx answer)."""

    def send(self, message: OutboxMessage) -> str:
        raise GatewayError("HTTP 400: invalid number", permanent=True)


class Crash(BaseException):
    """The process dies here: not an error the outbox may catch."""


class CrashAfterSend(FileGateway):
    """Delivers (writes the file), then the worker dies before recording it."""

    def send(self, message: OutboxMessage) -> str:
        super().send(message)
        raise Crash(message.idempotency_key)


class Counting(FileGateway):
    """Writes files and counts every call per key, from any thread."""

    calls: ClassVar[list[str]] = []
    lock = threading.Lock()

    def send(self, message: OutboxMessage) -> str:
        with self.lock:
            Counting.calls.append(message.idempotency_key)
        return super().send(message)


class SendThenHang(FileGateway):
    """For the kill test: writes the file, logs the call to ``TRANTIB_TEST_CALLS``, and the
    first time (no ``TRANTIB_TEST_HANG_MARKER`` file yet) writes the marker and hangs, so the
    test can SIGKILL the worker between sending and recording."""

    def send(self, message: OutboxMessage) -> str:
        reference = super().send(message)
        calls = os.environ.get("TRANTIB_TEST_CALLS")
        if calls:
            with open(calls, "a", encoding="utf-8") as log:
                log.write(message.idempotency_key + "\n")
        marker = os.environ.get("TRANTIB_TEST_HANG_MARKER")
        if marker and not Path(marker).exists():
            Path(marker).write_text(message.idempotency_key, encoding="utf-8")
            time.sleep(300)  # the test kills the process here
        return reference
