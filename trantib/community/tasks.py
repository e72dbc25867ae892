"""The Polmas scheduler, run by ``trantib worker`` (and the embedded worker of ``serve``)."""

from __future__ import annotations

import logging
import threading

from django.conf import settings

from trantib.core.worker import JobResult

from . import services

logger = logging.getLogger("trantib.worker")


def polmas_job(stopping: threading.Event) -> JobResult:
    """Open the activities due today and mark missed those whose day has ended."""
    opened = services.activities_open()
    missed = 0 if stopping.is_set() else services.activities_mark_missed()
    if opened or missed:
        logger.info("polmas: %d activity(ies) opened, %d marked missed", opened, missed)
    return JobResult(opened + missed, f"{opened} polmas activity(ies) opened, {missed} missed")


def polmas_every() -> float:
    return float(getattr(settings, "TRANTIB_POLMAS_SECONDS", 300))
