"""A quarter of Kota Tangerang built through the real services, whose SPM figures are known by
construction (Triwulan III 2026, 1 July – 30 September, WIB).

Satpol PP (PPTNG) — enforcement cases (PPW's ladder, one violator each):
  e_ok         found 20 Jul, Surat Pernyataan within its 15 minutes, complied: closed
  e_late       found 3 Aug, the Surat Pernyataan an hour late, complied: closed, late
  e_running    found 29 Sep, Surat Pernyataan in time, waiting its 15 days at the quarter's end
  e_open_late  found 30 Sep 22.00, nothing done by midnight: open and late
  e_before     found and closed in June (Triwulan II): not counted
  patrol       a patrol month (PPW's main entry) opened in August: not a service, never counted
Cipondoh (CPD) — complaints (PGD) and a PPL operation:
  c_ok          received 6 Jul, every step in time, answered the same day
  c_step_late   received 14 Jul, forwarded two hours late (15 minutes), answered the same day
  c_answer_late received 10 Aug, acted on 24 Aug (a step without a time standard), answered then
  c_running     received 30 Sep, waiting for the action at the quarter's end
  c_before      received and answered in June: not counted
  operation     PPL operation on 3 Aug, every step in time, two people dealt with: closed
Karawaci (KRW, Cipondoh's sibling) — one complaint handled and answered in time (k_ok).

Known answers (ok / handled; late; running), by hand:
  PPTNG  cases 1/3, late 2, running 1; recipients 1/3; complaints 0/0
  CPD    cases 3/4 (complaints 2/3 + operation 1/1), late 1, running 1; recipients 2/2;
         complaints answered 2/3, late 1, waiting 1
  KRW    cases 1/1; complaints 1/1
  PEMKOT-TNG (their parent) cases 5/8, late 3, running 2; recipients 3/5; complaints 3/4
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from trantib.cases.models import Case, CaseStatus
from trantib.complaints.models import Category, Complaint
from trantib.complaints.services import complaint_file
from trantib.demo import complaint_setup_load
from trantib.enforcement.models import Enforcement, FindingSource, Violator
from trantib.enforcement.services import compliance_check_record, finding_open, violator_create
from trantib.enforcement.tests import ladder_support
from trantib.letters.tests.sop_desk import WIB, Desk
from trantib.operations import services as operations

from ..periods import Period

Q3 = Period("quarter", 2026, 3)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=WIB)


@dataclass
class Quarter:
    cases: dict[str, Case] = field(default_factory=dict)
    complaints: dict[str, Complaint] = field(default_factory=dict)
    people: list[str] = field(default_factory=list)  # the names dealt with in the operation


# -- enforcement (PPTNG) --------------------------------------------------------------------


def enforcement(demo_org: Any, article: Any, name: str, nik: str, found: dt.datetime, how: str):
    """An enforcement case of PPTNG: ``how`` ok / late / running / open_late."""
    desk = Desk(demo_org, found, step_minutes=1)
    violator = Violator.objects.create(
        unit=demo_org.unit("PPTNG"),
        kind=Violator.Kind.PERSON,
        name=name,
        nik=nik,
        desa="Babakan",
        kecamatan="Tangerang",
        created_at=found,
    )
    row = finding_open(
        unit=demo_org.unit("PPTNG"),
        actor=desk.who("petugas1.pptng"),
        violator=violator,
        articles=[article],
        place="Trotoar Jl. Sudirman",
        found_at=found - dt.timedelta(minutes=30),
        source=FindingSource.PATROL,
        now=desk.now,
    )
    case = row.case
    assert case is not None
    desk.tick()
    if how == "open_late":
        return case
    if how == "late":
        desk.tick(hours=1)  # the Surat Pernyataan's step has 15 minutes
    letter = desk.draft(case, "beri_teguran", "kasat.pptng")
    desk.sign(desk.submit(letter, "kasat.pptng"), "kasat.pptng")
    desk.complete(case, "beri_teguran", "kasat.pptng")
    if how == "running":
        return case
    desk.tick(days=2)
    compliance_check_record(
        enforcement=Enforcement.objects.get(case=case),
        actor=desk.who("kasat.pptng"),
        complied=True,
        note="Lapak sudah dibongkar sendiri",
        now=desk.now,
    )
    desk.complete(case, "selesai_taat", "kasie.pptng")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    return case


# -- complaints (CPD, KRW) ------------------------------------------------------------------

STEPS = ("staf_sampaikan", "kasi_teruskan", "camat_arahkan", "koordinasi_tindak")
AFTER = ("bukti_penyelesaian", "lapor_camat", "informasi_pelapor")


def complaint(
    demo_org: Any,
    category: Category,
    unit: str,
    received: dt.datetime,
    *,
    late_step: str = "",
    act_on: dt.datetime | None = None,
    stop_before: str = "",
) -> Complaint:
    """A complaint of ``unit`` (staf/kasi/camat.<unit>) taken through PGD one minute a step;
    ``late_step`` is done two hours after it arrived, the action (``koordinasi_tindak``) at
    ``act_on``; ``stop_before`` leaves that step undone."""
    row = complaint_file(
        channel="web",
        category=category,
        description="Pedagang berjualan di trotoar setiap pagi",
        address="Jl. Maulana Hasanudin",
        kelurahan="Poris",
        reporter_name="Warga",
        reporter_phone="081234567890",
        now=received,
    )
    assert row.unit.code == unit, row.unit.code
    desk = Desk(demo_org, received + dt.timedelta(minutes=1), step_minutes=1)
    who = {
        "staf_sampaikan": "staf",
        "kasi_teruskan": "kasi",
        "camat_arahkan": "camat",
        "koordinasi_tindak": "kasi",
        "bukti_penyelesaian": "kasi",
        "lapor_camat": "kasi",
        "informasi_pelapor": "staf",
    }
    data: dict[str, dict[str, Any]] = {
        "camat_arahkan": {"arahan": "Tertibkan"},
        "koordinasi_tindak": {"tindakan": "Pedagang dipindahkan"},
    }
    case = row.case
    for step in (*STEPS, *AFTER):
        if step == stop_before:
            return row
        if step == late_step:
            desk.tick(hours=2)
        if step == "koordinasi_tindak" and act_on is not None:
            desk.at(act_on)
        login = f"{who[step]}.{unit.lower()}"
        if step == "bukti_penyelesaian":
            desk.complete(case, step, login, photo="bukti")
        elif step == "informasi_pelapor":
            when = desk.now.astimezone(WIB).strftime("%Y-%m-%dT%H:%M")
            desk.complete(
                case, step, login, {"saluran": "Telepon", "waktu": when, "isi": "Sudah ditertibkan"}
            )
        else:
            desk.complete(case, step, login, data.get(step, {}))
    row.refresh_from_db()
    assert row.answered_at is not None
    return row


# -- the PPL operation (CPD) ----------------------------------------------------------------


def operation(demo_org: Any, start: dt.datetime, names: list[str]) -> Case:
    desk = Desk(demo_org, start, step_minutes=1)
    case = desk.start(
        "PPL",
        "CPD",
        "kasi.cpd",
        "Rumah kos di Jl. Bouraq",
        data={
            "sumber": "Lurah Poris Plawad",
            "lokasi": {"address": "Jl. Bouraq No. 12, Poris Plawad"},
            "uraian": "Rumah kos diduga dipakai untuk praktik prostitusi",
        },
    )
    danru, anggota = desk.who("danru.cpd"), desk.who("anggota1.cpd")
    team = [danru.pk, anggota.pk]
    desk.complete(case, "perintah_camat", "camat.cpd", {"perintah": "Tertibkan"})
    sp = desk.draft(case, "draft_surat_perintah", "kasi.cpd", {"data": {"personel": team}})
    sp = desk.submit(sp, "kasi.cpd")
    desk.complete(case, "draft_surat_perintah", "kasi.cpd")
    sp = desk.initial(sp, "sekcam.cpd")
    desk.complete(case, "verifikasi_surat_perintah", "sekcam.cpd", decision="tidak ada koreksi")
    desk.sign(sp, "camat.cpd")
    desk.complete(case, "tandatangani_surat_perintah", "camat.cpd")
    desk.complete(case, "arahan_danru", "kasi.cpd", {"arahan": "Siapkan satu regu"})
    desk.complete(case, "siapkan_anggota", "danru.cpd", {"jumlah_personel": 2, "anggota": team})
    op = operations.operation_open(case=case, actor=danru, now=desk.tick())
    for name in names:
        person = violator_create(
            unit=case.unit, actor=danru, kind="orang", name=name, now=desk.tick()
        )
        operations.result_add(
            operation=op, actor=danru, violator=person, action="pendataan", now=desk.tick()
        )
    desk.complete(
        case,
        "laksanakan_penertiban",
        "anggota1.cpd",
        {
            "waktu_pelaksanaan": desk.now.astimezone(WIB).strftime("%Y-%m-%dT%H:%M"),
            "lokasi": {"address": "Jl. Bouraq No. 12"},
            "laporan_lapangan": "Dua orang didata",
        },
    )
    report = desk.submit(desk.draft(case, "draft_laporan", "danru.cpd"), "danru.cpd")
    desk.complete(case, "draft_laporan", "danru.cpd")
    desk.sign(report, "kasi.cpd")
    desk.complete(case, "periksa_laporan", "kasi.cpd", decision="tidak ada koreksi")
    desk.complete(case, "laporan_kepada_camat", "camat.cpd")
    desk.complete(case, "arsip_laporan", "kasi.cpd", {"nomor_arsip": "300.1/ARS/2026"})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    return case


def patrol_month(demo_org: Any, start: dt.datetime) -> Case:
    """A patrol programme (PPW's main entry), left at its first step: late, but no service."""
    desk = Desk(demo_org, start, step_minutes=1)
    return desk.start(
        "PPW",
        "PPTNG",
        "kasat.pptng",
        "Program patroli Agustus 2026",
        data={"bulan": "2026-08-01", "nomor_surat_tugas": "800/1/PATROLI/2026"},
    )


# -- the whole quarter ----------------------------------------------------------------------


def build_quarter(demo_org: Any) -> Quarter:
    built = Quarter()
    tibum, _reklame = ladder_support.catalogue(demo_org, at(6, 1))
    article = ladder_support.article(tibum, "Pasal 14")
    ladder = [
        ("e_before", "Suparman", "3671010101800011", at(6, 8), "ok"),
        ("e_ok", "Sutarman", "3671010101800001", at(7, 20), "ok"),
        ("e_late", "Sukardi", "3671010101800002", at(8, 3), "late"),
        ("e_running", "Suryadi", "3671010101800003", at(9, 29, 10), "running"),
        ("e_open_late", "Sugiono", "3671010101800004", at(9, 30, 22), "open_late"),
    ]
    for key, name, nik, found, how in ladder:
        built.cases[key] = enforcement(demo_org, article, name, nik, found, how)
    built.cases["patrol"] = patrol_month(demo_org, at(8, 3))

    complaint_setup_load()
    cpd = Category.objects.get(code="cpd-pkl")
    krw = Category.objects.create(
        unit=demo_org.unit("KRW"), code="krw-tibum", name="Gangguan ketertiban (Karawaci)"
    )
    built.complaints["c_before"] = complaint(demo_org, cpd, "CPD", at(6, 15))
    built.complaints["c_ok"] = complaint(demo_org, cpd, "CPD", at(7, 6))
    built.complaints["c_step_late"] = complaint(
        demo_org, cpd, "CPD", at(7, 14), late_step="staf_sampaikan"
    )
    built.complaints["c_answer_late"] = complaint(demo_org, cpd, "CPD", at(8, 10), act_on=at(8, 24))
    built.complaints["c_running"] = complaint(
        demo_org, cpd, "CPD", at(9, 30, 10), stop_before="koordinasi_tindak"
    )
    built.complaints["k_ok"] = complaint(demo_org, krw, "KRW", at(7, 8))
    built.people = ["Sri Wahyuni", "Dewi Lestari"]
    built.cases["operation"] = operation(demo_org, at(8, 3), built.people)
    return built
