"""Bindings: a step declares which of the product's contracts it fulfils, and with what.

Most tests change one thing in the complaint SOP (PGD v2, which binds its intake and its answer
to the reporter) and read the loader's ``FILE:LINE: field: message``.
"""

import dataclasses
from pathlib import Path

import pytest

from trantib.engine.bindings import CONTRACTS, AnswerChannel, ContractName, IntakeChannel
from trantib.engine.errors import SOPValidationError
from trantib.engine.loader import load_text
from trantib.engine.spec import Binding, SopStatus

from .sop_text import VALID, line_of, without_bindings

LIBRARY = Path(__file__).resolve().parents[2] / "sops" / "library"
PGD2 = (LIBRARY / "pengaduan" / "PGD.v2.yaml").read_text(encoding="utf-8")
PGD1 = (LIBRARY / "pengaduan" / "PGD.v1.yaml").read_text(encoding="utf-8")
ANSWER = "steps[7].binds.reporter_answer"  # informasi_pelapor, the eighth step
INTAKE = "steps[0].binds.complaint_intake"


def errors_of(text: str) -> list[str]:
    with pytest.raises(SOPValidationError) as caught:
        load_text(text, "PGD.v2.yaml")
    return [str(p) for p in caught.value.errors]


def changed(old: str, new: str, text: str = PGD2) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_the_complaint_sop_binds_its_intake_and_its_answer_to_the_reporter():
    spec, warnings = load_text(PGD2, "PGD.v2.yaml")
    assert warnings == []
    intake_step, intake = spec.binding(ContractName.COMPLAINT_INTAKE)
    answer_step, answer = spec.binding(ContractName.REPORTER_ANSWER)
    assert (intake_step.id, answer_step.id) == ("lapor", "informasi_pelapor")
    assert intake_step is spec.start
    assert [intake.field(r) for r in ("channel", "description", "place")] == [
        "saluran",
        "uraian",
        "lokasi",
    ]
    assert {c: intake.choice("channel", c) for c in IntakeChannel} == {
        "counter": "Datang ke kantor",
        "phone": "Telepon",
        "sms": "SMS",
        "web": "Formulir web",
        "open311": "Open311",
    }
    assert [answer.field(r) for r in ("channel", "text", "time")] == ["saluran", "isi", "waktu"]
    assert {c: answer.choice("channel", c) for c in AnswerChannel} == {
        "sms": "SMS",
        "email": "E-mail",
        "phone": "Telepon",
        "in_person": "Langsung",
        "letter": "Surat",
        "unreachable": "Tidak dapat dihubungi",
    }


def test_a_binding_turns_meanings_into_labels_and_labels_back_into_meanings():
    spec, _ = load_text(PGD2, "PGD.v2.yaml")
    step = spec.step("informasi_pelapor")
    answer = step.binds[ContractName.REPORTER_ANSWER]
    assert answer.choice("channel", AnswerChannel.SMS) == "SMS"
    assert answer.meaning("channel", "Tidak dapat dihubungi") == AnswerChannel.UNREACHABLE
    assert answer.meaning("channel", "Merpati pos") is None
    assert answer.choice("channel", "fax") is None
    assert answer.choice("text", AnswerChannel.SMS) is None  # not a choice role
    assert answer.field("nothing") is None
    assert answer.line == line_of(PGD2, "reporter_answer:")
    assert spec.step("staf_sampaikan").binds == {}
    assert step.binds.get(ContractName.COMPLAINT_INTAKE) is None
    with pytest.raises(TypeError):
        step.binds["x"] = answer  # type: ignore[index]  # read-only


def test_bound_lists_every_step_of_a_contract_and_binding_refuses_to_pick_among_several():
    spec, _ = load_text(PGD2, "PGD.v2.yaml")
    assert [s.id for s, _ in spec.bound(ContractName.REPORTER_ANSWER)] == ["informasi_pelapor"]
    assert spec.bound("letter") == ()
    assert spec.binding("letter") is None
    answer = spec.step("informasi_pelapor").binds[ContractName.REPORTER_ANSWER]
    twice = dataclasses.replace(
        spec,
        steps=tuple(dataclasses.replace(s, bindings=(answer,)) for s in spec.steps[-2:]),
    )
    assert len(twice.bound(ContractName.REPORTER_ANSWER)) == 2
    with pytest.raises(ValueError, match="reporter_answer is bound at 2 steps"):
        twice.binding(ContractName.REPORTER_ANSWER)


