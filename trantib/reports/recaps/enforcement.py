"""Rekap Penegakan Perda: the unit's enforcement month, one row per Perda article violated.

Every figure counts **enforcements** (``enforcement.Enforcement``: one finding against one
violator, walked through its case), so each opens the list of their cases. In the month, on
the unit's clock:

- **Temuan** — enforcements found (``found_at``) in the month, whatever their source.
- **Surat diterbitkan** — enforcements whose case has a letter of that rung signed (state
  *Ditandatangani*) and dated in the month: the Surat Pernyataan, the Surat Teguran I, II, III
  (by the letter's *Teguran ke*), the Surat Perintah Penertiban (the Surat Perintah of an
  enforcement case). A case has at most one letter of each rung.
- **Mentaati setelah** — enforcements that ended *Pelanggar mentaati* in the month, by the
  highest rung letter of their case not cancelled (as the violator's page shows the rung
  reached): the first rung is the teguran with its Surat Pernyataan.
- **Ditertibkan** — enforcements that ended *Ditertibkan* (the penertiban) in the month.
- **Sanksi** — enforcements with an administrative sanction carried out (``SanctionApplied``)
  dated in the month; a second table counts them per kind of sanction.
- **Tipiring** — enforcements with a tipiring hearing (``CourtRecord``) in the month.

An enforcement that cites several articles counts on the row of each; the totals row counts it
once (so it is not the sum of the rows).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trantib.cases.models import Case
from trantib.core.links import path_to
from trantib.enforcement.models import (
    Article,
    CourtRecord,
    Enforcement,
    EnforcementStatus,
    Sanction,
    SanctionApplied,
)
from trantib.letters.models import Letter, LetterState

from ..figures import drill_href, drill_register
from ..periods import Period
from ..scope import Scope
from .common import (
    Cell,
    Link,
    Recap,
    Table,
    address,
    child_scope,
    figure,
    lazy_title,
    whole_param,
)

REPORT = "recap_enforcement"
URL_NAME = "reports:recap_enforcement"

LETTER_COLUMNS = ("pernyataan", "teguran_1", "teguran_2", "teguran_3", "perintah_penertiban")
COMPLIED_COLUMNS = ("taat_pernyataan", "taat_1", "taat_2", "taat_3")
COLUMNS = (
    "temuan",
    *LETTER_COLUMNS,
    *COMPLIED_COLUMNS,
    "ditertibkan",
    "sanksi",
    "tipiring",
)
LABELS = {
    "temuan": gettext_lazy("Temuan"),
    "pernyataan": gettext_lazy("Surat Pernyataan"),
    "teguran_1": gettext_lazy("Teguran I"),
    "teguran_2": gettext_lazy("Teguran II"),
    "teguran_3": gettext_lazy("Teguran III"),
    "perintah_penertiban": gettext_lazy("SP Penertiban"),
    "taat_pernyataan": gettext_lazy("Teguran & Surat Pernyataan"),
    "taat_1": gettext_lazy("Teguran I"),
    "taat_2": gettext_lazy("Teguran II"),
    "taat_3": gettext_lazy("Teguran III"),
    "ditertibkan": gettext_lazy("Ditertibkan"),
    "sanksi": gettext_lazy("Sanksi"),
    "tipiring": gettext_lazy("Tipiring"),
}
RUNG_LETTER_KINDS = ("surat_pernyataan", "surat_teguran", "surat_perintah")
TEGURAN = {"1": "teguran_1", "2": "teguran_2", "3": "teguran_3"}


def letter_column(kind: str, tingkat: object) -> str:
    """The rung column of a letter of an enforcement's case ("" for none)."""
    if kind == "surat_pernyataan":
        return "pernyataan"
    if kind == "surat_teguran":
        return TEGURAN.get(str(tingkat), "")
    if kind == "surat_perintah":
        return "perintah_penertiban"
    return ""


