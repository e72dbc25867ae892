"""``trantib case start|list|show|cancel|handover`` — cases from the command line, through the
same services and selectors as the pages and the API.

``--as USER`` names the acting login. Starting needs one; reads without one see every unit (the
operator at the server's console).
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from trantib.accounts import cli as org_cli
from trantib.cases import selectors, services
from trantib.cases.casefile import CaseFile, case_file_build
from trantib.cases.models import Case, CaseStatus, Task
from trantib.core import cli
from trantib.sops import registry
from trantib.sops.models import SopVersion


class Command(BaseCommand):
    help = "Start, list and show cases."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        start = sub.add_parser("start", help="start a case and do its first step")
        start.add_argument("--sop", required=True, metavar="CODE")
        start.add_argument("--unit", required=True, metavar="CODE")
        cli.add_as(start, required=True)
        start.add_argument("--subject", required=True)
        start.add_argument("--data", metavar="JSON", help="the first step's fields")
        start.add_argument("--data-file", metavar="FILE", help="the same, from a JSON file")
        start.add_argument(
            "--requirement",
            dest="requirements",
            action="append",
            default=[],
            metavar="R",
            help="a requirement of the first step that is met (repeat for several)",
        )
        start.add_argument("--entry", default="", metavar="STEP", help="start at this entry step")
        start.add_argument(
            "--attach",
            action="append",
            default=[],
            metavar="FIELD=FILE",
            help="a photo or PDF for a file field of the first step (repeat for several)",
        )

        lst = sub.add_parser("list", help="one line per case, newest first")
        lst.add_argument("--unit", default="", metavar="CODE")
        lst.add_argument("--sop", default="", metavar="CODE")
        lst.add_argument("--status", default="", choices=CaseStatus.values)
        lst.add_argument("--overdue", action="store_true", help="only cases with a late task")
        lst.add_argument("--search", default="", help="in the number and the subject")
        lst.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
        cli.add_as(lst)

        show = sub.add_parser("show", help="a case: header, tasks, events")
        show.add_argument("number")
        show.add_argument("--json", dest="as_json", action="store_true", help="print JSON")
        cli.add_as(show)

        cancel = sub.add_parser("cancel", help="stop an open case with a reason")
        cancel.add_argument("number")
        cancel.add_argument("--reason", required=True)
        cancel.add_argument(
            "--children",
            default="",
            choices=["cancel", "keep"],
            help="its open linked cases: cancel them too, or keep them running",
        )
        cli.add_as(cancel, required=True)

        handover = sub.add_parser("handover", help="hand an open case over to another unit")
        handover.add_argument("number")
        handover.add_argument("--to", dest="to_unit", required=True, metavar="CODE")
        handover.add_argument("--reason", required=True)
        cli.add_as(handover, required=True)

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, f"do_{opts['action']}")(**opts)

    # -- start ------------------------------------------------------------------------

    def do_start(
        self,
        *,
        sop: str,
        unit: str,
        username: str,
        subject: str,
        data: str | None,
        data_file: str | None,
        requirements: list[str],
        entry: str,
        attach: list[str],
        **opts: Any,
    ) -> None:
        _, person = org_cli.actor_get(username)
        org_unit = org_cli.unit_get(unit)
        values = cli.data_load(data, data_file)
        files = [cli.attach_arg(a, field_required=True) for a in attach]
        with ExitStack() as stack, cli.service_errors():
            uploads: dict[str, list[tuple[str, IO[bytes]]]] = {}
            for field, path in files:
                uploads.setdefault(field, []).append(
                    (path.name, stack.enter_context(path.open("rb")))
                )
            case = services.case_start(
                sop_code=sop,
                unit=org_unit,
                actor=person,
                subject=subject,
                data=values,
                requirements=requirements,
                entry=entry,
                uploads=uploads,
            )
        self.stdout.write(f"{case.number} opened ({services.case_spec(case).key}): {case.subject}")
        self._write_next(case)

    def _write_next(self, case: Case) -> None:
        if case.status == CaseStatus.CLOSED:
            self.stdout.write("The case is closed.")
            return
        for task in selectors.case_live_tasks(case):
            self.stdout.write(f"  next: {task_line(task, case)}")

    # -- list -------------------------------------------------------------------------

    def do_list(
        self,
        *,
        unit: str,
        sop: str,
        status: str,
        overdue: bool,
        search: str,
        limit: int,
        username: str | None,
        **opts: Any,
    ) -> None:
        if limit <= 0:
            raise cli.fail("--limit", f"{limit} is not a positive number")
        if unit:
            org_cli.unit_get(unit)
        if sop:
            sop_known(sop)
        reader = org_cli.reader_get(username)
        cases = selectors.case_list_for_user(
            reader,
            sop=sop,
            status=status,
            overdue=True if overdue else None,
            unit=unit,
            query=search,
        )
        page = list(cases[: limit + 1])
        rows = [
            [
                c.number,
                c.sop_code,
                c.status,
                ", ".join(c.state.get("active", [])) or "-",
                org_cli.local(c.opened_at, c.unit),
                cli.clip(c.subject, 50),
            ]
            for c in page[:limit]
        ]
        if not rows:
            self.stdout.write("No cases.")
            return
        headers = ["Number", "SOP", "Status", "Active steps", "Opened", "Subject"]
        for line in cli.table(headers, rows):
            self.stdout.write(line)
        if len(page) > limit:
            self.stdout.write(f"… more than {limit} cases: narrow the filters or raise --limit")

    # -- show -------------------------------------------------------------------------

    def do_show(self, *, number: str, as_json: bool, username: str | None, **opts: Any) -> None:
        reader = org_cli.reader_get(username)
        with cli.service_errors():
            case = selectors.case_get_by_number_for_user(reader, number)
        tasks = list(selectors.case_tasks(case))
        events = list(selectors.case_events(case))
        children = list(selectors.case_children(case))
        if as_json:
            self.stdout.write(case_json(case, tasks, events, children))
            return
        for line in case_text(case, tasks, events, children):
            self.stdout.write(line)
        casefile = case_file_build(case, user=reader, tasks=tasks, events=events)
        for line in case_file_text(casefile):
            self.stdout.write(line)

    # -- amending -----------------------------------------------------------------------

    def do_cancel(
        self, *, number: str, reason: str, children: str, username: str, **opts: Any
    ) -> None:
        user, person = org_cli.actor_get(username)
        with cli.service_errors():
            case = selectors.case_get_by_number_for_user(user, number)
            services.case_cancel_by_officer(
                case=case, actor=person, reason=reason, children=children
            )
        self.stdout.write(f"{number} cancelled.")

    def do_handover(
        self, *, number: str, to_unit: str, reason: str, username: str, **opts: Any
    ) -> None:
        user, person = org_cli.actor_get(username)
        unit = org_cli.unit_get(to_unit)
        with cli.service_errors():
            case = selectors.case_get_by_number_for_user(user, number)
            services.case_handover(case=case, actor=person, to_unit=unit, reason=reason)
        self.stdout.write(f"{number} handed over to {unit.code}.")


def sop_known(code: str) -> None:
    if any(s.code == code for s in registry.current()):
        return
    if SopVersion.objects.filter(code=code).exists():
        return
    known = ", ".join(sorted({s.code for s in registry.current()})) or "none"
    raise cli.fail("--sop", f"no SOP '{code}' in the library (known: {known})")


def task_line(task: Task, case: Case) -> str:
    due = f", due {org_cli.local(task.due_at, case.unit)}" if task.due_at else ""
    late = " LATE" if selectors.task_is_overdue(task) else ""
    who = f", {task.assignee.full_name}" if task.assignee else ""
    return f"task {task.pk} [{task.kind}] {task.step_id} ({task.role}{who}{due}){late}"


def _person(p: Any) -> str:
    return p.full_name if p is not None else "-"


def case_text(case: Case, tasks: list[Task], events: list[Any], children: list[Case]) -> list[str]:
    unit = case.unit
    spec = services.case_spec(case)
    lines = [
        f"{case.number}  {case.subject}",
        f"SOP:     {spec.key} {spec.name}",
        f"Unit:    {unit.code} {unit.name}",
        f"Status:  {case.status}"
        + (f" since {org_cli.local(case.closed_at, unit)}" if case.closed_at else ""),
        f"Opened:  {org_cli.local(case.opened_at, unit)} by {_person(case.opened_by)}",
        f"Active:  {', '.join(case.state.get('active', [])) or '-'}",
    ]
    if case.parent_id:
        lines.append(f"Parent:  {case.parent.number if case.parent else case.parent_id}")
    if children:
        lines.append("Linked:  " + ", ".join(f"{c.number} ({c.status})" for c in children))
    lines += ["", "Tasks"]
    task_rows = [
        [
            t.pk,
            t.step_id + (f" ({t.occurrence})" if t.occurrence and t.occurrence != "1" else ""),
            t.kind,
            t.status,
            t.role,
            _person(t.completed_by or t.assignee),
            t.standard or "-",
            cli.duration(t.duration_seconds),
            org_cli.local(t.due_at, unit),
            "yes" if t.overdue_at or selectors.task_is_overdue(t) else "",
            t.decision or "",
        ]
        for t in tasks
    ]
    headers = ["ID", "Step", "Kind", "Status", "Role", "Who", "Standard", "Actual"]
    lines += cli.table([*headers, "Due", "Late", "Decision"], task_rows)
    lines += ["", "Events"]
    event_rows = [
        [e.seq, org_cli.local(e.at, unit), e.type, _person(e.actor), e.task_id or ""]
        for e in events
    ]
    lines += cli.table(["Seq", "At", "Type", "Actor", "Task"], event_rows)
    return lines


def case_file_text(casefile: CaseFile) -> list[str]:
    """The case file (berkas) as the case page shows it: each step's record, indented."""
    lines = ["", "Berkas kasus"]
    for r in casefile.records:
        occurrence = f" ({r.occurrence_text})" if r.occurrence else ""
        head = f"{r.no}. " if r.no else ""
        lines.append(f"  {head}{r.title}{occurrence}")
        who = f"{r.completed_by}, {r.position}" if r.position else r.completed_by
        lines.append(f"     {who or '-'} · {r.completed_at_text}")
        if r.decision:
            lines.append(f"     Keputusan: {r.decision}")
        for f in r.fields:
            mark = " [dikoreksi]" if f.corrected else ""
            first, *rest = f.lines
            lines.append(f"     {f.label}{mark}: {first}")
            lines += [f"       {line}" for line in rest]
            lines += [
                f"       sebelum dikoreksi: {c.before_text} ({c.by}, {c.at_text})"
                for c in f.corrections
            ]
        if r.requirements:
            lines.append(f"     Kelengkapan: {'; '.join(r.requirements)}")
        lines += [
            f"     Lampiran {a.field_label}: {a.name} ({a.type_label}, id {a.id}) "
            f"{a.uploaded_by} · {a.uploaded_at_text}"
            for a in r.attachments
        ]
    for link in casefile.linked:
        current = f" — {'; '.join(link.current)}" if link.current else ""
        lines.append(
            f"  {link.relation}: {link.case.number} {link.case.subject} "
            f"({link.status_label}){current}"
        )
    return lines


