"""The warning ladder's rules as data: each variant driven through the real services.

A finding from the register opens PPW's enforcement case; its letters are drafted, signed and
delivered through the letters services; the waits take their periods from the finding's Perda
(the national 15 / 7 / 3 / 3 calendar days, or a local 7 / 5 / 3 in working days), counted
across a real Indonesian public holiday with a fixed clock.
"""

from __future__ import annotations

import datetime as dt
import io

import holidays
import pytest

from trantib.cases.models import CaseStatus
from trantib.enforcement.ladder import PENERTIBAN, rung_reached
from trantib.enforcement.models import ComplianceCheck, Enforcement, FindingSource
from trantib.enforcement.services import compliance_check_record, finding_open
from trantib.enforcement.tests import ladder_support as support
from trantib.letters.models import Letter
from trantib.letters.sop import ladder_deadline
from trantib.letters.tests import support as letter_support
from trantib.letters.tests.sop_desk import WIB, Desk
from trantib.sops import registry

pytestmark = pytest.mark.django_db

INDONESIA = holidays.country_holidays("ID", years=2026)
HOLIDAY = dt.date(2026, 8, 17)  # Hari Kemerdekaan, a Monday in 2026
FRIDAY = HOLIDAY - dt.timedelta(days=3)


def _finding(desk: Desk, demo_org, article) -> Enforcement:
    return finding_open(
        unit=demo_org.unit("PPTNG"),
        actor=desk.who("petugas1.pptng"),
        violator=support.violator(demo_org),
        articles=[article],
        place="Trotoar Jl. Sudirman depan Pasar Anyar",
        latitude=-6.1783,
        longitude=106.6319,
        found_at=desk.now - dt.timedelta(hours=1),
        source=FindingSource.PATROL,
        now=desk.now,
    )


def _statement(desk: Desk, case) -> Letter:
    letter = desk.draft(case, "beri_teguran", "kasat.pptng")
    letter = desk.sign(desk.submit(letter, "kasat.pptng"), "kasat.pptng")
    desk.complete(case, "beri_teguran", "kasat.pptng")
    return letter


def _not_complied(desk: Desk, case, step: str) -> None:
    desk.complete(
        case,
        step,
        "kasat.pptng",
        {"hasil_pemeriksaan": "Masih berjualan"},
        decision="tidak mentaati",
    )


def _teguran(desk: Desk, case, n: int, served: dt.datetime) -> Letter:
    letter = desk.draft(case, f"teguran_{n}", "kasat.pptng")
    letter = desk.sign(desk.submit(letter, "kasat.pptng"), "kasat.pptng")
    letter = desk.deliver(letter, "kasie.pptng", "Sutarman", served)
    desk.complete(case, f"teguran_{n}", "kasat.pptng")
    return letter


def _enforcement(case) -> Enforcement:
    return Enforcement.objects.get(case=case)


def test_the_national_ladder_runs_fifteen_then_seven_calendar_days_through_a_holiday(demo_org):
    desk = Desk(demo_org, dt.datetime(2026, 7, 20, 9, 0, tzinfo=WIB))
    tibum, _reklame = support.catalogue(demo_org, desk.now)
    case = _finding(desk, demo_org, support.article(tibum, "Pasal 12 ayat (1)")).case
    statement = desk.draft(case, "beri_teguran", "kasat.pptng")
    assert statement.data["tempo"] == "15 hari"
    desk.sign(desk.submit(statement, "kasat.pptng"), "kasat.pptng")
    done = desk.complete(case, "beri_teguran", "kasat.pptng")
    wait = desk.live(case, "tunggu_pernyataan")
    assert wait.standard == "15 hari"
    assert wait.due_at == done.completed_at + dt.timedelta(days=15)
    desk.pass_wait(case, "tunggu_pernyataan")
    _not_complied(desk, case, "cek_pernyataan")
    assert HOLIDAY in INDONESIA and FRIDAY.weekday() == 4
    desk.at(dt.datetime.combine(FRIDAY, dt.time(8, 30), tzinfo=WIB))
    teguran = desk.draft(case, "teguran_1", "kasat.pptng")
    # The Perda counts calendar days: the SOP's own "7 hari kerja" does not count here.
    assert teguran.data["tempo"] == "7 hari"
    assert "dalam waktu 7 (tujuh) hari sejak surat ini diterima" in teguran.body
    teguran = desk.sign(desk.submit(teguran, "kasat.pptng"), "kasat.pptng")
    served = dt.datetime.combine(FRIDAY, dt.time(14, 0), tzinfo=WIB)
    teguran = desk.deliver(teguran, "kasie.pptng", "Sutarman", served)
    desk.complete(case, "teguran_1", "kasat.pptng")
    wait = desk.live(case, "tunggu_1")
    # Delivered Friday 14 August; seven calendar days, Hari Kemerdekaan included: Friday 21.
    assert wait.standard == "7 hari"
    assert wait.due_at == dt.datetime(2026, 8, 21, 8, 0, tzinfo=WIB)
    spec = registry.get("PPW", 3)
    block = spec.step("teguran_1").letter
    assert block is not None and ladder_deadline(spec, block, teguran) == wait.due_at
    assert rung_reached(spec, _state(case)) == "teguran_1"


