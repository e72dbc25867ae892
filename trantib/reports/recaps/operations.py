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

from collections import Counter

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trantib.cases.models import Case
from trantib.operations.models import Operation, ResultAction, Team

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


def _loaded(scope: Scope, period: Period) -> list[Operation]:
    return list(
        operations_held(scope, period)
        .select_related("unit", "case__sop_version", "case__unit")
        .defer("case__sop_version__content", "case__state")
        .prefetch_related(
            "places",
            "partners",
            "results",
            "items",
            "escalations",
            Prefetch("teams", queryset=Team.objects.prefetch_related("members")),
        )
    )


def held_on(op: Operation, scope: Scope) -> tuple[object, bool]:
    """The day the operation was held, and whether its file records it."""
    if op.day is not None:
        return op.day, True
    return op.case.opened_at.astimezone(scope.zone).date(), False


def personnel(op: Operation) -> int:
    people = {op.commander_id} if op.commander_id else set()
    for team in op.teams.all():
        if team.leader_id:
            people.add(team.leader_id)
        people.update(m.pk for m in team.members.all())
    return len(people)


def partner_personnel(op: Operation) -> int:
    return sum(p.personnel or 0 for p in op.partners.all())


def result_text(op: Operation) -> str:
    actions = Counter(r.action for r in op.results.all())
    parts = [f"{a.label} {actions[a.value]}" for a in ResultAction if actions[a.value]]
    if op.day is None:
        parts.insert(0, _("tanggal operasi belum dicatat"))
    if op.crowd_estimate:
        parts.append(_("massa ±%(n)s") % {"n": op.crowd_estimate})
    levels = list(op.escalations.all())
    if levels:
        parts.append(_("akhir: %(level)s") % {"level": levels[-1].get_level_display()})
    parts.append(_("kasus %(status)s") % {"status": op.case.get_status_display().lower()})
    return "; ".join(parts)


def operation_recap(scope: Scope, period: Period) -> Recap:
    ops = _loaded(scope, period)
    dated = sorted(ops, key=lambda o: (held_on(o, scope)[0], o.unit.path, o.pk))
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
    for op in dated:
        day, recorded = held_on(op, scope)
        undated |= not recorded
        file = reverse("operations:file", args=[op.pk])
        row: list[Cell] = [Day(day, href=file, suffix="" if recorded else UNDATED)]  # type: ignore[arg-type]
        if parent:
            row.append(op.unit.code)
        row += [
            Link(op.case.number, reverse("cases:detail", args=[op.case_id])),
            op.case.sop_version.name,
            ", ".join(p.name for p in op.places.all()) or "—",
            figure(_("Personel"), personnel(op), f"{file}#team"),
            figure(_("Personel mitra"), partner_personnel(op), f"{file}#partner"),
            figure(_("Pelanggar ditindak"), len(op.results.all()), f"{file}#result"),
            figure(
                _("Barang bukti"),
                len(op.items.all()),
                address("operations:items", operasi=str(op.pk)),
            ),
            result_text(op),
        ]
        rows.append(row)
    total = _totals(ops, scope, period, with_unit=parent)
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
    by_sop: dict[str, list[Operation]] = {}
    for op in dated:
        by_sop.setdefault(op.case.sop_code, []).append(op)
    if by_sop:
        kind_rows: list[list[Cell]] = []
        for code, group in sorted(by_sop.items()):
            href = drill_href(REPORT, "operasi", scope, period, sop=code)
            name = group[0].case.sop_version.name
            kind_rows.append([f"{code} — {name}", figure(_("Operasi"), len(group), href)])
        tables.append(
            Table(
                key="per-jenis",
                title=_("Per jenis operasi"),
                headers=[_("SOP"), _("Operasi")],
                rows=kind_rows,
                total=[_("Jumlah"), _count(ops, scope, period)],
                widths=[50, 10],
            )
        )
    if parent:
        child_rows: list[list[Cell]] = []
        for child, ids in scope.groups:
            wanted = set(ids)
            sums = _totals(
                [o for o in ops if o.unit_id in wanted],
                child_scope(scope, child, ids),
                period,
                with_unit=False,
            )
            link = Link(child.name, address(URL_NAME, unit=child.code, periode=period.code))
            child_rows.append([link, sums[1], *sums[4:8]])
        full = _totals(ops, scope, period, with_unit=False)
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


def _count(ops: list[Operation], scope: Scope, period: Period) -> Figure:
    return figure(_("Operasi"), len(ops), drill_href(REPORT, "operasi", scope, period))


def _totals(ops: list[Operation], scope: Scope, period: Period, *, with_unit: bool) -> list[Cell]:
    """The totals row: the number of operations (their cases) under "Nomor kasus", the sums
    of the figures; the items lead to the register of these operations' items."""
    cases = drill_href(REPORT, "operasi", scope, period)
    items = address("operations:items", operasi=",".join(str(o.pk) for o in ops))
    row: list[Cell] = [_("Jumlah")]
    if with_unit:
        row.append("")
    row += [
        _count(ops, scope, period),
        "",
        "",
        figure(_("Personel"), sum(personnel(o) for o in ops), cases),
        figure(_("Personel mitra"), sum(partner_personnel(o) for o in ops), cases),
        figure(_("Pelanggar ditindak"), sum(len(o.results.all()) for o in ops), cases),
        figure(_("Barang bukti"), sum(len(o.items.all()) for o in ops), items),
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
