"""The report step's letter drafted from the operation file (the letters app's draft source,
registered in ``apps.py``): the Laporan Hasil Pelaksanaan Tugas's "II. Kegiatan" holds the
basis, the day and hours, the places, the commander, the teams and the partners; "III. Hasil"
the readiness, the incident log, the results, the seized items and, for a demonstration, the
crowd and its escalation levels. Only a ``laporan`` drafted at the step that binds
``operation_report`` is filled, and only for a case that has a file. On a step without a
letter whose report is a text field (OPP), :class:`OperationReportHook` writes it from the
file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from trantib.cases.models import Case
from trantib.core.dates import date_id
from trantib.engine.bindings import ContractName
from trantib.engine.spec import FieldType, SOPSpec, Step, StepLetter

from .models import ItemState, Operation
from .selectors import operation_basis


def _hm(value: Any) -> str:
    return value.strftime("%H.%M") if value else ""


def operation_report_values(
    case: Case, spec: SOPSpec, step: Step, block: StepLetter
) -> Mapping[str, Any] | None:
    if block.kind != "laporan" or not any(
        b.contract == ContractName.OPERATION_REPORT for b in step.bindings
    ):
        return None
    op = (
        Operation.objects.filter(case=case)
        .select_related("unit", "commander")
        .prefetch_related(
            "places",
            "partners",
            "teams__members",
            "teams__leader",
            "readiness",
            "incidents",
            "results__violator",
            "escalations",
            "items__owner",
            "items__seizure_letter",
            "items__end_letter",
        )
        .first()
    )
    if op is None:
        return None
    return {"kegiatan": kegiatan_text(op), "hasil": hasil_text(op)}


def kegiatan_text(op: Operation) -> str:
    zone = op.unit.zone()
    lines: list[str] = []
    number, dated = operation_basis(op)
    if number:
        lines.append(
            f"Dasar: Surat Perintah Nomor {number}"
            + (f" tanggal {date_id(dated)}" if dated else "")
        )
    if op.day:
        hours = " – ".join(x for x in (_hm(op.starts_at), _hm(op.ends_at)) if x)
        zone_name = dt.datetime.combine(op.day, dt.time(12), tzinfo=zone).strftime("%Z")
        suffix = f" pukul {hours} {zone_name}" if hours else ""
        lines.append(f"Waktu: {date_id(op.day)}{suffix}")
    places = [p.name for p in op.places.all()]
    if places:
        lines.append("Tempat: " + "; ".join(places))
    if op.commander:
        lines.append(f"Komandan lapangan: {op.commander.full_name}")
    for team in op.teams.all():
        names = ", ".join(m.full_name for m in team.members.all())
        leader = f" (ketua {team.leader.full_name})" if team.leader else ""
        task = f" — {team.task}" if team.task else ""
        lines.append(f"{team.name}{leader}: {names}{task}")
    partners = [
        p.agency
        + (f" ({p.personnel} personel)" if p.personnel else "")
        + (f", kontak {p.contact}" if p.contact else "")
        for p in op.partners.all()
    ]
    if partners:
        lines.append("Instansi yang terlibat: " + "; ".join(partners))
    if op.crowd_group or op.crowd_estimate:
        crowd = op.crowd_group or "Massa"
        if op.crowd_estimate:
            crowd += f", perkiraan {op.crowd_estimate} orang"
        lines.append(f"Kelompok massa: {crowd}")
    if op.demands:
        lines.append(f"Tuntutan: {op.demands}")
    return "\n".join(lines)


def hasil_text(op: Operation) -> str:
    zone = op.unit.zone()
    lines: list[str] = []
    checks = list(op.readiness.all())
    if checks:
        ready = [c.item for c in checks if c.ready]
        missing = [c.item + (f" ({c.note})" if c.note else "") for c in checks if not c.ready]
        lines.append(
            "Kesiapan: "
            + (", ".join(ready) or "-")
            + " siap"
            + (f"; tidak siap: {', '.join(missing)}" if missing else "")
        )
    incidents = list(op.incidents.all())
    if incidents:
        lines.append("Kronologi:")
        for i in incidents:
            mark = " (koreksi)" if i.corrects_id else ""
            lines.append(f"- {i.at.astimezone(zone):%H.%M}{mark}: {i.text}")
    escalations = list(op.escalations.all())
    if escalations:
        lines.append(
            "Eskalasi: "
            + "; ".join(
                f"{e.get_level_display()} pukul {e.at.astimezone(zone):%H.%M}" for e in escalations
            )
        )
    results = list(op.results.all())
    if results:
        lines.append(f"Pelanggar yang ditangani ({len(results)}):")
        for n, r in enumerate(results, 1):
            note = f", {r.note}" if r.note else ""
            lines.append(f"{n}. {r.violator.name}: {r.get_action_display().lower()}{note}")
    items = list(op.items.all())
    if items:
        lines.append("Barang bukti:")
        for item in items:
            ba = item.seizure_letter
            under = f", Berita Acara Penyitaan {ba.number}" if ba and ba.number else ""
            state = item.get_state_display().lower()
            if item.state == ItemState.RETURNED:
                state += f" kepada {item.returned_to}"
                if item.ended_on:
                    state += f" tanggal {date_id(item.ended_on)}"
            elif item.state == ItemState.DESTROYED and item.ended_on:
                state += f" tanggal {date_id(item.ended_on)}"
            else:
                state += f" di {item.storage}"
            lines.append(f"- {item}{under}; {state}")
    return "\n".join(lines)


class OperationReportHook:
    """The cases step hook of ``operation_report``: on a step whose ``report`` role is a text
    field (OPP's "Hasil operasi"), a report left blank is written from the case's operation
    file (Kegiatan, then Hasil). A report the officer wrote is kept as written; a file field
    (PPL's and PUR's drafted laporan) is the letter's business, not this hook's."""

    def prepare(
        self,
        *,
        spec: SOPSpec,
        case: Case,
        task: Any,
        step: Step,
        binding: Any,
        data: dict[str, Any],
        actor: Any,
        now: dt.datetime,
    ) -> dict[str, Any]:
        name = binding.field("report")
        field = next((f for f in step.records if f.name == name), None)
        if field is None or field.type not in (FieldType.LONGTEXT, FieldType.TEXT):
            return data
        if str(data.get(name) or "").strip():
            return data
        op = Operation.objects.filter(case=case).select_related("unit", "commander").first()
        if op is None:
            return data
        text = "\n".join(part for part in (kegiatan_text(op), hasil_text(op)) if part)
        return {**data, name: text} if text else data

    def completed(self, **_kwargs: Any) -> None:
        return None
