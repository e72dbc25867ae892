"""Cases, tasks, events: an SOP version running in a unit.

A **case** is one execution of one published SOP version in one unit; its engine state (the
active steps and what was recorded) is kept beside it as JSON, and its number reads like
``KRJ/PGD/2026/0042`` (unit / SOP / year / serial from :mod:`trantib.core.counters`, gap-free).
A **task** is one step of a case waiting for someone (or, for waits and linked cases, for a
deadline or for other cases): offered to the holders of its position in the case's unit,
claimed by one, completed once. An **event** is an append-only, hash-chained record of every
change; ``Case.event_seq``/``event_hash`` hold the head of the chain so that appending needs no
read. On PostgreSQL a trigger refuses UPDATE and DELETE on events.
"""

from __future__ import annotations

import pgtrigger
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trantib.accounts.models import OrgUnit, Person
from trantib.sops.models import SopVersion


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Berjalan")  # some step is active
    CLOSED = "closed", _("Selesai")  # an end step was completed
    CANCELLED = "cancelled", _("Dibatalkan")  # stopped before its end (a duplicate complaint)


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Menunggu diambil")  # offered to every holder of the role
    CLAIMED = "claimed", _("Dikerjakan")  # one person took it (or was assigned it)
    DONE = "done", _("Selesai")  # completed; nothing changes it any more
    CANCELLED = "cancelled", _("Dibatalkan")  # the case moved on without it


class TaskKind(models.TextChoices):
    WORK = "work", _("Tugas")  # an officer does the step and completes it
    WAIT = "wait", _("Menunggu tenggat")  # a wait step: the deadline passing completes it
    LINKED = "linked", _("Menunggu kasus terkait")  # done when its linked cases have closed


class EventType(models.TextChoices):
    CASE_OPENED = "case_opened", _("Kasus dibuka")
    CASE_CLOSED = "case_closed", _("Kasus selesai")
    CASE_CANCELLED = "case_cancelled", _("Kasus dibatalkan")
    TASK_CLAIMED = "task_claimed", _("Tugas diambil")
    TASK_REASSIGNED = "task_reassigned", _("Tugas dialihkan")
    TASK_COMPLETED = "task_completed", _("Tugas diselesaikan")
    TASK_OVERDUE = "task_overdue", _("Tugas melewati waktu")
    DEADLINE_PASSED = "deadline_passed", _("Tenggat berlalu")
    LINKED_CASES_OPENED = "linked_opened", _("Kasus terkait dibuka")
    LINKED_CASES_CLOSED = "linked_closed", _("Kasus terkait selesai")
    ATTACHMENT_ADDED = "attachment_added", _("Lampiran ditambahkan")
    REPORTER_INFORMED = "reporter_informed", _("Pelapor diberi tahu")  # outside a step
    # Amending a case (cases/services/amend.py).
    FIELD_CORRECTED = "field_corrected", _("Isian dikoreksi")
    WAIT_ENDED_EARLY = "wait_ended_early", _("Tenggat diakhiri lebih awal")
    CASE_HANDED_OVER = "case_handed_over", _("Kasus diserahkan ke unit lain")


