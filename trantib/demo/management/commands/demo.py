"""``trantib demo`` — load the SOP library, the demo organisation, its letter settings, the demo
letters, cases, complaints and incoming letters (``trantib/demo/data/*.yaml``), then the past
months' history the reports read; print the demo logins and what each part holds.

Idempotent: run it as often as you like (``make run`` does, every time).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from trantib.complaints.models import Complaint
from trantib.core import cli
from trantib.sops.services import LibraryRefused, sop_library_sync

from ...cases import demo_cases_load
from ...complaints import demo_complaints_load
from ...history import demo_history_load
from ...incoming import demo_incoming_load
from ...ladder import demo_ladder_load
from ...letter_setup import demo_letter_setup_load
from ...operations import demo_operations_load
from ...org import DEMO_PASSWORD, DemoLogin, demo_org_load
from ...outgoing import demo_letters_load
from ...patrols import demo_patrols_load
from ...polmas import demo_polmas_load
from ...violators import demo_violators_load
from ...yamlfile import DemoDataError

COLUMNS = [
    ("username", "Username"),
    ("password", "Password"),
    ("person", "Person"),
    ("position", "Position"),
    ("unit", "Unit"),
]


def logins_table(logins: list[DemoLogin]) -> list[str]:
    """The logins as a plain-text table, one line per login."""
    rows = [[getattr(login, field) for field, _ in COLUMNS] for login in logins]
    return cli.table([title for _, title in COLUMNS], rows)


class Command(BaseCommand):
    help = (
        "Load the SOP library, the demo organisation, its letters, cases, complaints and "
        "incoming letters; print the demo logins."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Skip the past months' history (faster; the reports then show little).",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            sync = sop_library_sync()
        except LibraryRefused as exc:  # an edited published file, or an invalid one
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"SOP library: {sync.created} new, {sync.updated} updated, "
            f"{sync.unchanged} unchanged version(s)"
        )
        try:
            self._demo(history=not opts.get("no_history"))
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc

    def _demo(self, *, history: bool) -> None:
        logins = demo_org_load()
        self.stdout.write(f"Demo organisation: {len(logins)} login(s)\n")
        for line in logins_table(logins):
            self.stdout.write(line)
        self.stdout.write(
            f"\nEvery demo login uses the password '{DEMO_PASSWORD}'. "
            "Administration pages: /admin/ (user 'admin')."
        )
        # The letters first: their registers' numbers then follow their dates, before the
        # cases' SOP steps number theirs (from weeks ago up to today).
        self._demo_letters()
        self._demo_cases()
        self._demo_operations()
        self._demo_complaints()
        self._demo_incoming()
        polmas = demo_polmas_load()
        self.stdout.write(
            f"\nDemo Polmas (BINMAS): {polmas.rules} rule(s), {polmas.activities} activity(ies): "
            f"{polmas.held} held, {polmas.missed} missed; {polmas.issues} issue(s), "
            f"{polmas.complaints} complaint(s) (programme /polmas/, recap /polmas/rekap/)"
        )
        self._demo_violators()
        self._demo_ladder()
        self._demo_patrols()
        if history:
            self._demo_history()

    def _demo_history(self) -> None:
        """After the stories: the past months of a few units, for the reports."""
        self.stdout.write("\nDemo history (the past months, for the reports /laporan/):")
        self.stdout.flush()

        def say(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        loaded = demo_history_load(progress=say)
        self.stdout.write(f"  {loaded.created} new item(s)")

    def _demo_ladder(self) -> None:
        result = demo_ladder_load()
        self.stdout.write(
            f"\nDemo Perda and ladders: {result.perda_created} new Perda, {result.perda_total} "
            f"in all (/penegakan/perda/); enforcements on the board /penegakan/:"
        )
        rows = [[f.unit, f.case, f.walk, f.violator] for f in result.findings]
        for line in cli.table(["Unit", "Case", "Rung", "Violator"], rows):
            self.stdout.write("  " + line)

    def _demo_violators(self) -> None:
        found = demo_violators_load()
        made = sum(v.created for v in found)
        self.stdout.write(
            f"\nDemo violators: {made} new, {len(found) - made} already there "
            "(register /penegakan/pelanggar/)"
        )

    def _demo_patrols(self) -> None:
        found = demo_patrols_load()
        if found is not None:
            self.stdout.write(
                f"\nDemo patrols: {found.case}, {found.planned} day(s) planned, "
                f"{found.reported} reported, {len(found.findings)} finding(s) "
                f"{' '.join(found.findings)} "
                f"({'new' if found.created else 'already there'}; calendar /patroli/)"
            )

    def _demo_letters(self) -> None:
        setup = demo_letter_setup_load()
        letters = demo_letters_load()
        made = sum(x.created for x in letters)
        self.stdout.write(
            f"\nDemo letters: letter settings of {setup.units} unit(s) ({setup.saved} saved); "
            f"{made} new letter(s), {len(letters) - made} already there (register /surat/)"
        )
        rows = [
            [x.unit, x.number or "-", x.state, cli.clip(f"{x.kind}: {x.hal}", 60)] for x in letters
        ]
        for line in cli.table(["Unit", "Number", "State", "Letter"], rows):
            self.stdout.write("  " + line)

    def _demo_incoming(self) -> None:
        found = demo_incoming_load()
        made = sum(x.created for x in found)
        self.stdout.write(
            f"\nDemo incoming letters: {made} new, {len(found) - made} already there "
            "(agenda /surat-masuk/)"
        )
        rows = [
            [x.unit, x.agenda, str(x.dispositions), x.case or "-", cli.clip(x.subject, 50)]
            for x in found
        ]
        for line in cli.table(["Unit", "Agenda", "Disp.", "Case", "Subject"], rows):
            self.stdout.write("  " + line)

    def _demo_operations(self) -> None:
        made = demo_operations_load()
        self.stdout.write(
            f"\nDemo operation files: {sum(x.created for x in made)} new (/operasi/, "
            "barang bukti /operasi/barang-bukti/)"
        )
        rows = [[x.number, x.sop, str(x.places), str(x.incidents), str(x.items)] for x in made]
        for line in cli.table(["Case", "SOP", "Places", "Incidents", "Items"], rows):
            self.stdout.write("  " + line)

    def _demo_complaints(self) -> None:
        made = demo_complaints_load()
        self.stdout.write(
            f"\nDemo complaints: {len(made)} new, {Complaint.objects.count()} in all "
            "(public form /lapor/, status /lacak/<nomor>/, staff list /pengaduan/)"
        )
        rows = [
            [c.tracking, c.channel, c.case.number, c.case.status]
            for c in Complaint.objects.select_related("case").order_by("received_at")
        ]
        for line in cli.table(["Tracking", "Channel", "Case", "Status"], rows):
            self.stdout.write("  " + line)

    def _demo_cases(self) -> None:
        result = demo_cases_load()
        self.stdout.write(
            f"\nDemo cases: {result.created} new, {len(result.cases) - result.created} "
            f"already there; {result.overdue} task(s) marked overdue"
        )
        rows = [
            [c.number, c.status, ", ".join(c.active) or "-", cli.clip(c.subject, 60)]
            for c in result.cases
        ]
        for line in cli.table(["Case", "Status", "Active steps", "Subject"], rows):
            self.stdout.write("  " + line)
