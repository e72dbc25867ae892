"""The planted objects of the other units, through the services: Satpol PP Kota Tangerang
(PPTNG: a patrol month with one day reported and one not, a violator, the enforcement it
opened, the Perda), Satbinmas Gorontalo (BINMAS: the Polmas programme) and Kecamatan Karawaci
(KRW: a case, a letter, and an evaluation that found the draft version Cipondoh's opened) — and
the acting orders around Cipondoh that ``readers.py`` counts on."""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING

from django.utils import timezone

from trantib.accounts.models import ActingStatus
from trantib.accounts.services import assignment_create
from trantib.cases import services as cases
from trantib.community import services as community
from trantib.community.models import Activity, Pos
from trantib.conftest import DemoOrg
from trantib.enforcement import services as enforcement
from trantib.letters.services import letter_draft
from trantib.letters.tests.sop_desk import Desk
from trantib.patrols import services as patrols
from trantib.patrols.models import PlanDay
from trantib.reports.monitoring import services as monitoring
from trantib.reports.monitoring.services import EvaluationInput
from trantib.sops import registry

from .plant_cpd import live_task
from .reading import PNG

if TYPE_CHECKING:
    from .planted import Planted

# Who needs a violator's NIK and street: the enforcement roles of its unit
# (enforcement.selectors.violator_display).
ENFORCERS = ("kasat.pptng", "kabid.pptng", "kasie.pptng", "petugas1.pptng", "petugas2.pptng")


def acting_plant(demo_org: DemoOrg) -> None:
    """The Sekcam of Karawaci stood in as Plh. Camat Cipondoh until the day before yesterday
    and will again from the day after tomorrow: on neither order does he hold the post today,
    nor at the hour before (when the objects are planted), whenever the run starts. (The demo's
    own order makes the Sekcam of Cipondoh Plh. Camat Karawaci today.)"""
    today = demo_org.unit("CPD").today()
    camat = demo_org.position("CPD", "camat")
    for first, last in ((-12, -2), (2, 6)):
        assignment_create(
            person=demo_org.person("sekcam.krw"),
            position=camat,
            valid_from=today + dt.timedelta(days=first),
            valid_until=today + dt.timedelta(days=last),
            acting=ActingStatus.PLH,
        )


def plant_pptng(p: Planted, demo_org: DemoOrg, now: dt.datetime) -> None:
    _patrols(p, demo_org, now)
    _enforcement(p, demo_org, now)


def _patrols(p: Planted, demo_org: DemoOrg, now: dt.datetime) -> None:
    """The month's programme through its first rows, as its SOP runs it: the Surat Tugas signed
    by the Kasat, the plan, two days scheduled; the first reported by its Danru."""
    desk = Desk(demo_org, now, step_minutes=1)
    month = now.astimezone(demo_org.unit("PPTNG").zone()).date().replace(day=1)
    programme = desk.start(
        "PPW",
        "PPTNG",
        "kasat.pptng",
        "Patroli wilayah Ostravelk",
        data={"bulan": month.isoformat()},
    )
    officers = [desk.who(login).pk for login in ("petugas1.pptng", "petugas2.pptng")]
    letter = desk.draft(
        programme, "rumuskan_program", "kasat.pptng", {"data": {"personel": officers}}
    )
    desk.sign(desk.submit(letter, "kasat.pptng"), "kasat.pptng")
    desk.complete(programme, "rumuskan_program", "kasat.pptng")
    desk.complete(programme, "susun_rencana", "kabid.pptng", {"koordinasi": "Polres Metro"})

    kasie = desk.who("kasie.pptng")
    pptng = demo_org.unit("PPTNG")
    area = patrols.area_create(unit=pptng, actor=kasie, name="Wilayah Brosquin", now=desk.now)
    p.add("area", area, "PPTNG", ("Brosquin",))
    plan = patrols.plan_create(case=programme, actor=kasie, now=desk.now)
    p.add("plan", plan, "PPTNG", (programme.number, "Ostravelk"))
    danru, member = desk.who("petugas1.pptng"), desk.who("petugas2.pptng")
    reported_on, later = month, month + dt.timedelta(days=1)
    patrols.plan_days_add(
        plan=plan,
        actor=kasie,
        days=[reported_on, later],
        data=patrols.DayInput(
            starts=dt.time(8, 0),
            ends=dt.time(12, 0),
            areas=[area.pk],
            route="Rute Brosquin",
            danru=danru.pk,
            members=[danru.pk, member.pk],
        ),
        now=desk.now,
    )
    desk.tick()
    desk.complete(programme, "susun_jadwal", "kasie.pptng")
    p.add("day", PlanDay.objects.get(plan=plan, day=later), "PPTNG", ("Brosquin",))
    report = patrols.report_submit(
        day=PlanDay.objects.get(plan=plan, day=reported_on),
        actor=danru,
        started=dt.time(8, 0),
        ended=dt.time(11, 0),
        places=[patrols.PlaceInput("Taman Qelbrandi")],
        result="Wilayah Qelbrandi tertib.",
        nihil=True,
        now=desk.tick(),
    )
    p.add("report", report, "PPTNG", ("Qelbrandi", programme.number))