def test_an_sop_without_bindings_binds_nothing():
    spec, _ = load_text(without_bindings(PGD2), "PGD.v2.yaml")
    assert all(not s.bindings for s in spec.steps)
    assert spec.binding(ContractName.REPORTER_ANSWER) is None


def test_pgd_v1_binds_its_answer_without_an_unreachable_choice():
    spec, _ = load_text(PGD1, "PGD.v1.yaml")
    found = spec.binding(ContractName.REPORTER_ANSWER)
    assert found is not None and found[0].id == "informasi_pelapor"
    assert found[1].choice("channel", AnswerChannel.UNREACHABLE) is None
    assert spec.binding(ContractName.COMPLAINT_INTAKE) is None


def test_the_signed_part_ignores_bindings_and_only_bindings():
    with_bindings, _ = load_text(PGD2, "PGD.v2.yaml")
    without, _ = load_text(without_bindings(PGD2), "elsewhere/PGD.v2.yaml")
    assert with_bindings != without
    assert with_bindings.signed_part() == without.signed_part()
    assert not any(s.bindings for s in with_bindings.signed_part().steps)
    edited, _ = load_text(changed("time: 30 menit", "time: 45 menit"), "PGD.v2.yaml")
    assert edited.signed_part() != with_bindings.signed_part()
    assert hash(with_bindings) == hash(load_text(PGD2, "PGD.v2.yaml")[0])


def test_without_bindings_leaves_the_rest_of_the_file():
    stripped = without_bindings(PGD2)
    assert "binds" not in stripped
    assert "    next: staf_sampaikan\n" in stripped
    assert stripped.endswith(
        "{name: isi, label: Isi pemberitahuan, type: longtext, required: true}\n"
    )


def test_the_status_is_an_enum():
    spec, _ = load_text(PGD2, "PGD.v2.yaml")
    assert spec.status is SopStatus.PUBLISHED
    draft, _ = load_text(VALID, "x.yaml")
    assert draft.status is SopStatus.DRAFT
    assert load_text(VALID.replace("status: draft\n", ""), "x.yaml")[0].status is SopStatus.DRAFT


# -- refusals -------------------------------------------------------------------------------


def test_an_unknown_contract_is_refused():
    text = changed("      reporter_answer:\n", "      reporter_answers:\n")
    assert errors_of(text) == [
        f"PGD.v2.yaml:{line_of(text, 'reporter_answers:')}: steps[7].binds.reporter_answers: "
        "unknown contract 'reporter_answers'; contracts are: complaint_intake, operation_report, "
        "patrol_day, patrol_evaluation, patrol_schedule, polmas_activity, reporter_answer, "
        "violation_finding"
    ]


def test_an_unknown_role_is_refused():
    text = changed("time: waktu}", "moment: waktu}")
    assert errors_of(text) == [
        f"PGD.v2.yaml:{line_of(text, 'moment: waktu')}: {ANSWER}.fields.moment: "
        "reporter_answer has no role 'moment'; its roles are: channel, text, time"
    ]


def test_a_missing_required_role_is_refused_and_an_optional_one_may_be_left_out():
    text = changed("{channel: saluran, text: isi, time: waktu}", "{channel: saluran, time: waktu}")
    assert errors_of(text) == [
        f"PGD.v2.yaml:{line_of(text, '{channel: saluran, time')}: {ANSWER}.fields: "
        "reporter_answer needs role 'text': the name of a text or longtext field"
    ]
    spec, _ = load_text(changed(", time: waktu}", "}"), "PGD.v2.yaml")
    assert spec.step("informasi_pelapor").binds["reporter_answer"].field("time") is None