class Case(models.Model):
    Status = CaseStatus

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="cases"
    )
    sop_version = models.ForeignKey(
        SopVersion, verbose_name=_("versi SOP"), on_delete=models.PROTECT, related_name="cases"
    )
    sop_code = models.CharField(_("kode SOP"), max_length=20)  # = sop_version.code, for filters
    number = models.CharField(_("nomor kasus"), max_length=60, unique=True)
    year = models.PositiveIntegerField()
    serial = models.PositiveIntegerField()
    subject = models.CharField(_("perihal"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    state = models.JSONField(default=dict)  # trantib.engine.runtime.CaseState.to_dict()
    opened_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("dibuka"))
    closed_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    # A case opened by a sub-procedure step of another case (a patrol finding → enforcement).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    parent_step = models.CharField(max_length=64, blank=True)
    # The head of the event chain: the last event's sequence number and hash.
    event_seq = models.PositiveIntegerField(default=0)
    event_hash = models.CharField(max_length=64, blank=True)
    # The first moment a work step is, or will be if not done by then, past its due time
    # (``services/lateness.py``; kept by the services that change tasks).
    late_from = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("kasus")
        verbose_name_plural = _("kasus")
        constraints = [
            # No (unit, SOP, year, serial) constraint: a case handed over to another unit keeps
            # the number its first unit gave it (``number`` stays unique; the counter, keyed on
            # the first unit, never gives a serial twice).
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in CaseStatus]), name="case_status_known"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "opened_at"], name="case_unit_status"),
            models.Index(fields=["sop_code", "status"], name="case_sop_status"),
            # The case list's order (newest first) over any set of units: the page's 25 rows
            # come from the head of this index instead of sorting every visible case (issue 13:
            # 0.9 s → 1 ms on a province's million cases; docs/PERFORMANCE.md).
            models.Index(fields=["opened_at", "id"], name="case_opened_at_id"),
            # The cases of some units still running at some time in a period (the SPM quarter:
            # not closed, or closed after the period began), without reading every case; the
            # columns the SPM counts them by ride along, so PostgreSQL reads the index only.
            models.Index(
                fields=["unit", "closed_at"],
                include=["opened_at", "status", "sop_code", "late_from", "id"],
                name="case_unit_closed",
            ),
            # A unit's cancelled cases (the SPM leaves their complaints out by these ids).
            models.Index(
                fields=["unit"],
                include=["id"],
                condition=Q(status="cancelled"),
                name="case_unit_cancelled",
            ),
            # The ids of an SOP's cases from the index alone (the monitoring pre-fill joins the
            # period's tasks to them; the SPM sorts cases by kind of SOP).
            models.Index(fields=["sop_code", "id"], name="case_sop_id"),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.subject}"