# The rank of a rung letter, as the violator's page ranks them (the highest not cancelled).
RANK = {"pernyataan": 1, "teguran_1": 2, "teguran_2": 3, "teguran_3": 4}
COMPLIED_BY_RANK = {0: "taat_pernyataan", 1: "taat_pernyataan", 2: "taat_1", 3: "taat_2"}


@dataclass
class Counted:
    """Which enforcements each column counts, and each enforcement's unit, case, articles."""

    columns: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    sanctions: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    unit: dict[int, int] = field(default_factory=dict)
    case: dict[int, int] = field(default_factory=dict)
    articles: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_article: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))

    def enforcements(
        self,
        column: str,
        *,
        article: int | None = None,
        sanction: str = "",
    ) -> set[int]:
        found = self.sanctions[sanction] if sanction else self.columns[column]
        if article is not None:
            return found & self.by_article.get(article, set())
        return set(found)

    def cases(self, enforcements: set[int]) -> set[int]:
        return {self.case[e] for e in enforcements}


def enforcement_counted(scope: Scope, period: Period) -> Counted:
    """The month's enforcements behind each column, in eight queries."""
    counted = Counted()
    start, end = period.bounds(scope.zone)
    mine = Enforcement.objects.filter(unit_id__in=scope.unit_ids, case__isnull=False)

    def take(column: str, rows: QuerySet[Enforcement]) -> None:
        for pk, unit_id, case_id in rows.values_list("pk", "unit_id", "case_id"):
            counted.columns[column].add(pk)
            counted.unit[pk], counted.case[pk] = unit_id, case_id

    take("temuan", mine.filter(found_at__gte=start, found_at__lt=end))
    letters = Letter.objects.filter(
        unit_id__in=scope.unit_ids,
        case__enforcement__in=mine,
        kind__in=RUNG_LETTER_KINDS,
        state=LetterState.SIGNED,
        dated__gte=period.start,
        dated__lt=period.end,
    )
    for pk, unit_id, case_id, kind, tingkat in letters.order_by().values_list(
        "case__enforcement__id", "case__enforcement__unit_id", "case_id", "kind", "data__tingkat"
    ):
        column = letter_column(kind, tingkat)
        if column:
            counted.columns[column].add(pk)
            counted.unit[pk], counted.case[pk] = unit_id, case_id
    closed = mine.filter(closed_at__gte=start, closed_at__lt=end)
    complied = closed.filter(status=EnforcementStatus.COMPLIED)
    take("_complied", complied)
    rank: dict[int, int] = defaultdict(int)
    for case_id, kind, tingkat in (
        Letter.objects.filter(case__enforcement__in=complied, kind__in=RUNG_LETTER_KINDS)
        .exclude(state=LetterState.CANCELLED)
        .order_by()
        .values_list("case_id", "kind", "data__tingkat")
    ):
        rank[case_id] = max(rank[case_id], RANK.get(letter_column(kind, tingkat), 0))
    for pk in counted.columns.pop("_complied", set()):
        counted.columns[COMPLIED_BY_RANK.get(rank[counted.case[pk]], "taat_3")].add(pk)
    take("ditertibkan", closed.filter(status=EnforcementStatus.ENFORCED))
    for pk, unit_id, case_id, kind in SanctionApplied.objects.filter(
        enforcement__in=mine, applied_on__gte=period.start, applied_on__lt=period.end
    ).values_list("enforcement_id", "enforcement__unit_id", "enforcement__case_id", "sanction"):
        counted.columns["sanksi"].add(pk)
        counted.sanctions[kind].add(pk)
        counted.unit[pk], counted.case[pk] = unit_id, case_id
    take(
        "tipiring",
        mine.filter(
            pk__in=CourtRecord.objects.filter(
                hearing_on__gte=period.start, hearing_on__lt=period.end
            ).values("enforcement_id")
        ),
    )
    for enforcement_id, article_id in Enforcement.articles.through.objects.filter(
        enforcement_id__in=list(counted.unit)
    ).values_list("enforcement_id", "article_id"):
        counted.articles[enforcement_id].add(article_id)
        counted.by_article[article_id].add(enforcement_id)
    return counted


