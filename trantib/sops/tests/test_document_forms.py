"""Forms real flowcharts draw (issue 14, item 2): a decision drawn with one exit, a row number
printed twice, a Waktu for a whole row through several roles, arrows without labels, rounded
boxes only, the document's own headings and F4 paper. ``files/LWK.v1.yaml`` has them all: it
validates, prints them as drawn (nothing more), and runs end to end."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from trantib.cases import services
from trantib.cases.models import Case, Task
from trantib.engine.document import document_of
from trantib.engine.loader import load_file, load_text
from trantib.engine.spec import Shape
from trantib.sops import registry
from trantib.sops.rendering import layout_chart, render_pdf

FILE = Path(__file__).resolve().parent / "files" / "LWK.v1.yaml"
LIBRARY = Path(__file__).resolve().parents[1] / "library"
WIB = ZoneInfo("Asia/Jakarta")


def test_it_validates_and_its_document_layer_is_the_drawing():
    spec, warnings = load_file(FILE)
    assert warnings == []
    doc = document_of(spec)
    assert [r.no for r in doc.rows] == ["1", "2", "3", "3", "4"]
    # each printed row keeps its own Mutu Baku, the two rows "3" too
    assert [r.output for r in doc.rows] == [
        "Laporan",
        "Laporan tercatat",
        "Laporan diperiksa",
        "Laporan diparaf",
        "Arsip",
    ]
    assert [r.time for r in doc.rows] == ["10 menit", "1 jam", "30 menit", "15 menit", "10 menit"]
    # row 2: two symbols in two columns under one Waktu cell
    assert [(s.column, s.shape) for s in doc.rows[1].symbols] == [
        (0, Shape.PROCESS),
        (1, Shape.TERMINATOR),  # a rounded box, as drawn
    ]
    # the Camat's box (symbol 4) has two arrows out as drawn: to the archive and to the Kasi
    assert sorted(a.target for a in doc.arrows if a.source == 4) == [3, 5]
    # the diamond (symbol 3) has one arrow out, unlabelled; no arrow is labelled anywhere
    assert [(a.source, a.target) for a in doc.arrows if a.source == 3] == [(3, 4)]
    assert all(a.label == "" for a in doc.arrows)
    assert (doc.headings.kegiatan, doc.headings.kelengkapan) == (
        "Uraian Kegiatan",
        "Persyaratan/Kelengkapan",
    )
    assert doc.paper == "F4"


def test_the_official_chart_draws_it_as_drawn_and_the_annotated_one_adds_the_way_back():
    spec, _ = load_file(FILE)
    official = layout_chart(spec, view="official")
    edges = [e for page in official.pages for e in page.edges]
    assert sorted((e.src.key, e.dst.key) for e in edges) == [
        ("catat", "terima_kasi"),
        ("paraf", "arsip"),
        ("paraf", "periksa"),
        ("periksa", "paraf"),
        ("terima", "catat"),
        ("terima_kasi", "periksa"),
    ]
    assert all(not e.label_lines for e in edges)
    annotated = layout_chart(spec, view="annotated")
    back = [
        e
        for p in annotated.pages
        for e in p.edges
        if (e.src.key, e.dst.key) == ("periksa", "terima")
    ]
    assert len(back) == 1 and not back[0].drawn and back[0].label_lines
    assert official.paper.name == "F4"


def test_the_official_pdf_prints_its_headings_and_both_rows_numbered_3(tmp_path):
    spec, _ = load_file(FILE)
    pdf = tmp_path / "lwk.pdf"
    pdf.write_bytes(render_pdf(spec))
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(pdf), "-"],  # noqa: S607
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert "Uraian Kegiatan" in text and "Persyaratan/Kelengkapan" in text
    numbered = [line.split()[0] for line in text.splitlines() if line.split()[:1] == ["3"]]
    assert len(numbered) == 2
    assert "tidak lengkap" not in text and "Menerima laporan dari Staf" not in text


def test_a_rows_time_belongs_to_its_lead_only():
    text = FILE.read_text(encoding="utf-8").replace(
        "    title: Menerima laporan dari Staf\n",
        "    title: Menerima laporan dari Staf\n    time: 5 menit\n",
    )
    with pytest.raises(Exception, match="row 2's time is '1 jam' for all its steps"):
        load_text(text, str(FILE))


@pytest.fixture
def library_with_lwk(tmp_path, settings):
    copy = tmp_path / "library"
    shutil.copytree(LIBRARY, copy)
    (copy / "uji").mkdir()
    shutil.copy(FILE, copy / "uji" / FILE.name)
    settings.TRANTIB_SOP_LIBRARY = copy
    registry.reload()
    yield copy
    registry.library.cache_clear()


def _live(case: Case) -> Task:
    return Task.objects.get(case=case, status__in=["open", "claimed"], kind="work")


@pytest.mark.django_db
def test_it_runs_end_to_end_and_the_row_is_due_when_its_time_is_up(library_with_lwk, demo_org):
    start = dt.datetime(2026, 12, 3, 9, 0, tzinfo=WIB)
    case = services.case_start(
        sop_code="LWK",
        unit=demo_org.unit("CPD"),
        actor=demo_org.person("staf.cpd"),
        subject="Laporan warga",
        now=start,
    )
    catat = _live(case)
    assert catat.step_id == "catat"
    assert catat.due_at == catat.created_at + dt.timedelta(hours=1)
    done = catat.created_at + dt.timedelta(minutes=40)
    services.task_complete(task=catat, actor=demo_org.person("staf.cpd"), now=done)
    # The Kasi's part of row 2 is due when the row's hour is up, not an hour after it reached him
    kasi = _live(case)
    assert kasi.step_id == "terima_kasi"
    assert kasi.due_at == catat.created_at + dt.timedelta(hours=1)
    assert kasi.standard == "1 jam"
    later = done + dt.timedelta(minutes=5)
    services.task_complete(task=kasi, actor=demo_org.person("kasi.cpd"), now=later)
    # the way back the document does not draw runs: incomplete → row 1 again
    check = _live(case)
    services.task_complete(
        task=check, actor=demo_org.person("kasi.cpd"), decision="tidak lengkap", now=later
    )
    assert _live(case).step_id == "terima"
    for step, who, decision in (
        ("terima", "staf.cpd", ""),
        ("catat", "staf.cpd", ""),
        ("terima_kasi", "kasi.cpd", ""),
        ("periksa", "kasi.cpd", "lengkap"),
        ("paraf", "camat.cpd", ""),
        ("arsip", "staf.cpd", ""),
    ):
        task = _live(case)
        assert task.step_id == step
        services.task_complete(task=task, actor=demo_org.person(who), decision=decision, now=later)
    case.refresh_from_db()
    assert case.status == "closed"
