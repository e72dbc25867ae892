"""A step's ``letter:``: the naskah dinas it writes or waits for, checked by the loader against
the SOP (no Django: the kinds are the letters app's check) and left out of the signed part."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from trantib.engine.errors import SOPValidationError
from trantib.engine.loader import LETTER_KEYS, load_file, load_text
from trantib.engine.spec import LetterInto, LetterNeed, StepKind
from trantib.engine.timing import TimeStandard

from .sop_text import VALID, line_of

LIBRARY = Path(__file__).resolve().parents[2] / "sops" / "library"

# The Kasi records the report and the Camat's order; the draft step records the number and date
# of the signed letter, the Camat checks it (a decision with a correction loop), a wait follows.
LETTERED = (
    VALID.replace(
        "    time: 15 menit\n    next: draft\n",
        "    time: 15 menit\n"
        "    records:\n"
        "      - {name: pelanggar, label: Pelanggar, type: person}\n"
        "      - {name: lokasi, label: Lokasi, type: location}\n"
        "    next: draft\n",
    )
    .replace(
        "    time: 1 jam\n    next: periksa\n",
        "    time: 1 jam\n"
        "    records:\n"
        "      - {name: nomor, label: Nomor surat, type: text, required: true}\n"
        "      - {name: tanggal, label: Tanggal serah, type: date}\n"
        "      - {name: catatan, label: Catatan, type: longtext}\n"
        "    LETTER\n"
        "    next: periksa\n",
    )
    .replace(
        "      - {label: tidak ada koreksi, to: arsip}\n",
        "      - {label: tidak ada koreksi, to: tunggu}\n",
    )
    .replace(
        "  - id: arsip\n",
        "  - id: tunggu\n"
        '    no: "4"\n'
        "    kind: wait\n"
        "    role: kasi\n"
        "    activity: Menunggu\n"
        "    deadline: 7 hari kerja\n"
        "    next: arsip\n"
        "  - id: arsip\n",
    )
)
GOOD = """letter:
      key: teguran
      kind: surat_teguran
      needs: delivered
      paraf: [camat]
      signer: camat
      data: {tingkat: "1", dasar: [Perda Nomor 1 Tahun 2020]}
      fill: {pelanggar_nama: terima.pelanggar, lokasi: terima.lokasi}
      wait: tunggu
      into: {number: nomor, delivered: tanggal}"""


def with_letter(block: str, text: str = LETTERED) -> str:
    return text.replace("LETTER", block, 1)


def errors_of(text: str) -> list[str]:
    with pytest.raises(SOPValidationError) as caught:
        load_text(text, "x.yaml")
    return [str(p) for p in caught.value.errors]


def test_a_step_names_the_letter_it_drafts_and_what_it_needs_of_it():
    spec, _ = load_text(with_letter(GOOD), "x.yaml")
    letter = spec.step("draft").letter
    assert letter is not None and letter.drafts
    assert (letter.key, letter.kind, letter.needs) == ("teguran", "surat_teguran", "delivered")
    assert letter.needs is LetterNeed.DELIVERED
    assert (letter.paraf, letter.signer, letter.wait) == (("camat",), "camat", "tunggu")
    assert dict(letter.data) == {"tingkat": "1", "dasar": ("Perda Nomor 1 Tahun 2020",)}
    assert dict(letter.fill)["pelanggar_nama"] == "terima.pelanggar"
    assert letter.into_field(LetterInto.NUMBER) == "nomor"
    assert letter.into_field(LetterInto.DELIVERED) == "tanggal"
    assert letter.into_field(LetterInto.PDF) is None
    assert spec.letter_source("teguran") == (spec.step("draft"), letter)
    assert spec.step("periksa").letter is None


def test_later_steps_name_the_letter_by_key_and_the_key_defaults_to_the_step_id():
    text = with_letter(GOOD.replace("      key: teguran\n", "")).replace(
        "    question: Ada koreksi?\n",
        "    question: Ada koreksi?\n    letter: {key: draft, needs: initialled}\n",
    )
    spec, _ = load_text(text, "x.yaml")
    assert spec.step("draft").letter.key == "draft"  # type: ignore[union-attr]
    check = spec.step("periksa").letter
    assert check is not None and not check.drafts and check.needs is LetterNeed.INITIALLED
    assert spec.letter_source("draft")[0].id == "draft"  # type: ignore[index]


def test_the_signed_part_leaves_the_letters_out():
    with_block, _ = load_text(with_letter(GOOD), "x.yaml")
    without, _ = load_text(with_letter(""), "x.yaml")
    assert with_block != without
    assert with_block.signed_part() == without.signed_part()


def test_the_published_ppl_pur_and_pgd_kept_their_signed_part_when_they_gained_letters():
    for relative in ("ketertiban/PPL.v2.yaml", "unjuk-rasa/PUR.v2.yaml", "pengaduan/PGD.v2.yaml"):
        path = LIBRARY / relative
        text = path.read_text(encoding="utf-8")
        lettered, _ = load_file(path)
        assert any(s.letter for s in lettered.steps), relative
        stripped, _ = load_text(_without_letters(text), path.name)
        assert not any(s.letter for s in stripped.steps)
        assert lettered.signed_part() == stripped.signed_part(), relative


def _without_letters(text: str) -> str:
    """The file without its ``letter:`` blocks (one line or indented below the key)."""
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        if line.startswith("    letter:"):
            skipping = not line.rstrip().endswith("}") and "}  #" not in line
            continue
        if skipping and line.startswith("      "):
            continue
        skipping = False
        out.append(line)
    return "".join(out)


def test_ppw_v3_is_v2_with_working_days_on_the_teguran_waits():
    v2, _ = load_file(LIBRARY / "patroli" / "PPW.v2.yaml")
    v3, _ = load_file(LIBRARY / "patroli" / "PPW.v3.yaml")
    assert (v3.version, v3.supersedes) == (3, 2)
    waits = {"tunggu_1": "7 hari kerja", "tunggu_2": "3 hari kerja", "tunggu_3": "3 hari kerja"}
    for step_id, text in waits.items():
        assert v3.step(step_id).deadline == TimeStandard.parse(text)
        assert v3.step(step_id).deadline.working  # type: ignore[union-attr]
    assert v3.step("tunggu_pernyataan").deadline == TimeStandard.parse("15 hari")
    back = v3.signed_part()
    steps = tuple(
        dataclasses.replace(s, deadline=v2.step(s.id).deadline) if s.id in waits else s
        for s in back.steps
    )
    assert dataclasses.replace(back, version=2, supersedes=1, steps=steps) == v2.signed_part()


def test_ppw_v3_names_every_letter_of_its_outputs_once():
    spec, _ = load_file(LIBRARY / "patroli" / "PPW.v3.yaml")
    drafted = {s.id: (s.letter.key, s.letter.kind) for s in spec.steps if s.letter}
    assert drafted == {
        "rumuskan_program": ("surat_tugas", "surat_perintah_tugas"),
        "terima_laporan": ("laporan_patroli", "laporan"),
        "beri_teguran": ("pernyataan", "surat_pernyataan"),
        "teguran_1": ("teguran_1", "surat_teguran"),
        "teguran_2": ("teguran_2", "surat_teguran"),
        "teguran_3": ("teguran_3", "surat_teguran"),
        "perintah_penertiban": ("perintah_penertiban", "surat_perintah"),
        "penertiban": ("berita_acara", "berita_acara"),
    }
    ladder = [spec.step(f"teguran_{n}").letter for n in (1, 2, 3)]
    assert [b.previous for b in ladder] == ["pernyataan", "teguran_1", "teguran_2"]  # type: ignore[union-attr]
    assert [b.wait for b in ladder] == ["tunggu_1", "tunggu_2", "tunggu_3"]  # type: ignore[union-attr]
    assert all(b.needs is LetterNeed.DELIVERED for b in ladder)  # type: ignore[union-attr]
    assert spec.step("tunggu_1").starts_at == "teguran_1.tanggal_serah"
    assert spec.step("tunggu_1").kind is StepKind.WAIT


def test_polmas_writes_no_letter():
    spec, _ = load_file(LIBRARY / "polmas" / "POLMAS.v1.yaml")
    assert [s.id for s in spec.steps if s.letter is not None] == []


@pytest.mark.parametrize(
    ("block", "field", "message"),
    [
        (
            GOOD.replace("paraf: [camat]", "paraf: [sekcam]"),
            "steps[1].letter.paraf[0]",
            "unknown role 'sekcam'; roles are: camat, kasi",
        ),
        (
            GOOD.replace("paraf: [camat]", "paraf: [camat, kasi, camat, kasi]"),
            "steps[1].letter.paraf",
            "at most 3 paraf hierarki, not 4",
        ),
        (
            GOOD.replace("signer: camat", "signer: lurah"),
            "steps[1].letter.signer",
            "unknown role 'lurah'",
        ),
        (
            GOOD.replace("terima.lokasi", "terima.alamat"),
            "steps[1].letter.fill.lokasi",
            "'terima.alamat' is not a recorded field (write <step id>.<field name>)",
        ),
        (
            GOOD.replace("wait: tunggu", "wait: periksa"),
            "steps[1].letter.wait",
            "'periksa' is not a wait step of this SOP",
        ),
        (
            GOOD.replace("wait: tunggu", "wait: tunggu\n      previous: pernyataan"),
            "steps[1].letter.previous",
            "no step drafts a letter 'pernyataan'",
        ),
        (
            GOOD.replace("number: nomor", "number: nomer"),
            "steps[1].letter.into.number",
            "step 'draft' records no field 'nomer'; it records: nomor, tanggal, catatan",
        ),
        (
            GOOD.replace("number: nomor", "number: tanggal, dated: catatan"),
            "steps[1].letter.into.dated",
            "'catatan' is a longtext field; dated needs date or datetime",
        ),
        (
            GOOD.replace("needs: delivered", "needs: signed"),
            "steps[1].letter.into.delivered",
            "the letter's delivered exists only once it is delivered: write needs: delivered",
        ),
        (
            GOOD.replace("needs: delivered", "needs: drafted"),
            "steps[1].letter.into.number",
            "the letter's number exists only once it is signed or delivered",
        ),
        (
            GOOD.replace("      needs: delivered\n", "").replace(
                "into: {number: nomor, delivered: tanggal}", "into: {pdf: catatan}"
            ),
            "steps[1].letter.into.pdf",
            "'catatan' is a longtext field; pdf needs files",
        ),
        (
            GOOD.replace("needs: delivered", "needs: approved"),
            "steps[1].letter.needs",
            "'approved' is not one of: drafted, initialled, signed, delivered",
        ),
        (
            GOOD.replace("into: {", "into: {scan: catatan, "),
            "steps[1].letter.into.scan",
            "'scan' is not one of: number, dated, delivered, pdf",
        ),
        (
            GOOD.replace("      kind: surat_teguran\n", ""),
            "steps[1].letter.paraf",
            "'paraf' describes the draft: write it on the step that drafts the letter",
        ),
        (
            GOOD.replace("      key: teguran\n", "      key: teguran\n      nomor: 1\n"),
            "steps[1].letter.nomor",
            "unknown key",
        ),
    ],
)
def test_a_bad_letter_block_is_refused_with_file_line_and_field(block, field, message):
    text = with_letter(block)
    errors = errors_of(text)
    wanted = [e for e in errors if f": {field}: " in e]
    assert wanted, errors
    assert message in wanted[0]
    assert wanted[0].startswith("x.yaml:"), wanted[0]
    line = int(wanted[0].split(":")[1])
    assert line_of(text, "letter:") <= line <= line_of(text, "next: periksa")


def test_a_letter_drafted_twice_or_never_is_refused():
    twice = with_letter(GOOD).replace(
        "    question: Ada koreksi?\n",
        "    question: Ada koreksi?\n    letter: {key: teguran, kind: surat_perintah}\n",
    )
    assert any(
        "steps[2].letter.kind: letter 'teguran' is already drafted at step 'draft'" in e
        for e in errors_of(twice)
    )
    never = with_letter(GOOD).replace(
        "    question: Ada koreksi?\n",
        "    question: Ada koreksi?\n    letter: {key: sp, needs: signed}\n",
    )
    assert any("steps[2].letter.key: no step drafts letter 'sp'" in e for e in errors_of(never))


def test_a_step_that_needs_a_paraf_must_be_one_of_the_letters_paraf():
    block = GOOD.replace("paraf: [camat]", "paraf: []")
    text = with_letter(block).replace(
        "    question: Ada koreksi?\n",
        "    question: Ada koreksi?\n    letter: {key: teguran, needs: initialled}\n",
    )
    assert any("steps[2].letter.needs: role 'camat' initials nothing" in e for e in errors_of(text))
    fine = with_letter(GOOD).replace(
        "    question: Ada koreksi?\n",
        "    question: Ada koreksi?\n    letter: {key: teguran, needs: initialled}\n",
    )
    assert load_text(fine, "x.yaml")[0].step("periksa").letter is not None


def test_an_outside_role_neither_signs_nor_initials():
    text = with_letter(GOOD.replace("signer: camat", "signer: pelapor")).replace(
        "  - {id: camat, name: Camat}\n",
        "  - {id: camat, name: Camat}\n  - {id: pelapor, name: Pelapor, external: true}\n",
    )
    assert any(
        "steps[1].letter.signer: 'pelapor' is outside the unit" in e for e in errors_of(text)
    )


def test_the_schema_names_exactly_the_letter_keys_the_loader_accepts():
    schema = json.loads((LIBRARY.parents[2] / "docs" / "sop-format.schema.json").read_text())
    letter = schema["$defs"]["step"]["properties"]["letter"]
    assert set(letter["properties"]) == LETTER_KEYS
    assert letter["additionalProperties"] is False
    assert set(letter["properties"]["into"]["properties"]) == {i.value for i in LetterInto}
    assert letter["properties"]["needs"]["enum"][:-1] == [n.value for n in LetterNeed]