def case_json(case: Case, tasks: list[Task], events: list[Any], children: list[Case]) -> str:
    spec = services.case_spec(case)
    body = {
        "number": case.number,
        "subject": case.subject,
        "sop": spec.code,
        "sop_version": spec.version,
        "sop_name": spec.name,
        "unit": case.unit.code,
        "status": case.status,
        "active": case.state.get("active", []),
        "opened_at": case.opened_at,
        "opened_by": _person(case.opened_by) if case.opened_by else None,
        "closed_at": case.closed_at,
        "parent": case.parent.number if case.parent else None,
        "children": [{"number": c.number, "status": c.status} for c in children],
        "tasks": [
            {
                "id": t.pk,
                "step": t.step_id,
                "occurrence": t.occurrence,
                "title": t.title,
                "kind": t.kind,
                "role": t.role,
                "status": t.status,
                "assignee": _person(t.assignee) if t.assignee else None,
                "completed_by": _person(t.completed_by) if t.completed_by else None,
                "created_at": t.created_at,
                "due_at": t.due_at,
                "overdue_at": t.overdue_at,
                "completed_at": t.completed_at,
                "standard": t.standard,
                "standard_minutes": t.standard_minutes,
                "duration_seconds": t.duration_seconds,
                "decision": t.decision,
                "requirements": t.requirements_checked,
                "data": t.data,
            }
            for t in tasks
        ],
        "events": [
            {
                "seq": e.seq,
                "at": e.at,
                "type": e.type,
                "actor": _person(e.actor) if e.actor else None,
                "task": e.task_id,
                "data": e.data,
                "hash": e.hash,
            }
            for e in events
        ],
    }
    return json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
