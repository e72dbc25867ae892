"""Who reads in the access matrix, and which units' objects each of them may see.

Around each owning unit stands a ``Circle``: its head and its lowest role (people of the unit),
the officials who see it from outside it, and the outsiders who must be refused. The rule is the
product's (``trantib.accounts.selectors.units_for_user``): a person sees the units of the
positions they hold today — definitive or acting (Plt./Plh.), each only between its first and
last day — and, from a supervising position (Camat, Kasat, Sekda), every unit below it. The
sets below are written out by hand from the demo's organisation (``demo/data/
organisation.yaml``) and the acting orders ``plant_units.acting_plant`` adds, never read from
the product: the matrix checks the rule, it does not repeat it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Circle:
    """The people around one owning unit.

    ``head`` and ``member`` belong to it (the member is the lowest role); ``acting`` hold the
    head's post as Plt./Plh. today, and must read what the head reads; ``above`` hold a
    supervising post in a unit above it, and must read what a person of the unit reads (the
    pages of one of its objects, its figures, their own lists); ``outsiders`` hold posts
    elsewhere — a sibling under the same parent where there is one, a unit of the same kind in
    another tree, someone whose acting order there is over or not yet begun — and must be
    refused."""

    unit: str
    head: str
    member: str
    outsiders: tuple[str, ...]
    acting: tuple[str, ...] = ()
    above: tuple[str, ...] = ()


CIRCLES = {
    "CPD": Circle(
        "CPD",
        head="camat.cpd",
        member="anggota1.cpd",
        # sekcam.krw was Plh. Camat Cipondoh until yesterday, and will be again from the day
        # after tomorrow (plant_units.acting_plant): not today.
        outsiders=("camat.krw", "sekcam.krw"),
        above=("sekda.tng",),
    ),
    "KRW": Circle(
        "KRW",
        head="camat.krw",
        member="anggota1.krw",
        outsiders=("camat.cpd", "kasat.pptng"),
        acting=("sekcam.cpd",),  # the demo's Plh. Camat Karawaci, from two days ago
        above=("sekda.tng",),
    ),
    "PPTNG": Circle(
        "PPTNG",
        head="kasat.pptng",
        member="petugas2.pptng",
        # sekcam.cpd's acting post is a Camat's: it reaches below Karawaci, not its siblings.
        outsiders=("kasat.ppkb", "camat.krw", "sekcam.cpd"),
        above=("sekda.tng",),
    ),
    "BINMAS": Circle(
        "BINMAS",
        head="kasat.binmas",
        member="banit2.binmas",
        outsiders=("camat.krw", "sekda.tng"),  # a Sekda supervises his kota, not a Polres
    ),
}

# The demo's logins are "<role>.<unit>": most hold posts in that one unit only.
LOGIN_UNITS = {"cpd": "CPD", "krw": "KRW", "pptng": "PPTNG", "ppkb": "PPKB", "binmas": "BINMAS"}

# Those who see more than the unit of their login.
SEES = {
    # Sekretaris Daerah Kota Tangerang: supervises the kota and every unit under it.
    "sekda.tng": frozenset({"PEMKOT-TNG", "CPD", "KRW", "PPTNG"}),
    # Sekcam of Cipondoh, and Plh. Camat Karawaci from two days ago to five days ahead.
    "sekcam.cpd": frozenset({"CPD", "KRW"}),
}


def sees(login: str | None) -> frozenset[str]:
    """The units whose objects ``login`` (None: anonymous) may see today."""
    if login is None:
        return frozenset()
    if login in SEES:
        return SEES[login]
    return frozenset({LOGIN_UNITS[login.rsplit(".", 1)[1]]})


def readers_of(circle: Circle) -> tuple[str, ...]:
    """Every login the matrix signs in with around ``circle``."""
    return (circle.head, circle.member, *circle.acting, *circle.above, *circle.outsiders)