# -- the drills: one per column, narrowed by ``pasal`` (an article) and ``jenis`` (a sanction) --


def _drill(column: str):  # type: ignore[no-untyped-def]
    def drill(scope: Scope, period: Period, params: dict[str, str]) -> QuerySet[Case]:
        readable, article = whole_param(params, "pasal")
        sanction = params.get("jenis", "") if column == "sanksi" else ""
        if not readable or (sanction and sanction not in Sanction.values):
            return Case.objects.none()
        counted = enforcement_counted(scope, period)
        found = counted.enforcements(column, article=article, sanction=sanction)
        return Case.objects.filter(pk__in=counted.cases(found))

    return drill


DRILL_TITLES = {
    "temuan": gettext_lazy("Temuan pelanggaran Perda"),
    "pernyataan": gettext_lazy("Penegakan dengan Surat Pernyataan diterbitkan"),
    "teguran_1": gettext_lazy("Penegakan dengan Surat Teguran I diterbitkan"),
    "teguran_2": gettext_lazy("Penegakan dengan Surat Teguran II diterbitkan"),
    "teguran_3": gettext_lazy("Penegakan dengan Surat Teguran III diterbitkan"),
    "perintah_penertiban": gettext_lazy("Penegakan dengan Surat Perintah Penertiban diterbitkan"),
    "taat_pernyataan": gettext_lazy("Mentaati setelah teguran dan Surat Pernyataan"),
    "taat_1": gettext_lazy("Mentaati setelah Surat Teguran I"),
    "taat_2": gettext_lazy("Mentaati setelah Surat Teguran II"),
    "taat_3": gettext_lazy("Mentaati setelah Surat Teguran III"),
    "ditertibkan": gettext_lazy("Penegakan yang berakhir dengan penertiban"),
    "sanksi": gettext_lazy("Penegakan dengan sanksi administratif dijatuhkan"),
    "tipiring": gettext_lazy("Penegakan dengan sidang tipiring"),
}
for _column in COLUMNS:
    drill_register(REPORT, _column, _drill(_column), title=lazy_title(DRILL_TITLES[_column]))


# -- the tables -----------------------------------------------------------------------------------


def _figures(
    counted: Counted,
    scope: Scope,
    period: Period,
    *,
    article: int | None = None,
) -> list[Cell]:
    extra = {"pasal": str(article)} if article is not None else {}
    return [
        figure(
            str(LABELS[c]),
            len(counted.enforcements(c, article=article)),
            drill_href(REPORT, c, scope, period, **extra),
        )
        for c in COLUMNS
    ]


def _per_child(counted: Counted, scope: Scope) -> dict[str, dict[int, int]]:
    """Each column's count per child unit (its index in ``scope.groups``), in one pass over the
    column's enforcements: the child's figure, whose drill is the child's own scope."""
    child_of = {uid: index for index, (_child, ids) in enumerate(scope.groups) for uid in ids}
    out: dict[str, dict[int, int]] = {}
    for column in COLUMNS:
        counts: dict[int, int] = defaultdict(int)
        for e in counted.columns[column]:
            index = child_of.get(counted.unit[e])
            if index is not None:
                counts[index] += 1
        out[column] = counts
    return out


def _headers() -> tuple[list[str], list[tuple[str, int]]]:
    headers = [str(LABELS[c]) for c in COLUMNS]
    groups = [
        ("", 2),
        (_("Surat diterbitkan"), len(LETTER_COLUMNS)),
        (_("Mentaati setelah"), len(COMPLIED_COLUMNS)),
        ("", 3),
    ]
    return headers, groups


