"""The demo files: read cleanly, and a mistake is named by file, entry and step."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from trantib.demo import (
    DemoDataError,
    cases,
    complaints,
    incoming,
    letter_setup,
    org,
    outgoing,
    yamlfile,
)
from trantib.demo.history import history_conf
from trantib.demo.when import Anchors, resolve, tags_check, when_parse
from trantib.demo.yamlfile import Tagged

CACHED = [
    yamlfile.read,
    cases.stories,
    org.organisation,
    complaints._setup,
    complaints._complaints,
    letter_setup.setups,
    outgoing.letter_specs,
    incoming.incoming_specs,
    history_conf,
]
ANY = frozenset({"now", "start", "prev", "due", "at", "today", "startday"})
JAKARTA = ZoneInfo("Asia/Jakarta")


def _clear() -> None:
    for function in CACHED:
        function.cache_clear()


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the demo files that a test may break; the real ones are read again after."""
    for path in [*yamlfile.DATA_DIR.glob("*.yaml"), *yamlfile.DATA_DIR.glob("*.png")]:
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setattr(yamlfile, "DATA_DIR", tmp_path)
    _clear()
    yield tmp_path
    _clear()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_files_read_cleanly() -> None:
    assert len(cases.stories()) == 8
    assert len(org.organisation().units) == 10
    assert len(complaints.demo_complaints()) == 5
    assert len(complaints._setup()[0]) == 11
    assert len(letter_setup.setups()[1]) == 6
    assert len(outgoing.letter_specs()) == 13
    assert len(incoming.incoming_specs()) == 13
    assert len(history_conf()["patrols"]["findings"]) == 14


def test_a_mistake_in_the_history_names_the_file_and_the_entry(data: Path) -> None:
    edit(data / "history.yaml", "      walk: penertiban", "      walk: penertiban\n      wlak: x")
    with pytest.raises(
        DemoDataError, match=r"history.yaml: patrols, finding 3: unknown key 'wlak'"
    ):
        history_conf()


def test_an_unknown_key_names_the_file_the_case_and_the_step(data: Path) -> None:
    edit(
        data / "cases.yaml",
        "        data:\n          arahan: Kasi",
        "        dat:\n          arahan: Kasi",
    )
    with pytest.raises(
        DemoDataError, match=r"cases\.yaml: case 'pgd_closed', step 3: unknown key 'dat'"
    ):
        cases.stories()


def test_a_time_that_cannot_be_read_is_refused_with_examples(data: Path) -> None:
    edit(data / "cases.yaml", "at: start+40m", "at: kemarin")
    with pytest.raises(
        DemoDataError, match=r"case 'pgd_closed', step 2: cannot read the time 'kemarin'"
    ):
        cases.stories()


def test_an_unquoted_nrp_is_refused(data: Path) -> None:
    edit(data / "organisation.yaml", 'nrp: "79081145"', "nrp: 79081145")
    with pytest.raises(DemoDataError, match=r"holder 'kasat.binmas': 'nrp' must be text"):
        org.organisation()


def test_an_unknown_parent_unit_is_refused(data: Path) -> None:
    edit(data / "organisation.yaml", "parent: PEMKAB-KRA", "parent: PEMKAB-XYZ")
    with pytest.raises(DemoDataError, match=r"unit 'KRJ': unknown parent 'PEMKAB-XYZ'"):
        org.organisation()


@pytest.mark.django_db
def test_a_step_by_an_unknown_user_names_the_file_the_case_and_the_step(demo_org, data) -> None:
    edit(
        data / "cases.yaml",
        "      - step: kasi_teruskan\n        by: kasi.krj\n        at: start+40m",
        "      - step: kasi_teruskan\n        by: kasi.xyz\n        at: start+40m",
    )
    with pytest.raises(
        DemoDataError, match=r"cases\.yaml: case 'pgd_closed', step 2: unknown user 'kasi.xyz'"
    ):
        cases.demo_cases_load()