def _enforcement(p: Planted, demo_org: DemoOrg, now: dt.datetime) -> None:
    who = demo_org.person
    pptng, kasat = demo_org.unit("PPTNG"), who("kasat.pptng")
    violator = enforcement.violator_create(
        unit=pptng,
        actor=who("petugas1.pptng"),
        kind="orang",
        name="Yosvaldi Krempelu",
        nik="3671011705859901",
        phone="0812-7766-5544",
        address="Jl. Zarvendi No. 14 RT 02/RW 05",
        desa="Cibodas",
        kecamatan="Cibodas",
    )
    p.add(
        "violator",
        violator,
        "PPTNG",
        ("Krempelu",),
        ("3671011705859901", "Zarvendi"),
        secret_to=ENFORCERS,
    )
    photo = enforcement.violator_photo_add(
        violator=violator, actor=who("petugas1.pptng"), name="wajah.png", content=io.BytesIO(PNG)
    )
    p.add("violator_photo", photo, "PPTNG")
    perda = enforcement.perda_create(
        unit=pptng, actor=kasat, number="7", year=2019, title="Ketertiban Umum Ulvanesh", now=now
    )
    p.add("perda", perda, "PPTNG", ("Ulvanesh",))
    article = enforcement.article_save(
        perda=perda, actor=kasat, label="Pasal 3", text="Dilarang berjualan di trotoar.", now=now
    )
    found = enforcement.finding_open(
        unit=pptng,
        actor=who("petugas1.pptng"),
        violator=violator,
        articles=[article],
        place="Trotoar Jl. Perintis Kemerdekaan",
        description="Berjualan di trotoar",
        found_at=now,
        source="patroli",
        now=now,
    )
    assert found.case is not None
    p.add("enforcement", found, "PPTNG", (found.case.number, "Krempelu"))


def plant_binmas(p: Planted, demo_org: DemoOrg, now: dt.datetime) -> None:
    binmas = demo_org.unit("BINMAS")
    rule = community.rule_save(
        unit=binmas,
        actor=demo_org.person("binpolmas.binmas"),
        officer=demo_org.person("banit1.binmas"),
        desa="Limba Tesmondai",
        pos=Pos.SATRIA,
        days="",
        starts_at=dt.time(0, 5),
        place="Pos Kamling Tesmondai",
        now=now,
    )
    p.add("rule", rule, "BINMAS", ("Tesmondai",))
    community.activities_open(now=now, unit=binmas)
    activity = Activity.objects.filter(rule=rule).order_by("-day").first()
    assert activity is not None
    p.add("activity", activity, "BINMAS", ("Tesmondai",))
    p.month = activity.day.strftime("%Y-%m")


def plant_krw(p: Planted, demo_org: DemoOrg, now: dt.datetime) -> None:
    """Karawaci's case and letter, what its Plh. Camat (the Sekcam of Cipondoh) finds, and its
    evaluation of last year."""
    krw, kasi = demo_org.unit("KRW"), demo_org.person("kasi.krw")
    case = cases.case_start(
        sop_code="PPL",
        unit=krw,
        actor=kasi,
        subject="Warung remang-remang Pelmorast",
        data={
            "sumber": "Lurah Nusa Jaya",
            "lokasi": {"address": "Jl. Pelmorast No. 3, Nusa Jaya"},
            "uraian": "Warung diduga menjual minuman keras tanpa izin",
        },
        now=now,
    )
    p.add("case_krw", case, "KRW", (case.number, "Pelmorast"))
    p.add("task_krw", live_task(case), "KRW", (case.number, "Pelmorast"))
    letter = letter_draft(
        unit=krw,
        kind="nota_dinas",
        actor=kasi,
        hal="Rapat koordinasi Quindavel",
        signer_role="camat",
        recipient="Sekretaris Kecamatan",
        body="Mengundang rapat koordinasi Quindavel.",
        now=now,
    )
    p.add("letter_krw", letter, "KRW", ("Quindavel",))
    # Karawaci's evaluation of the same SOP asks for a revision too, after Cipondoh's: it finds
    # the draft version Cipondoh's opened.
    camat, spec = demo_org.person("camat.krw"), registry.get("PPL")
    evaluation = monitoring.evaluation_create(
        unit=krw,
        code="PPL",
        year=timezone.localdate(now).year - 1,
        actor=camat,
        given=EvaluationInput(
            answers=[("ya", "Catatan Hexalurn")] * 6 + [("tidak", "Catatan Hexalurn")],
            needs_revision=True,
            reason="Formulir Hexalurn belum ada",
        ),
        version=spec.version,
        name=spec.name,
        nomor=spec.identity.nomor,
        now=now,
    )
    final = monitoring.evaluation_finalise(evaluation=evaluation, actor=camat, now=now)
    p.add("evaluation_krw", final, "KRW", ("Hexalurn",))