def test_a_field_the_step_does_not_record_is_refused():
    text = changed("text: isi,", "text: isinya,")
    assert errors_of(text) == [
        f"PGD.v2.yaml:{line_of(text, 'isinya')}: {ANSWER}.fields.text: step "
        "'informasi_pelapor' records no field 'isinya'; it records: saluran, waktu, isi"
    ]


def test_a_field_of_the_wrong_type_is_refused():
    text = changed("type: datetime}", "type: date}")
    assert errors_of(text) == [
        f"PGD.v2.yaml:{line_of(text, 'time: waktu')}: {ANSWER}.fields.time: "
        "'waktu' is a date field; role 'time' needs datetime"
    ]


def test_one_field_for_two_roles_is_refused():
    text = changed(
        "{channel: saluran, description: uraian,", "{channel: saluran, description: saluran,"
    )
    errors = errors_of(text)
    assert (
        f"PGD.v2.yaml:{line_of(text, 'description: saluran')}: {INTAKE}.fields.description: "
        "'saluran' is already bound to role 'channel'"
    ) in errors


def test_a_label_that_is_not_among_the_fields_choices_is_refused():
    text = changed("email: E-mail,", "email: Email,")
    assert errors_of(text) == [
        f"PGD.v2.yaml:{line_of(text, 'email: Email')}: {ANSWER}.choices.channel.email: "
        "'Email' is not a choice of field 'saluran'; its choices are: SMS, E-mail, Telepon, "
        "Langsung, Surat, Tidak dapat dihubungi"
    ]


def test_a_missing_meaning_is_refused_and_an_optional_one_may_be_left_out():
    text = changed(" in_person: Langsung,", "")
    assert errors_of(text) == [
        f"PGD.v2.yaml:{line_of(text, 'letter: Surat')}: {ANSWER}.choices.channel: "
        "reporter_answer needs the channel choice(s) meaning: in_person"
    ]
    spec, _ = load_text(changed(", unreachable: Tidak dapat dihubungi}", "}"), "PGD.v2.yaml")
    answer = spec.step("informasi_pelapor").binds["reporter_answer"]
    assert answer.choice("channel", AnswerChannel.UNREACHABLE) is None
    text = changed("open311: Open311}", "}").replace("web: Formulir web, }", "}")
    assert errors_of(text) == [
        f"PGD.v2.yaml:{line_of(text, 'counter: Datang')}: {INTAKE}.choices.channel: "
        "complaint_intake needs the channel choice(s) meaning: web, open311"
    ]
    spec, _ = load_text(changed(" letter: Surat,", ""), "PGD.v2.yaml")
    answer = spec.step("informasi_pelapor").binds["reporter_answer"]
    assert answer.choice("channel", AnswerChannel.LETTER) is None
    assert answer.meaning("channel", "Surat") is None  # offered by the SOP, unknown to the product


def test_a_binding_without_choices_misses_every_required_meaning():
    text = changed(
        "        choices:\n          channel: {sms: SMS, email: E-mail, phone: Telepon, "
        "in_person: Langsung, letter: Surat, unreachable: Tidak dapat dihubungi}\n",
        "",
    )
    assert errors_of(text) == [
        f"PGD.v2.yaml:{line_of(text, 'reporter_answer:')}: {ANSWER}.choices.channel: "
        "reporter_answer needs the channel choice(s) meaning: sms, email, phone, in_person"
    ]


def test_an_unknown_meaning_and_a_label_used_twice_are_refused():
    text = changed("letter: Surat,", "fax: Surat,")
    assert errors_of(text) == [
        f"PGD.v2.yaml:{line_of(text, 'fax: Surat')}: {ANSWER}.choices.channel.fax: 'fax' is "
        "not a meaning of 'channel'; meanings are: sms, email, phone, in_person, letter, "
        "unreachable"
    ]
    text = changed("phone: Telepon, in_person", "phone: SMS, in_person")
    assert errors_of(text) == [
        f"PGD.v2.yaml:{line_of(text, 'phone: SMS')}: {ANSWER}.choices.channel.phone: "
        "'SMS' already means 'sms'"
    ]


