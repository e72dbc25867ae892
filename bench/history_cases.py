"""Five years of a province's cases, as the services would have written them, straight into
COPY rows: each case with its tasks (the SOP's real step ids, roles, Mutu Baku text and upper
minutes, due times from the SOP's own calendar, some late, some corrected, some cancelled),
its hash-chained events (made with the product's own ``event_hash``, so ``chain_verify``
accepts them), and the domain rows beside it: complaints, violators and enforcements with
their articles, checks, sanctions and letters, patrol plans, days and reports, Polmas
activities and issues, operation files.

Everything is drawn from one seeded ``random.Random``: the same seed and size give the same
rows. Nothing here touches the ORM: the caller (``bench.history``) gives the organisation as
plain data and a :class:`~bench.history_copy.Sink` that takes the rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from bench.history_org import Org, UnitInfo

WIB = ZoneInfo("Asia/Jakarta")
START = dt.date(2022, 1, 1)
END_DAY = dt.date(2026, 11, 30)
END = dt.datetime(2026, 12, 1, tzinfo=WIB)  # exclusive: nothing happens at or after it
FULL_SIZE = 1_000_000

COLUMNS: dict[str, tuple[str, ...]] = {
    "cases_case": [
        "id",
        "sop_code",
        "number",
        "year",
        "serial",
        "subject",
        "status",
        "state",
        "opened_at",
        "closed_at",
        "parent_step",
        "event_seq",
        "event_hash",
        "opened_by_id",
        "sop_version_id",
        "unit_id",
        "parent_id",
    ],
    "cases_task": [
        "id",
        "step_id",
        "occurrence",
        "kind",
        "role",
        "title",
        "status",
        "created_at",
        "claimed_at",
        "due_at",
        "overdue_at",
        "completed_at",
        "standard",
        "standard_minutes",
        "duration_seconds",
        "decision",
        "requirements_checked",
        "data",
        "assignee_id",
        "case_id",
        "completed_by_id",
        "unit_id",
    ],
    "cases_event": [
        "id",
        "seq",
        "type",
        "at",
        "data",
        "prev_hash",
        "hash",
        "actor_id",
        "case_id",
        "unit_id",
        "task_id",
    ],
    "complaints_complaint": [
        "id",
        "tracking",
        "channel",
        "received_at",
        "description",
        "latitude",
        "longitude",
        "address",
        "kelurahan",
        "anonymous",
        "confidential",
        "public",
        "reporter_name",
        "reporter_phone",
        "reporter_email",
        "source_ref",
        "answered_at",
        "answer_channel",
        "answer_text",
        "case_id",
        "category_id",
        "taken_by_id",
        "unit_id",
        "duplicate_of_id",
    ],
    "enforcement_violator": [
        "id",
        "kind",
        "name",
        "nik",
        "phone",
        "address",
        "desa",
        "kecamatan",
        "nib",
        "business_type",
        "latitude",
        "longitude",
        "note",
        "created_at",
        "created_by_id",
        "unit_id",
        "owner_id",
    ],
    "enforcement_enforcement": [
        "id",
        "source",
        "place",
        "latitude",
        "longitude",
        "description",
        "found_at",
        "repeat",
        "status",
        "closed_at",
        "case_id",
        "found_by_id",
        "unit_id",
        "perda_id",
        "violator_id",
    ],
    "enforcement_enforcement_articles": ["id", "enforcement_id", "article_id"],
    "enforcement_compliancecheck": [
        "id",
        "rung",
        "visited_at",
        "complied",
        "note",
        "latitude",
        "longitude",
        "effect",
        "recorded_at",
        "enforcement_id",
        "photo_id",
        "unit_id",
        "visited_by_id",
    ],
    "enforcement_sanctionapplied": [
        "id",
        "sanction",
        "applied_on",
        "reference",
        "note",
        "recorded_at",
        "enforcement_id",
        "recorded_by_id",
    ],
    "patrols_plan": ["id", "month", "created_at", "case_id", "created_by_id", "unit_id"],
    "patrols_planday": [
        "id",
        "day",
        "starts",
        "ends",
        "route",
        "danru_id",
        "plan_id",
        "task_id",
        "unit_id",
    ],
    "patrols_planday_areas": ["id", "planday_id", "area_id"],
    "patrols_planday_members": ["id", "planday_id", "person_id"],
    "patrols_report": [
        "id",
        "started",
        "ended",
        "result",
        "nihil",
        "submitted_at",
        "day_id",
        "submitted_by_id",
        "unit_id",
    ],
    "patrols_reportplace": ["id", "name", "latitude", "longitude", "report_id"],
    "patrols_reportfinding": ["id", "enforcement_id", "report_id"],
    "community_activity": [
        "id",
        "day",
        "pos",
        "desa",
        "place",
        "starts_at",
        "status",
        "opened_at",
        "held_at",
        "held_place",
        "latitude",
        "longitude",
        "attendance",
        "attendees",
        "topics",
        "kelengkapan",
        "peralatan",
        "warnings_kept",
        "notes",
        "recorded_at",
        "missed_at",
        "case_id",
        "officer_id",
        "recorded_by_id",
        "unit_id",
        "rule_id",
    ],
    "community_issue": [
        "id",
        "text",
        "desa",
        "place",
        "resident_name",
        "resident_contact",
        "created_at",
        "activity_id",
        "complaint_id",
        "raised_by_id",
        "unit_id",
    ],
    "operations_operation": [
        "id",
        "basis_number",
        "basis_date",
        "day",
        "starts_at",
        "ends_at",
        "crowd_group",
        "crowd_estimate",
        "demands",
        "created_at",
        "updated_at",
        "case_id",
        "commander_id",
        "unit_id",
    ],
    "operations_place": ["id", "name", "latitude", "longitude", "operation_id"],
    "operations_team": ["id", "name", "task", "leader_id", "operation_id"],
    "operations_partner": ["id", "agency", "contact", "personnel", "operation_id"],
    "operations_result": [
        "id",
        "action",
        "note",
        "recorded_at",
        "enforcement_id",
        "operation_id",
        "recorded_by_id",
        "violator_id",
    ],
    "operations_seizeditem": [
        "id",
        "description",
        "quantity",
        "measure",
        "photo",
        "storage",
        "state",
        "returned_to",
        "ended_on",
        "end_how",
        "recorded_at",
        "end_letter_id",
        "operation_id",
        "owner_id",
        "recorded_by_id",
        "seizure_letter_id",
        "unit_id",
    ],
    "operations_escalation": ["id", "level", "at", "note", "recorded_by_id", "operation_id"],
    "letters_letter": [
        "id",
        "key",
        "step_id",
        "kind",
        "state",
        "hal",
        "sifat",
        "lampiran",
        "recipient",
        "recipient_address",
        "recipient_email",
        "body",
        "tembusan",
        "data",
        "signer_role",
        "paraf_roles",
        "coordination",
        "number",
        "serial",
        "year",
        "dated",
        "sign_mode",
        "signer_title",
        "signer_name",
        "signer_pangkat",
        "signer_id_line",
        "signed_at",
        "official_pdf",
        "official_sha256",
        "verify_code",
        "cancelled_at",
        "cancel_reason",
        "created_at",
        "updated_at",
        "case_id",
        "created_by_id",
        "signer_id",
        "unit_id",
        "register_id",
    ],
    "letters_delivery": [
        "id",
        "method",
        "received_by",
        "received_at",
        "place",
        "photo",
        "recorded_at",
        "recorded_by_id",
        "letter_id",
    ],
}
BULK_TABLES = tuple(COLUMNS)

# Where the units are (kab/kota centres); kecamatan scatter around them.
CENTRE = {
    "SRG": (-6.12, 106.15),
    "CLG": (-6.00, 106.05),
    "LBK": (-6.36, 106.25),
    "PDG": (-6.31, 106.1),
}
# Ramadan (PKL and night-life enforcement rise, complaints about noise too).
RAMADAN = (
    (dt.date(2022, 4, 2), dt.date(2022, 5, 1)),
    (dt.date(2023, 3, 23), dt.date(2023, 4, 20)),
    (dt.date(2024, 3, 11), dt.date(2024, 4, 9)),
    (dt.date(2025, 3, 1), dt.date(2025, 3, 30)),
    (dt.date(2026, 2, 18), dt.date(2026, 3, 19)),
)
# The warning ladder's waits (calendar days; every Perda of the province keeps the national
# pattern of Permendagri 54/2011).
WAIT_DAYS = {"tunggu_pernyataan": 15, "tunggu_1": 7, "tunggu_2": 3, "tunggu_3": 3}
MONTHS_ID = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
MONTH_FACTOR = (0.85, 0.88, 1.0, 1.0, 1.02, 1.0, 1.05, 1.08, 1.0, 1.02, 1.05, 1.18)
CHANNELS = (("counter", 0.28), ("phone", 0.2), ("sms", 0.26), ("web", 0.21), ("open311", 0.05))
CHANNEL_LABEL = {
    "counter": "Datang ke kantor",
    "phone": "Telepon",
    "sms": "SMS",
    "web": "Formulir web",
    "open311": "Open311",
}
TOPICS = (
    "Balap liar",
    "Siskamling",
    "Narkoba",
    "Tawuran pelajar",
    "Pencurian kendaraan",
    "Kenakalan remaja",
    "Hoaks",
    "Kebersihan lingkungan",
    "Judi online",
    "Pilkada damai",
)


def season(day: dt.date) -> float:
    f = MONTH_FACTOR[day.month - 1]
    if any(a <= day <= b for a, b in RAMADAN):
        f *= 1.3
    # Adoption: a quarter more work recorded each year than the year before, roughly.
    f *= 0.7 + 0.45 * (day - START).days / (END_DAY - START).days
    return f


class Task:
    __slots__ = (
        "assignee",
        "claimed",
        "completed",
        "completed_by",
        "created",
        "data",
        "decision",
        "due",
        "duration",
        "id",
        "kind",
        "minutes",
        "occurrence",
        "overdue",
        "reqs",
        "role",
        "standard",
        "status",
        "step",
        "title",
    )

    def __init__(self, **kw: Any) -> None:
        for k in self.__slots__:
            setattr(self, k, kw.get(k))


@dataclass
class Stats:
    late_tasks: int = 0
    done_tasks: int = 0
    corrections: int = 0


class Gen:
    def __init__(
        self,
        *,
        org: Org,
        specs: dict[str, Any],
        sink: Any,
        seed: int,
        size: int,
        event_hash: Callable[..., str],
        canonical: Callable[[Any], Any],
        date_text: Callable[[dt.date], str],
        acting_role: Callable[[Any, Any], str],
        period: Callable[[str], Any],
        log: Callable[[str], None] = print,
        first_day: dt.date = START,
    ) -> None:
        if first_day.day != 1 or not START <= first_day <= END_DAY:
            raise ValueError("the history starts on the first of a month from 2022 to 2026")
        self.first_day = first_day
        self.org, self.specs, self.sink = org, specs, sink
        self.rng = random.Random(seed)
        self.size = size
        self.event_hash, self.canonical = event_hash, canonical
        self.date_text, self.acting_role = date_text, acting_role
        self.periods = {days: period(f"{days} hari") for days in set(WAIT_DAYS.values())}
        self.log = log
        self.ids: dict[str, int] = dict.fromkeys(COLUMNS, 0)
        self.serials: dict[tuple[int, str, int], int] = {}
        self.letter_serials: dict[tuple[int, int], int] = {}
        self.violators: dict[int, list[tuple[int, str, str]]] = {}
        self.complaints_by_unit: dict[int, list[int]] = {}
        self.cases = 0
        self.stats = Stats()
        self.spec_cache: dict[tuple[str, str], Any] = {}
        self.roles: dict[tuple[str, str], str] = {}
        self.quality: dict[int, float] = {}
        for u in org.units.values():  # each unit's habit of keeping to the Mutu Baku
            self.quality[u.id] = self.rng.uniform(0.68, 0.93)
        self.desa_unit = {d: u for u in org.units.values() if u.kind == "kecamatan" for d in u.desa}
        self.points: dict[int, tuple[float, float]] = {}
        for u in org.units.values():
            lat, lon = CENTRE.get(u.kabkota or "SRG", CENTRE["SRG"])
            self.points[u.id] = (
                lat + self.rng.uniform(-0.06, 0.06),
                lon + self.rng.uniform(-0.06, 0.06),
            )

    # -- helpers ----------------------------------------------------------------------------

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def step(self, sop: str, step_id: str) -> Any:
        key = (sop, step_id)
        found = self.spec_cache.get(key)
        if found is None:
            spec = self.specs[sop]
            found = spec.step(step_id)
            self.spec_cache[key] = found
            self.roles[key] = self.acting_role(spec, found)
        return found

    def holder(self, unit: UnitInfo, role: str) -> int:
        people = unit.holders.get(role) or next(iter(unit.holders.values()))
        return people[self.rng.randrange(len(people))]

    def point(self, unit: UnitInfo) -> tuple[float, float]:
        lat, lon = self.points[unit.id]
        return round(lat + self.rng.uniform(-0.02, 0.02), 6), round(
            lon + self.rng.uniform(-0.02, 0.02), 6
        )

    def case_number(self, unit: UnitInfo, sop: str, year: int) -> tuple[str, int]:
        key = (unit.id, sop, year)
        serial = self.serials.get(key, 0) + 1
        self.serials[key] = serial
        return f"{unit.code}/{sop}/{year}/{serial:04d}", serial

    def days(self) -> list[dt.date]:
        n = (END_DAY - self.first_day).days + 1
        return [self.first_day + dt.timedelta(days=i) for i in range(n)]

    def spread(self, total: float, weights: list[float]) -> list[int]:
        """``total`` events over the days, proportionally to ``weights``, rounded at random."""
        s = sum(weights) or 1.0
        out = []
        for w in weights:
            x = total * w / s
            n = int(x)
            if self.rng.random() < x - n:
                n += 1
            out.append(n)
        return out

    def at(self, day: dt.date, hour: float) -> dt.datetime:
        """A moment on ``day`` (WIB) at ``hour`` (fractional), to the second."""
        secs = int(hour * 3600)
        return dt.datetime(day.year, day.month, day.day, tzinfo=WIB) + dt.timedelta(seconds=secs)

    def office_hour(self) -> float:
        return min(15.9, max(7.6, self.rng.gauss(10.5, 2.0)))

    # -- the whole run ---------------------------------------------------------------------

    def run(self, progress: Callable[[int, int], None]) -> dict[str, Any]:
        org, rng = self.org, self.rng
        kec = [u for u in org.units.values() if u.kind == "kecamatan"]
        satpol = [u for u in org.units.values() if u.kind == "satpol_pp"]
        binmas = next(u for u in org.units.values() if u.kind == "satbinmas")
        rules = org.polmas_rules
        days = self.days()
        polmas_expected = sum(
            sum(1 for d in days if not r["days"] or str(d.weekday()) in r["days"]) for r in rules
        )
        months = [
            dt.date(y, m, 1)
            for y in range(self.first_day.year, 2027)
            for m in range(1, 13)
            if self.first_day <= dt.date(y, m, 1) <= END_DAY
        ]
        programmes = len(satpol) * len(months)
        rest = max(0, self.size - polmas_expected - programmes)
        # Complaints are most of a kecamatan's cases; its own operations (PPL raids, PUR
        # demonstrations) a few a month.
        plan = {"PGD": 0.785 * rest, "ENF": 0.17 * rest, "PPL": 0.035 * rest, "PUR": 0.01 * rest}
        # Patrol findings are 40 % of the enforcements; the rest are found by hand, in
        # operations or from complaints.
        patrol_days = programmes * 20
        self.findings_per_day = 0.4 * plan["ENF"] / max(1, patrol_days)
        starts: list[tuple[dt.datetime, int, str, Any]] = []
        seasons = [season(d) for d in days]
        weekday = (1.0, 1.0, 1.0, 1.0, 0.95, 0.55, 0.45)
        kec_weight = sum(u.weight for u in kec)
        for u in kec:
            share = u.weight / kec_weight
            for sop, wd in (
                ("PGD", weekday),
                ("PPL", (1, 1, 1, 1, 1, 0.3, 0.2)),
                ("PUR", (1, 1, 1, 1, 0.9, 0.4, 0.3)),
            ):
                counts = self.spread(
                    plan[sop] * share,
                    [s * wd[d.weekday()] for s, d in zip(seasons, days, strict=True)],
                )
                for d, n in zip(days, counts, strict=True):
                    for _ in range(n):
                        hour = (
                            rng.uniform(0, 24)
                            if sop == "PGD" and rng.random() < 0.35
                            else self.office_hour()
                        )
                        starts.append((self.at(d, hour), u.id, sop, None))
        sat_weight = sum(u.weight for u in satpol)
        for u in satpol:
            counts = self.spread(
                0.6 * plan["ENF"] * u.weight / sat_weight,
                [
                    s * (1, 1, 1, 1, 0.9, 0.3, 0.2)[d.weekday()]
                    for s, d in zip(seasons, days, strict=True)
                ],
            )
            starts.extend(
                (self.at(d, self.office_hour()), u.id, "ENF", None)
                for d, n in zip(days, counts, strict=True)
                for _ in range(n)
            )
            for month in months:
                prev = month - dt.timedelta(days=1)
                opened = self.at(prev.replace(day=min(26, prev.day)), self.office_hour())
                starts.append((opened, u.id, "PPW", month))
            # December 2026's programme, opened in late November: its patrols are ahead.
            starts.append((self.at(dt.date(2026, 11, 26), 9.5), u.id, "PPW", dt.date(2026, 12, 1)))
        for r in rules:
            for d in days:
                if not r["days"] or str(d.weekday()) in r["days"]:
                    opened = self.at(d, 4.5)
                    starts.append((opened, binmas.id, "POLMAS", (r, d)))
        starts.sort(key=lambda s: (s[0], s[1], s[2]))
        self.log(f"planned {len(starts):,} case starts")
        by_id = {u.id: u for u in org.units.values()}
        total = len(starts)
        for i, (opened, unit_id, kind, extra) in enumerate(starts):
            unit = by_id[unit_id]
            if kind == "PGD":
                self.complaint(unit, opened)
            elif kind == "ENF":
                self.enforcement(
                    unit,
                    opened,
                    source=rng.choices(("manual", "pengaduan", "operasi"), (0.55, 0.25, 0.2))[0],
                )
            elif kind == "PPL":
                self.operation_case(unit, opened, "PPL")
            elif kind == "PUR":
                self.operation_case(unit, opened, "PUR")
            elif kind == "PPW":
                self.programme(unit, opened, extra)
            else:
                self.polmas(unit, opened, *extra)
            if i % 5000 == 0:
                progress(i, total)
        progress(total, total)
        counters = [(f"case:{u}:{sop}:{y}", n) for (u, sop, y), n in self.serials.items()]
        counters += [(f"letter:{reg}:{y}", n) for (reg, y), n in self.letter_serials.items()]
        return {"cases": self.cases, "counters": counters, "ids": dict(self.ids)}

    # -- one case -------------------------------------------------------------------------

    def start(
        self,
        sop: str,
        unit: UnitInfo,
        opened: dt.datetime,
        *,
        opener: int | None,
        subject: str,
        entry: str = "",
        parent: Run | None = None,
        start_data: dict[str, Any] | None = None,
    ) -> Run:
        return Run(self, sop, unit, opened, opener, subject, entry, parent, start_data or {})

    # PGD: a complaint, from intake to informing the reporter.
    def complaint(
        self, unit: UnitInfo, received: dt.datetime, *, desa: str = "", channel: str = ""
    ) -> int:
        rng = self.rng
        cats = self.org.categories[unit.kabkota]
        cat_id, _, cat_name, _ = rng.choices(cats, [c[3] for c in cats])[0]
        channel = channel or rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
        if channel in ("counter", "phone"):
            received = (
                received
                if 7 <= received.hour < 16
                else self.at(received.date(), self.office_hour())
            )
        desa = desa or unit.desa[int(rng.triangular(0, len(unit.desa) - 0.01, 0))]
        text = f"Laporan {cat_name.lower()} di {desa}, mohon ditindaklanjuti."
        staff = self.holder(unit, "staf")
        taker = staff if channel in ("counter", "phone") else None
        lat, lon = self.point(unit)
        place = {"lat": lat, "lon": lon, "address": f"Desa/Kel. {desa}"}
        subject = f"{cat_name} ({desa}): {text}"[:300]
        run = self.start("PGD", unit, received, opener=taker, subject=subject)
        intake = {"saluran": CHANNEL_LABEL[channel], "uraian": text, "lokasi": place}
        run.advance("lapor", actor=staff, at=received, data=self.canonical(intake))
        q = self.quality[unit.id]
        duplicate = rng.random() < 0.03
        run.advance("staf_sampaikan", actor=staff, p_in=q)
        if duplicate and not run.stopped:
            run.cancel(
                run.last + dt.timedelta(hours=rng.uniform(0.5, 20)),
                self.holder(unit, "kasi_trantib"),
                "Pengaduan sama dengan pengaduan sebelumnya.",
            )
        kasi = self.holder(unit, "kasi_trantib")
        camat = self.holder(unit, "camat")
        run.advance("kasi_teruskan", actor=kasi, typical=0.6)
        run.advance(
            "camat_arahkan",
            actor=camat,
            p_in=q,
            data={"arahan": "Kasi Trantib menindaklanjuti bersama aparat desa."},
        )
        stuck = rng.random() < 0.002  # an old complaint nobody finished
        if stuck:
            run.stop()
        run.advance(
            "koordinasi_tindak",
            actor=kasi,
            typical=rng.choice((4, 10, 22, 30, 50)),
            data={"tindakan": "Pelanggar diberi pembinaan; lokasi ditertibkan."},
        )
        if rng.random() < 0.02 and not run.stopped:
            run.correct(
                "koordinasi_tindak",
                kasi,
                "tindakan",
                "Pelanggar diberi pembinaan dan surat pernyataan.",
            )
        run.advance("bukti_penyelesaian", actor=kasi, typical=2.5, data={"bukti": []})
        run.advance("lapor_camat", actor=kasi, p_in=q)
        answer = {
            "saluran": "SMS" if channel == "sms" else "Telepon",
            "isi": "Pengaduan telah ditindaklanjuti.",
        }
        run.advance("informasi_pelapor", actor=staff, p_in=q, data=answer)
        run.finish()
        answered = run.completed_at("informasi_pelapor")
        cid = self.next_id("complaints_complaint")
        dup_of = None
        earlier = self.complaints_by_unit.setdefault(unit.id, [])
        if duplicate and earlier:
            dup_of = earlier[-1 - rng.randrange(min(20, len(earlier)))]
        earlier.append(cid)
        if len(earlier) > 64:
            del earlier[:32]
        anonymous = rng.random() < 0.12
        confidential = (not anonymous) and rng.random() < 0.1
        # The product's rule when a complaint is taken in (``complaints.public``): one the
        # citizen sent in is public unless confidential; counter and phone ones are not.
        public = channel in ("web", "sms", "open311") and not confidential
        self.sink.add(
            "complaints_complaint",
            (
                cid,
                tracking(cid),
                channel,
                received,
                text,
                f"{lat:.6f}",
                f"{lon:.6f}",
                place["address"],
                desa,
                anonymous,
                confidential,
                public,
                "" if anonymous else "Warga Pelapor",
                "" if anonymous else f"0812{cid % 100000000:08d}",
                "",
                f"sms-{cid}" if channel == "sms" else "",
                answered,
                answer["saluran"] if answered else "",
                answer["isi"] if answered else "",
                run.id,
                cat_id,
                taker,
                unit.id,
                dup_of,
            ),
        )
        return cid

    # PPW from its entry step: one finding against one violator, up the warning ladder.
    def enforcement(
        self,
        unit: UnitInfo,
        found: dt.datetime,
        *,
        source: str,
        parent: Run | None = None,
        found_by: int | None = None,
        report_id: int | None = None,
    ) -> int:
        rng = self.rng
        org = self.org
        arts = org.perda[unit.code]
        first = rng.choices(arts, [a["weight"] for a in arts])[0]
        chosen = [first]
        if rng.random() < 0.15:
            more = rng.choice([a for a in arts if a["perda_id"] == first["perda_id"]])
            if more["id"] != first["id"]:
                chosen.append(more)
        violator = self.violator(unit, found, business=first["perda_id"] != arts[0]["perda_id"])
        repeat = violator[3]
        kasat = self.holder(unit, "kasat_pol_pp")
        kasie = self.holder(unit, "kasie_ops")
        officer = found_by or self.holder(unit, "petugas_ops")
        lat, lon = self.point(unit)
        spot = rng.choice(("Trotoar", "Bahu jalan", "Depan pasar", "Sempadan sungai", "Taman"))
        place = f"{spot} {violator[2]}"
        law = ", ".join(f"{a['label']} {a['perda']}" for a in chosen)
        subject = f"{violator[1]} — {law}"[:300]
        opened = found + dt.timedelta(minutes=rng.randint(20, 90))
        start_data = self.canonical(
            {
                "pelanggar": {"nama": violator[1]},
                "lokasi": {"lat": lat, "lon": lon, "address": place},
                "perda": law,
            }
        )
        run = self.start(
            "PPW",
            unit,
            opened,
            opener=officer,
            subject=subject,
            entry="beri_teguran",
            parent=parent,
            start_data=start_data,
        )
        q = self.quality[unit.id]
        eid = self.next_id("enforcement_enforcement")
        letters: list[tuple[str, str, str, dt.datetime, dict[str, Any]]] = []
        checks: list[tuple[str, dt.datetime, bool, str]] = []
        run.advance(
            "beri_teguran", actor=kasat, p_in=q, data={**start_data, "nomor_surat_pernyataan": ""}
        )
        if not run.stopped:
            letters.append(("pernyataan", "beri_teguran", "surat_pernyataan", run.last, {}))
        status, closed = "berjalan", None
        rungs = (
            ("tunggu_pernyataan", "cek_pernyataan", "pernyataan", 0.55),
            ("tunggu_1", "cek_1", "teguran_1", 0.5),
            ("tunggu_2", "cek_2", "teguran_2", 0.45),
            ("tunggu_3", "cek_3", "teguran_3", 0.4),
        )
        cancelled = rng.random() < 0.015
        for n, (wait, check, rung, comply) in enumerate(rungs):
            if run.stopped:
                break
            complied = rng.random() < comply
            early = complied and rng.random() < 0.45
            if cancelled and n == 1:
                run.cancel(
                    run.last + dt.timedelta(days=1),
                    kasat,
                    "Pelanggar meninggal dunia; penegakan dihentikan.",
                )
                status, closed = "batal", run.closed_at
                break
            if early:
                visit = run.wait_early(wait, kasie, rng.uniform(0.2, 0.8))
                if visit is not None:
                    checks.append((rung, visit, True, "ended_early"))
            else:
                run.wait_pass(wait)
            branch = "mentaati" if complied else "tidak mentaati"
            data = {
                "hasil_pemeriksaan": "Pelanggar mentaati."
                if complied
                else "Pelanggar belum mentaati.",
                "_branch": branch,
            }
            run.advance(check, actor=kasat, p_in=q, decision=branch, data=data, typical=3)
            if run.stopped:
                break
            if not early:
                checks.append((rung, run.last, complied, "decided"))
            if complied:
                run.advance("selesai_taat", actor=kasie, typical=0.5)
                if run.status == "closed":
                    status, closed = "taat", run.closed_at
                break
            if n < 3:
                nxt = rungs[n + 1][2]
                run.advance(nxt, actor=kasat, p_in=q, data={"nomor_surat": ""})
                if not run.stopped:
                    letters.append((nxt, nxt, "surat_teguran", run.last, {"tingkat": nxt[-1]}))
            else:
                run.advance("perintah_penertiban", actor=kasat, p_in=q)
                if not run.stopped:
                    letters.append(
                        (
                            "perintah_penertiban",
                            "perintah_penertiban",
                            "surat_perintah",
                            run.last,
                            {},
                        )
                    )
                run.advance(
                    "rencana_penertiban", actor=self.holder(unit, "kabid_trantibum"), p_in=q
                )
                run.advance("siapkan_petugas", actor=kasie, p_in=q)
                run.advance(
                    "penertiban",
                    actor=officer,
                    p_in=q,
                    data={"hasil": "Lapak dibongkar; barang diamankan."},
                )
                if run.status == "closed":
                    status, closed = "ditertibkan", run.closed_at
                    letters.append(
                        (
                            "berita_acara",
                            "penertiban",
                            "berita_acara",
                            run.last,
                            {"jenis": "penertiban"},
                        )
                    )
        run.finish()
        self.sink.add(
            "enforcement_enforcement",
            (
                eid,
                source,
                place,
                lat,
                lon,
                "Ditemukan saat "
                + {
                    "patroli": "patroli pengawasan wilayah.",
                    "operasi": "operasi penegakan Perda.",
                    "pengaduan": "menindaklanjuti pengaduan warga.",
                    "manual": "pengawasan rutin.",
                }[source],
                found,
                repeat,
                status,
                closed,
                run.id,
                officer,
                unit.id,
                first["perda_id"],
                violator[0],
            ),
        )
        for a in chosen:
            self.sink.add(
                "enforcement_enforcement_articles",
                (self.next_id("enforcement_enforcement_articles"), eid, a["id"]),
            )
        for rung, visited, complied, effect in checks:
            self.sink.add(
                "enforcement_compliancecheck",
                (
                    self.next_id("enforcement_compliancecheck"),
                    rung,
                    visited,
                    complied,
                    "Pemeriksaan di lokasi.",
                    lat,
                    lon,
                    effect,
                    visited,
                    eid,
                    None,
                    unit.id,
                    kasie,
                ),
            )
        if status == "ditertibkan":
            sanction = first["sanctions"][-1] if first["sanctions"] else "pembongkaran"
            self.sink.add(
                "enforcement_sanctionapplied",
                (
                    self.next_id("enforcement_sanctionapplied"),
                    sanction,
                    closed.astimezone(WIB).date(),
                    "",
                    "",
                    closed,
                    eid,
                    kasie,
                ),
            )
        for key, step_id, kind, at, data in letters:
            self.letter(
                unit,
                run,
                key,
                step_id,
                kind,
                at,
                data,
                signer=kasat,
                delivered=kind == "surat_teguran",
                recipient=violator[1],
            )
        if report_id is not None:
            self.sink.add(
                "patrols_reportfinding", (self.next_id("patrols_reportfinding"), eid, report_id)
            )
        return eid

    def violator(
        self, unit: UnitInfo, at: dt.datetime, *, business: bool
    ) -> tuple[int, str, str, bool]:
        rng = self.rng
        pool = self.violators.setdefault(unit.id, [])
        if pool and rng.random() < 0.25:
            vid, name, desa = pool[rng.randrange(len(pool))]
            return vid, name, desa, True
        vid = self.next_id("enforcement_violator")
        kec = [
            u
            for u in self.org.units.values()
            if u.kind == "kecamatan" and u.kabkota == (unit.kabkota or "SRG")
        ]
        k = kec[vid % len(kec)]
        desa = k.desa[vid % len(k.desa)]
        kind = "usaha" if business and rng.random() < 0.7 else "orang"
        name = f"{'Toko' if kind == 'usaha' else 'Sdr.'} Pelanggar {vid}"
        pool.append((vid, name, desa))
        lat, lon = self.point(unit)
        self.sink.add(
            "enforcement_violator",
            (
                vid,
                kind,
                name,
                f"36{vid:014d}" if kind == "orang" and rng.random() < 0.6 else "",
                "",
                f"Jl. Raya {desa} No. {vid % 200 + 1}",
                desa,
                k.name.replace("Kecamatan ", ""),
                f"{vid:013d}" if kind == "usaha" and rng.random() < 0.5 else "",
                "Warung makan" if kind == "usaha" else "",
                lat,
                lon,
                "",
                at,
                self.holder(unit, "petugas_ops") if "petugas_ops" in unit.holders else None,
                unit.id,
                None,
            ),
        )
        return vid, name, desa, False

    def letter(
        self,
        unit: UnitInfo,
        run: Run,
        key: str,
        step_id: str,
        kind: str,
        at: dt.datetime,
        data: dict[str, Any],
        *,
        signer: int,
        delivered: bool,
        recipient: str,
    ) -> None:
        rng = self.rng
        lid = self.next_id("letters_letter")
        local = at.astimezone(WIB)
        year = local.year
        k = (unit.register_id or 0, year)
        serial = self.letter_serials.get(k, 0) + 1
        self.letter_serials[k] = serial
        number = f"300.1.4/{serial:04d}/{unit.register_code}/{year}"
        person = self.org.people[signer]
        hal = {
            "surat_pernyataan": "Surat Pernyataan",
            "surat_teguran": f"Teguran {'I' * int(data.get('tingkat', '1'))}",
            "surat_perintah": "Surat Perintah Penertiban",
            "berita_acara": "Berita Acara Penertiban",
            "surat_perintah_tugas": "Surat Perintah Tugas Patroli Pengawasan Wilayah",
            "laporan": "Laporan Hasil Pelaksanaan Tugas Patroli Bulanan",
        }[kind]
        signed = at + dt.timedelta(minutes=rng.randint(5, 50))
        self.sink.add(
            "letters_letter",
            (
                lid,
                key,
                step_id,
                kind,
                "signed",
                hal,
                "Biasa",
                "-",
                recipient,
                "",
                "",
                "",
                "",
                data,
                "kasat_pol_pp",
                [],
                [],
                number,
                serial,
                year,
                local.date(),
                "basah",
                unit.position_names.get("kasat_pol_pp", ""),
                person["name"],
                person["pangkat"],
                person["id_line"],
                signed,
                "",
                "",
                f"h{lid:015d}",
                None,
                "",
                at,
                signed,
                run.id,
                signer,
                signer,
                unit.id,
                unit.register_id,
            ),
        )
        if delivered:
            when = signed + dt.timedelta(hours=rng.uniform(1, 30))
            if when < END:
                self.sink.add(
                    "letters_delivery",
                    (
                        self.next_id("letters_delivery"),
                        "langsung",
                        recipient[:200],
                        when,
                        "Lokasi pelanggaran",
                        "",
                        when,
                        signer,
                        lid,
                    ),
                )

    # PPL and PUR: a kecamatan operation, its Surat Perintah, the action and its report.
    def operation_case(self, unit: UnitInfo, opened: dt.datetime, sop: str) -> None:
        rng = self.rng
        q = self.quality[unit.id]
        kasi, camat, sekcam = (self.holder(unit, r) for r in ("kasi_trantib", "camat", "sekcam"))
        danru = self.holder(unit, "danru")
        anggota = self.holder(unit, "anggota_trantib")
        desa = rng.choice(unit.desa)
        if sop == "PPL":
            subject = f"Penertiban praktik prostitusi di {desa}"
            run = self.start(
                sop,
                unit,
                opened,
                opener=kasi,
                subject=subject,
                start_data={"sumber": "Laporan warga", "uraian": subject},
            )
            run.advance("terima_laporan", actor=kasi, p_in=q)
            run.advance(
                "perintah_camat", actor=camat, p_in=q, data={"perintah": "Tertibkan bersama Danru."}
            )
            for _ in range(3):
                run.advance("draft_surat_perintah", actor=kasi, p_in=q)
                again = rng.random() < 0.22
                branch = "ada koreksi" if again else "tidak ada koreksi"
                run.advance(
                    "verifikasi_surat_perintah",
                    actor=sekcam,
                    p_in=q,
                    decision=branch,
                    data={"_branch": branch},
                )
                if not again:
                    break
            else:
                run.advance("draft_surat_perintah", actor=kasi, p_in=q)
                run.advance(
                    "verifikasi_surat_perintah",
                    actor=sekcam,
                    p_in=q,
                    decision="tidak ada koreksi",
                    data={"_branch": "tidak ada koreksi"},
                )
            run.advance("tandatangani_surat_perintah", actor=camat, typical=3)
            run.advance("arahan_danru", actor=kasi, p_in=q)
            run.advance("siapkan_anggota", actor=danru, p_in=q)
            action_at = run.last
            run.advance("laksanakan_penertiban", actor=anggota, p_in=q)
            draft, check, report, archive = (
                "draft_laporan",
                "periksa_laporan",
                "laporan_kepada_camat",
                "arsip_laporan",
            )
        else:
            subject = f"Unjuk rasa warga di {desa}"
            run = self.start(
                sop, unit, opened, opener=camat, subject=subject, start_data={"uraian": subject}
            )
            run.advance("perintah_camat", actor=camat, p_in=q)
            run.advance("arahan_danru", actor=kasi, p_in=q)
            for _ in range(3):
                run.advance("draft_surat_perintah", actor=danru, p_in=q)
                again = rng.random() < 0.2
                branch = "ada koreksi" if again else "tidak ada koreksi"
                run.advance(
                    "periksa_surat_perintah",
                    actor=kasi,
                    p_in=q,
                    decision=branch,
                    data={"_branch": branch},
                )
                if not again:
                    break
            else:
                run.advance("draft_surat_perintah", actor=danru, p_in=q)
                run.advance(
                    "periksa_surat_perintah",
                    actor=kasi,
                    p_in=q,
                    decision="tidak ada koreksi",
                    data={"_branch": "tidak ada koreksi"},
                )
            run.advance("paraf_surat_perintah", actor=sekcam, typical=2)
            run.advance("validasi_surat_perintah", actor=camat, p_in=q)
            run.advance("perintah_danru", actor=kasi, p_in=q)
            run.advance("pengarahan_anggota", actor=danru, p_in=q)
            action_at = run.last
            run.advance("penanganan", actor=anggota, p_in=q)
            draft, check, report, archive = (
                "draft_laporan",
                "periksa_laporan",
                "laporan_kepada_camat",
                "arsip_laporan",
            )
        reached_report = not run.stopped
        for _ in range(3):
            run.advance(draft, actor=danru, p_in=q, data={"laporan": "Kegiatan berjalan tertib."})
            again = rng.random() < 0.18
            branch = "ada koreksi" if again else "tidak ada koreksi"
            run.advance(check, actor=kasi, p_in=q, decision=branch, data={"_branch": branch})
            if not again:
                break
        else:
            run.advance(draft, actor=danru, p_in=q)
            run.advance(
                check,
                actor=kasi,
                p_in=q,
                decision="tidak ada koreksi",
                data={"_branch": "tidak ada koreksi"},
            )
        run.advance(report, actor=camat, typical=4)
        run.advance(archive, actor=kasi, p_in=q)
        run.finish()
        if reached_report and action_at is not None:
            self.operation_file(unit, run, action_at, sop, desa, danru, kasi)

    def operation_file(
        self, unit: UnitInfo, run: Run, at: dt.datetime, sop: str, desa: str, danru: int, kasi: int
    ) -> None:
        rng = self.rng
        oid = self.next_id("operations_operation")
        local = at.astimezone(WIB)
        start = local.time().replace(microsecond=0)
        end = (local + dt.timedelta(hours=2)).time().replace(microsecond=0)
        pur = sop == "PUR"
        self.sink.add(
            "operations_operation",
            (
                oid,
                f"300.1.4/{oid:04d}/SP/{local.year}",
                local.date(),
                local.date(),
                start,
                end,
                "Aliansi warga" if pur else "",
                rng.randint(30, 400) if pur else None,
                "Penolakan pembangunan" if pur else "",
                at,
                at,
                run.id,
                danru,
                unit.id,
            ),
        )
        lat, lon = self.point(unit)
        self.sink.add(
            "operations_place", (self.next_id("operations_place"), f"Lokasi {desa}", lat, lon, oid)
        )
        self.sink.add(
            "operations_team", (self.next_id("operations_team"), "Regu 1", "Pelaksana", danru, oid)
        )
        if pur:
            self.sink.add(
                "operations_partner",
                (self.next_id("operations_partner"), "Polsek", "", rng.randint(5, 30), oid),
            )
            t = at
            for level in ("tertib", "memanas", "kondusif") if rng.random() < 0.3 else ("tertib",):
                t = t + dt.timedelta(minutes=rng.randint(10, 50))
                self.sink.add(
                    "operations_escalation",
                    (self.next_id("operations_escalation"), level, t, "", kasi, oid),
                )
        else:
            for _ in range(rng.randint(1, 4)):
                vid = self.next_id("enforcement_violator")
                self.sink.add(
                    "enforcement_violator",
                    (
                        vid,
                        "orang",
                        f"Mawar {vid} (nama samaran)",
                        "",
                        "",
                        "",
                        desa,
                        unit.name.replace("Kecamatan ", ""),
                        "",
                        "",
                        None,
                        None,
                        "",
                        at,
                        kasi,
                        unit.id,
                        None,
                    ),
                )
                self.sink.add(
                    "operations_result",
                    (
                        self.next_id("operations_result"),
                        rng.choice(("pembinaan", "pendataan", "pernyataan", "panti")),
                        "",
                        at,
                        None,
                        oid,
                        kasi,
                        vid,
                    ),
                )
            if rng.random() < 0.3:
                self.sink.add(
                    "operations_seizeditem",
                    (
                        self.next_id("operations_seizeditem"),
                        "Minuman keras",
                        rng.randint(1, 40),
                        "botol",
                        "",
                        "Gudang kecamatan",
                        "disimpan",
                        "",
                        None,
                        "",
                        at,
                        None,
                        oid,
                        None,
                        kasi,
                        None,
                        unit.id,
                    ),
                )

    # PPW: the monthly patrol programme, its daily patrols and their findings.
    def programme(self, unit: UnitInfo, opened: dt.datetime, month: dt.date) -> None:
        rng = self.rng
        q = self.quality[unit.id]
        kasat, kabid, kasie = (
            self.holder(unit, r) for r in ("kasat_pol_pp", "kabid_trantibum", "kasie_ops")
        )
        petugas = unit.holders["petugas_ops"]
        label = f"{MONTHS_ID[month.month - 1]} {month.year}"
        area = unit.name.replace("Satuan Polisi Pamong Praja ", "")
        run = self.start(
            "PPW",
            unit,
            opened,
            opener=kasat,
            subject=f"Patroli pengawasan wilayah {area} bulan {label}",
            start_data={"bulan": month.isoformat()},
        )
        run.advance(
            "rumuskan_program",
            actor=kasat,
            p_in=q,
            data={"bulan": month.isoformat(), "nomor_surat_tugas": ""},
        )
        if not run.stopped:
            self.letter(
                unit,
                run,
                "surat_tugas",
                "rumuskan_program",
                "surat_perintah_tugas",
                run.last,
                {"waktu": month.isoformat()},
                signer=kasat,
                delivered=False,
                recipient="",
            )
        run.advance("susun_rencana", actor=kabid, p_in=q)
        nxt = (month + dt.timedelta(days=32)).replace(day=1)
        days = [month + dt.timedelta(days=i) for i in range((nxt - month).days)]
        patrol_days = [d for d in days if d.weekday() < 5 or rng.random() < 0.15]
        schedule = [d.isoformat() for d in patrol_days]
        crew = rng.sample(petugas, min(4, len(petugas)))
        run.advance(
            "susun_jadwal",
            actor=kasie,
            p_in=q,
            data={"jadwal": schedule, "personil": crew},
            occurrences=schedule,
        )
        if run.stopped:
            run.finish()
            return
        plan_id = self.next_id("patrols_plan")
        self.sink.add("patrols_plan", (plan_id, month, run.last, run.id, kasie, unit.id))
        tasks = [run.live[f"patroli@{d}"] for d in schedule]
        areas = self.org.areas[unit.code]
        findings_total = 0
        for d, task in zip(patrol_days, tasks, strict=True):
            day_id = self.next_id("patrols_planday")
            danru = crew[0]
            self.sink.add(
                "patrols_planday",
                (day_id, d, dt.time(8, 0), dt.time(12, 0), "", danru, plan_id, task.id, unit.id),
            )
            for a in rng.sample(areas, 2):
                self.sink.add(
                    "patrols_planday_areas", (self.next_id("patrols_planday_areas"), day_id, a)
                )
            for p in crew:
                self.sink.add(
                    "patrols_planday_members", (self.next_id("patrols_planday_members"), day_id, p)
                )
            if rng.random() < 0.04:
                continue  # a patrol that did not go out (rain, an operation): left open
            done_at = self.at(d, rng.uniform(11.2, 12.9))
            if not run.complete_occurrence(
                task, done_at, danru, {"hasil": "Patroli terlaksana."}, q
            ):
                continue
            n = int(rng.expovariate(1 / self.findings_per_day)) if self.findings_per_day > 0 else 0
            rid = self.next_id("patrols_report")
            self.sink.add(
                "patrols_report",
                (
                    rid,
                    dt.time(8, rng.randint(0, 15)),
                    done_at.astimezone(WIB).time().replace(microsecond=0),
                    "Patroli terlaksana." if n else "Wilayah aman dan tertib.",
                    n == 0,
                    done_at,
                    day_id,
                    danru,
                    unit.id,
                ),
            )
            for k in range(rng.randint(1, 3)):
                lat, lon = self.point(unit)
                self.sink.add(
                    "patrols_reportplace",
                    (self.next_id("patrols_reportplace"), f"Titik {k + 1}", lat, lon, rid),
                )
            for _ in range(n):
                found = self.at(d, rng.uniform(8.3, 11.5))
                self.enforcement(
                    unit,
                    found,
                    source="patroli",
                    parent=run,
                    found_by=rng.choice(crew),
                    report_id=rid,
                )
                findings_total += 1
        run.repeat_done("patroli")
        run.advance("terima_laporan", actor=kasie, p_in=q, typical=3)
        if not run.stopped:
            self.letter(
                unit,
                run,
                "laporan_patroli",
                "terima_laporan",
                "laporan",
                run.last,
                {},
                signer=kasie,
                delivered=False,
                recipient="",
            )
        run.advance(
            "evaluasi",
            actor=kabid,
            p_in=q,
            data={"evaluasi": f"{len(tasks)} patroli; {findings_total} temuan."},
        )
        branch = "ya" if findings_total else "tidak"
        run.advance("ada_temuan", actor=kasat, p_in=q, decision=branch, data={"_branch": branch})
        if findings_total:
            run.advance("buka_penegakan", actor=kasat, typical=0.1)
        run.advance("selesai_patroli", actor=kasat, typical=0.1)
        run.finish()

    # POLMAS: one Pos activity of one Bhabinkamtibmas on one day.
    def polmas(
        self, unit: UnitInfo, opened: dt.datetime, rule: dict[str, Any], day: dt.date
    ) -> None:
        rng = self.rng
        pos = rule["pos"]
        officer = rule["officer"]
        name = {
            "pos_sapta": "Pos Sapta",
            "pos_mantap": "Pos Mantap",
            "pos_satria": "Pos Satria",
            "pos_khidmat": "Pos Khidmat",
        }[pos]
        run = self.start(
            "POLMAS",
            unit,
            opened,
            opener=None,
            subject=f"{name} {rule['desa']}, {day.isoformat()}",
            entry=pos,
        )
        task = run.live[pos]
        run.claim(task, opened, officer, scheduled=True)
        held = rng.random() < 0.91
        starts = self.at(day, rule["starts_at"].hour + rule["starts_at"].minute / 60)
        aid = self.next_id("community_activity")
        status, held_at, recorded, missed = "planned", None, None, None
        if held:
            held_at = starts + dt.timedelta(minutes=rng.randint(-10, 40))
            recorded = held_at + dt.timedelta(minutes=rng.randint(30, 180))
            if run.complete(task, recorded, officer, {"hadir": 0}, p_in=None):
                status = "held"
        else:
            missed = self.at(day + dt.timedelta(days=1), 12 + rng.random())
            if run.cancel(
                missed, None, "Kegiatan tidak dicatat sampai akhir hari: tidak dilaksanakan."
            ):
                status = "missed"
        run.finish()
        lat, lon = self.point(unit)
        attendance = rng.randint(5, 60) if status == "held" else 0
        self.sink.add(
            "community_activity",
            (
                aid,
                day,
                pos,
                rule["desa"],
                rule["place"],
                rule["starts_at"],
                status,
                opened,
                held_at if status == "held" else None,
                rule["place"] if status == "held" else "",
                f"{lat:.6f}" if status == "held" else None,
                f"{lon:.6f}" if status == "held" else None,
                attendance,
                ["Ketua RT", "Tokoh masyarakat"] if status == "held" else [],
                rng.sample(TOPICS, 2) if status == "held" else [],
                [],
                [],
                status == "held",
                "",
                recorded if status == "held" else None,
                missed if status == "missed" else None,
                run.id,
                officer,
                officer if status == "held" else None,
                unit.id,
                rule["id"],
            ),
        )
        if status == "held" and rng.random() < 0.08:
            # A matter residents raised; some become a complaint to the kecamatan of the desa.
            complaint = None
            if rng.random() < 0.3 and recorded is not None:
                when = recorded + dt.timedelta(hours=rng.uniform(0.5, 3))
                kec = self.desa_unit.get(rule["desa"])
                if kec is not None and when < END:
                    complaint = self.complaint(kec, when, desa=rule["desa"], channel="phone")
            self.sink.add(
                "community_issue",
                (
                    self.next_id("community_issue"),
                    f"Warga mengeluhkan {rng.choice(TOPICS).lower()}.",
                    rule["desa"],
                    rule["place"],
                    "",
                    "",
                    recorded,
                    aid,
                    complaint,
                    officer,
                    unit.id,
                ),
            )


def tracking(n: int) -> str:
    """A unique tracking number per id: the id mixed by a multiplication modulo 30**8, in the
    product's alphabet (so it looks random and never repeats)."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
    x = (n * 48271 + 1_234_567) % (30**8)
    chars = []
    for _ in range(8):
        x, r = divmod(x, 30)
        chars.append(alphabet[r])
    raw = "".join(chars)
    return f"{raw[:4]}-{raw[4:]}"


