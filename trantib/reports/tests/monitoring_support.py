"""Cases built for the monitoring tests, each step at a chosen minute, so that every figure of
the monitoring form is known by construction (counted by hand below, never by the code).

Semester I 2026 (``2026-S1``), on the units' clock (WIB):

**PGD, Kecamatan Kerjo** (working days, 08.00-16.00; rows 1 lapor 5 menit; 2 staf_sampaikan
15 menit + kasi_teruskan no Waktu; 3 camat_arahkan 10 menit; 4 koordinasi_tindak no Waktu; 5-7):

- G1, Tue 3 Feb 09.00: lapor done at start; staf_sampaikan done 09.10 (within 15 min);
  kasi_teruskan done 09.20; camat_arahkan done 11.20 (due 09.30: late), then its "arahan"
  corrected at 11.30; koordinasi_tindak left open (no due).
- G2, Wed 4 Feb 09.00: lapor done; staf_sampaikan done 09.40 (due 09.15: late); the case is
  cancelled at 10.00, so kasi_teruskan is cancelled.
- G3, 30 Dec 2025 (Semester II 2025): lapor done, staf_sampaikan open — outside the period.
- G4, Karawaci, Thu 5 Feb: lapor done — another unit.

**PPW, Satpol PP Kota Tangerang** (around the clock; the warning ladder, entry row 7):

- P1, 2 Mar 09.00: beri_teguran (row 7, 15 menit) done 09.10 (within); its 15-day wait (row 7)
  fires 17 Mar 09.11; cek_pernyataan (row 8, 15 menit, due 09.26) done 09.51 "tidak mentaati"
  (late); teguran_1 (row 8, due 10.06) left open and marked late by the worker at 10.30.
- P2, 6 Apr 10.00: beri_teguran done 10.30 (due 10.15: late), its "perda" corrected at 10.35;
  the case is cancelled at 11.00, so its wait (row 7) is cancelled.
- P3, 1 Dec 2025: beri_teguran done, its wait left open — outside the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from trantib.cases import services
from trantib.cases.models import Case, Task, TaskStatus
from trantib.demo.letters import letter_bring

WIB = ZoneInfo("Asia/Jakarta")
LIVE = (TaskStatus.OPEN, TaskStatus.CLAIMED)


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=WIB)


def live(case: Case, step: str) -> Task:
    return Task.objects.get(case=case, step_id=step, status__in=LIVE)


def complete(demo_org, case: Case, step: str, login: str, when: dt.datetime, **kw) -> Task:
    task = live(case, step)
    letter_bring(task, now=when, data=kw.get("data"), decision=kw.get("decision", ""))
    return services.task_complete(task=task, actor=demo_org.person(login), now=when, **kw)


def pgd(demo_org, unit: str, when: dt.datetime, subject: str) -> Case:
    return services.case_start(
        sop_code="PGD",
        unit=demo_org.unit(unit),
        actor=demo_org.person(f"staf.{unit.lower()}"),
        subject=subject,
        data={"saluran": "Datang ke kantor", "uraian": subject},
        now=when,
    )


def ppw_warning(demo_org, unit: str, when: dt.datetime, subject: str, done: dt.datetime) -> Case:
    """A PPW enforcement case started at row 7 (``beri_teguran``), the step done at ``done``."""
    kasat = demo_org.person(f"kasat.{unit.lower()}")
    data = {
        "pelanggar": {"nama": subject},
        "lokasi": "Jl. Daan Mogot",
        "perda": "Perda 8/2018",
        "nomor_surat_pernyataan": f"300/SP/{subject[:8]}",
    }
    case = services.case_start(
        sop_code="PPW",
        unit=demo_org.unit(unit),
        actor=kasat,
        subject=subject,
        entry="beri_teguran",
        data=data,
        now=when,
    )
    complete(
        demo_org,
        case,
        "beri_teguran",
        f"kasat.{unit.lower()}",
        done,
        data=data,
        requirements=["Blanko Surat Pernyataan"],
    )
    return case


@dataclass
class Built:
    g1: Case
    g2: Case
    p1: Case
    p2: Case


def build_pgd(demo_org) -> tuple[Case, Case]:
    g1 = pgd(demo_org, "KRJ", at(2, 3, 9), "Warung karaoke buka lewat tengah malam")
    complete(demo_org, g1, "staf_sampaikan", "staf.krj", at(2, 3, 9, 10))
    complete(demo_org, g1, "kasi_teruskan", "kasi.krj", at(2, 3, 9, 20))
    arahan = complete(
        demo_org,
        g1,
        "camat_arahkan",
        "camat.krj",
        at(2, 3, 11, 20),
        data={"arahan": "Tindak lanjuti bersama Satpol PP"},
    )
    services.field_correct(
        task=arahan,
        actor=demo_org.person("camat.krj"),
        field="arahan",
        value="Tindak lanjuti bersama Satpol PP dan Polsek",
        reason="Polsek ikut",
        now=at(2, 3, 11, 30),
    )
    g2 = pgd(demo_org, "KRJ", at(2, 4, 9), "Lapak menutup jalan desa")
    complete(demo_org, g2, "staf_sampaikan", "staf.krj", at(2, 4, 9, 40))
    services.case_cancel_by_officer(
        case=g2, actor=demo_org.person("camat.krj"), reason="Pengaduan ganda", now=at(2, 4, 10)
    )
    pgd(demo_org, "KRJ", at(12, 30, 9, year=2025), "Pengaduan tahun lalu")
    pgd(demo_org, "KRW", at(2, 5, 9), "Pengaduan Karawaci")
    return g1, g2


def build_ppw(demo_org) -> tuple[Case, Case]:
    p1 = ppw_warning(demo_org, "PPTNG", at(3, 2, 9), "Toko Sumber Rejeki", at(3, 2, 9, 10))
    wait = live(p1, "tunggu_pernyataan")
    assert services.wait_fire(task_id=wait.pk, now=at(3, 17, 9, 11))
    complete(
        demo_org,
        p1,
        "cek_pernyataan",
        "kasat.pptng",
        at(3, 17, 9, 51),
        decision="tidak mentaati",
        data={"hasil_pemeriksaan": "Masih berjualan"},
        requirements=["Surat Teguran I"],
    )
    assert services.task_mark_overdue(task_id=live(p1, "teguran_1").pk, now=at(3, 17, 10, 30))
    p2 = ppw_warning(demo_org, "PPTNG", at(4, 6, 10), "PKL Jl. Daan Mogot", at(4, 6, 10, 30))
    services.field_correct(
        task=Task.objects.get(case=p2, step_id="beri_teguran"),
        actor=demo_org.person("kasat.pptng"),
        field="perda",
        value="Perda 9/2018",
        reason="Salah tulis",
        now=at(4, 6, 10, 35),
    )
    services.case_cancel_by_officer(
        case=p2, actor=demo_org.person("kasat.pptng"), reason="Pelanggar pindah", now=at(4, 6, 11)
    )
    ppw_warning(
        demo_org, "PPTNG", at(12, 1, 9, year=2025), "Toko tahun lalu", at(12, 1, 9, 5, 2025)
    )
    return p1, p2


def build(demo_org) -> Built:
    g1, g2 = build_pgd(demo_org)
    p1, p2 = build_ppw(demo_org)
    return Built(g1=g1, g2=g2, p1=p1, p2=p2)
