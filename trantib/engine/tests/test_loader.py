from pathlib import Path

import pytest

from trantib.engine.errors import Severity, SOPValidationError
from trantib.engine.library import load_library
from trantib.engine.loader import load_file, load_text
from trantib.engine.spec import StepKind

from .sop_text import VALID, line_of

FILES = Path(__file__).resolve().parents[2] / "sops" / "tests" / "files"

LIBRARY = Path(__file__).resolve().parents[2] / "sops" / "library"


def errors_of(text: str) -> list[str]:
    with pytest.raises(SOPValidationError) as caught:
        load_text(text, "x.yaml")
    return [str(p) for p in caught.value.errors]


def test_a_valid_sop_loads_into_a_spec():
    spec, warnings = load_text(VALID, "x.yaml")
    assert spec.code == "TST"
    assert spec.name == "SOP Contoh"
    assert [s.id for s in spec.steps] == ["terima", "draft", "periksa", "arsip"]
    assert spec.step("periksa").kind is StepKind.DECISION
    assert spec.step("periksa").branches[1].loop is True
    assert spec.identity.peringatan == ("Apabila SOP tidak dilaksanakan maka pelayanan terganggu",)
    assert spec.identity.disahkan_oleh.nip == "197001012000031001"
    assert warnings == []


def test_every_file_in_the_library_is_valid():
    lib = load_library(LIBRARY)
    assert lib.errors == []
    assert {s.code for s in lib.specs} >= {"PGD", "PPW"}


def test_malformed_yaml_is_reported_with_its_line():
    text = VALID.replace('  nomor: "300.1/001/2026"', "  nomor: [unclosed")
    (error,) = errors_of(text)
    # The parser notices on the next line; the message points back to where the list began.
    assert error.startswith(f"x.yaml:{line_of(text, 'nomor') + 1}: yaml: malformed YAML")
    assert f"started on line {line_of(text, 'nomor')}" in error


def test_a_missing_identity_field_is_named():
    text = VALID.replace("  keterkaitan: []\n", "")
    assert errors_of(text) == [
        f"x.yaml:{line_of(text, 'identity:')}: identity.keterkaitan: missing identity field "
        "(write it empty if the document leaves it blank)"
    ]


def test_an_unknown_role_is_named_with_a_suggestion():
    text = VALID.replace("role: camat", "role: camatt")
    (error,) = errors_of(text)
    assert error.startswith(f"x.yaml:{line_of(text, 'camatt')}: steps[2].role: unknown role")
    assert "did you mean 'camat'" in error


def test_a_duplicate_step_id_is_refused():
    text = VALID.replace("id: arsip", "id: draft")
    line = line_of(text, 'no: "4"') - 1
    assert f"x.yaml:{line}: steps[3].id: duplicate step id 'draft'" in errors_of(text)


def test_a_dangling_next_names_the_file_line_and_step():
    text = VALID.replace("next: periksa", "next: periksaa")
    assert errors_of(text) == [
        f"x.yaml:{line_of(text, 'periksaa')}: steps[1].next: step 'draft' goes next to "
        "'periksaa', which does not exist"
    ]


def test_a_branch_to_a_missing_step_is_refused():
    text = VALID.replace("to: arsip", "to: nowhere")
    assert "branch 'tidak ada koreksi' of step 'periksa' goes to 'nowhere'" in errors_of(text)[0]


def test_a_step_that_cannot_be_reached_is_refused():
    text = VALID.replace("next: draft", "next: periksa").replace("to: draft,", "to: terima,")
    assert errors_of(text) == [
        f"x.yaml:{line_of(text, 'id: draft')}: steps[1].id: step 'draft' cannot be reached "
        "from the start"
    ]


def test_a_decision_with_no_branch_is_refused():
    text = VALID.replace(
        "    branches:\n"
        "      - {label: tidak ada koreksi, to: arsip}\n"
        "      - {label: ada koreksi, to: draft, loop: true}\n",
        "    branches: []\n",
    )
    errors = errors_of(text)
    assert (
        f"x.yaml:{line_of(text, 'branches: []')}: steps[2].branches: decision 'periksa' "
        "needs at least one branch" in errors
    )


def test_a_decision_drawn_with_one_exit_loads():
    text = VALID.replace("      - {label: ada koreksi, to: draft, loop: true}\n", "")
    spec, warnings = load_text(text, "x.yaml")
    (branch,) = spec.step("periksa").branches
    assert (branch.label, branch.to) == ("tidak ada koreksi", "arsip")
    assert warnings == []


