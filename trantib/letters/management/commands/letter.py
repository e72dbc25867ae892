"""``trantib letter list|show|pdf|docx|number|sign|attach|cancel|verify`` — letters from the
command line, through the same selectors and services as the pages and the API.

A letter is named by its id or by its number (``300.1.2.1/0001/CPD/2026``). ``--as USER`` names
the acting login: changes need one; reads without one see every unit (the operator at the
server's console). Bad input is one line naming the argument at fault, exit status 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from trantib.accounts import cli as org_cli
from trantib.accounts.selectors import UserLike
from trantib.core import cli
from trantib.core.audit import audit_events
from trantib.core.errors import NotFound
from trantib.letters import selectors, services
from trantib.letters.kinds import KINDS
from trantib.letters.models import Letter, LetterState
from trantib.letters.qr import verify_url
from trantib.letters.rendering import letter_docx, letter_pdf
from trantib.letters.selectors import letter_shown
from trantib.letters.uploads import FILE_MAX
from trantib.letters.verification import upload_check


class Command(BaseCommand):
    help = "List, show, print, number, sign, cancel and verify letters (naskah dinas)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        lst = sub.add_parser("list", help="one line per letter, newest first")
        lst.add_argument("--unit", default="", metavar="CODE")
        lst.add_argument("--kind", default="", choices=sorted(KINDS))
        lst.add_argument("--state", default="", choices=LetterState.values)
        lst.add_argument("--search", default="", help="in the number and the hal")
        lst.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
        cli.add_as(lst)

        show = sub.add_parser("show", help="a letter: header, state, signer, paraf, deliveries")
        show.add_argument("letter", metavar="LETTER", help="its id or its number")
        show.add_argument("--json", dest="as_json", action="store_true", help="print JSON")
        cli.add_as(show)

        for name, what in (("pdf", "the PDF (the official copy once signed)"), ("docx", "Word")):
            out = sub.add_parser(name, help=f"write {what} to a file")
            out.add_argument("letter", metavar="LETTER", help="its id or its number")
            out.add_argument("-o", "--output", default="", metavar="FILE")
            cli.add_as(out)

        number = sub.add_parser("number", help="number it for a wet or outside-TTE signature")
        number.add_argument("letter", metavar="LETTER")
        cli.add_as(number, required=True)

        sign = sub.add_parser("sign", help="number and sign it electronically (PAdES)")
        sign.add_argument("letter", metavar="LETTER")
        sign.add_argument(
            "--passphrase-file", default="", metavar="FILE", help="the certificate's passphrase"
        )
        cli.add_as(sign, required=True)

        attach = sub.add_parser("attach", help="attach the signed copy (PDF) of a numbered one")
        attach.add_argument("letter", metavar="LETTER")
        attach.add_argument("file", metavar="FILE", help="the signed PDF")
        attach.add_argument("--signed-by", default="", help="who signed it outside Trantib")
        cli.add_as(attach, required=True)

        cancel = sub.add_parser("cancel", help="cancel it with a reason (it keeps its number)")
        cancel.add_argument("letter", metavar="LETTER")
        cancel.add_argument("--reason", required=True)
        cli.add_as(cancel, required=True)

        verify = sub.add_parser("verify", help="is this PDF the official copy of a letter?")
        verify.add_argument("file", metavar="FILE", help="the PDF to check")
        verify.add_argument("--code", required=True, help="the verification code (the QR's)")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, f"do_{opts['action']}")(**opts)

    # -- reading --------------------------------------------------------------------------

    def do_list(
        self,
        *,
        unit: str,
        kind: str,
        state: str,
        search: str,
        limit: int,
        username: str | None,
        **opts: Any,
    ) -> None:
        if limit <= 0:
            raise cli.fail("--limit", f"{limit} is not a positive number")
        qs = selectors.letter_list_for_user(
            org_cli.reader_get(username), kind=kind, state=state, query=search
        )
        if unit:
            qs = qs.filter(unit=org_cli.unit_get(unit))
        page = list(qs[: limit + 1])
        if not page:
            self.stdout.write("No letters.")
            return
        rows = [
            [
                x.pk,
                x.number or "-",
                x.dated.isoformat() if x.dated else "-",
                x.kind_name,
                x.state,
                x.unit.code,
                cli.clip(letter_shown(x).hal, 50),
            ]
            for x in page[:limit]
        ]
        for line in cli.table(["ID", "Number", "Dated", "Kind", "State", "Unit", "Hal"], rows):
            self.stdout.write(line)
        if len(page) > limit:
            self.stdout.write(f"… more than {limit} letters: narrow the filters or raise --limit")

    def do_show(self, *, letter: str, as_json: bool, username: str | None, **opts: Any) -> None:
        found = letter_get(org_cli.reader_get(username), letter)
        if as_json:
            self.stdout.write(letter_json(found))
            return
        for line in letter_text(found):
            self.stdout.write(line)

    def do_pdf(self, *, letter: str, output: str, username: str | None, **opts: Any) -> None:
        found = letter_get(org_cli.reader_get(username), letter)
        if found.official_pdf:
            try:
                with found.official_pdf.open("rb") as handle:
                    content = handle.read()
            except FileNotFoundError:
                raise cli.fail("LETTER", "its official PDF is missing from storage") from None
        else:
            content = letter_pdf(found)
        self._write(output or services.letter_filename(found, "pdf"), content, found)

    def do_docx(self, *, letter: str, output: str, username: str | None, **opts: Any) -> None:
        found = letter_get(org_cli.reader_get(username), letter)
        self._write(output or services.letter_filename(found, "docx"), letter_docx(found), found)

    def _write(self, output: str, content: bytes, letter: Letter) -> None:
        path = Path(output)
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise cli.fail("--output", f"cannot write {path}: {exc.strerror or exc}") from None
        label = letter.number or f"draft {letter.pk}"
        self.stdout.write(f"{path}: {label} ({len(content)} bytes)")

    # -- changing -------------------------------------------------------------------------

    def do_number(self, *, letter: str, username: str, **opts: Any) -> None:
        user, person = org_cli.actor_get(username)
        found = letter_get(user, letter)
        with cli.service_errors():
            done = services.letter_number(letter=found, actor=person)
        self.stdout.write(f"{done.pk} numbered {done.number}, dated {done.dated}.")
        self.stdout.write("Print it, have it signed, then: trantib letter attach …")

    def do_sign(self, *, letter: str, passphrase_file: str, username: str, **opts: Any) -> None:
        user, person = org_cli.actor_get(username)
        found = letter_get(user, letter)
        passphrase = ""
        if passphrase_file:
            try:
                passphrase = Path(passphrase_file).read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError) as exc:
                raise cli.fail("--passphrase-file", f"cannot read it: {exc}") from None
        with cli.service_errors():
            done = services.letter_sign_electronic(
                letter=found, actor=person, passphrase=passphrase
            )
        self.stdout.write(f"{done.pk} signed {done.number}, SHA-256 {done.official_sha256}.")

    def do_attach(
        self, *, letter: str, file: str, signed_by: str, username: str, **opts: Any
    ) -> None:
        user, person = org_cli.actor_get(username)
        found = letter_get(user, letter)
        content = read_file(file, "FILE")
        with cli.service_errors():
            done = services.letter_signed_copy_attach(
                letter=found,
                actor=person,
                content=content,
                filename=Path(file).name,
                signed_by=signed_by,
            )
        self.stdout.write(f"{done.pk} signed {done.number}, SHA-256 {done.official_sha256}.")

    def do_cancel(self, *, letter: str, reason: str, username: str, **opts: Any) -> None:
        user, person = org_cli.actor_get(username)
        found = letter_get(user, letter)
        with cli.service_errors():
            done = services.letter_cancel(letter=found, actor=person, reason=reason)
        kept = f", number {done.number} kept" if done.number else ""
        self.stdout.write(f"{done.pk} cancelled{kept}.")

    # -- verifying --------------------------------------------------------------------------

    def do_verify(self, *, file: str, code: str, **opts: Any) -> None:
        found = selectors.letter_by_code(code.strip())
        if found is None:
            raise cli.fail("--code", f"no letter has the verification code '{code}'")
        content = read_file(file, "FILE")
        with cli.service_errors():
            check = upload_check(found, content, name=Path(file).name)
        state = {"signed": "sah", "cancelled": "dibatalkan"}.get(found.state, found.state)
        self.stdout.write(f"Letter:    {found.kind_name} {found.number} ({found.unit.name})")
        self.stdout.write(f"State:     {state}")
        self.stdout.write(f"Official:  {found.official_sha256 or '-'}")
        self.stdout.write(f"This file: {check.sha256}")
        self.stdout.write(
            "Same file: yes" if check.same else "Same file: NO — not the official copy"
        )
        sig = check.signature
        if sig.signed:
            verdict = "valid" if sig.valid else "NOT valid"
            who = f" by {sig.signer_name}" if sig.signer_name else ""
            self.stdout.write(
                f"Signature: {verdict}{who}" + (f" ({sig.problem})" if sig.problem else "")
            )
        else:
            self.stdout.write("Signature: none")
        if not check.same:
            # Not bad input: the check ran and failed. Exit status 1, as a failed test.
            raise CommandError("FILE: it is not the official copy of this letter", returncode=1)


# -- helpers --------------------------------------------------------------------------------


def letter_get(user: UserLike, ref: str) -> Letter:
    """The letter by id ("12") or by number, among the user's units."""
    ref = ref.strip()
    if ref.isdigit():
        try:
            return selectors.letter_get_for_user(user, int(ref))
        except NotFound:
            raise cli.fail("LETTER", f"no letter with id {ref}") from None
    ids = list(
        selectors.letter_list_for_user(user).filter(number=ref).values_list("pk", flat=True)[:5]
    )
    if not ids:
        raise cli.fail("LETTER", f"no letter numbered '{ref}'")
    if len(ids) > 1:
        listed = ", ".join(str(i) for i in ids)
        raise cli.fail("LETTER", f"several letters are numbered '{ref}': use an id ({listed})")
    return selectors.letter_get_for_user(user, ids[0])


