"""``board_standings`` (the dashboard's ladder counts) stands every enforcement where
``board_rows`` (the board itself) does: same rows, same rung, same overdue flag, at every step
of a ladder driven through the real services and at moments before and after each deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from trantib.enforcement.ladder import PENERTIBAN
from trantib.enforcement.models import FindingSource
from trantib.enforcement.selectors import (
    TEMUAN,
    BoardFilters,
    board_counts,
    board_rows,
    board_standings,
)
from trantib.enforcement.services import compliance_check_record, finding_open
from trantib.enforcement.tests import ladder_support as support
from trantib.letters.tests.sop_desk import WIB, Desk

pytestmark = pytest.mark.django_db


def _open(desk: Desk, demo_org, article, name: str):
    return finding_open(
        unit=demo_org.unit("PPTNG"),
        actor=desk.who("petugas1.pptng"),
        violator=support.violator(demo_org, name=name, nik=""),
        articles=[article],
        place="Trotoar Jl. Sudirman",
        found_at=desk.now - dt.timedelta(hours=1),
        source=FindingSource.PATROL,
        now=desk.now,
    )


def _agree(demo_org, desk: Desk, seen: set[tuple[str, bool]]) -> None:
    for login in ("kasat.pptng", "sekda.tng"):
        user = demo_org.user(login)
        unit = demo_org.unit("PEMKOT-TNG").pk if login == "sekda.tng" else None
        for moment in (desk.now, desk.now + dt.timedelta(days=20)):
            for rung in ("", TEMUAN, "teguran_1", PENERTIBAN):
                filters = BoardFilters(unit=unit, rung=rung)
                rows = board_rows(user, filters, now=moment)
                standings = board_standings(user, filters, now=moment)
                expected = sorted(
                    (r.enforcement.pk, r.enforcement.unit_id, r.rung, r.overdue) for r in rows
                )
                assert sorted(standings) == expected, (login, moment, rung)
                assert board_counts(standings) == board_counts(rows)
                seen.update((r.rung, r.overdue) for r in rows)


def test_the_counts_stand_each_enforcement_where_the_board_does(demo_org) -> None:
    desk = Desk(demo_org, dt.datetime(2026, 7, 20, 9, 0, tzinfo=WIB))
    tibum, _reklame = support.catalogue(demo_org, desk.now)
    article = support.article(tibum, "Pasal 12 ayat (1)")
    kasat = desk.who("kasat.pptng")
    seen: set[tuple[str, bool]] = set()
    _open(desk, demo_org, article, "Rudi")  # stays at its first step throughout
    enforcement = _open(desk, demo_org, article, "Sutarman")
    case = enforcement.case
    _agree(demo_org, desk, seen)
    letter = desk.draft(case, "beri_teguran", "kasat.pptng")
    desk.sign(desk.submit(letter, "kasat.pptng"), "kasat.pptng")
    desk.complete(case, "beri_teguran", "kasat.pptng")
    _agree(demo_org, desk, seen)  # waiting out the statement's period
    desk.pass_wait(case, "tunggu_pernyataan")
    _agree(demo_org, desk, seen)  # the check is live: the deadline was the wait's
    compliance_check_record(
        enforcement=enforcement, actor=kasat, complied=False, note="Masih ada", now=desk.now
    )
    for n in (1, 2, 3):
        letter = desk.draft(case, f"teguran_{n}", "kasat.pptng")
        letter = desk.sign(desk.submit(letter, "kasat.pptng"), "kasat.pptng")
        desk.deliver(letter, "kasie.pptng", "Sutarman", desk.now + dt.timedelta(hours=1))
        desk.complete(case, f"teguran_{n}", "kasat.pptng")
        _agree(demo_org, desk, seen)
        desk.pass_wait(case, f"tunggu_{n}")
        compliance_check_record(
            enforcement=enforcement, actor=kasat, complied=False, note="Tetap", now=desk.now
        )
        desk.tick()
    _agree(demo_org, desk, seen)  # past the last rung: penertiban
    rungs = {rung for rung, _overdue in seen}
    assert {"pernyataan", "teguran_1", "teguran_3", PENERTIBAN} <= rungs
    assert {True, False} == {overdue for _rung, overdue in seen}
