"""``period:``: a wait that takes its period from the case's Perda (the ladder's rung), with
``deadline`` as the period of a case without one. The product's, not the signed document's."""

from pathlib import Path

import pytest

from trantib.engine.bindings import LadderPeriod
from trantib.engine.errors import SOPValidationError
from trantib.engine.loader import load_file, load_text

LIBRARY = Path(__file__).resolve().parents[2] / "sops" / "library"
PPW = LIBRARY / "patroli" / "PPW.v3.yaml"


def _errors(text: str) -> list[str]:
    with pytest.raises(SOPValidationError) as caught:
        load_text(text, "PPW.v3.yaml")
    return [str(p) for p in caught.value.errors]


def test_ppw_names_the_rung_of_each_of_its_four_waits():
    spec, _ = load_file(PPW)
    periods = {s.id: s.period for s in spec.steps if s.period}
    assert periods == {
        "tunggu_pernyataan": "pernyataan",
        "tunggu_1": "teguran_1",
        "tunggu_2": "teguran_2",
        "tunggu_3": "teguran_3",
    }
    assert spec.step("tunggu_1").deadline is not None  # for a case without a Perda
    assert [p.value for p in LadderPeriod] == list(periods.values())


def test_a_period_is_not_part_of_the_signed_document():
    text = PPW.read_text(encoding="utf-8")
    spec, _ = load_text(text, "PPW.v3.yaml")
    bare, _ = load_text(text.replace("    period: teguran_2\n", ""), "PPW.v3.yaml")
    assert spec != bare
    assert spec.signed_part() == bare.signed_part()


def test_an_unknown_period_is_refused_with_its_line():
    text = PPW.read_text(encoding="utf-8").replace("period: teguran_2", "period: teguran_9")
    line = text.splitlines().index("    period: teguran_9") + 1
    (error,) = _errors(text)
    assert error.startswith(f"PPW.v3.yaml:{line}: ")
    assert "unknown period 'teguran_9'; periods are: pernyataan, teguran_1" in error


def test_only_a_wait_takes_a_period():
    text = PPW.read_text(encoding="utf-8").replace(
        "    title: Memberikan Surat Teguran I\n",
        "    title: Memberikan Surat Teguran I\n    period: teguran_1\n",
    )
    (error,) = _errors(text)
    assert "only a wait step takes its period from the Perda" in error
