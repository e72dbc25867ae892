"""Product words: a step's ``public`` label and an SOP's (or entry step's) ``case_noun``.

Both are Trantib's additions beside the signed document, like bindings: parsed, never part of
:meth:`SOPSpec.signed_part`.
"""

from pathlib import Path

import pytest

from trantib.engine.errors import SOPValidationError
from trantib.engine.loader import load_text

LIBRARY = Path(__file__).resolve().parents[2] / "sops" / "library"
PGD2 = (LIBRARY / "pengaduan" / "PGD.v2.yaml").read_text(encoding="utf-8")
PPW = (LIBRARY / "patroli" / "PPW.v1.yaml").read_text(encoding="utf-8")
POLMAS = (LIBRARY / "polmas" / "POLMAS.v1.yaml").read_text(encoding="utf-8")


def without_product_words(text: str) -> str:
    return "\n".join(
        line for line in text.split("\n") if not line.lstrip().startswith(("public:", "case_noun:"))
    )


def test_the_loader_reads_public_labels_and_case_nouns():
    spec, _ = load_text(PGD2, "PGD.v2.yaml")
    assert spec.case_noun == "pengaduan"
    assert spec.step("camat_arahkan").public == "Camat memberi arahan tindak lanjut"
    assert "mengarakan" in spec.step("camat_arahkan").activity  # the document stays verbatim
    assert spec.noun() == "pengaduan"


def test_an_sop_without_a_noun_calls_its_cases_kasus_and_an_entry_may_name_its_own():
    spec, _ = load_text(without_product_words(PGD2), "PGD.v2.yaml")
    assert spec.case_noun == "kasus"
    assert all(s.public == "" for s in spec.steps)
    ppw, _ = load_text(PPW, "PPW.v1.yaml")
    assert ppw.noun() == "program patroli"
    assert ppw.noun("beri_teguran") == "penegakan"
    assert ppw.noun("patroli") == "program patroli"  # a step without its own word


def test_the_signed_part_ignores_public_labels_and_case_nouns():
    for text, name in ((PGD2, "PGD.v2.yaml"), (PPW, "PPW.v1.yaml"), (POLMAS, "POLMAS.v1.yaml")):
        with_words, _ = load_text(text, name)
        without, _ = load_text(without_product_words(text), name)
        assert with_words != without
        assert with_words.signed_part() == without.signed_part()
    edited, _ = load_text(PGD2.replace("time: 30 menit", "time: 45 menit"), "PGD.v2.yaml")
    assert edited.signed_part() != load_text(PGD2, "PGD.v2.yaml")[0].signed_part()


def test_a_case_noun_on_a_step_that_is_not_an_entry_is_refused():
    text = PGD2.replace(
        "    public: Bukti penyelesaian dibuat",
        "    case_noun: bukti\n    public: Bukti penyelesaian dibuat",
    )
    with pytest.raises(SOPValidationError) as caught:
        load_text(text, "PGD.v2.yaml")
    assert [p.message for p in caught.value.errors] == [
        "only an entry step (entry: true) may name its case"
    ]


def test_public_must_be_text():
    with pytest.raises(SOPValidationError) as caught:
        load_text(PGD2.replace("public: Bukti penyelesaian dibuat", "public: [a, b]"), "x.yaml")
    assert "must be text" in str(caught.value.errors[0])