def read_file(path_text: str, argument: str) -> bytes:
    path = Path(path_text)
    if not path.is_file():
        raise cli.fail(argument, f"no such file '{path}'")
    if path.stat().st_size > FILE_MAX:
        raise cli.fail(argument, f"{path} is larger than 10 MB")
    return path.read_bytes()


def letter_text(letter: Letter) -> list[str]:
    unit = letter.unit
    shown = letter_shown(letter)
    lines = [
        f"{letter.pk}  {letter.kind_name}  {letter.number or '(belum bernomor)'}",
        f"Hal:       {letter.hal}",
        f"Unit:      {unit.code} {unit.name}",
        f"State:     {letter.state} ({letter.get_state_display()})",
        f"Dated:     {letter.dated.isoformat() if letter.dated else '-'}",
        f"To:        {shown.recipient or '-'}",
        f"Case:      {letter.case.number if letter.case else '-'}",
    ]
    if letter.signer_name:
        lines += [
            f"Signer:    {letter.signer_title}, {letter.signer_name}",
            f"           {letter.signer_pangkat} {letter.signer_id_line}".rstrip(),
            f"Mode:      {letter.sign_mode}",
        ]
    if letter.official_sha256:
        lines.append(f"SHA-256:   {letter.official_sha256}")
    if letter.verify_code:
        lines.append(f"Verify:    {verify_url(letter.verify_code)}")
    if letter.cancel_reason:
        lines.append(
            f"Cancelled: {org_cli.local(letter.cancelled_at, unit)}: {letter.cancel_reason}"
        )
    reviews = list(letter.reviews.all())
    if reviews:
        lines += ["", "Paraf"]
        rows = [
            [
                r.round,
                r.order + 1,
                r.jabatan,
                r.outcome or "-",
                r.person.full_name if r.person else "-",
                org_cli.local(r.at, unit),
                cli.clip(r.note, 40),
            ]
            for r in reviews
        ]
        lines += cli.table(["Round", "No", "Jabatan", "Outcome", "Who", "At", "Note"], rows)
    deliveries = list(letter.deliveries.all())
    if deliveries:
        lines += ["", "Deliveries"]
        rows = [
            [d.method, d.received_by, org_cli.local(d.received_at, unit), d.place or "-"]
            for d in deliveries
        ]
        lines += cli.table(["Method", "Received by", "At", "Place"], rows)
    events = list(audit_events(letter))
    lines += ["", "Events"]
    lines += cli.table(
        ["Seq", "At", "Type"], [[e.seq, org_cli.local(e.at, unit), e.type] for e in events]
    )
    return lines


