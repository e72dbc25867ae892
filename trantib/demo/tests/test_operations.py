"""The demo's operation files load through the services: the PPL operation of Cipondoh with its
whole file, its Berita Acara signed and its report drafted from the file; the PUR
demonstration with its crowd and escalation."""

from __future__ import annotations

import pytest

from trantib.demo.letter_setup import demo_letter_setup_load
from trantib.demo.operations import demo_operations_load, operation_stories
from trantib.letters.models import Letter, LetterState
from trantib.operations.models import ItemState, Operation

pytestmark = pytest.mark.django_db


def test_the_shipped_operations_read_cleanly() -> None:
    assert [s.key for s in operation_stories()] == ["ppl_operation", "pur_operation"]


def test_the_demo_operations_load_once_with_their_files_and_letters(demo_org) -> None:
    demo_letter_setup_load()
    made = demo_operations_load()
    assert [(m.sop, m.created) for m in made] == [("PPL", True), ("PUR", True)]
    ppl = Operation.objects.get(
        case__sop_code="PPL", case__subject__startswith="Penertiban rumah kos dan warung"
    )
    assert ppl.teams.count() == 2 and ppl.partners.count() == 3 and ppl.results.count() == 2
    assert ppl.readiness.filter(ready=False).count() == 1
    states = sorted(ppl.items.values_list("state", flat=True))
    assert states == sorted([ItemState.HELD, ItemState.HELD, ItemState.RETURNED])
    bas = Letter.objects.filter(case=ppl.case, kind="berita_acara")
    assert {b.data["jenis"] for b in bas} == {"penyitaan", "pengembalian"}
    assert all(b.state == LetterState.SIGNED for b in bas)
    report = Letter.objects.get(case=ppl.case, key="laporan")
    assert "Polsek Cipondoh (4 personel)" in report.data["kegiatan"]
    assert "Hartini: surat pernyataan" in report.data["hasil"]
    pur = Operation.objects.get(case__sop_code="PUR", crowd_group__startswith="Paguyuban")
    assert list(pur.escalations.values_list("level", flat=True)) == [
        "tertib",
        "memanas",
        "kondusif",
    ]
    again = demo_operations_load()
    assert [m.created for m in again] == [False, False]
