"""Rekap Operasi: the operations a unit held in the month, one row each, with totals.

An operation is a case whose SOP keeps an operation file (``operations.Operation``: PPL, PUR,
OPP, RTHM …). It is held on the day its file records (*Tanggal operasi*); a file without that
day is placed on the day its case was opened (on the unit's clock), marked with *. Per
operation, from its file:

- **Personel** — the different people of the unit on it: the team leaders and members and the
  field commander (its link: the file's teams);
- **Mitra** — the personnel the partner agencies (Polri, TNI, dinas) sent, as recorded;
- **Pelanggar** — the persons and businesses dealt with (the file's results);
- **Barang bukti** — the items seized (lines of the barang bukti register, its link);
- **Hasil** — what was done to them, for a demonstration the crowd and the last level
  reached, and where the case stands.

The totals count the operations (the list of their cases) and add up the columns.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trantib.cases.models import Case, CaseStatus
from trantib.core.links import path_to
from trantib.operations.models import (
    Escalation,
    EscalationLevel,
    Operation,
    Partner,
    Place,
    Result,
    ResultAction,
    SeizedItem,
    Team,
)

from ..figures import Figure, drill_href, drill_register
from ..periods import Period
from ..scope import Scope
from .common import Cell, Day, Link, Recap, Table, address, child_scope, figure, lazy_title

REPORT = "recap_operations"
URL_NAME = "reports:recap_operations"
UNDATED = "*"


def operations_held(scope: Scope, period: Period) -> QuerySet[Operation]:
    """The operations of the scope held in the period (undated files: their case's opening)."""
    start, end = period.bounds(scope.zone)
    return Operation.objects.filter(unit_id__in=scope.unit_ids).filter(
        Q(day__gte=period.start, day__lt=period.end)
        | Q(day__isnull=True, case__opened_at__gte=start, case__opened_at__lt=end)
    )


def _drill_operations(scope: Scope, period: Period, params: dict[str, str]) -> QuerySet[Case]:
    held = operations_held(scope, period)
    sop = params.get("sop", "")
    if sop:
        held = held.filter(case__sop_code=sop)
    return Case.objects.filter(pk__in=held.values("case_id"))


drill_register(
    REPORT,
    "operasi",
    _drill_operations,
    title=lazy_title(gettext_lazy("Operasi yang dilaksanakan")),
)


@dataclass(frozen=True, slots=True)
class OpRow:
    """What the recap reads of an operation, its unit and its case: plain values (a
    province's month holds hundreds of operations; model instances cost a third of the page)."""

    pk: int
    unit_id: int
    unit_code: str
    unit_path: str
    case_id: int
    case_number: str
    case_status: str
    sop_code: str
    sop_name: str
    opened_at: dt.datetime
    day: dt.date | None
    crowd_estimate: int | None
    commander_id: int | None


_OP_FIELDS = (
    "pk",
    "unit_id",
    "unit__code",
    "unit__path",
    "case_id",
    "case__number",
    "case__status",
    "case__sop_code",
    "case__sop_version__name",
    "case__opened_at",
    "day",
    "crowd_estimate",
    "commander_id",
)


def _loaded(scope: Scope, period: Period) -> list[OpRow]:
    return [OpRow(*row) for row in operations_held(scope, period).values_list(*_OP_FIELDS)]


def _by_operation(rows: Iterable[tuple[int, Any]]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    for operation_id, value in rows:
        out[operation_id].append(value)
    return out


def held_on(op: OpRow, scope: Scope) -> tuple[object, bool]:
    """The day the operation was held, and whether its file records it."""
    if op.day is not None:
        return op.day, True
    return op.opened_at.astimezone(scope.zone).date(), False


@dataclass(frozen=True)
class FileFacts:
    """What the recap reads of the operation files' lists, in one plain query each (a
    province's month holds hundreds of files: model instances per line cost seconds)."""

    places: dict[int, list[str]]
    partners: dict[int, list[int | None]]
    actions: dict[int, list[str]]
    items: dict[int, int]
    levels: dict[int, list[str]]
    people: dict[int, set[int]]  # the team leaders and members of each operation


def file_facts(ops: list[OpRow]) -> FileFacts:
    ids = [op.pk for op in ops]
    people: dict[int, set[int]] = defaultdict(set)
    team_of: dict[int, int] = {}
    for team_id, operation_id, leader_id in Team.objects.filter(operation_id__in=ids).values_list(
        "pk", "operation_id", "leader_id"
    ):
        team_of[team_id] = operation_id
        if leader_id:
            people[operation_id].add(leader_id)
    for team_id, person_id in Team.members.through.objects.filter(
        team_id__in=list(team_of)
    ).values_list("team_id", "person_id"):
        people[team_of[team_id]].add(person_id)
    return FileFacts(
        places=_by_operation(
            Place.objects.filter(operation_id__in=ids).values_list("operation_id", "name")
        ),
        partners=_by_operation(
            Partner.objects.filter(operation_id__in=ids).values_list("operation_id", "personnel")
        ),
        actions=_by_operation(
            Result.objects.filter(operation_id__in=ids).values_list("operation_id", "action")
        ),
        items=dict(
            SeizedItem.objects.filter(operation_id__in=ids)
            .values("operation_id")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("operation_id", "n")
        ),
        levels=_by_operation(
            Escalation.objects.filter(operation_id__in=ids).values_list("operation_id", "level")
        ),
        people=people,
    )


def personnel(op: OpRow, facts: FileFacts) -> int:
    """The different people on it: the team leaders and members and the field commander."""
    people = set(facts.people.get(op.pk, ()))
    if op.commander_id:
        people.add(op.commander_id)
    return len(people)


def partner_personnel(op: OpRow, facts: FileFacts) -> int:
    return sum(n or 0 for n in facts.partners.get(op.pk, ()))


@dataclass(frozen=True)
class Words:
    """The words of the results column, translated once per recap (not once per operation)."""

    actions: list[tuple[str, str]]  # (value, label) in the order of ``ResultAction``
    levels: dict[str, str]
    statuses: dict[str, str]
    undated: str
    crowd: str
    last: str
    case: str

    @classmethod
    def now(cls) -> Words:
        return cls(
            actions=[(a.value, str(a.label)) for a in ResultAction],
            levels={level.value: str(level.label) for level in EscalationLevel},
            statuses={s.value: str(s.label).lower() for s in CaseStatus},
            undated=_("tanggal operasi belum dicatat"),
            crowd=_("massa ±%(n)s"),
            last=_("akhir: %(level)s"),
            case=_("kasus %(status)s"),
        )


def result_text(op: OpRow, facts: FileFacts, words: Words | None = None) -> str:
    words = words or Words.now()
    actions = Counter(facts.actions.get(op.pk, ()))
    parts = [f"{label} {actions[value]}" for value, label in words.actions if actions[value]]
    if op.day is None:
        parts.insert(0, words.undated)
    if op.crowd_estimate:
        parts.append(words.crowd % {"n": op.crowd_estimate})
    levels = facts.levels.get(op.pk, [])
    if levels:
        parts.append(words.last % {"level": words.levels[levels[-1]]})
    parts.append(words.case % {"status": words.statuses.get(op.case_status, op.case_status)})
    return "; ".join(parts)


@dataclass(frozen=True)
class Held:
    """One operation's figures, read once from its prefetched file: every table and total
    adds these up (a province's month holds hundreds of operations)."""

    op: OpRow
    day: dt.date
    recorded: bool  # the file records the day (else: the case's opening)
    places: str
    personnel: int
    partners: int
    violators: int
    items: int
    result: str


def _held(ops: list[OpRow], scope: Scope) -> list[Held]:
    facts = file_facts(ops)
    words = Words.now()
    out = []
    for op in ops:
        day, recorded = held_on(op, scope)
        out.append(
            Held(
                op=op,
                day=day,  # type: ignore[arg-type]
                recorded=recorded,
                places=", ".join(facts.places.get(op.pk, ())) or "—",
                personnel=personnel(op, facts),
                partners=partner_personnel(op, facts),
                violators=len(facts.actions.get(op.pk, ())),
                items=facts.items.get(op.pk, 0),
                result=result_text(op, facts, words),
            )
        )
    return out


def operation_recap(scope: Scope, period: Period) -> Recap:
    held = _held(_loaded(scope, period), scope)
    dated = sorted(held, key=lambda h: (h.day, h.op.unit_path, h.op.pk))
    parent = scope.is_parent
    headers = [_("Tanggal")]
    if parent:
        headers.append(_("Unit"))
    headers += [
        _("Nomor kasus"),
        _("Jenis operasi"),
        _("Tempat"),
        _("Personel"),
        _("Personel mitra"),
        _("Pelanggar ditindak"),
        _("Barang bukti"),
        _("Hasil"),
    ]
    rows: list[list[Cell]] = []
    undated = False
    # The column labels once, not once per operation (a province's month: hundreds).
    personnel, partners, violators, items = (
        _("Personel"),
        _("Personel mitra"),
        _("Pelanggar ditindak"),
        _("Barang bukti"),
    )
    for h in dated:
        op = h.op
        undated |= not h.recorded
        file = path_to("operations:file", op.pk)
        row: list[Cell] = [Day(h.day, href=file, suffix="" if h.recorded else UNDATED)]
        if parent:
            row.append(op.unit_code)
        row += [
            Link(op.case_number, path_to("cases:detail", op.case_id)),
            op.sop_name,
            h.places,
            figure(personnel, h.personnel, f"{file}#team"),
            figure(partners, h.partners, f"{file}#partner"),
            figure(violators, h.violators, f"{file}#result"),
            figure(items, h.items, address("operations:items", operasi=str(op.pk))),
            h.result,
        ]
        rows.append(row)
    total = _totals(held, scope, period, with_unit=parent)
    widths = [24, *([10] if parent else []), 22, 28, 28, 10, 10, 10, 10, 40]
    shares = [14, 6, 13, 12, 14, 6, 6, 7, 6, 16] if parent else [15, 14, 13, 15, 6, 6, 7, 6, 18]
    tables = [
        Table(
            key="operasi",
            title=_("Operasi yang dilaksanakan"),
            headers=headers,
            rows=rows,
            total=total,
            widths=widths,
            print_widths=shares,
            empty=_("Tidak ada operasi pada bulan ini."),
            note=_("* Tanggal operasi belum dicatat di berkasnya: tanggal kasus dibuka.")
            if undated
            else "",
        )
    ]
    by_sop: dict[str, list[Held]] = {}
    for h in dated:
        by_sop.setdefault(h.op.sop_code, []).append(h)
    if by_sop:
        kind_rows: list[list[Cell]] = []
        for code, group in sorted(by_sop.items()):
            href = drill_href(REPORT, "operasi", scope, period, sop=code)
            name = group[0].op.sop_name
            kind_rows.append([f"{code} — {name}", figure(_("Operasi"), len(group), href)])
        tables.append(
            Table(
                key="per-jenis",
                title=_("Per jenis operasi"),
                headers=[_("SOP"), _("Operasi")],
                rows=kind_rows,
                total=[_("Jumlah"), _count(held, scope, period)],
                widths=[50, 10],
            )
        )
    if parent:
        child_rows: list[list[Cell]] = []
        for child, ids in scope.groups:
            wanted = set(ids)
            sums = _totals(
                [h for h in held if h.op.unit_id in wanted],
                child_scope(scope, child, ids),
                period,
                with_unit=False,
            )
            link = Link(child.name, address(URL_NAME, unit=child.code, periode=period.code))
            child_rows.append([link, sums[1], *sums[4:8]])
        full = _totals(held, scope, period, with_unit=False)
        tables.append(
            Table(
                key="per-unit",
                title=_("Per unit"),
                headers=[
                    _("Unit"),
                    _("Operasi"),
                    _("Personel"),
                    _("Personel mitra"),
                    _("Pelanggar ditindak"),
                    _("Barang bukti"),
                ],
                rows=child_rows,
                total=[_("Jumlah"), full[1], *full[4:8]],
                widths=[34, 10, 10, 10, 10, 10],
            )
        )
    return Recap(
        key=REPORT,
        title=_("Rekap Operasi"),
        scope=scope,
        period=period,
        tables=tables,
        notes=notes(),
    )


def _count(held: list[Held], scope: Scope, period: Period) -> Figure:
    return figure(_("Operasi"), len(held), drill_href(REPORT, "operasi", scope, period))


def _totals(held: list[Held], scope: Scope, period: Period, *, with_unit: bool) -> list[Cell]:
    """The totals row: the number of operations (their cases) under "Nomor kasus", the sums
    of the figures; the items lead to the register of these operations' items."""
    cases = drill_href(REPORT, "operasi", scope, period)
    items = address("operations:items", operasi=",".join(str(h.op.pk) for h in held))
    row: list[Cell] = [_("Jumlah")]
    if with_unit:
        row.append("")
    row += [
        _count(held, scope, period),
        "",
        "",
        figure(_("Personel"), sum(h.personnel for h in held), cases),
        figure(_("Personel mitra"), sum(h.partners for h in held), cases),
        figure(_("Pelanggar ditindak"), sum(h.violators for h in held), cases),
        figure(_("Barang bukti"), sum(h.items for h in held), items),
        "",
    ]
    return row


def notes() -> list[str]:
    return [
        _(
            "Operasi: kasus SOP yang memiliki berkas operasi, dilaksanakan pada bulan ini "
            "menurut tanggal operasi di berkasnya (bila belum dicatat: tanggal kasus dibuka)."
        ),
        _(
            "Personel: orang yang berbeda di tim operasi (ketua dan anggota tim) dan komandan "
            "lapangan; personel mitra: jumlah personel instansi mitra yang dicatat."
        ),
        _("Pelanggar ditindak: orang atau usaha yang dicatat pada Hasil berkas operasi."),
        _("Barang bukti: baris barang yang disita dalam operasi itu."),
        _(
            "Baris Jumlah: jumlah operasi (membuka daftar kasusnya) dan penjumlahan tiap kolom; "
            "satu orang pada dua operasi dihitung dua kali."
        ),
    ]