def _state(case):
    case.refresh_from_db()
    return case.state


def test_a_local_ladder_in_working_days_skips_the_weekend_and_hari_kemerdekaan(demo_org):
    desk = Desk(demo_org, dt.datetime(2026, 7, 20, 9, 0, tzinfo=WIB))
    _tibum, reklame = support.catalogue(demo_org, desk.now)
    case = _finding(desk, demo_org, support.article(reklame, "Pasal 9")).case
    statement = desk.draft(case, "beri_teguran", "kasat.pptng")
    assert statement.data["tempo"] == "7 hari"  # Perda 3/2020: seven calendar days
    desk.sign(desk.submit(statement, "kasat.pptng"), "kasat.pptng")
    done = desk.complete(case, "beri_teguran", "kasat.pptng")
    assert desk.live(case, "tunggu_pernyataan").due_at == done.completed_at + dt.timedelta(days=7)
    desk.pass_wait(case, "tunggu_pernyataan")
    _not_complied(desk, case, "cek_pernyataan")
    desk.at(dt.datetime.combine(FRIDAY, dt.time(8, 30), tzinfo=WIB))
    teguran = desk.draft(case, "teguran_1", "kasat.pptng")
    assert teguran.data["tempo"] == "5 hari kerja"
    assert "dalam waktu 5 (lima) hari kerja sejak surat ini diterima" in teguran.body
    teguran = desk.sign(desk.submit(teguran, "kasat.pptng"), "kasat.pptng")
    served = dt.datetime.combine(FRIDAY, dt.time(14, 0), tzinfo=WIB)
    desk.deliver(teguran, "kasie.pptng", "Sutarman", served)
    desk.complete(case, "teguran_1", "kasat.pptng")
    wait = desk.live(case, "tunggu_1")
    # By hand: delivered Friday 14 August 2026; the weekend, then Monday 17 (Hari
    # Kemerdekaan); the five working days are Tuesday 18, Wednesday 19, Thursday 20, Friday 21
    # and Monday 24 August: due on the 24th at the opening hour.
    assert wait.standard == "5 hari kerja"
    assert wait.due_at == dt.datetime(2026, 8, 24, 8, 0, tzinfo=WIB)


def test_a_compliance_visit_by_the_kasat_ends_the_ladder_early(demo_org):
    desk = Desk(demo_org, dt.datetime(2026, 7, 20, 9, 0, tzinfo=WIB))
    tibum, _reklame = support.catalogue(demo_org, desk.now)
    enforcement = _finding(desk, demo_org, support.article(tibum, "Pasal 14"))
    case = enforcement.case
    _statement(desk, case)
    wait = desk.live(case, "tunggu_pernyataan")
    desk.tick(days=2)  # day 2 of 15: the lapak is gone
    check = compliance_check_record(
        enforcement=enforcement,
        actor=desk.who("kasat.pptng"),
        complied=True,
        note="Lapak sudah dibongkar sendiri oleh pelanggar",
        latitude=-6.1784,
        longitude=106.6318,
        photo=("kunjungan.jpg", io.BytesIO(letter_support.jpeg())),
        now=desk.now,
    )
    assert check.effect == "decided"
    wait.refresh_from_db()
    assert wait.completed_at == desk.now and wait.due_at > desk.now  # ended before its due
    decided = desk.live(case, "selesai_taat")  # the check was taken as "mentaati"
    assert decided is not None
    assert case.tasks.get(step_id="cek_pernyataan").data["hasil_pemeriksaan"].startswith("Lapak")
    desk.complete(case, "selesai_taat", "kasie.pptng")
    enforcement.refresh_from_db()
    assert enforcement.status == Enforcement.Status.COMPLIED
    assert enforcement.closed_at is not None


