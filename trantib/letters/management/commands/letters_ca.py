"""``trantib letters_ca``: the certificates that sign letters electronically.

    letters_ca ca --unit CPD [--pem ca.pem]        the unit's own CA (made on first use); --pem
                                                   writes its certificate, for readers' trust lists
    letters_ca issue --unit CPD --person camat.cpd a person's certificate from the unit's CA
    letters_ca import FILE --unit CPD [--person camat.cpd] [--passphrase-env VAR]
                                                   an institution's PKCS#12 (.p12/.pfx) for a
                                                   person or the whole unit, or a CA certificate
                                                   (PEM/DER) to trust
    letters_ca list [--unit CPD]

The passphrase of a PKCS#12 is read from the environment variable ``--passphrase-env`` names,
else asked at the terminal; it only checks that the file opens and is not stored: whoever signs
types it again.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import sys
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding
from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Q

from trantib.accounts.cli import local, unit_get
from trantib.accounts.models import OrgUnit, Person
from trantib.core.cli import fail, service_errors
from trantib.letters.models import SigningCredential
from trantib.letters.signing import credential_import, person_certificate, unit_ca


def _person(name: str) -> Person:
    found = Person.objects.filter(Q(user__username=name) | Q(nip=name) | Q(nrp=name)).first()
    if found is None:
        raise fail("--person", f"no person with login, NIP or NRP '{name}'")
    return found


def _fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


class Command(BaseCommand):
    help = "The certificates that sign letters: the unit's CA, people's, an institution's."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ca = sub.add_parser("ca", help="the unit's own CA (made on first use)")
        ca.add_argument("--unit", required=True)
        ca.add_argument("--pem", help="write the CA certificate (PEM) to this file")
        issue = sub.add_parser("issue", help="a person's certificate from the unit's CA")
        issue.add_argument("--unit", required=True)
        issue.add_argument("--person", required=True, help="login, NIP or NRP")
        imp = sub.add_parser("import", help="an institution's PKCS#12, or a CA to trust")
        imp.add_argument("file")
        imp.add_argument("--unit", required=True)
        imp.add_argument("--person", help="login, NIP or NRP (none: the unit's certificate)")
        imp.add_argument("--passphrase-env", help="environment variable holding the passphrase")
        listing = sub.add_parser("list", help="the certificates, newest first")
        listing.add_argument("--unit")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list(unit_get(options["unit"]) if options["unit"] else None)
            return
        unit = unit_get(options["unit"])
        with service_errors():
            if action == "ca":
                cred, material = unit_ca(unit=unit)
                if options["pem"]:
                    Path(options["pem"]).write_bytes(
                        material.certificate.public_bytes(Encoding.PEM)
                    )
            elif action == "issue":
                cred, _material = person_certificate(unit=unit, person=_person(options["person"]))
            else:
                cred = self._import(unit, options)
        self._line(cred, unit)

    def _import(self, unit: OrgUnit, options: dict[str, Any]) -> SigningCredential:
        path = Path(options["file"])
        if not path.is_file():
            raise fail("file", f"no file {path}")
        data = path.read_bytes()
        person = _person(options["person"]) if options["person"] else None
        passphrase = ""
        if options["passphrase_env"]:
            passphrase = os.environ.get(options["passphrase_env"], "")
        elif path.suffix.lower() in {".p12", ".pfx"} and sys.stdin.isatty():
            passphrase = getpass.getpass("Passphrase: ")
        return credential_import(
            unit=unit, person=person, data=data, passphrase=passphrase, actor=None
        )

    def _list(self, unit: OrgUnit | None) -> None:
        rows = SigningCredential.objects.select_related("unit", "person").order_by(
            "unit__code", "role", "-created_at"
        )
        if unit is not None:
            rows = rows.filter(unit=unit)
        for cred in rows:
            self._line(cred, cred.unit)

    def _line(self, cred: SigningCredential, unit: OrgUnit) -> None:
        state = "retired" if cred.retired_at else "in use"
        self.stdout.write(
            f"{unit.code}\t{cred.role}\t{cred.source}\t{state}\t{cred.subject}\t"
            f"until {local(cred.not_after, unit)}\tsha256 {_fingerprint(bytes(cred.certificate))}"
        )
