"""Every change to cases and tasks: the engine decides, these functions persist and audit.

Each public service is one transaction: it locks the case row (``select_for_update``; on
SQLite the whole database is locked by the IMMEDIATE transaction), asks the pure runtime
(:mod:`trantib.engine.runtime`) for the outcome, writes the new state, the tasks and the
audit event, and returns. Nothing is half-written: an error anywhere rolls the whole action
back. Pages, the API, the CLI and the worker all call these, never the models directly.

``now`` is a parameter wherever time matters, so tests and the worker can say what time it is
(the clock is the outside world); it defaults to ``timezone.now()``.

The modules: ``cases`` (starting), ``steps`` (claim, reassign, complete), ``deadlines`` (late
tasks, waits), ``attachments``, ``notifications`` (notices: work arriving, deadlines, the
digest), ``amend`` (correct a field, cancel, end a wait early, hand over); ``flow`` holds
what they share (numbering, the case lock, persisting an engine outcome), ``roles`` who
performs, starts and supervises what.

This package is the cases app's public surface for changes: other apps import from here, never
from the modules inside.
"""

from ..audit import audit_record as case_event_record
from .amend import (
    case_cancel_by_officer,
    case_handover,
    case_handover_listener_register,
    correctable_tasks,
    correction_refusal,
    field_correct,
    handover_refusal,
    may_direct,
    may_end_wait,
    open_children,
    wait_end_early,
)
from .attachments import ACCEPTED_TYPES, Taken, Upload, attachment_add, files_kept_on_success
from .cases import (
    case_cancel,
    case_open_scheduled,
    case_start,
    case_start_for_intake,
    case_start_held,
    children_elsewhere_text,
)
from .deadlines import SweepResult, deadlines_sweep, task_mark_overdue, wait_fire
from .flow import case_lock
from .hooks import (
    CaseEndListener,
    PersonMask,
    RecordMasker,
    StartGuard,
    StepGuard,
    StepHook,
    case_end_listener_register,
    record_mask_for,
    record_masker_register,
    records_masked,
    start_guard_register,
    start_refusal,
    step_filled,
    step_guard_register,
    step_guards,
    step_hook_register,
    wait_period,
    wait_period_register,
)
from .lateness import case_late_refresh, cases_late_backfill, late_from_of_case
from .notifications import (
    deadlines_warn,
    digests_send,
    notice_sender_register,
    notifications_mark_read,
)
from .roles import (
    acting_role,
    case_spec,
    entries_startable,
    holds_sop_role,
    person_holds_any,
    role_map,
    role_position,
    roles_unfilled,
    sop_internal_roles,
    sop_version_for,
    spec_in_force,
    spec_of_version_row,
    start_unfilled_refusal,
    step_position,
    supervises,
    supervisors_of,
    task_role_name,
)
from .steps import task_claim, task_complete, task_reassign

__all__ = [
    "ACCEPTED_TYPES",
    "CaseEndListener",
    "PersonMask",
    "RecordMasker",
    "StartGuard",
    "StepGuard",
    "StepHook",
    "SweepResult",
    "Taken",
    "Upload",
    "acting_role",
    "attachment_add",
    "case_cancel",
    "case_cancel_by_officer",
    "case_end_listener_register",
    "case_event_record",
    "case_handover",
    "case_handover_listener_register",
    "case_late_refresh",
    "case_lock",
    "case_open_scheduled",
    "case_spec",
    "case_start",
    "case_start_for_intake",
    "case_start_held",
    "cases_late_backfill",
    "children_elsewhere_text",
    "correctable_tasks",
    "correction_refusal",
    "deadlines_sweep",
    "deadlines_warn",
    "digests_send",
    "entries_startable",
    "field_correct",
    "files_kept_on_success",
    "handover_refusal",
    "holds_sop_role",
    "late_from_of_case",
    "may_direct",
    "may_end_wait",
    "notice_sender_register",
    "notifications_mark_read",
    "open_children",
    "person_holds_any",
    "record_mask_for",
    "record_masker_register",
    "records_masked",
    "role_map",
    "role_position",
    "roles_unfilled",
    "sop_internal_roles",
    "sop_version_for",
    "spec_in_force",
    "spec_of_version_row",
    "start_guard_register",
    "start_refusal",
    "start_unfilled_refusal",
    "step_filled",
    "step_guard_register",
    "step_guards",
    "step_hook_register",
    "step_position",
    "supervises",
    "supervisors_of",
    "task_claim",
    "task_complete",
    "task_mark_overdue",
    "task_reassign",
    "task_role_name",
    "wait_end_early",
    "wait_fire",
    "wait_period",
    "wait_period_register",
]
