"""The objects the access matrix looks for: a few of each kind, each in one unit, made through
the services, each carrying a word found nowhere else (its marker) so that a page or an answer
that shows it can be told from one that does not.

Four owning units, as the work is spread in the product (``plant_cpd``, ``plant_units``):

- Kecamatan Cipondoh (CPD): a case, its task and photo, two complaints, the operation file; a
  draft letter, a letter signed on paper and delivered with a photo (and what its QR code's
  public page may show), an incoming letter and its disposition; the monitoring form, an
  evaluation in draft and last year's, final, that opened a draft version of the SOP.
- Satpol PP Kota Tangerang (PPTNG): the patrol month with one day reported and one not, a
  violator and the enforcement it opened, the Perda.
- Satbinmas Gorontalo (BINMAS): the Polmas programme.
- Kecamatan Karawaci (KRW): a case and a letter, for its Plh. Camat to find, and last year's
  evaluation, which asked for a revision after Cipondoh's.
- In Cipondoh and in Karawaci alike (``plant_org``): a position, its holder's assignment, and a
  position nobody held, for the unit pages.

``secrets`` are personal data (a reporter's name and phone, a violator's NIK): shown only to the
roles that need them, never publicly. ``readers.py`` says who may see which unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Model
from django.utils import timezone

from trantib.conftest import DemoOrg

from .plant_cpd import plant_cpd
from .plant_org import plant_org
from .plant_units import acting_plant, plant_binmas, plant_krw, plant_pptng


@dataclass
class Planted:
    objects: dict[str, Model] = field(default_factory=dict)
    unit_of: dict[str, str] = field(default_factory=dict)  # object name -> owning unit code
    markers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # what shows the object
    secrets: dict[str, tuple[str, ...]] = field(default_factory=dict)  # personal data in it
    secret_to: dict[str, frozenset[str]] = field(default_factory=dict)  # who needs the secrets
    seen_by: dict[str, frozenset[str]] = field(default_factory=dict)  # only these see it
    public: set[str] = field(default_factory=set)  # markers anyone may read
    month: str = ""  # the month of the planted Polmas activity, "YYYY-MM"

    def add(
        self,
        name: str,
        obj: Model,
        unit: str,
        markers: tuple[str, ...] = (),
        secrets: tuple[str, ...] = (),
        *,
        secret_to: tuple[str, ...] = (),
        seen_by: tuple[str, ...] = (),
        public: tuple[str, ...] = (),
    ) -> None:
        self.objects[name] = obj
        self.unit_of[name] = unit
        self.markers[name] = markers
        self.secrets[name] = secrets
        self.secret_to[name] = frozenset(secret_to)
        if seen_by:
            self.seen_by[name] = frozenset(seen_by)
        self.public.update(public)

    def hidden_from(self, login: str | None, sees: frozenset[str]) -> list[tuple[str, str]]:
        """(object, text) pairs ``login`` (None: anonymous), who may see the units ``sees``,
        must not find in any answer."""
        hidden = []
        for name, markers in self.markers.items():
            allowed = self.unit_of[name] in sees and (
                name not in self.seen_by or login in self.seen_by[name]
            )
            if not allowed:
                hidden += [(name, m) for m in markers if m not in self.public]
            if login not in self.secret_to[name]:
                hidden += [(name, s) for s in self.secrets[name]]
        return hidden


def plant(demo_org: DemoOrg) -> Planted:
    p = Planted()
    now = timezone.now() - dt.timedelta(hours=1)
    acting_plant(demo_org)
    plant_cpd(p, demo_org, now)
    plant_pptng(p, demo_org, now)
    plant_binmas(p, demo_org, now)
    plant_krw(p, demo_org, now)
    plant_org(p, demo_org, now)
    return p
