"""The archive classification codes (kode klasifikasi arsip) of Permendagri 83/2022, as data.

``data/klasifikasi.json`` holds the codes a Satpol PP or a kecamatan numbers its letters with:
300 Keamanan dan Ketertiban with 300.1 Satuan Polisi Pamong Praja, 300.2 and all their
sub-codes; 000 Umum with 000.1.x (000.1.10 Ketertiban dan Keamanan), 000.5.3 and 000.8.x
(000.8.3.3 Standar Operasional Prosedur); 100 Pemerintahan with 100.1-100.3 and their sub-codes.
Each row is ``{code, name, source}``; ``source`` names the public file it was copied from
(open it with the code corpus' ``read_file id=…``), since the regulation's own lampiran was not
among the stored sources:

- ``code:22886317971`` a Laravel seeder, ``KodeKlasifikasi300Seeder``: 300 and every sub-code;
- ``code:55144887156`` a PostgreSQL seed "kode klasifikasi arsip non keuangan": 000, 000.1.x,
  000.5.x, 100;
- ``code:65736713977`` a MySQL dump of a kearsipan app's ``classifications``: 000.8.x;
- ``code:56744846072`` a seeder of a Jadwal Retensi Arsip (with retention periods): 100.1-100.3.

Names are as the sources write them; where a source lists examples after the name ("antara
lain …", "(Fasilitasi, Monitoring, dan Evaluasi)"), the list is left out. A unit that needs a
code missing here asks for it to be added to the file: codes are data, not settings, so that
every unit's numbers mean the same.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from types import MappingProxyType

from django.core.checks import CheckMessage, Error
from django.utils.translation import gettext as _

from trantib.core.errors import Invalid

from .kinds import KINDS

DATA = Path(__file__).parent / "data" / "klasifikasi.json"


@cache
def _codes() -> MappingProxyType[str, str]:
    rows = json.loads(DATA.read_text(encoding="utf-8"))
    return MappingProxyType({row["code"]: row["name"] for row in rows})


def klasifikasi_name(code: str) -> str | None:
    """The name of ``code`` ("300.1.2.1" → "Tata Operasional Polisi Pamong Praja"), or None."""
    return _codes().get((code or "").strip())


def klasifikasi_choices() -> list[tuple[str, str]]:
    """Every code as a form choice, ``("300.1.2.1", "300.1.2.1 Tata Operasional …")``, in the
    order of the classification (000 before 100 before 300, 300.1.2 before 300.1.10)."""
    return [(code, f"{code} {name}") for code, name in sorted(_codes().items(), key=_order)]


def _order(item: tuple[str, str]) -> tuple[int, ...]:
    return tuple(int(part) for part in item[0].split("."))


def klasifikasi_check(code: str, *, field: str = "klasifikasi") -> str:
    """``code`` stripped, or Invalid naming ``field`` when it is not a known code. An empty code
    is allowed: a register without its own code takes the kind's default."""
    code = (code or "").strip()
    if code and klasifikasi_name(code) is None:
        raise Invalid(
            _("Kode klasifikasi %(code)s tidak dikenal (Permendagri 83/2022), mis. 300.1.2.1.")
            % {"code": code},
            field=field,
        )
    return code


def klasifikasi_system_check(**kwargs: object) -> list[CheckMessage]:
    """``manage.py check``: every letter kind's default code is a known one."""
    return [
        Error(
            f"letter kind '{kind.code}' has the unknown classification code '{kind.klasifikasi}'",
            hint=f"use a code of {DATA.name} (Permendagri 83/2022) or add it there",
            obj=f"trantib.letters.kinds.KINDS['{kind.code}']",
            id="letters.E001",
        )
        for kind in KINDS.values()
        if klasifikasi_name(kind.klasifikasi) is None
    ]
