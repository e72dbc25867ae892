"""``trantib task list|complete`` — Tugas Saya and completing a step from the command line.

``--attach bukti=foto.jpg`` uploads a file to the case and puts it in the step's field
``bukti`` (``--attach foto.jpg``: only attached to the task), so steps that ask for photos or
scans can be done here too. Upload and completion are one transaction: a refused completion
leaves no attachment behind.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandParser

from trantib.accounts import cli as org_cli
from trantib.cases import selectors, services
from trantib.cases.models import CaseStatus
from trantib.core import cli
from trantib.core.jsoninput import JsonTooDeep, json_loads

from .case import task_line


class Command(BaseCommand):
    help = "List your tasks (Tugas Saya) and complete one."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        lst = sub.add_parser("list", help="Tugas Saya: late first, then by due time")
        cli.add_as(lst, required=True)

        complete = sub.add_parser("complete", help="complete a task; the case moves on")
        complete.add_argument("task_id", type=int, metavar="TASK_ID")
        cli.add_as(complete, required=True)
        complete.add_argument("--data", metavar="JSON", help="the step's fields")
        complete.add_argument("--data-file", metavar="FILE", help="the same, from a JSON file")
        complete.add_argument("--decision", default="", metavar="LABEL", help="a branch label")
        complete.add_argument(
            "--requirement",
            dest="requirements",
            action="append",
            default=[],
            metavar="R",
            help="a requirement that is met (repeat for several)",
        )
        complete.add_argument(
            "--attach",
            action="append",
            default=[],
            metavar="[FIELD=]FILE",
            help="upload a photo or PDF (repeat for several)",
        )

        correct = sub.add_parser("correct", help="correct a field of a step you completed")
        correct.add_argument("task_id", type=int, metavar="TASK_ID")
        correct.add_argument("--field", required=True)
        correct.add_argument("--value", required=True, metavar="JSON", help="e.g. '\"teks\"' or 3")
        correct.add_argument("--reason", required=True)
        cli.add_as(correct, required=True)

        end = sub.add_parser("end-wait", help="end a wait early: its condition is met")
        end.add_argument("task_id", type=int, metavar="TASK_ID")
        end.add_argument("--evidence", required=True)
        cli.add_as(end, required=True)

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, f"do_{opts['action'].replace('-', '_')}")(**opts)

    def do_list(self, *, username: str, **opts: Any) -> None:
        user = org_cli.user_get(username)
        tasks = list(selectors.task_list_mine(user))
        if not tasks:
            self.stdout.write("No tasks.")
            return
        rows = [
            [
                t.pk,
                t.case.number,
                t.step_id + (f" ({t.occurrence})" if t.occurrence and t.occurrence != "1" else ""),
                t.status,
                org_cli.local(t.due_at, t.case.unit),
                "LATE" if selectors.task_is_overdue(t) else "",
                cli.clip(t.title, 50),
            ]
            for t in tasks
        ]
        headers = ["ID", "Case", "Step", "Status", "Due", "Late", "Task"]
        for line in cli.table(headers, rows):
            self.stdout.write(line)

    def do_complete(
        self,
        *,
        task_id: int,
        username: str,
        data: str | None,
        data_file: str | None,
        decision: str,
        requirements: list[str],
        attach: list[str],
        **opts: Any,
    ) -> None:
        user, person = org_cli.actor_get(username)
        values = cli.data_load(data, data_file)
        files = [cli.attach_arg(a) for a in attach]
        with cli.service_errors(), ExitStack() as opened:
            task = selectors.task_get_for_user(user, task_id)
            uploads: dict[str, list[tuple[str, IO[bytes]]]] = {}
            for field, path in files:
                uploads.setdefault(field, []).append(
                    (path.name, opened.enter_context(path.open("rb")))
                )
            done = services.task_complete(
                task=task,
                actor=person,
                data=values,
                decision=decision,
                requirements=requirements,
                uploads=uploads,
            )
        case = task.case
        case.refresh_from_db()
        what = f"task {done.pk} ({done.step_id}) completed on {case.number}"
        self.stdout.write(what + (f": {done.decision}" if done.decision else ""))
        if case.status == CaseStatus.CLOSED:
            self.stdout.write("The case is closed.")
            return
        for nxt in selectors.case_live_tasks(case):
            self.stdout.write(f"  next: {task_line(nxt, case)}")

    # -- amending -----------------------------------------------------------------------

    def do_correct(
        self, *, task_id: int, field: str, value: str, reason: str, username: str, **opts: Any
    ) -> None:
        user, person = org_cli.actor_get(username)
        try:
            parsed = json_loads(value)
        except JsonTooDeep as exc:
            raise cli.fail("--value", str(exc)) from None
        except ValueError:
            parsed = value  # plain text needs no quotes
        with cli.service_errors():
            task = selectors.task_get_for_user(user, task_id)
            services.field_correct(
                task=task, actor=person, field=field, value=parsed, reason=reason
            )
        self.stdout.write(f"task {task_id}: {field} corrected.")

    def do_end_wait(self, *, task_id: int, evidence: str, username: str, **opts: Any) -> None:
        user, person = org_cli.actor_get(username)
        with cli.service_errors():
            task = selectors.task_get_for_user(user, task_id)
            services.wait_end_early(task=task, actor=person, evidence=evidence)
        case = task.case
        case.refresh_from_db()
        self.stdout.write(f"task {task_id}: wait ended early on {case.number}")
        for nxt in selectors.case_live_tasks(case):
            self.stdout.write(f"  next: {task_line(nxt, case)}")