class Run:
    """One case as the services would have run it, up to ``END``."""

    def __init__(
        self,
        g: Gen,
        sop: str,
        unit: UnitInfo,
        opened: dt.datetime,
        opener: int | None,
        subject: str,
        entry: str,
        parent: Run | None,
        start_data: dict[str, Any],
    ) -> None:
        self.g, self.sop, self.unit = g, sop, unit
        self.spec = g.specs[sop]
        self.id = g.next_id("cases_case")
        g.cases += 1
        self.opened = opened
        self.number, self.serial = g.case_number(unit, sop, opened.astimezone(WIB).year)
        self.subject, self.opener, self.parent = subject, opener, parent
        self.tasks: list[Task] = []
        self.live: dict[str, Task] = {}
        self.events: list[list[Any]] = []
        self.status, self.closed_at = "open", None
        self.stopped = False
        self.last = opened
        self.visits: dict[str, int] = {}
        self.data: dict[str, Any] = {}
        if start_data:
            self.data["_start"] = start_data
        self.occurrences: dict[str, list[str]] = {}
        self.done_occurrences: dict[str, list[str]] = {}
        entry = entry or self.spec.start.id
        if opened >= END:
            raise ValueError("a case cannot open after the end of the history")
        offered = [self.offer(entry, opened)]
        self.event(
            opened,
            "case_opened",
            opener,
            None,
            {
                "number": self.number,
                "sop": f"{sop}.v{self.spec.version}",
                "subject": subject,
                "entry": entry,
                "parent": parent.number if parent else None,
                "start_data": start_data,
                "after": {"active": [entry]},
                "offered": [self.offered(t) for t in offered],
            },
        )

    # -- rows ------------------------------------------------------------------------------

    def event(
        self, at: dt.datetime, type: str, actor: int | None, task: int | None, data: dict[str, Any]
    ) -> None:
        self.events.append([at, len(self.events), type, actor, task, data])

    def offered(self, t: Task) -> dict[str, Any]:
        due = None if t.due is None else str(t.due.astimezone(WIB))
        return {
            "task": t.id,
            "step": t.step,
            "kind": t.kind,
            "role": t.role,
            "occurrence": t.occurrence,
            "due_at": due,
        }

    def offer(
        self,
        step_id: str,
        at: dt.datetime,
        occurrence: str = "",
        created: dt.datetime | None = None,
    ) -> Task:
        g = self.g
        step = g.step(self.sop, step_id)
        created = created or at
        wait = step.kind.value == "wait"
        title = step.display_title
        if occurrence:
            title = f"{title} ({g.date_text(dt.date.fromisoformat(occurrence))})"
        time = g.periods[WAIT_DAYS[step_id]] if wait else step.time
        t = Task(
            id=g.next_id("cases_task"),
            step=step_id,
            occurrence=occurrence,
            kind="wait" if wait else "work",
            role=g.roles[(self.sop, step_id)],
            title=title[:500],
            status="open",
            created=created,
            due=self.spec.calendar.due(created, time, WIB),
            standard=time.text,
            minutes=time.upper_minutes or None,
            decision="",
            reqs=list(step.requirements),
            data={},
        )
        self.tasks.append(t)
        key = f"{step_id}@{occurrence}" if occurrence else step_id
        self.live[key] = t
        if not occurrence:
            self.visits[step_id] = self.visits.get(step_id, 0) + 1
        return t

    def active(self) -> list[str]:
        seen: list[str] = []
        for t in self.live.values():
            if t.step not in seen:
                seen.append(t.step)
        return seen

    def stop(self) -> None:
        self.stopped = True

    # -- time ------------------------------------------------------------------------------

    def finish_at(self, t: Task, p_in: float | None, typical: float | None) -> dt.datetime:
        """When the officer completes ``t``: within its Mutu Baku with probability ``p_in``,
        else late; a step without a standard takes about ``typical`` hours."""
        rng = self.g.rng
        cal = self.spec.calendar
        start = t.created
        if t.due is not None and p_in is not None:
            span = (t.due - start).total_seconds()
            f = rng.uniform(0.08, 0.97) if rng.random() < p_in else 1.0 + rng.expovariate(1 / 0.8)
            done = start + dt.timedelta(seconds=max(30.0, span * f))
        else:
            hours = typical if typical is not None else 1.0
            done = start + dt.timedelta(
                seconds=max(30.0, rng.lognormvariate(math.log(hours * 3600), 0.6))
            )
        if cal.kind.value == "working":
            local = done.astimezone(WIB)
            opened = cal.next_open(local)
            if opened != local:
                done = opened + dt.timedelta(minutes=rng.randint(3, 70))
        return done.replace(microsecond=0)

    # -- actions ---------------------------------------------------------------------------

    def claim(self, t: Task, at: dt.datetime, person: int, scheduled: bool = False) -> None:
        t.status, t.claimed, t.assignee = "claimed", at, person
        data: dict[str, Any] = {"step": t.step, "after": {"assignee": person}}
        if scheduled:
            data["scheduled"] = True
        self.event(at, "task_claimed", None if scheduled else person, t.id, data)

    def mark_overdue(self, t: Task, until: dt.datetime) -> None:
        """The worker marks a live work task late a minute after its due time."""
        if t.kind != "work" or t.due is None:
            return
        at = t.due + dt.timedelta(seconds=60 + self.g.rng.randint(0, 240))
        if at < until and at < END:
            t.overdue = at
            self.event(
                at,
                "task_overdue",
                None,
                t.id,
                {"step": t.step, "due_at": str(t.due.astimezone(dt.UTC)), "standard": t.standard},
            )

    def complete(
        self,
        t: Task,
        at: dt.datetime,
        actor: int,
        data: dict[str, Any],
        p_in: float | None = 0.0,
        decision: str = "",
        nxt: list[str] | None = None,
        occurrences: list[str] | None = None,
    ) -> bool:
        """Complete ``t`` at ``at`` and offer what follows; False when ``at`` is past the end
        of the history (the task stays live and the case stops there)."""
        if self.stopped:
            return False
        if at >= END:
            self.mark_overdue(t, END)
            self.stopped = True
            return False
        g = self.g
        if (
            t.status == "open"
            and at - t.created > dt.timedelta(minutes=2)
            and g.rng.random() < 0.45
        ):
            self.claim(t, t.created + (at - t.created) * g.rng.uniform(0.0, 0.4), actor)
        self.mark_overdue(t, at)
        t.status, t.completed, t.completed_by = "done", at, actor
        if t.claimed is None:
            t.claimed, t.assignee = at, actor
        t.duration = max(0, int((at - t.created).total_seconds()))
        t.decision = decision
        t.data = data
        g.stats.done_tasks += 1
        if t.due is not None and at > t.due:
            g.stats.late_tasks += 1
        key = f"{t.step}@{t.occurrence}" if t.occurrence else t.step
        before = self.active()
        self.live.pop(key, None)
        step = g.step(self.sop, t.step)
        if t.occurrence:
            self.data.setdefault(t.step, {})[t.occurrence] = data
            self.done_occurrences.setdefault(t.step, []).append(t.occurrence)
        else:
            self.data[t.step] = data
        offered: list[Task] = []
        if nxt is None:
            if step.kind.value == "decision":
                nxt = [next(b.to for b in step.branches if b.label == decision)]
            elif step.kind.value in ("end",):
                nxt = []
            elif step.kind.value == "repeat":
                nxt = []  # the repeat's next step is offered by repeat_done
            else:
                nxt = [step.next] if step.next else []
        for s in nxt:
            if occurrences is None:
                offered.append(self.offer(s, at))
                continue
            # A scheduled repeat: every occurrence offered now, each timed from its day.
            self.occurrences[s] = list(occurrences)
            self.visits[s] = self.visits.get(s, 0) + 1
            for d in occurrences:
                day_start = dt.datetime.combine(dt.date.fromisoformat(d), dt.time(8, 0), tzinfo=WIB)
                offered.append(self.offer(s, at, occurrence=d, created=max(at, day_start)))
        self.event(
            at,
            "task_completed",
            actor,
            t.id,
            {
                "step": t.step,
                "occurrence": t.occurrence,
                "decision": decision,
                "data": data,
                "requirements": t.reqs,
                "attachments": [],
                "duration_seconds": t.duration,
                "standard": t.standard,
                "before": {"active": before},
                "after": {"active": self.active()},
                "offered": [self.offered(o) for o in offered],
            },
        )
        self.last = at
        if step.kind.value == "end":
            self.close(at, actor)
        return True

    def advance(
        self,
        step_id: str,
        *,
        actor: int,
        at: dt.datetime | None = None,
        p_in: float | None = None,
        typical: float | None = None,
        data: dict[str, Any] | None = None,
        decision: str = "",
        occurrences: list[str] | None = None,
    ) -> bool:
        """Complete the live task of ``step_id`` (created when the step before completed)."""
        if self.stopped:
            return False
        t = self.live.get(step_id)
        if t is None:
            raise KeyError(f"{self.number}: no live task of {step_id}; live: {list(self.live)}")
        when = at or self.finish_at(t, p_in, typical)
        return self.complete(t, when, actor, data or {}, p_in, decision, occurrences=occurrences)

    def correct(self, step_id: str, actor: int, field: str, value: str) -> None:
        t = next(t for t in reversed(self.tasks) if t.step == step_id and t.status == "done")
        at = (self.last + dt.timedelta(minutes=self.g.rng.randint(5, 120))).replace(microsecond=0)
        if at >= END or self.stopped:
            return
        old = t.data.get(field)
        t.data = {**t.data, field: value}
        self.data[step_id] = t.data
        self.g.stats.corrections += 1
        self.event(
            at,
            "field_corrected",
            actor,
            t.id,
            {
                "step": step_id,
                "occurrence": "",
                "field": field,
                "before": old,
                "after": value,
                "reason": "Salah ketik pada catatan tindakan.",
            },
        )
        self.last = at

    def cancel(self, at: dt.datetime, actor: int | None, reason: str) -> bool:
        if self.stopped or at >= END:
            self.stopped = True
            return False
        ids = []
        for t in self.live.values():
            self.mark_overdue(t, at)
            t.status = "cancelled"
            ids.append(t.id)
        self.live.clear()
        self.event(
            at,
            "case_cancelled",
            actor,
            None,
            {
                "reason": reason,
                "tasks": ids,
                "before": {"status": "open"},
                "after": {"status": "cancelled"},
            },
        )
        self.status, self.closed_at, self.last = "cancelled", at, at
        self.stopped = True
        return True

    def close(self, at: dt.datetime, actor: int | None) -> None:
        self.event(
            at,
            "case_closed",
            actor,
            None,
            {"before": {"status": "open"}, "after": {"status": "closed"}},
        )
        self.status, self.closed_at = "closed", at
        self.stopped = True

    def wait_pass(self, step_id: str) -> None:
        """A wait step: its deadline passes and the worker offers the step after it."""
        if self.stopped:
            return
        g = self.g
        t = self.live[step_id]
        at = t.due + dt.timedelta(seconds=g.rng.randint(30, 600))
        if at >= END:
            self.stopped = True
            return
        self.wait_end(t, at, None, "deadline_passed", {})

    def wait_early(self, step_id: str, actor: int, fraction: float) -> dt.datetime | None:
        """A compliance visit during the wait: the violator complied, the wait ends early."""
        if self.stopped:
            return None
        t = self.live[step_id]
        at = (t.created + (t.due - t.created) * fraction).replace(microsecond=0)
        if at >= END:
            self.stopped = True
            return None
        self.wait_end(
            t,
            at,
            actor,
            "wait_ended_early",
            {"evidence": "Pemeriksaan kepatuhan: pelanggar mentaati.", "attachments": []},
        )
        return at

    def wait_end(
        self, t: Task, at: dt.datetime, actor: int | None, type: str, extra: dict[str, Any]
    ) -> None:
        before = self.active()
        t.status, t.completed = "done", at
        t.duration = max(0, int((at - t.created).total_seconds()))
        self.live.pop(t.step, None)
        step = self.g.step(self.sop, t.step)
        nxt = self.offer(step.next, at)
        self.event(
            at,
            type,
            actor,
            t.id,
            {
                "step": t.step,
                "due_at": str(t.due.astimezone(dt.UTC)),
                **extra,
                "before": {"active": before},
                "after": {"active": self.active()},
                "offered": [self.offered(nxt)],
            },
        )
        self.last = at

    def complete_occurrence(
        self, t: Task, at: dt.datetime, actor: int, data: dict[str, Any], q: float
    ) -> bool:
        if at >= END or self.stopped:
            return False
        return self.complete(t, at, actor, data, q, "", nxt=[])

    def repeat_done(self, step_id: str) -> None:
        """Every occurrence done or given up (closed as cancelled): the step after it."""
        if self.stopped:
            return
        left = [k for k in self.live if k.startswith(f"{step_id}@")]
        last = max(
            (t.completed for t in self.tasks if t.step == step_id and t.completed),
            default=self.last,
        )
        if last >= END:
            self.stopped = True
            return
        for k in left:
            t = self.live.pop(k)
            self.mark_overdue(t, last)
            t.status = "cancelled"
        step = self.g.step(self.sop, step_id)
        self.offer(step.next, last)
        self.last = last

    def completed_at(self, step_id: str) -> dt.datetime | None:
        return next(
            (t.completed for t in self.tasks if t.step == step_id and t.status == "done"), None
        )

    # -- writing it out -------------------------------------------------------------------

    def finish(self) -> None:
        g, sink = self.g, self.g.sink
        for t in self.live.values():
            if t.overdue is None:
                self.mark_overdue(t, END)
        self.events.sort(key=lambda e: (e[0], e[1]))
        prev = ""
        seq = 0
        for at, _, type, actor, task, data in self.events:
            seq += 1
            digest = g.event_hash(
                unit_id=self.unit.id,
                case_id=self.id,
                seq=seq,
                type=type,
                at=at,
                actor_id=actor,
                task_id=task,
                data=data,
                prev_hash=prev,
            )
            sink.add(
                "cases_event",
                (
                    g.next_id("cases_event"),
                    seq,
                    type,
                    at,
                    data,
                    prev,
                    digest,
                    actor,
                    self.id,
                    self.unit.id,
                    task,
                ),
            )
            prev = digest
        state = {
            "status": self.status,
            "active": self.active() if self.status == "open" else [],
            "data": self.data,
            "visits": self.visits,
            "occurrences": self.occurrences,
            "done_occurrences": self.done_occurrences,
        }
        vid, _ = g.org.sop_versions[self.sop]
        sink.add(
            "cases_case",
            (
                self.id,
                self.sop,
                self.number,
                self.opened.astimezone(WIB).year,
                self.serial,
                self.subject[:300],
                self.status,
                state,
                self.opened,
                self.closed_at,
                "",
                seq,
                prev,
                self.opener,
                vid,
                self.unit.id,
                self.parent.id if self.parent else None,
            ),
        )
        for t in self.tasks:
            sink.add(
                "cases_task",
                (
                    t.id,
                    t.step,
                    t.occurrence,
                    t.kind,
                    t.role,
                    t.title,
                    t.status,
                    t.created,
                    t.claimed,
                    t.due,
                    t.overdue,
                    t.completed,
                    t.standard,
                    t.minutes,
                    t.duration,
                    t.decision,
                    t.reqs,
                    t.data,
                    t.assignee,
                    self.id,
                    t.completed_by,
                    self.unit.id,
                ),
            )


def digest_of(rows: list[str]) -> str:
    """A short fingerprint of some rows (the generator's determinism check)."""
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]