def test_a_loop_with_no_way_out_never_reaches_an_end():
    text = VALID.replace("to: arsip}", "to: draft}")
    errors = errors_of(text)
    assert any("no path from step 'terima' reaches an end step" in e for e in errors)
    assert any("step 'arsip' cannot be reached" in e for e in errors)


def test_an_unparsable_time_standard_is_refused():
    text = VALID.replace("time: 1 jam", "time: secepatnya")
    (error,) = errors_of(text)
    assert error.startswith(f"x.yaml:{line_of(text, 'secepatnya')}: steps[1].time: 'secepatnya'")


def test_an_unknown_key_is_refused_with_a_suggestion():
    text = VALID.replace("    question: Ada koreksi?", "    questoin: Ada koreksi?")
    (error,) = errors_of(text)
    assert "steps[2].questoin: unknown key; did you mean 'question'?" in error


def test_an_unknown_heading_is_refused_with_a_suggestion():
    text = VALID.replace("calendar: working\n", "calendar: working\nheadings: {waktuu: Waktu}\n")
    (error,) = errors_of(text)
    assert "headings.waktuu: unknown key; did you mean 'waktu'?" in error


def test_a_key_written_twice_is_refused():
    text = VALID.replace("    time: 1 jam\n", "    time: 1 jam\n    time: 2 jam\n")
    assert any("steps[1].time: this key is written twice" in e for e in errors_of(text))


def test_a_wait_needs_a_deadline_and_only_a_wait_has_one():
    text = VALID.replace("    kind: process\n", "    kind: wait\n")
    assert any("wait 'draft' needs a deadline" in e for e in errors_of(text))
    text = VALID.replace("    time: 1 jam\n", "    time: 1 jam\n    deadline: 7 hari\n")
    assert any("only a wait step has a deadline" in e for e in errors_of(text))


def test_an_end_step_has_no_next_and_other_steps_need_one():
    text = VALID.replace("    time: 10 Menit\n", "    time: 10 Menit\n    next: terima\n")
    assert any("an end step has no next step" in e for e in errors_of(text))
    text = VALID.replace("    next: periksa\n", "")
    assert any(
        "step 'draft' (process) must say which step comes next" in e for e in errors_of(text)
    )


def test_the_file_name_must_match_code_and_version(tmp_path):
    path = tmp_path / "TST.v2.yaml"
    path.write_text(VALID, encoding="utf-8")
    with pytest.raises(SOPValidationError) as caught:
        load_file(path)
    assert [p.field for p in caught.value.errors] == ["version"]


def test_layout_conventions_are_warnings_not_errors():
    extra_roles = "".join(f"  - {{id: r{i}, name: Peran {i}}}\n" for i in range(6))
    text = VALID.replace("steps:\n", extra_roles + "steps:\n")
    spec, warnings = load_text(text, "x.yaml")
    assert spec.code == "TST"
    assert [w.field for w in warnings] == ["roles"]
    assert warnings[0].severity is Severity.WARNING
    assert "warning:" in str(warnings[0])


def test_all_problems_of_a_file_are_reported_at_once():
    text = VALID.replace("role: camat", "role: lurah").replace("time: 1 jam", "time: kapan2")
    assert len(errors_of(text)) == 2


def test_rows_group_consecutive_steps_that_share_a_number():
    spec, _ = load_text(VALID.replace('no: "3"', 'no: "2"'), "x.yaml")
    assert [(row.no, [s.id for s in row.steps]) for row in spec.rows] == [
        ("1", ["terima"]),
        ("2", ["draft", "periksa"]),
        ("4", ["arsip"]),
    ]


def test_an_alias_bomb_is_refused_without_exhausting_memory():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    assert any("too large or deep" in e for e in errors_of(bomb))


@pytest.mark.parametrize("text", ["", "just a string", "- a\n- list\n", "\x00", "code: [1, 2"])
def test_files_that_are_not_an_sop_get_a_validation_error(text):
    with pytest.raises(SOPValidationError) as caught:
        load_text(text, "x.yaml")
    assert caught.value.errors


def test_a_drawn_flag_written_without_a_value_is_refused_not_read_as_false():
    text = (FILES / "LWK.v1.yaml").read_text(encoding="utf-8")
    empty = text.replace("    drawn_as: terminator\n", "    drawn_as: terminator\n    drawn:\n")
    with pytest.raises(SOPValidationError, match="drawn: must be true or false, not empty"):
        load_text(empty, "LWK.v1.yaml")
    bare = text.replace("drawn_next: [arsip, periksa]", "drawn_next: []")
    with pytest.raises(SOPValidationError, match="drawn_next: must name at least one step"):
        load_text(bare, "LWK.v1.yaml")
