"""The planted objects of Kecamatan Cipondoh (CPD), through the services: a case, its task and
photo, the operation file, two complaints, the letters (``plant_letters``), the monitoring
form and two evaluations."""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from trantib.api.services import api_token_create
from trantib.cases import services as cases
from trantib.cases.models import Case, Notification, Task, TaskStatus
from trantib.complaints.models import Category
from trantib.complaints.services import complaint_file
from trantib.conftest import DemoOrg
from trantib.demo import complaint_setup_load
from trantib.operations import services as operations
from trantib.reports.monitoring import services as monitoring
from trantib.reports.monitoring.services import EvaluationInput
from trantib.reports.periods import period_parse
from trantib.sops import registry

from .plant_letters import plant_cpd_letters
from .reading import PNG

if TYPE_CHECKING:
    from .planted import Planted

# Who needs a confidential complaint's reporter: the intake roles of its unit
# (complaints.services.may_see_identity).
INTAKE = ("staf.cpd", "kasi.cpd", "camat.cpd")


def live_task(case: Case) -> Task:
    return Task.objects.filter(case=case, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED]).get()


def plant_cpd(p: Planted, demo_org: DemoOrg, now: dt.datetime) -> None:
    _case(p, demo_org, now)
    _complaints(p, demo_org, now)
    plant_cpd_letters(p, demo_org, now)
    _monitoring(p, demo_org, now)
    token, _secret = api_token_create(user=demo_org.user("camat.cpd"), name="kunci Plovdana")
    p.add("token", token, "CPD", ("Plovdana",), seen_by=("camat.cpd",))


def _case(p: Planted, demo_org: DemoOrg, now: dt.datetime) -> None:
    who = demo_org.person
    case = cases.case_start(
        sop_code="PPL",
        unit=demo_org.unit("CPD"),
        actor=who("kasi.cpd"),
        subject="Rumah kos Qorvanel di Jl. Bouraq",
        data={
            "sumber": "Lurah Poris Plawad",
            "lokasi": {"address": "Jl. Bouraq No. 12, Poris Plawad"},
            "uraian": "Rumah kos diduga dipakai untuk praktik prostitusi",
        },
        now=now,
    )
    p.add("case", case, "CPD", (case.number, "Qorvanel"))
    p.add("task", live_task(case), "CPD", (case.number, "Qorvanel"))
    photo = cases.attachment_add(
        case=case, actor=who("kasi.cpd"), name="denah-Qorvanel.png", content=io.BytesIO(PNG)
    )
    p.add("attachment", photo, "CPD", ("denah-Qorvanel",))
    notice = Notification.objects.filter(recipient=who("camat.cpd"), task__case=case).first()
    if notice is not None:
        p.add("notice", notice, "CPD", seen_by=("camat.cpd",))

    operation = operations.operation_open(case=case, actor=who("kasi.cpd"), now=now)
    p.add("operation", operation, "CPD", (case.number, "Qorvanel"))
    items, _report = operations.items_seize(
        operation=operation,
        actor=who("kasi.cpd"),
        items=[{"description": "Gerobak Vantrelo", "quantity": 1, "measure": "unit"}],
        storage="Gudang kecamatan",
        perda="Perda 5/2018 Pasal 3",
        photos={0: SimpleUploadedFile("gerobak.png", PNG, "image/png")},
        now=now,
    )
    p.add("item", items[0], "CPD", ("Vantrelo",))


def _complaints(p: Planted, demo_org: DemoOrg, now: dt.datetime) -> None:
    complaint_setup_load()
    category = Category.objects.get(code="cpd-pkl")
    secret = complaint_file(
        channel="phone",
        category=category,
        description="Lapak Wendrasil menutup trotoar Jl. KH. Hasyim Ashari setiap malam",
        kelurahan="Cipondoh Indah",
        reporter_name="Xandrie Pulomara",
        reporter_phone="0812 9988 7766",
        reporter_email="xandrie.pulomara@example.org",
        confidential=True,
        actor=demo_org.person("staf.cpd"),
        now=now,
    )
    p.add(
        "complaint",
        secret,
        "CPD",
        ("Wendrasil", secret.case.number),
        ("Xandrie Pulomara", "xandrie.pulomara", secret.reporter_phone),
        secret_to=INTAKE,
    )
    public = complaint_file(
        channel="web",
        category=category,
        description="Gerobak Trelavin berjualan di atas trotoar depan kantor kelurahan",
        kelurahan="Cipondoh",
        latitude="-6.17321",
        longitude="106.69123",
        reporter_name="Gustavo Merindel",
        reporter_phone="0813 4455 1122",
        now=now,
    )
    # Not confidential: the reporter is shown to whoever may see the case, never publicly.
    p.add(
        "complaint_public",
        public,
        "CPD",
        ("Trelavin", public.case.number, "Gustavo Merindel"),
        public=("Trelavin",),
    )


def _monitoring(p: Planted, demo_org: DemoOrg, now: dt.datetime) -> None:
    cpd, camat = demo_org.unit("CPD"), demo_org.person("camat.cpd")
    today = timezone.localdate(now)
    form = monitoring.monitoring_form_create(
        unit=cpd,
        code="PPL",
        period=period_parse(f"{today.year}-S{1 if today.month <= 6 else 2}"),
        actor=camat,
        rows=[monitoring.RowInput(position=1, note="Catatan Brevalkin")],
        now=now,
    )
    p.add("monitoring", form, "CPD", ("Brevalkin",))
    spec = registry.get("PPL")
    identity = {"version": spec.version, "name": spec.name, "nomor": spec.identity.nomor}
    evaluation = monitoring.evaluation_create(
        unit=cpd,
        code="PPL",
        year=today.year,
        actor=camat,
        given=EvaluationInput(answers=[("ya", "Catatan Morvelint")] * 7),
        now=now,
        **identity,
    )
    p.add("evaluation", evaluation, "CPD", ("Morvelint",))
    # Last year's, final, found the SOP in need of a revision: it opened the SOP's next version
    # as a draft, whose YAML (naming the reason) the unit downloads from the evaluation.
    last_year = monitoring.evaluation_create(
        unit=cpd,
        code="PPL",
        year=today.year - 1,
        actor=camat,
        given=EvaluationInput(
            answers=[("ya", "Catatan Quenvarit")] * 6 + [("tidak", "Catatan Quenvarit")],
            needs_revision=True,
            reason="Alur Gravelund terlalu panjang untuk kos-kosan",
        ),
        now=now,
        **identity,
    )
    final = monitoring.evaluation_finalise(evaluation=last_year, actor=camat, now=now)
    assert final.draft_version is not None
    p.add("evaluation_final", final, "CPD", ("Quenvarit", "Gravelund"))
