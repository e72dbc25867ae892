"""The outbox's periodic job: deliver what the services queued (``trantib worker``)."""

from __future__ import annotations

import threading

from trantib.core.worker import JobResult

from .services import outbox_deliver

# A full batch means more may be due: take another, but not forever in one cycle (the
# deadline jobs wait meanwhile).
OUTBOX_BATCH = 50
OUTBOX_BATCHES_PER_CYCLE = 10


def outbox_job(stopping: threading.Event) -> JobResult:
    """Send the due outbox messages; count the ones sent. A stopping worker takes no further
    batch (the lease lets the next worker send what this one did not)."""
    sent = 0
    for _ in range(OUTBOX_BATCHES_PER_CYCLE):
        if stopping.is_set():
            break
        result = outbox_deliver(limit=OUTBOX_BATCH)
        sent += result.sent
        if result.handled < OUTBOX_BATCH:
            break
    return JobResult(sent, f"{sent} message(s) sent")
