"""A violator's whole history in its unit, as its page shows it: each enforcement (finding,
source, articles, place, status, case), the letters of its case (read through the letters app's
own selectors, so a letter the reader may not open stays closed), the rung reached, the Surat
Pernyataan, the sanctions carried out and the tipiring hearings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse

from trantib.accounts.selectors import UserLike
from trantib.letters import selectors as letter_selectors

from ..models import CourtRecord, Enforcement, Sanction, SanctionApplied, Violator

RUNG_ORDER = {"surat_pernyataan": 1}


@dataclass
class LetterLine:
    number: str
    kind: str
    dated: dt.date | None
    state: str
    url: str
    restricted: bool = False


@dataclass
class EnforcementLine:
    enforcement: Enforcement
    articles: list[str]
    case_number: str = ""
    case_url: str = ""
    letters: list[LetterLine] = field(default_factory=list)
    rung: str = ""
    statement: LetterLine | None = None
    sanctions: list[SanctionApplied] = field(default_factory=list)
    courts: list[CourtRecord] = field(default_factory=list)


@dataclass
class History:
    lines: list[EnforcementLine]

    @property
    def count(self) -> int:
        return len(self.lines)

    @property
    def repeat(self) -> bool:
        return len(self.lines) > 1

    @property
    def sanction_choices(self) -> list[tuple[str, str]]:
        return [(s.value, str(s.label)) for s in Sanction]


def _rank(letter_kind: str, data: dict[str, object]) -> int:
    if letter_kind == "surat_pernyataan":
        return 1
    if letter_kind == "surat_teguran":
        tingkat = str(data.get("tingkat", ""))
        return 1 + int(tingkat) if tingkat in {"1", "2", "3"} else 2
    return 0


def violator_history(violator: Violator, *, user: UserLike) -> History:
    """Every enforcement of the violator in its unit, newest first, with what ``user`` may
    read of its letters."""
    rows = (
        Enforcement.objects.filter(violator=violator, unit_id=violator.unit_id)
        .select_related("case", "perda")
        .prefetch_related("articles__perda", "sanctions_applied", "court_records")
        .order_by("-found_at", "-pk")
    )
    lines: list[EnforcementLine] = []
    for e in rows:
        line = EnforcementLine(
            enforcement=e,
            articles=[str(a) for a in e.articles.all()],
            sanctions=list(e.sanctions_applied.all()),
            courts=list(e.court_records.all()),
        )
        if e.case_id and e.case is not None:
            line.case_number = e.case.number
            line.case_url = reverse("cases:detail", args=[e.case_id])
            best = 0
            letters = letter_selectors.letter_list_for_user(user, case_id=e.case_id)
            for letter in letters.order_by("created_at", "pk"):
                shown = letter_selectors.letter_shown(letter)
                entry = LetterLine(
                    number=letter.number,
                    kind=letter.kind_name,
                    dated=letter.dated,
                    state=letter.get_state_display(),
                    url=reverse("letters:letter", args=[letter.pk]),
                    restricted=shown.restricted,
                )
                line.letters.append(entry)
                if letter.state == "cancelled":
                    continue
                rank = _rank(letter.kind, letter.data if isinstance(letter.data, dict) else {})
                if rank > best:
                    best, line.rung = rank, letter.kind_name
                if letter.kind == "surat_pernyataan":
                    line.statement = entry
        lines.append(line)
    return History(lines)