def test_a_visit_by_a_field_officer_ends_the_wait_and_leaves_the_check_to_the_kasat(demo_org):
    desk = Desk(demo_org, dt.datetime(2026, 7, 20, 9, 0, tzinfo=WIB))
    tibum, _reklame = support.catalogue(demo_org, desk.now)
    enforcement = _finding(desk, demo_org, support.article(tibum, "Pasal 14"))
    case = enforcement.case
    _statement(desk, case)
    desk.tick(days=1)
    check = compliance_check_record(
        enforcement=enforcement,
        actor=desk.who("petugas2.pptng"),
        complied=True,
        note="Tidak berjualan lagi",
        now=desk.now,
    )
    assert check.effect == "waiting"
    assert desk.active(case) == ["cek_pernyataan"]  # in the Kasat's Tugas Saya


def test_a_visit_that_finds_no_compliance_after_the_deadline_escalates_through_penertiban(
    demo_org,
):
    desk = Desk(demo_org, dt.datetime(2026, 7, 20, 9, 0, tzinfo=WIB))
    tibum, _reklame = support.catalogue(demo_org, desk.now)
    enforcement = _finding(desk, demo_org, support.article(tibum, "Pasal 12 ayat (1)"))
    case = enforcement.case
    _statement(desk, case)
    kasat = desk.who("kasat.pptng")
    early = compliance_check_record(
        enforcement=enforcement, actor=kasat, complied=False, note="Masih ada", now=desk.now
    )
    assert early.effect == ""  # before the deadline: only recorded
    desk.pass_wait(case, "tunggu_pernyataan")
    visit = compliance_check_record(
        enforcement=enforcement, actor=kasat, complied=False, note="Masih berjualan", now=desk.now
    )
    assert visit.effect == "escalated"
    assert desk.active(case) == ["teguran_1"]
    for n in (1, 2, 3):
        _teguran(desk, case, n, desk.now + dt.timedelta(hours=1))
        desk.pass_wait(case, f"tunggu_{n}")
        compliance_check_record(
            enforcement=enforcement, actor=kasat, complied=False, note="Tetap", now=desk.now
        )
        desk.tick()
    assert desk.active(case) == ["perintah_penertiban"]
    spec = registry.get("PPW", 3)
    assert rung_reached(spec, _state(case)) == PENERTIBAN
    team = [desk.who(p).pk for p in ("petugas1.pptng", "petugas2.pptng")]
    perintah = desk.draft(case, "perintah_penertiban", "kasat.pptng", {"data": {"personel": team}})
    desk.sign(desk.submit(perintah, "kasat.pptng"), "kasat.pptng")
    desk.complete(case, "perintah_penertiban", "kasat.pptng")
    desk.complete(case, "rencana_penertiban", "kabid.pptng", {"rencana": "Kamis 06.00"})
    desk.complete(case, "siapkan_petugas", "kasie.pptng", {"personil": team})
    ba = desk.draft(
        case,
        "penertiban",
        "petugas2.pptng",
        {
            "data": {"tindakan": "Lapak dibongkar"},
            "body": "Penertiban disaksikan oleh Sutarman selaku pemilik lapak.",
        },
    )
    desk.sign(desk.submit(ba, "petugas2.pptng"), "petugas2.pptng")
    desk.complete(
        case, "penertiban", "petugas2.pptng", {"laporan": "Lapak dibongkar"}, photo="dokumentasi"
    )
    case.refresh_from_db()
    enforcement.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert enforcement.status == Enforcement.Status.ENFORCED
    assert ComplianceCheck.objects.filter(enforcement=enforcement).count() == 5


def test_a_cancelled_case_cancels_its_enforcement(demo_org):
    from trantib.cases.services import case_cancel

    desk = Desk(demo_org, dt.datetime(2026, 7, 20, 9, 0, tzinfo=WIB))
    tibum, _reklame = support.catalogue(demo_org, desk.now)
    enforcement = _finding(desk, demo_org, support.article(tibum, "Pasal 14"))
    case_cancel(case=enforcement.case, actor=desk.who("kasat.pptng"), reason="Salah catat")
    enforcement.refresh_from_db()
    assert enforcement.status == Enforcement.Status.CANCELLED
