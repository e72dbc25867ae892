"""``starts_at``: a step whose time standard counts from a recorded date or time (an operation's
planned hour), not from when its task is offered."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from trantib.engine.errors import SOPValidationError
from trantib.engine.loader import load_file, load_text
from trantib.engine.runtime import CaseState, step_start
from trantib.engine.timing import TimeStandard

from .sop_text import VALID, line_of

WIB = ZoneInfo("Asia/Jakarta")
LIBRARY = Path(__file__).resolve().parents[2] / "sops" / "library"

# The Kasi records the planned operation at the first step; the draft counts from it.
PLANNED = VALID.replace(
    "    time: 15 menit\n    next: draft\n",
    "    time: 15 menit\n"
    "    records:\n"
    "      - {name: tanggal_operasi, label: Tanggal operasi, type: date}\n"
    "      - {name: waktu_operasi, label: Waktu operasi, type: datetime}\n"
    "      - {name: catatan, label: Catatan, type: text}\n"
    "    next: draft\n",
)


def with_starts_at(ref: str, step: str = "draft", text: str = PLANNED) -> str:
    anchor = f"  - id: {step}\n"
    assert anchor in text
    return text.replace(anchor, f"{anchor}    starts_at: {ref}\n", 1)


def errors_of(text: str) -> list[str]:
    with pytest.raises(SOPValidationError) as caught:
        load_text(text, "x.yaml")
    return [str(p) for p in caught.value.errors]


def test_a_step_may_name_the_recorded_field_its_time_counts_from():
    spec, _ = load_text(with_starts_at("terima.waktu_operasi"), "x.yaml")
    assert spec.step("draft").starts_at == "terima.waktu_operasi"
    assert spec.step("periksa").starts_at == ""


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        (
            "terima.tanggal",
            "'terima.tanggal' is not a recorded field (write <step id>.<field name>)",
        ),
        ("nowhere.tanggal_operasi", "'nowhere.tanggal_operasi' is not a recorded field"),
        ("tanggal_operasi", "'tanggal_operasi' is not a recorded field"),
        ("terima.catatan", "'terima.catatan' is a text field; it must be date or datetime"),
    ],
)
def test_a_bad_reference_is_refused_with_file_line_and_field(ref, message):
    text = with_starts_at(ref)
    (error,) = errors_of(text)
    assert error.startswith(f"x.yaml:{line_of(text, 'starts_at')}: steps[1].starts_at: {message}")


def test_a_field_of_a_step_that_may_not_have_run_yet_is_refused():
    # The decision comes after the draft; the draft is reached first without it.
    text = PLANNED.replace(
        "    question: Ada koreksi?\n",
        "    question: Ada koreksi?\n"
        "    records:\n      - {name: tanggal, label: Tanggal, type: date}\n",
    )
    text = with_starts_at("periksa.tanggal", text=text)
    (error,) = errors_of(text)
    assert error.startswith(f"x.yaml:{line_of(text, 'starts_at')}: steps[1].starts_at:")
    assert "step 'draft' can be reached from 'terima' without passing 'periksa'" in error


def test_a_step_cannot_count_from_its_own_field():
    text = PLANNED.replace(
        "    time: 1 jam\n",
        "    time: 1 jam\n    records:\n      - {name: tanggal, label: Tanggal, type: date}\n",
        1,
    )
    (error,) = errors_of(with_starts_at("draft.tanggal", text=text))
    assert "is recorded when step 'draft' is completed, not before" in error


def test_a_repeated_step_is_timed_from_its_schedule_not_from_starts_at():
    spec, _ = load_file(LIBRARY / "patroli" / "PPW.v1.yaml")
    text = (LIBRARY / "patroli" / "PPW.v1.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "    repeat: {frequency: scheduled",
        "    starts_at: rumuskan_program.bulan\n    repeat: {frequency: scheduled",
        1,
    )
    assert spec.step("patroli").kind == "repeat"
    errors = errors_of(text)
    assert any("a repeated step is timed from its schedule; remove starts_at" in e for e in errors)


def test_the_signed_part_leaves_starts_at_out():
    plain, _ = load_text(PLANNED, "x.yaml")
    timed, _ = load_text(with_starts_at("terima.waktu_operasi"), "x.yaml")
    assert timed != plain
    assert timed.signed_part() == plain.signed_part()


def _state(**recorded: str) -> CaseState:
    return CaseState(active=("draft",), data={"terima": recorded})


def test_a_datetime_counts_from_that_moment_in_the_units_zone():
    spec, _ = load_text(with_starts_at("terima.waktu_operasi"), "x.yaml")
    step = spec.step("draft")
    at = step_start(spec, _state(waktu_operasi="2026-12-05T22:00"), step, "Asia/Jakarta")
    assert at == datetime(2026, 12, 5, 22, 0, tzinfo=WIB)
    # A time written with its offset keeps it (the API may send one), shown in the unit's zone.
    at = step_start(spec, _state(waktu_operasi="2026-12-05T22:00+08:00"), step, WIB)
    assert at == datetime(2026, 12, 5, 21, 0, tzinfo=WIB)


def test_a_date_counts_from_the_opening_hour_of_that_day():
    spec, _ = load_text(with_starts_at("terima.tanggal_operasi"), "x.yaml")
    at = step_start(spec, _state(tanggal_operasi="2026-12-05"), spec.step("draft"), WIB)
    assert at == datetime(2026, 12, 5, 8, 0, tzinfo=WIB)


@pytest.mark.parametrize("recorded", [{}, {"tanggal_operasi": ""}, {"tanggal_operasi": "besok"}])
def test_an_empty_or_unreadable_field_falls_back_to_the_offer(recorded):
    spec, _ = load_text(with_starts_at("terima.tanggal_operasi"), "x.yaml")
    assert step_start(spec, _state(**recorded), spec.step("draft"), WIB) is None


def test_an_operation_on_a_saturday_is_due_on_the_working_calendar_after_the_weekend():
    """OPP: the operation's report ("1 hari", working days) after an operation on Saturday
    5 December 2026 is due Tuesday 08:00 — one working day after Monday's opening."""
    spec, _ = load_file(LIBRARY / "penegakan" / "OPP.v1.yaml")
    step = spec.step("pelaksanaan_operasi")
    assert step.starts_at == "koordinasi_operasi.waktu_operasi"
    state = CaseState(data={"koordinasi_operasi": {"waktu_operasi": "2026-12-05T20:00"}})
    start = step_start(spec, state, step, WIB)
    assert start == datetime(2026, 12, 5, 20, 0, tzinfo=WIB)
    assert spec.calendar.due(start, step.time, WIB) == datetime(2026, 12, 8, 8, 0, tzinfo=WIB)


def test_the_demonstration_handling_is_due_an_hour_after_the_demonstration():
    spec, _ = load_file(LIBRARY / "unjuk-rasa" / "PUR.v1.yaml")
    step = spec.step("penanganan")
    state = CaseState(data={"perintah_camat": {"waktu_unjuk_rasa": "2026-12-05T09:00"}})
    start = step_start(spec, state, step, WIB)
    assert step.time == TimeStandard.parse("1 Jam")
    assert spec.calendar.due(start, step.time, WIB) == datetime(2026, 12, 5, 10, 0, tzinfo=WIB)
