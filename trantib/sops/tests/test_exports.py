"""The SOP library's XLSX ("Daftar SOP"): one row per SOP in force, its identity as written,
without a login as the library."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from trantib.core.tests.xlsx_support import xlsx_cell, xlsx_column, xlsx_sheet, xlsx_title
from trantib.sops import registry

pytestmark = pytest.mark.django_db


def test_the_daftar_sop_lists_every_sop_in_force_with_its_identity(client: Client) -> None:
    sheet = xlsx_sheet(client.get(reverse("sops:list_xlsx")))
    assert xlsx_title(sheet)[:2] == ["Daftar SOP", "Pustaka SOP Trantib"]
    codes = xlsx_column(sheet, "Kode")
    assert codes == [spec.code for spec in registry.current()]
    row = codes.index("PGD")
    pgd = registry.get("PGD")
    assert xlsx_cell(sheet, row, "Nama SOP").value == pgd.name
    assert xlsx_cell(sheet, row, "Nomor SOP").value == pgd.identity.nomor
    # The document's dates are words ("25 September 2024"): kept as the document writes them.
    effective = xlsx_cell(sheet, row, "Tanggal efektif")
    assert effective.value == "25 September 2024" and effective.data_type == "s"
    assert xlsx_cell(sheet, row, "Baris").value == len(pgd.rows)
    link = xlsx_cell(sheet, row, "Nama SOP").hyperlink.target
    assert link == f"http://testserver{reverse('sops:detail', args=['PGD'])}"
    page = client.get(reverse("sops:list")).content.decode()
    assert f'href="{reverse("sops:list_xlsx")}"' in page
