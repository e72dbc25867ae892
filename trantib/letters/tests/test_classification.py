"""The classification codes of Permendagri 83/2022 ship as data, and every code a letter is
numbered with is one of them."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from trantib.core.errors import Invalid
from trantib.letters.classification import (
    DATA,
    klasifikasi_check,
    klasifikasi_choices,
    klasifikasi_name,
    klasifikasi_system_check,
)
from trantib.letters.kinds import KINDS
from trantib.letters.models import Register


def test_the_satpol_pp_codes_and_the_general_ones_the_seeds_need_are_there():
    assert klasifikasi_name("300") == "KEAMANAN DAN KETERTIBAN"
    assert klasifikasi_name("300.1") == "SATUAN POLISI PAMONG PRAJA"
    assert klasifikasi_name("300.1.2.1") == "Tata Operasional Polisi Pamong Praja"
    for code in ("300.1.1", "300.1.3", "300.1.4", "300.1.5", "300.1.6", "300.2.12.4"):
        assert klasifikasi_name(code), code
    assert klasifikasi_name("000.1.10") == "Ketertiban dan Keamanan"
    assert klasifikasi_name("000.8.3.3") == "Standar Operasional Prosedur"
    assert klasifikasi_name("100.3.5") == "Surat Perintah"
    assert klasifikasi_name(" 300.1.4 ") == "Perlindungan Masyarakat"
    assert klasifikasi_name("300.1.99") is None
    assert klasifikasi_name("") is None


def test_every_row_names_its_source_and_no_code_is_listed_twice():
    rows = json.loads(DATA.read_text(encoding="utf-8"))
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    assert all(r["name"].strip() and r["source"].startswith("code:") for r in rows)
    # Every sub-code hangs under a code that is itself listed (300.1.2.1 under 300.1.2 …).
    known = set(codes)
    for code in codes:
        if "." in code:
            assert code.rsplit(".", 1)[0] in known, code


def test_the_choices_follow_the_classification_order():
    codes = [code for code, _label in klasifikasi_choices()]
    assert codes.index("000") < codes.index("000.1.2") < codes.index("000.1.10")
    assert codes.index("300.2.2") < codes.index("300.2.10") < codes.index("300.2.12.1")
    assert dict(klasifikasi_choices())["300.1.4"] == "300.1.4 Perlindungan Masyarakat"


def test_every_kinds_default_code_is_known_and_the_system_check_says_so():
    for kind in KINDS.values():
        assert klasifikasi_name(kind.klasifikasi), kind.code
    assert klasifikasi_system_check() == []


def test_an_unknown_code_is_refused_with_the_field_named():
    assert klasifikasi_check(" 300.1.2 ") == "300.1.2"
    assert klasifikasi_check("") == ""
    with pytest.raises(Invalid) as refused:
        klasifikasi_check("300.9", field="registers.0.klasifikasi")
    assert refused.value.field == "registers.0.klasifikasi"
    assert "300.9" in refused.value.message


def test_a_register_with_an_unknown_code_does_not_validate(demo_org):
    register = Register(
        unit=demo_org.unit("CPD"), kind="", name="Umum", klasifikasi="300.1.77", unit_code="CPD"
    )
    with pytest.raises(ValidationError) as refused:
        register.full_clean()
    assert "klasifikasi" in refused.value.message_dict
    register.klasifikasi = "300.1.2.1"
    register.full_clean()