def letter_json(letter: Letter) -> str:
    body = {
        "id": letter.pk,
        "unit": letter.unit.code,
        "kind": letter.kind,
        "kind_name": letter.kind_name,
        "state": letter.state,
        "hal": letter.hal,
        "number": letter.number,
        "dated": letter.dated,
        "recipient": letter_shown(letter).recipient,
        "case": letter.case.number if letter.case else None,
        "signer": {
            "title": letter.signer_title,
            "name": letter.signer_name,
            "pangkat": letter.signer_pangkat,
            "id_line": letter.signer_id_line,
        }
        if letter.signer_name
        else None,
        "sign_mode": letter.sign_mode,
        "signed_at": letter.signed_at,
        "official_sha256": letter.official_sha256,
        "verify_url": verify_url(letter.verify_code) if letter.verify_code else None,
        "cancel_reason": letter.cancel_reason,
        "reviews": [
            {
                "round": r.round,
                "order": r.order,
                "role": r.role,
                "jabatan": r.jabatan,
                "outcome": r.outcome,
                "person": r.person.full_name if r.person else None,
                "at": r.at,
                "note": r.note,
            }
            for r in letter.reviews.all()
        ],
        "deliveries": [
            {
                "method": d.method,
                "received_by": d.received_by,
                "received_at": d.received_at,
                "place": d.place,
            }
            for d in letter.deliveries.all()
        ],
    }
    return json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
