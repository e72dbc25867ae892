"""The organisation's own objects, for the unit pages (``/organisasi/<code>/``): in Cipondoh
(CPD: no Plt./Plh. today) and in Karawaci (KRW: its Plh. Camat, the Sekcam of Cipondoh, manages
it today), a position held by a person without a login — the assignment the period forms change
and remove — and a position nobody ever held, the one a head could remove. Their names are their
markers: the unit page shows them to the unit's people and to those who supervise it, nobody
else."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from trantib.accounts.models import Assignment, Person, PersonKind, Position
from trantib.accounts.services import person_register, position_save
from trantib.conftest import DemoOrg

if TYPE_CHECKING:
    from .planted import Planted

# unit -> (suffix of the object names, held position, its holder, the position nobody held)
ORG = {
    "CPD": ("", "Seksi Vornathal", "Ardiyan Wostrelka", "Seksi Drelvanis"),
    "KRW": ("_krw", "Seksi Quellmarin", "Bestari Nolvencu", "Seksi Tarmovel"),
}


def plant_org(p: Planted, demo_org: DemoOrg, now: dt.datetime) -> None:
    for code, (suffix, held, holder, empty) in ORG.items():
        unit = demo_org.unit(code)
        head = demo_org.person(f"camat.{code.lower()}")
        position = Position(unit=unit, code="matriks_seksi", name=held)
        position_save(position=position, actor=head)
        p.add(f"position{suffix}", position, code, (held,))
        person = person_register(
            person=Person(full_name=holder, kind=PersonKind.OTHER),
            position=position,
            valid_from=unit.today() - dt.timedelta(days=30),
            actor=head,
        )
        assignment = Assignment.objects.get(person=person, position=position)
        p.add(f"assignment{suffix}", assignment, code, (holder,))
        vacant = Position(unit=unit, code="matriks_kosong", name=empty)
        position_save(position=vacant, actor=head)
        p.add(f"position_vacant{suffix}", vacant, code, (empty,))
