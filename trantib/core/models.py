"""The shared machinery's tables: the audit trail of records that are not cases, gap-free
counters and rate-limit windows. Other apps never write these rows directly; they go through
:mod:`~trantib.core.audit`, :mod:`~trantib.core.counters` and :mod:`~trantib.core.ratelimit`."""

from __future__ import annotations

import pgtrigger
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditEvent(models.Model):
    """One change to a record (an assignment, an SOP version, a letter…), hash-chained to the
    previous change of the same record. Append-only: a database trigger refuses UPDATE and
    DELETE on PostgreSQL, and ``trantib audit verify`` names any edited, deleted or reordered
    row. A case's own trail is ``cases.Event`` (its head lives on the case row)."""

    subject_type = models.CharField(max_length=60)  # the model's label: "accounts.assignment"
    subject_id = models.PositiveBigIntegerField()
    seq = models.PositiveIntegerField()
    unit = models.ForeignKey(
        "accounts.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    type = models.CharField(max_length=40)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["subject_type", "subject_id", "seq"]
        verbose_name = _("peristiwa rekaman")
        verbose_name_plural = pgettext_lazy("plural", "peristiwa rekaman")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "seq"], name="audit_event_subject_seq"
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="audit_event_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_type} #{self.subject_id} · {self.seq} {self.type}"


class AuditHead(models.Model):
    """The last event of one record's chain: locked while an event is appended, so the chain
    has no forks; ``trantib audit verify`` checks that no event after it was deleted."""

    subject_type = models.CharField(max_length=60)
    subject_id = models.PositiveBigIntegerField()
    seq = models.PositiveIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"], name="audit_head_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type} #{self.subject_id}: {self.seq}"


class Counter(models.Model):
    """The last number given for one key (``case:<unit>:<SOP>:<year>``, a letter register…):
    locked while a number is taken, so numbers have no gaps (a rolled-back transaction rolls
    the counter back too) and no duplicates."""

    key = models.CharField(max_length=120, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("penghitung nomor")
        verbose_name_plural = pgettext_lazy("plural", "penghitung nomor")

    def __str__(self) -> str:
        return f"{self.key}: {self.last}"


class RateWindow(models.Model):
    """How many times one client did one thing in the current window. ``key`` is a salted
    digest of the scope and the client (an IP address, an SMS number, an app): nothing points
    here, so counting never ties an action to its sender. The row is locked while it counts,
    so simultaneous requests from one client are counted one after another."""

    key = models.CharField(max_length=64, unique=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("hitungan per klien")
        verbose_name_plural = pgettext_lazy("plural", "hitungan per klien")

    def __str__(self) -> str:
        return f"{self.key[:8]}…: {self.count}"
