"""A result of an operation in a unit that also runs the PPW ladder opens the violator's
enforcement case through the enforcement app's ``finding_open``, linked to the operation's case.

Satpol PP Kota Tangerang runs PPW; here it is given the OPP positions (Kabid PPD, PPNS,
Sekretaris…) so that it runs the OPP operation SOP too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import QueryDict

from trantib.accounts.models import Assignment, Position
from trantib.cases.models import Case
from trantib.enforcement.models import Enforcement
from trantib.enforcement.tests.ladder_support import article, catalogue
from trantib.letters.tests.sop_desk import WIB, Desk
from trantib.operations import services

pytestmark = pytest.mark.django_db

OPP_ROLES = {
    "pol_pp": "petugas1.pptng",
    "ppns": "petugas2.pptng",
    "kasi_penegakan": "kasie.pptng",
    "kabid_ppd": "kabid.pptng",
    "sekretaris": "kabid.pptng",
    "kasat_pol_pp": "kasat.pptng",
}


def test_a_result_can_open_the_violators_ladder_case_from_the_operation(demo_org):
    desk = Desk(demo_org, dt.datetime(2026, 8, 3, 9, 0, tzinfo=WIB))
    unit = demo_org.unit("PPTNG")
    for code, login in OPP_ROLES.items():
        position, _new = Position.objects.get_or_create(
            unit=unit, code=code, defaults={"name": code.replace("_", " ").title()}
        )
        Assignment.objects.get_or_create(
            person=desk.who(login), position=position, defaults={"valid_from": dt.date(2026, 1, 1)}
        )
    tibum, _reklame = catalogue(demo_org, desk.now)
    case = desk.start("OPP", "PPTNG", "kabid.pptng", "Operasi PKL Jl. Sudirman")
    kasie = desk.who("kasie.pptng")
    op = services.operation_open(case=case, actor=kasie, now=desk.now)
    services.place_add(
        operation=op,
        actor=kasie,
        name="Trotoar Jl. Sudirman",
        latitude=-6.17,
        longitude=106.63,
        now=desk.now,
    )
    assert services.runs_ladder(op)
    data = QueryDict(mutable=True)
    data.update(
        {
            "pelanggar-kind": "orang",
            "pelanggar-name": "Sutarman",
            "pelanggar-nik": "3671010101800001",
            "action": "pendataan",
            "open_finding": "1",
        }
    )
    data.appendlist("pelanggar-articles", str(article(tibum, "Pasal 12 ayat (1)").pk))
    result = services.result_add_picked(operation=op, actor=kasie, data=data, now=desk.tick())
    enforcement = Enforcement.objects.get(pk=result.enforcement_id)
    assert enforcement.violator == result.violator and enforcement.unit == unit
    assert Case.objects.get(pk=enforcement.case_id).parent == case


def test_a_blank_text_report_of_a_step_without_a_letter_is_written_from_the_file(demo_org):
    from trantib.cases.services import case_spec
    from trantib.engine.bindings import ContractName
    from trantib.operations.report import OperationReportHook

    desk = Desk(demo_org, dt.datetime(2026, 8, 3, 9, 0, tzinfo=WIB))
    unit = demo_org.unit("PPTNG")
    for code, login in OPP_ROLES.items():
        position, _new = Position.objects.get_or_create(
            unit=unit, code=code, defaults={"name": code.replace("_", " ").title()}
        )
        Assignment.objects.get_or_create(
            person=desk.who(login), position=position, defaults={"valid_from": dt.date(2026, 1, 1)}
        )
    case = desk.start("OPP", "PPTNG", "kabid.pptng", "Operasi reklame liar")
    spec = case_spec(case)
    step, binding = spec.binding(ContractName.OPERATION_REPORT)
    hook = OperationReportHook()
    args = {
        "spec": spec,
        "case": case,
        "task": None,
        "step": step,
        "binding": binding,
        "actor": None,
        "now": desk.now,
    }
    assert hook.prepare(data={}, **args) == {}  # no file yet: nothing to write from
    op = services.operation_open(case=case, actor=desk.who("kasie.pptng"), now=desk.now)
    services.partner_add(
        operation=op,
        actor=desk.who("kasie.pptng"),
        agency="Polres Metro",
        personnel=10,
        now=desk.now,
    )
    filled = hook.prepare(data={}, **args)
    assert step.id == "pelaksanaan_operasi" and "Polres Metro (10 personel)" in filled["hasil"]
    written = hook.prepare(data={"hasil": "Ditulis petugas"}, **args)
    assert written == {"hasil": "Ditulis petugas"}