def enforcement_recap(scope: Scope, period: Period) -> Recap:
    counted = enforcement_counted(scope, period)
    used = {a for e in counted.unit for a in counted.articles[e]}
    articles = list(
        Article.objects.filter(pk__in=used)
        .select_related("perda__unit")
        .order_by("-perda__year", "perda__number", "perda_id", "pk")
    )
    # Two kabupaten/kota may each have a Perda 11/2020 with a Pasal 6: a province's recap
    # names the unit whose Perda it is wherever two rows would read the same.
    said = Counter(str(a) for a in articles)
    headers, groups = _headers()
    rows: list[list[Cell]] = [
        [
            Link(
                f"{a} ({a.perda.unit.name})" if said[str(a)] > 1 else str(a),
                path_to("enforcement:perda_detail", a.perda_id),
            ),
            *_figures(counted, scope, period, article=a.pk),
        ]
        for a in articles
    ]
    total: list[Cell] = [_("Jumlah"), *_figures(counted, scope, period)]
    widths = [34] + [11] * len(COLUMNS)
    shares = [22] + [6] * len(COLUMNS)
    tables = [
        Table(
            key="per-pasal",
            title=_("Per pasal Perda"),
            headers=[_("Pasal"), *headers],
            groups=groups,
            rows=rows,
            total=total,
            widths=widths,
            print_widths=shares,
            empty=_("Tidak ada penegakan pada bulan ini."),
            note=_(
                "Satu penegakan yang melanggar beberapa pasal dihitung pada setiap pasalnya; "
                "baris Jumlah menghitungnya sekali."
            ),
        )
    ]
    sanction_rows: list[list[Cell]] = []
    for value, label in Sanction.choices:
        found = counted.enforcements("sanksi", sanction=value)
        if found:
            href = drill_href(REPORT, "sanksi", scope, period, jenis=value)
            sanction_rows.append([str(label), figure(str(label), len(found), href)])
    if sanction_rows:
        tables.append(
            Table(
                key="sanksi",
                title=_("Sanksi menurut jenis"),
                headers=[_("Jenis sanksi"), _("Penegakan")],
                rows=sanction_rows,
                total=[_("Jumlah"), total[1 + COLUMNS.index("sanksi")]],
                widths=[34, 12],
                note=_("Satu penegakan dengan dua jenis sanksi dihitung pada keduanya."),
            )
        )
    if scope.is_parent:
        per_child = _per_child(counted, scope)
        child_rows: list[list[Cell]] = []
        for index, (child, ids) in enumerate(scope.groups):
            sub = child_scope(scope, child, ids)
            child_rows.append(
                [
                    Link(child.name, address(URL_NAME, unit=child.code, periode=period.code)),
                    *(
                        figure(
                            str(LABELS[c]),
                            per_child[c].get(index, 0),
                            drill_href(REPORT, c, sub, period),
                        )
                        for c in COLUMNS
                    ),
                ]
            )
        tables.append(
            Table(
                key="per-unit",
                title=_("Per unit"),
                headers=[_("Unit"), *headers],
                groups=groups,
                rows=child_rows,
                total=list(total),
                widths=widths,
                print_widths=shares,
            )
        )
    return Recap(
        key=REPORT,
        title=_("Rekap Penegakan Perda"),
        scope=scope,
        period=period,
        tables=tables,
        notes=notes(),
    )


def notes() -> list[str]:
    return [
        _(
            "Temuan: penegakan yang ditemukan pada bulan ini (menurut jam unit), dari sumber "
            "mana pun."
        ),
        _(
            "Surat diterbitkan: penegakan yang suratnya pada tingkat itu ditandatangani dan "
            "bertanggal bulan ini (Surat Teguran menurut “Teguran ke”; SP Penertiban: Surat "
            "Perintah pada kasus penegakan)."
        ),
        _(
            "Mentaati setelah: penegakan yang berakhir “Pelanggar mentaati” pada bulan ini, "
            "menurut surat tertinggi pada kasusnya yang tidak dibatalkan."
        ),
        _("Ditertibkan: penegakan yang berakhir dengan penertiban pada bulan ini."),
        _("Sanksi: penegakan dengan sanksi administratif yang dilaksanakan pada bulan ini."),
        _("Tipiring: penegakan dengan sidang tindak pidana ringan pada bulan ini."),
    ]
