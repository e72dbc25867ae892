"""The objects the access matrix looks for: a few of each kind, each in one unit, made through
the services, each carrying a word found nowhere else (its marker) so that a page or an answer
that shows it can be told from one that does not.

Three owning units, as the work is spread in the product: Kecamatan Cipondoh (CPD: a case, its
task and photo, two complaints, the operation file, letters, the monitoring form), Satpol PP Kota
Tangerang (PPTNG: the patrol month, a violator and the enforcement it opened, the Perda) and
Satbinmas Gorontalo (BINMAS: the Polmas programme). ``secrets`` are personal data (a reporter's
name and phone, a violator's NIK): shown only to the roles that need them, never publicly.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.utils import timezone

from trantib.accounts.models import OrgUnit, Person
from trantib.api.services import api_token_create
from trantib.cases import services as cases
from trantib.cases.models import Case, Notification, Task, TaskStatus
from trantib.community import services as community
from trantib.community.models import Activity, Pos
from trantib.complaints.models import Category
from trantib.complaints.services import complaint_file
from trantib.conftest import DemoOrg
from trantib.demo import complaint_setup_load
from trantib.enforcement import services as enforcement
from trantib.letters.services import disposition_create, incoming_record, letter_draft
from trantib.letters.tests.support import pdf
from trantib.operations import services as operations
from trantib.patrols import services as patrols
from trantib.reports.monitoring import services as monitoring
from trantib.reports.monitoring.services import EvaluationInput
from trantib.reports.periods import period_parse
from trantib.sops import registry

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81"
    b"\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)

# Who needs the personal data: a confidential complaint's reporter is for the intake roles of
# its unit (complaints.services.may_see_identity); a violator's NIK and street for the
# enforcement roles of its unit (enforcement.services.violator_display).
INTAKE = ("staf.cpd", "kasi.cpd", "camat.cpd")
ENFORCERS = ("kasat.pptng", "kabid.pptng", "kasie.pptng", "petugas1.pptng", "petugas2.pptng")


@dataclass(frozen=True)
class Circle:
    """The people around one owning unit: ``head`` and ``member`` belong to it (the member is
    the lowest role), ``outsiders`` hold posts in other units — a sibling under the same parent
    where there is one, and a unit of the same kind in another tree."""

    unit: str
    head: str
    member: str
    outsiders: tuple[str, ...]


CIRCLES = {
    "CPD": Circle("CPD", head="camat.cpd", member="anggota1.cpd", outsiders=("camat.krw",)),
    "PPTNG": Circle(
        "PPTNG", head="kasat.pptng", member="petugas2.pptng", outsiders=("kasat.ppkb", "camat.krw")
    ),
    "BINMAS": Circle(
        "BINMAS", head="kasat.binmas", member="banit2.binmas", outsiders=("camat.krw",)
    ),
}

# The demo's logins are "<role>.<unit>"; those the matrix signs in with hold posts in that one
# unit only (not sekcam.cpd, who is also Plh. Camat of Karawaci).
LOGIN_UNITS = {"cpd": "CPD", "krw": "KRW", "pptng": "PPTNG", "ppkb": "PPKB", "binmas": "BINMAS"}


def sees(login: str | None) -> frozenset[str]:
    """The units whose objects ``login`` (None: anonymous) may see."""
    if login is None:
        return frozenset()
    return frozenset({LOGIN_UNITS[login.rsplit(".", 1)[1]]})


@dataclass
class Planted:
    objects: dict[str, Model] = field(default_factory=dict)
    unit_of: dict[str, str] = field(default_factory=dict)  # object name -> owning unit code
    markers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # what shows the object
    secrets: dict[str, tuple[str, ...]] = field(default_factory=dict)  # personal data in it
    secret_to: dict[str, frozenset[str]] = field(default_factory=dict)  # who needs the secrets
    seen_by: dict[str, frozenset[str]] = field(default_factory=dict)  # only these see it
    public: set[str] = field(default_factory=set)  # markers anyone may read
    month: str = ""  # the month of the planted Polmas activity, "YYYY-MM"

    def add(
        self,
        name: str,
        obj: Model,
        unit: str,
        markers: tuple[str, ...] = (),
        secrets: tuple[str, ...] = (),
        *,
        secret_to: tuple[str, ...] = (),
        seen_by: tuple[str, ...] = (),
        public: tuple[str, ...] = (),
    ) -> None:
        self.objects[name] = obj
        self.unit_of[name] = unit
        self.markers[name] = markers
        self.secrets[name] = secrets
        self.secret_to[name] = frozenset(secret_to)
        if seen_by:
            self.seen_by[name] = frozenset(seen_by)
        self.public.update(public)

    def hidden_from(self, login: str | None, sees: frozenset[str]) -> list[tuple[str, str]]:
        """(object, text) pairs ``login`` (None: anonymous), who may see the units ``sees``,
        must not find in any answer."""
        hidden = []
        for name, markers in self.markers.items():
            allowed = self.unit_of[name] in sees and (
                name not in self.seen_by or login in self.seen_by[name]
            )
            if not allowed:
                hidden += [(name, m) for m in markers if m not in self.public]
            if login not in self.secret_to[name]:
                hidden += [(name, s) for s in self.secrets[name]]
        return hidden


def _live(case: Case) -> Task:
    return Task.objects.filter(case=case, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED]).get()


def plant(demo_org: DemoOrg) -> Planted:
    p = Planted()
    now = timezone.now() - dt.timedelta(hours=1)
    who = demo_org.person
    unit = demo_org.unit
    _plant_cpd(p, demo_org, now, who, unit)
    _plant_pptng(p, demo_org, now, who, unit)
    _plant_binmas(p, now, who, unit)
    return p


def _plant_cpd(p: Planted, demo_org: DemoOrg, now: dt.datetime, who: Any, unit: Any) -> None:
    cpd: OrgUnit = unit("CPD")
    case = cases.case_start(
        sop_code="PPL",
        unit=cpd,
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
    p.add("task", _live(case), "CPD", (case.number, "Qorvanel"))
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
        actor=who("staf.cpd"),
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

    letter = letter_draft(
        unit=cpd,
        kind="nota_dinas",
        actor=who("kasi.cpd"),
        hal="Rapat koordinasi Zephyrindo",
        signer_role="camat",
        recipient="Sekretaris Kecamatan",
        body="Mengundang rapat koordinasi Zephyrindo.",
        now=now,
    )
    p.add("letter", letter, "CPD", ("Zephyrindo",))
    incoming = incoming_record(
        unit=cpd,
        actor=who("staf.cpd"),
        received_on=timezone.localdate(now),
        sender="Dinas Perhubungan Kota Tangerang",
        number="551/Halvorsk/2026",
        dated=timezone.localdate(now),
        subject="Permohonan pengamanan Halvorsk",
        scan=pdf("Pindaian Halvorsk"),
        scan_name="pindaian.pdf",
        now=now,
    )
    p.add("incoming", incoming, "CPD", ("Halvorsk",))
    disposition = disposition_create(
        incoming=incoming,
        actor=who("camat.cpd"),
        to_role="kasi_trantib",
        instruction="Siapkan personel Halvorsk",
        now=now,
    )
    p.add("disposition", disposition, "CPD", ("Halvorsk",))

    year = timezone.localdate(now).year
    form = monitoring.monitoring_form_create(
        unit=cpd,
        code="PPL",
        period=period_parse(f"{year}-S{1 if timezone.localdate(now).month <= 6 else 2}"),
        actor=who("camat.cpd"),
        rows=[monitoring.RowInput(position=1, note="Catatan Brevalkin")],
        now=now,
    )
    p.add("monitoring", form, "CPD", ("Brevalkin",))
    spec = registry.get("PPL")
    evaluation = monitoring.evaluation_create(
        unit=cpd,
        code="PPL",
        year=year,
        actor=who("camat.cpd"),
        given=EvaluationInput(answers=[("ya", "Catatan Morvelint")] * 7),
        version=spec.version,
        name=spec.name,
        nomor=spec.identity.nomor,
        now=now,
    )
    p.add("evaluation", evaluation, "CPD", ("Morvelint",))

    token, _secret = api_token_create(user=demo_org.user("camat.cpd"), name="kunci Plovdana")
    p.add("token", token, "CPD", ("Plovdana",), seen_by=("camat.cpd",))


def _plant_pptng(p: Planted, demo_org: DemoOrg, now: dt.datetime, who: Any, unit: Any) -> None:
    pptng: OrgUnit = unit("PPTNG")
    kasat: Person = who("kasat.pptng")
    month = timezone.localdate(now).replace(day=1)
    programme = cases.case_start(
        sop_code="PPW",
        unit=pptng,
        actor=kasat,
        subject="Patroli wilayah Ostravelk",
        data={"bulan": month.isoformat()},
        now=now,
    )
    kasie = who("kasie.pptng")
    area = patrols.area_create(unit=pptng, actor=kasie, name="Wilayah Brosquin", now=now)
    p.add("area", area, "PPTNG", ("Brosquin",))
    plan = patrols.plan_create(case=programme, actor=kasie, now=now)
    p.add("plan", plan, "PPTNG", (programme.number, "Ostravelk"))
    danru, member = who("petugas1.pptng"), who("petugas2.pptng")
    patrols.plan_days_add(
        plan=plan,
        actor=kasie,
        days=[month],
        data=patrols.DayInput(
            starts=dt.time(8, 0),
            ends=dt.time(12, 0),
            areas=[area.pk],
            route="Rute Brosquin",
            danru=danru.pk,
            members=[danru.pk, member.pk],
        ),
        now=now,
    )
    p.add("day", plan.days.get(), "PPTNG", ("Brosquin",))

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


def _plant_binmas(p: Planted, now: dt.datetime, who: Any, unit: Any) -> None:
    binmas: OrgUnit = unit("BINMAS")
    rule = community.rule_save(
        unit=binmas,
        actor=who("binpolmas.binmas"),
        officer=who("banit1.binmas"),
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
