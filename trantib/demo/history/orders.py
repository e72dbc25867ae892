"""The history's orders of a kecamatan (PPL: penertiban pelacuran; PUR: pengamanan unjuk rasa):
a few a month, each run from its start to the archived report through ``case_start`` and
``task_complete``, its Surat Perintah and report drafted, initialled and signed on the way
(``letter_bring``), as the Camat, Sekcam, Kasi, Danru and members of Kecamatan Cipondoh would.
A case marked ``correction`` has its draft returned once. A case is keyed on its subject, which
names its month ("…, Juli 2026").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from trantib.accounts.models import OrgUnit
from trantib.cases import services as case_services
from trantib.cases.models import Case
from trantib.core.dates import MONTHS
from trantib.engine.timing import Calendar
from trantib.sops import registry

from ..complaints import unit_get
from .pace import (
    Pace,
    act,
    at_clock,
    iso_minutes,
    live,
    months_before,
    notices_read,
    person,
    seeded,
    uploads,
)

MEMBERS = ["anggota1.cpd", "anggota2.cpd"]


@dataclass(frozen=True)
class Order:
    sop: str
    subject: str
    start: dt.datetime
    story: dict[str, Any]
    correction: bool


def orders_plan(conf: dict[str, Any], now: dt.datetime, zone: dt.tzinfo, seed: int) -> list[Order]:
    """The unit's PPL and PUR cases, one or two a month, started on working days; each month's
    from a generator seeded with the month (the same month, the same cases, on any load day),
    the stories taken in turn by the month's place in the calendar."""
    orders_conf = conf["orders"]
    calendar = registry.get("PPL").calendar
    planned = []
    for month in months_before(now, zone, int(conf["months"])):
        rng = seeded(seed, "orders", f"{month:%Y-%m}")
        label = f"{MONTHS[month.month - 1]} {month.year}"
        turn = month.year * 12 + month.month
        for sop in ("PPL", "PUR"):
            low, high = orders_conf["per_month"][sop]
            stories = orders_conf[sop]
            for n in range(rng.randint(low, high)):
                story = stories[(turn + 2 * n) % len(stories)]
                # Early enough in the month to be archived before the next one begins.
                day = month + dt.timedelta(days=rng.randint(1, 17))
                while not calendar.is_working_day(day):
                    day += dt.timedelta(days=1)
                planned.append(
                    Order(
                        sop=sop,
                        subject=f"{story['subject']}, {label}",
                        start=at_clock(day, rng.randint(8, 10), rng.randint(0, 59), zone),
                        story=story,
                        correction=bool(story.get("correction")),
                    )
                )
    planned.sort(key=lambda o: o.start)
    return planned


@dataclass(frozen=True)
class OrdersLoaded:
    planned: int
    created: int


def orders_load(conf: dict[str, Any], pace: Pace, seed: int) -> OrdersLoaded:
    unit = unit_get(conf["orders"]["unit"], "data/history.yaml")
    plan = orders_plan(conf, pace.now, unit.zone(), seed)
    known = set(
        Case.objects.filter(
            unit=unit, subject__in=[o.subject for o in plan], parent=None
        ).values_list("subject", flat=True)
    )
    created = 0
    with transaction.atomic():
        for order in plan:
            if order.subject in known:
                continue
            case = (_ppl if order.sop == "PPL" else _pur)(order, unit, pace)
            notices_read([case.pk], pace.now)
            created += 1
    return OrdersLoaded(len(plan), created)


class _Run:
    """One case moving on: each step at a time the pace gives, after the one before."""

    def __init__(self, case: Case, pace: Pace, calendar: Calendar, at: dt.datetime):
        self.case, self.pace, self.calendar, self.at = case, pace, calendar, at

    def step(
        self,
        step: str,
        login: str,
        data: dict[str, Any] | None = None,
        *,
        decision: str = "",
        files: dict[str, tuple[str, str]] | None = None,
        took: dt.timedelta = dt.timedelta(minutes=40),
        at: dt.datetime | None = None,
        late: bool | None = None,
        time_field: str = "",
    ) -> None:
        """``time_field``: a field of the step that records the action's own time."""
        task = live(self.case, step)
        self.at = at or self.pace.when(
            task, after=self.at, calendar=self.calendar, took=took, late=late
        )
        if time_field:
            data = {**(data or {}), time_field: iso_minutes(self.at, self.case.unit.zone())}
        act(
            task,
            login,
            self.at,
            data=data,
            decision=decision,
            files=uploads(**files) if files else None,
        )


