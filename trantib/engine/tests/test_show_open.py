"""``show_open``: the earlier steps whose records a task form shows open. Like bindings, it is
not part of the signed document."""

from pathlib import Path

import pytest

from trantib.engine.errors import SOPValidationError
from trantib.engine.loader import load_text

LIBRARY = Path(__file__).resolve().parents[2] / "sops" / "library"
PPW = (LIBRARY / "patroli" / "PPW.v1.yaml").read_text(encoding="utf-8")


def _without_show_open(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if "show_open:" not in line) + "\n"


def test_the_patrol_sop_shows_the_patrol_reports_open_to_the_kabid_and_the_kasat():
    spec, _ = load_text(PPW, "PPW.v1.yaml")
    assert spec.step("evaluasi").show_open == ("patroli",)
    assert spec.step("ada_temuan").show_open == ("evaluasi", "patroli")
    assert spec.step("patroli").show_open == ()


def test_show_open_is_not_part_of_the_signed_document():
    spec, _ = load_text(PPW, "PPW.v1.yaml")
    plain, _ = load_text(_without_show_open(PPW), "PPW.v1.yaml")
    assert spec != plain
    assert spec.signed_part() == plain.signed_part()
    assert not any(s.show_open for s in spec.signed_part().steps)


def test_an_unknown_step_in_show_open_is_refused_with_its_line():
    text = PPW.replace("show_open: [beri_teguran]", "show_open: [beri_tegur]")
    line = text.splitlines().index("    show_open: [beri_tegur]") + 1
    with pytest.raises(SOPValidationError) as caught:
        load_text(text, "PPW.v1.yaml")
    messages = [str(p) for p in caught.value.errors]
    assert messages == [
        f"PPW.v1.yaml:{line}: steps[11].show_open[0]: "
        "show_open names 'beri_tegur', which is not a step"
    ]


def test_one_step_id_may_be_written_without_a_list():
    text = PPW.replace("show_open: [beri_teguran]", "show_open: beri_teguran")
    spec, _ = load_text(text, "PPW.v1.yaml")
    assert spec.step("cek_pernyataan").show_open == ("beri_teguran",)
