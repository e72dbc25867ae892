"""Driving a case and its letters through the services, at a chosen time, as the demo people.

``Desk`` keeps the clock (the outside world): every service is called with ``now`` and the
clock moves on a little after each action, so that a case's events, its tasks' durations and its
letters' signatures and deliveries follow each other as they would in an office.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from docx import Document

from trantib.accounts.models import Person
from trantib.cases import services
from trantib.cases.models import Case, Task, TaskStatus
from trantib.core.dates import date_id
from trantib.letters.models import Letter, LetterState
from trantib.letters.rendering import letter_docx, letter_pdf
from trantib.letters.services import (
    letter_deliver,
    letter_draft_for_task,
    letter_edit,
    letter_initial,
    letter_number,
    letter_signed_copy_attach,
    letter_submit,
)
from trantib.letters.tests import support

WIB = ZoneInfo("Asia/Jakarta")
SCAN = support.pdf("the letter, signed by hand and scanned")
JPEG = support.jpeg()
LIVE = (TaskStatus.OPEN, TaskStatus.CLAIMED)


@dataclass
class Desk:
    demo_org: Any
    now: dt.datetime
    step_minutes: int = 20
    people: dict[str, Person] = field(default_factory=dict)

    def who(self, login: str) -> Person:
        if login not in self.people:
            self.people[login] = self.demo_org.person(login)
        return self.people[login]

    def tick(self, **delta: int) -> dt.datetime:
        self.now += dt.timedelta(**(delta or {"minutes": self.step_minutes}))
        return self.now

    def at(self, moment: dt.datetime) -> None:
        assert moment >= self.now, (moment, self.now)
        self.now = moment

    # cases

    def start(self, sop: str, unit: str, login: str, subject: str, **kw: Any) -> Case:
        case = services.case_start(
            sop_code=sop,
            unit=self.demo_org.unit(unit),
            actor=self.who(login),
            subject=subject,
            now=self.now,
            **kw,
        )
        self.tick()
        return case

    def live(self, case: Case, step: str, occurrence: str = "") -> Task:
        found = Task.objects.filter(case=case, step_id=step, status__in=LIVE)
        if occurrence:
            found = found.filter(occurrence=occurrence)
        return found.get()

    def active(self, case: Case) -> list[str]:
        live = Task.objects.filter(case=case, status__in=LIVE)
        return sorted(t.step_id for t in live)

    def complete(
        self,
        case: Case,
        step: str,
        login: str,
        data: dict[str, Any] | None = None,
        *,
        decision: str = "",
        occurrence: str = "",
        photo: str = "",
    ) -> Task:
        """Complete the live task of ``step``; ``photo``: a photo for that files field."""
        uploads = {photo: [("foto.jpg", io.BytesIO(JPEG))]} if photo else None
        task = services.task_complete(
            task=self.live(case, step, occurrence),
            actor=self.who(login),
            data=data or {},
            decision=decision,
            uploads=uploads,
            now=self.now,
        )
        self.tick()
        return task

    def pass_wait(self, case: Case, step: str) -> Task:
        wait = self.live(case, step)
        assert wait.due_at is not None
        self.at(max(self.now, wait.due_at + dt.timedelta(minutes=1)))
        assert services.deadlines_sweep(now=self.now).fired >= 1
        wait.refresh_from_db()
        assert wait.status == TaskStatus.DONE
        self.tick()
        return wait

    # letters

    def draft(
        self, case: Case, step: str, login: str, changes: dict[str, Any] | None = None
    ) -> Letter:
        letter = letter_draft_for_task(
            task=self.live(case, step), actor=self.who(login), now=self.now
        )
        self.tick()
        if changes:
            letter = letter_edit(
                letter=letter, actor=self.who(login), changes=changes, now=self.now
            )
            self.tick()
        return letter

    def submit(self, letter: Letter, login: str) -> Letter:
        letter = letter_submit(letter=letter, actor=self.who(login), now=self.now)
        self.tick()
        return letter

    def initial(self, letter: Letter, login: str) -> Letter:
        letter = letter_initial(letter=letter, actor=self.who(login), now=self.now)
        self.tick()
        return letter

    def sign(self, letter: Letter, login: str) -> Letter:
        """Signed on paper: numbered, printed, signed by hand, the scan kept."""
        letter = letter_number(letter=letter, actor=self.who(login), now=self.now)
        self.tick()
        letter = letter_signed_copy_attach(
            letter=letter, actor=self.who(login), content=SCAN, filename="scan.pdf", now=self.now
        )
        self.tick()
        assert letter.state == LetterState.SIGNED
        return letter

    def deliver(self, letter: Letter, login: str, received_by: str, at: dt.datetime) -> Letter:
        letter_deliver(
            letter=letter,
            actor=self.who(login),
            received_by=received_by,
            received_at=at,
            place="Di tempat",
            now=max(self.now, at),
        )
        self.at(max(self.now, at))
        self.tick()
        return Letter.objects.get(pk=letter.pk)


def pdf_text(letter: Letter) -> str:
    """The letter's PDF as text (pdftotext), whitespace collapsed."""
    done = subprocess.run(
        ["pdftotext", "-", "-"],  # noqa: S607 — poppler-utils, a test tool
        input=letter_pdf(letter),
        capture_output=True,
        check=True,
    )
    return re.sub(r"\s+", " ", done.stdout.decode("utf-8"))


def docx_text(letter: Letter) -> str:
    """The letter's Word file as python-docx reads it (paragraphs and table cells),
    whitespace collapsed."""
    doc = Document(io.BytesIO(letter_docx(letter)))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return re.sub(r"\s+", " ", " ".join(parts))


def assert_printed(letter: Letter, *names: str) -> None:
    """The PDF and the Word file of a signed letter name its number, its date the Indonesian
    way, the people given (the addressee or the violator) and its signer with the NIP/NRP
    line."""
    assert letter.state == LetterState.SIGNED and letter.number and letter.dated
    wanted = [letter.number, date_id(letter.dated), letter.signer_name, letter.signer_id_line]
    for source, text in (("pdf", pdf_text(letter)), ("docx", docx_text(letter))):
        for expected in [*wanted, *names]:
            assert expected and expected in text, (source, letter.kind_name, expected, text[:400])