class Task(models.Model):
    Status = TaskStatus
    Kind = TaskKind

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="tasks")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tasks")
    step_id = models.CharField(_("langkah"), max_length=64)
    occurrence = models.CharField(_("pelaksanaan ke"), max_length=64, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.WORK)
    role = models.CharField(_("pelaksana"), max_length=64)  # SOP role id = Position.code
    title = models.CharField(_("tugas"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    assignee = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    created_at = models.DateTimeField(_("mulai"))
    claimed_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("batas waktu"), null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)  # when the worker marked it late
    completed_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    completed_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The Mutu Baku time as written, its upper bound, and the time the step really took.
    standard = models.CharField(_("mutu baku waktu"), max_length=100, blank=True)
    standard_minutes = models.PositiveIntegerField(null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    decision = models.CharField(_("keputusan"), max_length=100, blank=True)
    requirements_checked = models.JSONField(default=list, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["due_at", "created_at", "pk"]
        verbose_name = _("tugas")
        verbose_name_plural = _("tugas")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in TaskStatus]), name="task_status_known"
            ),
            # One live task per step (and occurrence) of a case.
            models.UniqueConstraint(
                fields=["case", "step_id", "occurrence"],
                condition=Q(status__in=["open", "claimed"]),
                name="task_one_live_per_step",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "role", "status"], name="task_unit_role_status"),
            models.Index(fields=["assignee", "status"], name="task_assignee_status"),
            # Tugas Saya's work offered to a position: open, nobody's yet, by unit and role. A
            # few thousand rows of millions; without it PostgreSQL reads every open task of
            # every unit (it misjudges how many open tasks have no assignee).
            models.Index(
                fields=["unit", "role"],
                condition=Q(status="open", assignee__isnull=True),
                name="task_offered",
            ),
            models.Index(fields=["status", "due_at"], name="task_status_due"),
            # The reports read a unit's steps by when they began (SOP monitoring) or were done
            # (Mutu Baku compliance per week), and whether a case ran a given step (an
            # enforcement is a PPW case that ran its entry step; a step run again is a return).
            models.Index(fields=["unit", "created_at"], name="task_unit_created"),
            models.Index(fields=["unit", "completed_at"], name="task_unit_completed"),
            models.Index(fields=["step_id", "case"], name="task_step_case"),
            # A unit's steps of one SOP in a period (the SOP monitoring form's rows).
            models.Index(fields=["unit", "step_id", "created_at"], name="task_unit_step_created"),
            # The dashboard's Mutu Baku line: a unit's work steps done with a due time, by when
            # they were done, the due time kept in the index (PostgreSQL reads the index only;
            # SQLite, which has no INCLUDE, the rows as well).
            models.Index(
                fields=["unit", "completed_at"],
                include=["due_at"],
                condition=Q(kind="work", status="done", due_at__isnull=False),
                name="task_unit_done_timed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.case_id})"

    @property
    def is_live(self) -> bool:
        return self.status in (TaskStatus.OPEN, TaskStatus.CLAIMED)


class Event(models.Model):
    """One change to a case. Append-only: ``hash`` covers the fields and the previous hash."""

    Type = EventType

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    type = models.CharField(max_length=20, choices=Type.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    data = models.JSONField(default=dict)  # before/after and the details of the change
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["case", "seq"]
        verbose_name = _("peristiwa")
        verbose_name_plural = _("peristiwa")
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="event_case_seq_unique"),
        ]
        indexes = [
            # A unit's corrections in a period (the SOP monitoring form): a few in millions.
            models.Index(
                fields=["unit", "at"],
                condition=models.Q(type="field_corrected"),
                name="event_unit_corrected",
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="event_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.type}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is the content hash: no user-chosen path reaches the disk.
    return f"cases/{instance.unit_id}/{instance.case_id}/{instance.sha256}{instance.extension}"


class Attachment(models.Model):
    """A photo or scan kept as evidence on a case (optionally for one task)."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=300)
    name = models.CharField(_("nama berkas"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    extension = models.CharField(max_length=10)
    # None: sent in by a citizen through a public channel (the web form, Open311).
    uploaded_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    # Where and when a photo was taken, as the officer's device said (None: not known). The
    # time is the file's own (its last-modified time); the place the device's location then.
    taken_at = models.DateTimeField(_("waktu pengambilan foto"), null=True, blank=True)
    taken_lat = models.FloatField(_("lintang pengambilan"), null=True, blank=True)
    taken_lon = models.FloatField(_("bujur pengambilan"), null=True, blank=True)
    taken_accuracy = models.FloatField(_("akurasi lokasi (m)"), null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("lampiran")
        verbose_name_plural = _("lampiran")

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """An in-app message to one person: work that arrives (a task offered to their position,
    reassigned to them, returned for correction), a deadline that approaches or has passed,
    and the morning digest. Created through ``cases.services.notifications.notify`` only."""

    class Kind(models.TextChoices):
        TASK_OVERDUE = "task_overdue", _("Tugas melewati waktu")
        TASK_ASSIGNED = "task_assigned", _("Tugas dialihkan kepada Anda")
        TASK_OFFERED = "task_offered", _("Tugas baru")
        TASK_RETURNED = "task_returned", _("Dikembalikan untuk koreksi")
        TASK_DUE_SOON = "task_due_soon", _("Batas waktu mendekat")
        DIGEST = "digest", _("Ringkasan pagi")
        CASE_HANDED_OVER = "case_handed_over", _("Kasus diserahkan ke unit lain")

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Empty only for the digest, which is about the person's day, not one case.
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    # The recipient's local day a digest is for (empty for every other kind).
    day = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
        constraints = [
            # The worker may run twice for the same late task: one notice per person.
            models.UniqueConstraint(
                fields=["recipient", "task", "kind"], name="notification_once_per_task"
            ),
            # One digest per person and day, however often the job runs.
            models.UniqueConstraint(
                fields=["recipient", "kind", "day"],
                condition=Q(day__isnull=False),
                name="notification_once_per_day",
            ),
        ]

    def __str__(self) -> str:
        return self.message