def test_choices_for_a_role_that_is_not_a_choice_role_are_refused():
    text = changed(
        "        choices:\n          channel: {sms",
        "        choices:\n          text: {a: b}\n          channel: {sms",
    )
    assert errors_of(text) == [
        f"PGD.v2.yaml:{line_of(text, 'text: {a: b}')}: {ANSWER}.choices.text: 'text' is not a "
        "choice role of reporter_answer; its choice roles are: channel"
    ]


def test_the_shape_of_a_binding_is_checked():
    text = VALID.replace(
        "    time: 10 Menit\n", "    time: 10 Menit\n    binds: [reporter_answer]\n"
    )
    assert errors_of_text(text) == [
        f"x.yaml:{line_of(text, 'binds:')}: steps[3].binds: must be a mapping of contract "
        "names, not a list"
    ]
    text = changed(
        "        fields: {channel: saluran, text", "        field: {channel: saluran, text"
    )
    errors = errors_of(text)
    assert (
        f"PGD.v2.yaml:{line_of(text, 'field: {')}: {ANSWER}.field: unknown key; "
        "did you mean 'fields'?"
    ) in errors
    text = changed(
        "        fields: {channel: saluran, text: isi, time: waktu}",
        "        fields: [saluran, isi]",
    )
    assert (
        f"PGD.v2.yaml:{line_of(text, 'fields: [')}: {ANSWER}.fields: must be a mapping, not a list"
        in errors_of(text)
    )


TWO_ENDS = (
    VALID.replace(
        "      - {label: ada koreksi, to: draft, loop: true}",
        "      - {label: ada koreksi, to: tolak}",
    )
    + """\
  - id: tolak
    no: "5"
    kind: end
    role: kasi
    activity: Menolak
"""
)
ANSWER_BLOCK = """\
    records:
      - name: saluran
        label: Saluran
        type: choice
        choices: [SMS, E-mail, Telepon, Langsung, Tidak dapat dihubungi]
      - {name: isi, label: Isi, type: longtext}
    binds:
      reporter_answer:
        fields: {channel: saluran, text: isi}
        choices:
          channel:
            sms: SMS
            email: E-mail
            phone: Telepon
            in_person: Langsung
            unreachable: Tidak dapat dihubungi
"""


def test_a_contract_is_bound_on_the_step_kinds_it_is_for_and_once_per_sop():
    on_end = TWO_ENDS.replace("    time: 10 Menit\n", "    time: 10 Menit\n" + ANSWER_BLOCK)
    spec, _ = load_text(on_end, "x.yaml")
    assert spec.binding(ContractName.REPORTER_ANSWER)[0].id == "arsip"
    twice = on_end + ANSWER_BLOCK
    assert errors_of_text(twice) == [
        f"x.yaml:{twice[: twice.rindex('reporter_answer:')].count(chr(10)) + 1}: "
        "steps[4].binds.reporter_answer: "
        "reporter_answer is already bound at step 'arsip'"
    ]
    on_start = TWO_ENDS.replace("    time: 15 menit\n", "    time: 15 menit\n" + ANSWER_BLOCK)
    assert errors_of_text(on_start) == [
        f"x.yaml:{line_of(on_start, 'reporter_answer:')}: steps[0].binds.reporter_answer: "
        "reporter_answer is for end steps only; 'terima' is a start step"
    ]


def errors_of_text(text: str) -> list[str]:
    with pytest.raises(SOPValidationError) as caught:
        load_text(text, "x.yaml")
    return [str(p) for p in caught.value.errors]


def test_every_contract_is_described_and_its_meanings_have_names():
    assert set(CONTRACTS) == set(ContractName)
    for name, contract in CONTRACTS.items():
        assert contract.name == name and contract.purpose and contract.roles
        for role in contract.roles:
            assert role.types
            assert len({m.name for m in role.meanings}) == len(role.meanings)


def test_a_binding_is_hashable_and_compares_by_value():
    a = Binding("reporter_answer", (("text", "isi"),), (("channel", "sms", "SMS"),))
    assert a == Binding("reporter_answer", (("text", "isi"),), (("channel", "sms", "SMS"),))
    assert len({a, dataclasses.replace(a)}) == 1
