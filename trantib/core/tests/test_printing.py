"""The printing helpers every document uses."""

from __future__ import annotations

from trantib.core.printing import css_string, nomor_induk, pdf_from_html


def test_a_civil_servant_gets_nip_and_a_police_officer_nrp():
    assert nomor_induk("19700101 199003 1 001") == "NIP. 19700101 199003 1 001"
    assert nomor_induk("76030412") == "NRP. 76030412"
    assert nomor_induk("NIP. 19700101 199003 1 001") == "NIP. 19700101 199003 1 001"
    assert nomor_induk("  ") == ""


def test_no_text_breaks_out_of_a_css_string():
    quoted = css_string('Kasat "Pol PP"; } </style><script>')
    assert quoted.startswith('"') and quoted.endswith('"')
    assert '"' not in quoted[1:-1] and "<" not in quoted and ";" not in quoted


def test_html_becomes_a_pdf():
    pdf = pdf_from_html("<h1>Surat Teguran I</h1>")
    assert pdf.startswith(b"%PDF") and len(pdf) > 500