def _ppl(order: Order, unit: OrgUnit, pace: Pace) -> Case:
    story = order.story
    place = {
        "lat": story["point"][0],
        "lon": story["point"][1],
        "address": f"{story['place']}, Kelurahan {story['kelurahan']}",
    }
    case = case_services.case_start(
        sop_code="PPL",
        unit=unit,
        actor=person("kasi.cpd"),
        subject=order.subject,
        data={"sumber": story["source"], "lokasi": place, "uraian": story["report"]},
        now=order.start,
    )
    run = _Run(case, pace, case_services.case_spec(case).calendar, order.start)
    run.step(
        "perintah_camat",
        "camat.cpd",
        {"perintah": "Siapkan Surat Perintah penertiban bersama Bhabinkamtibmas dan Lurah."},
    )
    run.step(
        "draft_surat_perintah", "kasi.cpd", files={"draft": ("draf-surat-perintah.pdf", "pdf")}
    )
    if order.correction:
        run.step(
            "verifikasi_surat_perintah",
            "sekcam.cpd",
            {
                "koreksi": (
                    "Dasar hukum belum mencantumkan Perda Kota Tangerang tentang Pelarangan "
                    "Pelacuran."
                )
            },
            decision="ada koreksi",
        )
        run.step(
            "draft_surat_perintah",
            "kasi.cpd",
            files={"draft": ("draf-surat-perintah-perbaikan.pdf", "pdf")},
        )
    run.step("verifikasi_surat_perintah", "sekcam.cpd", decision="tidak ada koreksi")
    run.step("tandatangani_surat_perintah", "camat.cpd", took=dt.timedelta(hours=3))
    run.step(
        "arahan_danru", "kasi.cpd", {"arahan": "Laksanakan penertiban bersama Polsek Cipondoh."}
    )
    run.step("siapkan_anggota", "danru.cpd", {"jumlah_personel": 8, "anggota": MEMBERS})
    run.step(
        "laksanakan_penertiban",
        "anggota1.cpd",
        {
            "lokasi": place,
            "jumlah_personel": 8,
            "laporan_lapangan": story["result"],
        },
        files={"dokumentasi": ("penertiban.png", "photo")},
        time_field="waktu_pelaksanaan",
    )
    run.step(
        "draft_laporan",
        "danru.cpd",
        files={"draft_laporan": ("draf-laporan-pelaksanaan.pdf", "pdf")},
        took=dt.timedelta(days=1),
    )
    run.step("periksa_laporan", "kasi.cpd", decision="tidak ada koreksi")
    run.step("laporan_kepada_camat", "camat.cpd", took=dt.timedelta(hours=4))
    run.step(
        "arsip_laporan",
        "kasi.cpd",
        {"nomor_arsip": f"ARS/TRANTIB/{order.start.year}/{case.pk:03d}"},
    )
    case.refresh_from_db()
    return case


def _pur(order: Order, unit: OrgUnit, pace: Pace) -> Case:
    story = order.story
    zone = unit.zone()
    place = {"lat": story["point"][0], "lon": story["point"][1], "address": story["place"]}
    day = order.start.date() + dt.timedelta(days=2)
    demo_at = at_clock(day, 9, 0, zone)
    case = case_services.case_start(
        sop_code="PUR",
        unit=unit,
        actor=person("camat.cpd"),
        subject=order.subject,
        data={
            "waktu_unjuk_rasa": iso_minutes(demo_at, zone),
            "lokasi": place,
            "perkiraan_massa": story["crowd"],
            "hasil_koordinasi": story["coordination"],
            "perintah": "Siapkan pengamanan, jalur dialog dan Surat Perintah.",
        },
        now=order.start,
    )
    run = _Run(case, pace, case_services.case_spec(case).calendar, order.start)
    run.step("arahan_danru", "kasi.cpd", {"arahan": "Susun rencana pengamanan dua ring."})
    run.step(
        "draft_surat_perintah",
        "danru.cpd",
        {"rencana": "Ring 1 di depan lokasi, ring 2 di jalur kendaraan; 20 personel."},
        files={"draft": ("draf-sprin-pengamanan.pdf", "pdf")},
    )
    run.step("periksa_surat_perintah", "kasi.cpd", decision="tidak ada koreksi")
    run.step("paraf_surat_perintah", "sekcam.cpd", took=dt.timedelta(hours=1))
    run.step("validasi_surat_perintah", "camat.cpd")
    run.step("perintah_danru", "kasi.cpd")
    # The morning of the demonstration: the Danru briefs the members, who handle it.
    briefing = max(run.at + dt.timedelta(minutes=30), demo_at - dt.timedelta(minutes=90))
    run.step(
        "pengarahan_anggota",
        "danru.cpd",
        {"jumlah_personel": 20, "anggota": MEMBERS},
        at=briefing,
    )
    ended = demo_at + dt.timedelta(hours=3, minutes=pace.rng.randint(0, 60))
    run.step(
        "penanganan",
        "anggota1.cpd",
        {
            "mulai": iso_minutes(demo_at, zone),
            "selesai": iso_minutes(ended, zone),
            "lokasi": place,
            "jumlah_massa": story["crowd"] - pace.rng.randint(0, 20),
            "laporan_lapangan": story["result"],
        },
        files={"dokumentasi": ("unjuk-rasa.png", "photo")},
        at=ended + dt.timedelta(minutes=30),
    )
    run.step(
        "draft_laporan",
        "danru.cpd",
        files={"draft_laporan": ("laporan-pengamanan.pdf", "pdf")},
        took=dt.timedelta(days=1),
    )
    if order.correction:
        run.step(
            "periksa_laporan",
            "kasi.cpd",
            {"koreksi": "Lampirkan daftar hadir personel dan foto dokumentasi."},
            decision="ada koreksi",
        )
        run.step(
            "draft_laporan",
            "danru.cpd",
            files={"draft_laporan": ("laporan-pengamanan-perbaikan.pdf", "pdf")},
        )
    run.step("periksa_laporan", "kasi.cpd", decision="tidak ada koreksi")
    run.step("laporan_kepada_camat", "camat.cpd", took=dt.timedelta(hours=4))
    run.step("arsip_laporan", "kasi.cpd", {"nomor_arsip": f"ARS/TRANTIB/{day.year}/{case.pk:03d}"})
    case.refresh_from_db()
    return case