def test_times_are_read_against_the_load_the_start_and_the_unit_calendar() -> None:
    now = dt.datetime(2026, 3, 11, 20, 0, tzinfo=dt.UTC)  # 12 March, 03:00 in Jakarta
    start = now - dt.timedelta(days=24)
    anchors = Anchors(now=now, zone=JAKARTA, start=start, prev=start + dt.timedelta(hours=1))

    def at(text: str) -> dt.datetime:
        return anchors.moment(when_parse(text, allowed=ANY, where="x"), "x")

    assert at("now-1d2h30m") == now - dt.timedelta(days=1, hours=2, minutes=30)
    assert at("start+1d1h4m") == start + dt.timedelta(days=1, hours=1, minutes=4)
    assert at("prev+2h") == start + dt.timedelta(hours=3)
    assert at("today-2d 11:30") == dt.datetime(2026, 3, 10, 11, 30, tzinfo=JAKARTA)
    assert at("startday+4d 09:00") == dt.datetime(2026, 2, 20, 9, 0, tzinfo=JAKARTA)
    with pytest.raises(DemoDataError, match="'due' is not known here"):
        at("due+5m")
    with pytest.raises(DemoDataError, match="'prev' cannot be used here"):
        when_parse("prev+1h", allowed=frozenset({"now"}), where="x")


def test_working_days_skip_the_weekend_and_a_text_writes_a_day_out() -> None:
    thursday = dt.datetime(2026, 3, 12, 3, 0, tzinfo=JAKARTA)
    saturday = dt.datetime(2026, 3, 14, 10, 0, tzinfo=JAKARTA)

    def day(now: dt.datetime, text: str) -> dt.date:
        return Anchors(now=now, zone=JAKARTA).day(when_parse(text, allowed=ANY, where="x"), "x")

    assert day(thursday, "today-3w") == dt.date(2026, 3, 9)  # Monday
    assert day(thursday, "today-4w") == dt.date(2026, 3, 6)  # over the weekend, Friday
    assert day(thursday, "today+2w") == dt.date(2026, 3, 16)  # Friday, then Monday
    assert day(saturday, "today-1w") == dt.date(2026, 3, 13)
    assert day(saturday, "today+1w") == dt.date(2026, 3, 16)
    text = Tagged("text", "rapat {today-1w.day}; laporan {today+1w.date}, {today.year}")
    assert resolve(text, Anchors(now=thursday, zone=JAKARTA), "x") == (
        "rapat Rabu, 11 Maret 2026; laporan 13 Maret 2026, 2026"
    )
    with pytest.raises(DemoDataError, match=r"unknown '\{kemarin\.date\}' in !text"):
        tags_check(Tagged("text", "{kemarin.date}"), "x")


def test_an_unknown_letter_action_names_the_file_and_the_letter(data: Path) -> None:
    edit(data / "letters.yaml", "{do: submit, at: start+1h}", "{do: kirim, at: start+1h}")
    with pytest.raises(
        DemoDataError,
        match=r"letters\.yaml: letter 'Pendataan pedagang kaki lima di wilayah kelurahan', "
        r"then 1: unknown 'do' 'kirim'",
    ):
        outgoing.letter_specs()


def test_an_incoming_letter_from_a_demo_letter_takes_no_number_of_its_own(data: Path) -> None:
    edit(
        data / "incoming.yaml",
        "    from_letter: Permohonan dukungan personel",
        '    number: "1/2026"\n    from_letter: Permohonan dukungan personel',
    )
    with pytest.raises(DemoDataError, match="'from_letter' takes its number, date and scan"):
        incoming.incoming_specs()


def test_a_sign_mode_the_letters_do_not_know_is_refused(data: Path) -> None:
    edit(data / "letter_setup.yaml", "sign_mode: tte_luar", "sign_mode: stempel")
    with pytest.raises(DemoDataError, match=r"unit 'KRW': 'sign_mode' is one of basah"):
        letter_setup.setups()
