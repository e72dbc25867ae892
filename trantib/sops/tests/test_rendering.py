"""The official SOP document: identity table, flowchart pages, PDF and the web fragment.

The official view prints the document layer only (the steps, arrows and labels the document
draws); the annotated view draws the whole process over it. Both are checked here.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest

from trantib.engine.bindings import CONTRACTS, ContractName
from trantib.engine.document import drawn_arrows, drawn_steps
from trantib.engine.library import library_files
from trantib.engine.loader import load_file, load_text
from trantib.engine.spec import SHAPE_OF_KIND, SOPSpec, StepKind
from trantib.sops.rendering import layout_chart, render_fragment, render_html, render_pdf
from trantib.sops.rendering.layout import (
    CELL_PAD_X,
    CELL_PAD_Y,
    GROUP_HEAD_H,
    PAPERS,
    ChartLayout,
    Shape,
    View,
    flow_links,
)
from trantib.sops.rendering.text import text_width

LIBRARY = Path(__file__).resolve().parents[1] / "library"
STYLESHEETS = Path(__file__).resolve().parents[1] / "static" / "sops" / "document"
FILES = library_files(LIBRARY)
# with the test SOP of the forms real documents draw (drawn_next, a one-exit decision, …)
DRAWINGS = [*FILES, Path(__file__).resolve().parent / "files" / "LWK.v1.yaml"]
SVG_NS = "{http://www.w3.org/2000/svg}"
POPPLER = shutil.which("pdftotext") is not None and shutil.which("pdfinfo") is not None
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext) not installed")
VIEWS = (View.OFFICIAL, View.ANNOTATED)


@cache
def spec_of(path: Path) -> SOPSpec:
    return load_file(path)[0]


@cache
def html_of(path: Path) -> str:
    return render_html(spec_of(path))


@cache
def annotated_html_of(path: Path) -> str:
    return render_html(spec_of(path), view="annotated")


@cache
def pdf_of(path: Path) -> bytes:
    return render_pdf(spec_of(path))


def svgs(html: str) -> list[ET.Element]:
    """Every flowchart page, parsed as XML (which also proves the SVG text is escaped)."""
    found = re.findall(r"<svg\b.*?</svg>", html, re.DOTALL)
    return [ET.fromstring(m) for m in found]  # noqa: S314 — our own output


def texts(svg: ET.Element, css: str) -> list[str]:
    """The visible text of each <text> of the given class, lines joined with spaces."""
    return [
        " ".join(t.text or "" for t in el.iter(f"{SVG_NS}tspan"))
        for el in svg.iter(f"{SVG_NS}text")
        if css in (el.get("class") or "").split()
    ]


def squeeze(text: str) -> str:
    return "".join(text.split())


def pdf_pages(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(  # noqa: S603 — poppler, fixed arguments
        ["pdfinfo", str(path)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)[1])  # type: ignore[index]


def long_sop(steps: int = 25) -> str:
    """A valid SOP too long for one page, with a correction loop from its end to its start."""
    lines = [
        "format: trantib-sop/1",
        "code: LONG",
        "version: 1",
        "status: draft",
        "domain: test",
        "calendar: working",
        "identity:",
        "  instansi: [PEMERINTAH KOTA CONTOH]",
        '  nomor: "300.1/099/2026"',
        "  tanggal_pembuatan: Januari 2026",
        '  tanggal_revisi: ""',
        "  tanggal_efektif: Januari 2026",
        "  disahkan_oleh: {jabatan: CAMAT CONTOH, nama: Budi, nip: '197001012000031001'}",
        "  nama: SOP Panjang",
        "  dasar_hukum: []",
        "  keterkaitan: []",
        "  peringatan: []",
        "  kualifikasi_pelaksana: []",
        "  peralatan_perlengkapan: []",
        "  pencatatan_pendataan: []",
        "roles:",
        "  - {id: staf, name: Staf}",
        "  - {id: kasi, name: Kasi Trantib}",
        "  - {id: camat, name: Camat}",
        "steps:",
    ]
    roles = ["staf", "kasi", "camat"]
    for i in range(1, steps + 1):
        kind = "start" if i == 1 else "end" if i == steps else "process"
        if i == steps - 1:
            kind = "decision"
        lines += [
            f"  - id: s{i}",
            f'    no: "{i}"',
            f"    kind: {kind}",
            f"    role: {roles[i % 3]}",
            f"    activity: Langkah {i} menyiapkan berkas, memeriksa kelengkapan dan "
            "meneruskannya kepada pejabat berikutnya sesuai ketentuan yang berlaku",
            "    time: 15 menit",
        ]
        if kind == "decision":
            lines += [
                "    branches:",
                f"      - {{label: lengkap, to: s{i + 1}}}",
                "      - {label: tidak lengkap, to: s2, loop: true}",
            ]
        elif kind != "end":
            lines.append(f"    next: s{i + 1}")
    return "\n".join(lines) + "\n"


# --- every SOP of the library ----------------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_library_sop_renders_as_a_pdf(path):
    pdf = pdf_of(path)

    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5_000


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_html_shows_every_row_number_activity_and_role(path):
    spec = spec_of(path)
    pages = svgs(html_of(path))

    numbers = [n for svg in pages for n in texts(svg, "no")]
    activities = [squeeze(a) for svg in pages for a in texts(svg, "kegiatan")]
    roles = {" ".join(r.split()) for svg in pages for r in texts(svg, "role")}
    assert numbers == [row.no for row in spec.rows]
    for row, shown in zip(spec.rows, activities, strict=True):
        assert shown.startswith(squeeze(row.lead.activity))
    assert roles == {role.name for role in spec.roles}


SYMBOL = re.compile(r'<(rect|polygon) class="(\w+)" data-step="([^"]+)"')


@pytest.mark.parametrize("path", DRAWINGS, ids=lambda p: p.stem)
def test_the_official_document_draws_each_drawn_step_once_with_its_symbol_as_drawn(path):
    spec = spec_of(path)
    html = html_of(path)
    steps = drawn_steps(spec)

    drawn = SYMBOL.findall(html)

    assert sorted(step for _, _, step in drawn) == sorted(s.id for s in steps)
    for tag, css, step_id in drawn:
        assert css == spec.step(step_id).shape.value
        assert tag == ("polygon" if css == "decision" else "rect")
    decisions = sum(s.shape.value == "decision" for s in steps)
    assert html.count('<polygon class="decision"') == decisions
    # nothing of the process: no step it does not draw, no mark of the annotated view
    assert 'data-drawn="false"' not in html and "process-only" not in html
    assert 'class="subprocedure-bar"' not in html and '<g class="marks">' not in html


@pytest.mark.parametrize("path", DRAWINGS, ids=lambda p: p.stem)
def test_the_annotated_view_draws_each_step_once_with_the_symbol_of_its_kind(path):
    spec = spec_of(path)
    html = annotated_html_of(path)
    shapes = {"start": "terminator", "end": "terminator", "decision": "decision"}

    drawn = SYMBOL.findall(html)

    assert sorted(step for _, _, step in drawn) == sorted(s.id for s in spec.steps)
    for tag, css, step_id in drawn:
        expected = shapes.get(spec.step(step_id).kind.value, "process")
        assert css == expected == SHAPE_OF_KIND[spec.step(step_id).kind].value
        assert tag == ("polygon" if css == "decision" else "rect")
    decisions = sum(s.kind is StepKind.DECISION for s in spec.steps)
    assert html.count('<polygon class="decision"') == decisions
    # the steps the document does not draw are marked as the product's
    undrawn = sorted(re.findall(r'data-step="([^"]+)" data-kind="\w+" data-drawn="false"', html))
    assert undrawn == sorted(s.id for s in spec.steps if not s.drawn)
    # and the process's decorations: a wait's deadline, a sub-procedure's double bars
    kinds = {s.kind for s in spec.steps}
    if StepKind.WAIT in kinds:
        assert 'class="deadline"' in html
    if StepKind.SUBPROCEDURE in kinds:
        assert 'class="subprocedure-bar"' in html


def arrows_drawn(chart: ChartLayout) -> dict[tuple[str, str], list]:
    """The edges that carry each arrow (source step, target step): drawn directly, or from
    the source to its off-page connector."""
    found: dict[tuple[str, str], list] = {}
    for page in chart.pages:
        for edge in page.edges:
            if not edge.points or edge.src.key.startswith("in:"):
                continue
            target = edge.dst.key.removeprefix("out:")
            found.setdefault((edge.src.key, target), []).append(edge)
    return found


def assert_reaches_its_target(chart: ChartLayout, src: str, dst: str) -> None:
    pairs = {(e.src.key, e.dst.key) for page in chart.pages for e in page.edges if e.points}
    direct = (src, dst) in pairs
    via_connectors = (src, f"out:{dst}") in pairs and (f"in:{dst}", dst) in pairs
    assert direct or via_connectors, f"{src} -> {dst} is not drawn"


@pytest.mark.parametrize("path", DRAWINGS, ids=lambda p: p.stem)
def test_the_official_document_draws_exactly_its_arrows_labelled_only_where_it_labels_them(path):
    spec = spec_of(path)
    chart = layout_chart(spec)
    arrows = drawn_arrows(spec)
    drawn = arrows_drawn(chart)

    for src, dst, _ in arrows:
        assert_reaches_its_target(chart, src, dst)
    assert set(drawn) == {(src, dst) for src, dst, _ in arrows}  # no branch it does not draw
    for src, dst, label in arrows:
        shown = {" ".join(e.label_lines) for e in drawn[(src, dst)]}
        assert shown == {label}, f"{src} -> {dst} is labelled {shown}, not '{label}'"
    edges = [e for page in chart.pages for e in page.edges]
    assert all(e.drawn and e.label_drawn for e in edges)


@pytest.mark.parametrize("path", DRAWINGS, ids=lambda p: p.stem)
def test_the_annotated_view_draws_every_arrow_of_the_flow_with_its_branch_label(path):
    spec = spec_of(path)
    chart = layout_chart(spec, view="annotated")
    drawn = arrows_drawn(chart)
    labels = {(e.src.key, " ".join(e.label_lines)) for page in chart.pages for e in page.edges}
    document = {(src, dst) for src, dst, _ in drawn_arrows(spec)}

    for link in flow_links(spec, View.ANNOTATED):
        assert_reaches_its_target(chart, link.src, link.dst)
        if link.label:
            assert (link.src, link.label) in labels
        # marked as the document's or as the product's, and so is its label
        for edge in drawn[(link.src, link.dst)]:
            assert (edge.drawn, edge.label_drawn) == (link.drawn, link.label_drawn)
        if link.drawn and not link.dashed:
            assert (link.src, link.dst) in document


def titled_rows(spec: SOPSpec) -> list:
    """Rows of several steps where some step has a title of its own."""

    def norm(text: str) -> str:
        return " ".join(text.split())

    return [
        row
        for row in spec.rows
        if len(row.steps) > 1
        and any(norm(s.display_title) != norm(row.lead.activity) for s in row.steps)
    ]


@pytest.mark.parametrize("path", DRAWINGS, ids=lambda p: p.stem)
def test_only_the_annotated_view_letters_a_rows_steps_and_lists_their_titles(path):
    spec = spec_of(path)
    official = layout_chart(spec)
    annotated = layout_chart(spec, view="annotated")

    def kegiatan(chart: ChartLayout, row_key: str) -> list:
        return [
            line
            for page in chart.pages
            for placed in page.rows
            if placed.plan.row.key == row_key
            for line in placed.plan.cells["kegiatan"]
        ]

    assert not [n.key for page in official.pages for n in page.nodes if n.letter]
    assert all(line.css != "substep" for row in spec.rows for line in kegiatan(official, row.key))
    # a connector names the row only: the document letters no symbol
    numbers = {row.no for row in spec.rows}
    assert all(n.ref in numbers for page in official.pages for n in page.connectors)
    nodes = {n.key: n for page in annotated.pages for n in page.nodes}
    for row in titled_rows(spec):
        letters = [nodes[s.id].letter for s in row.steps]
        assert letters == [chr(ord("a") + i) for i in range(len(row.steps))], row.no
        assert any(line.css == "substep" for line in kegiatan(annotated, row.key)), row.no


def assert_arrows_go_round_symbols(chart) -> None:
    """Every arrow is orthogonal, ends on its target's outline and cuts through no symbol."""
    for page in chart.pages:
        for edge in page.edges:
            pts = edge.points
            assert all(a[0] == b[0] or a[1] == b[1] for a, b in pairwise(pts))
            x0, y0, x1, y1 = edge.dst.bbox
            ex, ey = pts[-1]
            assert (ex in (x0, x1) and y0 <= ey <= y1) or (ey in (y0, y1) and x0 <= ex <= x1)
            for i, (a, b) in enumerate(pairwise(pts)):
                for node in page.nodes:
                    if (i == 0 and node is edge.src) or (i == len(pts) - 2 and node is edge.dst):
                        continue
                    nx0, ny0, nx1, ny1 = node.bbox
                    crosses = (
                        min(a[0], b[0]) < nx1
                        and max(a[0], b[0]) > nx0
                        and min(a[1], b[1]) < ny1
                        and max(a[1], b[1]) > ny0
                    )
                    assert not crosses, f"{edge.src.key}->{edge.dst.key} cuts {node.key}"


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_arrows_go_round_symbols_and_end_on_their_target(path, view):
    assert_arrows_go_round_symbols(layout_chart(spec_of(path), view=view))


def random_sop(seed: int) -> str:
    """An SOP of random shape: 2-6 roles, rows of several steps, decisions jumping forward
    and back (correction loops), long and short texts."""
    rng = random.Random(seed)
    roles = [f"r{i}" for i in range(rng.randint(2, 6))]
    count = rng.randint(4, 30)
    words = ["memeriksa", "surat", "perintah", "laporan", "kepada", "Kasi", "dan", "draft"]
    lines = long_sop(2).split("roles:")[0].replace("code: LONG", "code: RND").splitlines()
    lines += ["roles:", *(f"  - {{id: {r}, name: Peran {r}}}" for r in roles), "steps:"]
    no = 0
    for i in range(count):
        no += 0 if i and rng.random() < 0.3 else 1
        kind = (
            "start"
            if i == 0
            else "end"
            if i == count - 1
            else rng.choice(["process", "process", "process", "decision", "wait"])
        )
        text = " ".join(rng.choice(words) for _ in range(rng.randint(2, 40)))
        lines += [f"  - id: s{i}", f'    no: "{no}"', f"    kind: {kind}"]
        lines += [f"    role: {rng.choice(roles)}", f"    activity: {text}"]
        if kind == "wait":
            lines.append("    deadline: 7 hari")
        if kind == "decision":
            other = rng.randint(1, count - 1)
            lines += [
                "    branches:",
                f"      - {{label: ya, to: s{i + 1}}}",
                f"      - {{label: tidak sesuai, to: s{other}, loop: {str(other <= i).lower()}}}",
            ]
        elif kind != "end":
            lines.append(f"    next: s{i + 1}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(12))
def test_arrows_of_randomly_shaped_sops_go_round_symbols_on_both_papers(seed):
    spec, _ = load_text(random_sop(seed))

    for paper in PAPERS:
        chart = layout_chart(spec, paper)
        assert_arrows_go_round_symbols(chart)
        assert svgs(render_html(spec, paper=paper))  # renders, and the SVG is well-formed


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_cell_text_fits_its_cell_and_every_page_fits_the_paper(path, view):
    spec = spec_of(path)
    chart = layout_chart(spec, view=view)
    room = chart.paper.content_height

    for page in chart.pages:
        assert page.height + 1 <= room
        for placed in page.rows:
            for key, lines in placed.plan.cells.items():
                inner = chart.grid.column(key).width - 2 * CELL_PAD_X
                for line in lines:
                    width = text_width(line.text, line.style.size, bold=line.style.bold)
                    assert line.indent + width <= inner, (placed.plan.row.no, key, line.text)
                used = sum(line.style.leading for line in lines) + 2 * CELL_PAD_Y
                assert used <= placed.height + 0.01


@needs_poppler
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_pdf_has_the_identity_page_then_one_page_per_chart_page(path, tmp_path):
    chart = layout_chart(spec_of(path))

    assert pdf_pages(pdf_of(path), tmp_path) == 1 + len(chart.pages)


@needs_poppler
@pytest.mark.parametrize("code", ["RTHM", "OPP", "PPW"])
def test_long_texts_do_not_overflow_their_cells_in_the_printed_pdf(code, tmp_path):
    """Measured in the real PDF: no word of a text column crosses a column or row line."""
    path = next(p for p in FILES if p.stem.startswith(f"{code}."))
    chart = layout_chart(spec_of(path))
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(pdf_of(path))
    out = subprocess.run(  # noqa: S603
        ["pdftotext", "-bbox", str(pdf), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pages = re.findall(r"<page [^>]*>(.*?)</page>", out, re.DOTALL)
    word = re.compile(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    margin = 10 * 72 / 25.4 + 0.5  # page margin + the SVG's half-stroke offset
    grid = chart.grid
    text_cols = [c for c in grid.columns if not c.key.startswith("role:")]
    edges_x = sorted({margin + x for c in text_cols for x in (c.x, c.right)})
    # The group headings (Pelaksana, Mutu Baku) span their columns: the lines between those
    # columns start under the group band, so a word in the band may only not cross the others.
    mutu_l, mutu_r = grid.column("kelengkapan").x, grid.column("output").right
    band_x = [x for x in edges_x if not mutu_l + 0.01 < x - margin < mutu_r - 0.01]
    band_bottom = margin + GROUP_HEAD_H
    checked = 0
    for page, body in zip(chart.pages, pages[1:], strict=True):
        rows_y = [margin + r.y for r in page.rows] + [margin + page.height]
        for x0, y0, x1, y1, text in word.findall(body):
            x0, y0, x1, y1 = map(float, (x0, y0, x1, y1))
            if y0 > margin + page.height:
                continue  # the footer
            if grid.role_left + margin < (x0 + x1) / 2 < grid.role_right + margin:
                continue  # the chart itself (branch labels, letters)
            lines_x = band_x if y1 <= band_bottom else edges_x
            assert not any(x0 + 0.3 < x < x1 - 0.3 for x in lines_x), text
            assert not any(y0 + 0.3 < y < y1 - 0.3 for y in rows_y), text
            checked += 1
    assert checked > 100


# --- pagination and connectors ---------------------------------------------------------------


def test_a_long_sop_continues_over_pages_through_matching_off_page_connectors():
    spec, _ = load_text(long_sop())
    chart = layout_chart(spec)

    assert len(chart.pages) >= 2
    outs = {
        n.key.split(":", 1)[1]: n.ref
        for p in chart.pages
        for n in p.connectors
        if n.key.startswith("out:")
    }
    ins = {
        n.key.split(":", 1)[1]: n.ref
        for p in chart.pages
        for n in p.connectors
        if n.key.startswith("in:")
    }
    assert outs
    assert outs == ins  # every connector at a page's foot has its twin above the target
    for target, ref in outs.items():
        assert ref == spec.step(target).no
    # the page break: the last row of page 1 leads to a connector, page 2 starts from one
    first, second = chart.pages[0], chart.pages[1]
    last_step = first.rows[-1].plan.row.lead.id
    assert any(e.src.key == last_step and e.dst.shape is Shape.CONNECTOR for e in first.edges)
    assert any(e.src.shape is Shape.CONNECTOR for e in second.edges)
    # the correction loop from the last page back to step 2 crosses pages too
    assert "s2" in outs


def test_a_long_sop_repeats_the_table_header_on_every_page_and_draws_the_connectors():
    spec, _ = load_text(long_sop())
    html = render_html(spec)
    pages = svgs(html)

    assert len(pages) >= 2
    for svg in pages:
        heads = " ".join(texts(svg, "head"))
        assert "Kegiatan" in heads and "Kelengkapan" in heads and "Camat" in heads
    assert html.count('<polygon class="connector"') == sum(
        len(p.connectors) for p in layout_chart(spec).pages
    )


def test_the_pdf_of_a_long_sop_has_a_page_for_each_part_of_the_chart():
    import weasyprint

    spec, _ = load_text(long_sop())
    document = weasyprint.HTML(string=render_html(spec)).render()

    assert len(document.pages) == 1 + len(layout_chart(spec).pages) >= 3


def test_rows_of_several_steps_put_each_step_in_its_own_role_column():
    spec = spec_of(LIBRARY / "pengaduan" / "PGD.v1.yaml")
    chart = layout_chart(spec)
    nodes = {n.key: n for p in chart.pages for n in p.nodes}

    staf, kasi = nodes["staf_sampaikan"], nodes["kasi_teruskan"]
    assert staf.cx == chart.grid.column("role:staf").center
    assert kasi.cx == chart.grid.column("role:kasi_trantib").center
    assert staf.cy == kasi.cy  # a hand-over runs across the row


def test_steps_of_one_row_and_one_role_stack_downwards():
    # PPW's Kasat steps of row 7 are the product's (drawn: false): the annotated view draws them
    path = next(p for p in FILES if p.stem.startswith("PPW."))
    chart = layout_chart(spec_of(path), view="annotated")
    nodes = {n.key: n for p in chart.pages for n in p.nodes}

    kasat = ["cek_pernyataan", "teguran_1", "cek_1", "teguran_2", "cek_2", "teguran_3"]
    ys = [nodes[k].cy for k in kasat]
    assert ys == sorted(ys) and len(set(ys)) == len(ys)
    assert len({nodes[k].cx for k in kasat}) == 1


# --- paper, escaping, fragment ---------------------------------------------------------------


def test_f4_paper_is_larger_than_a4_in_the_pdf():
    import weasyprint

    spec = spec_of(LIBRARY / "pengaduan" / "PGD.v1.yaml")
    a4 = weasyprint.HTML(string=render_html(spec, paper="A4")).render().pages[0]
    f4 = weasyprint.HTML(string=render_html(spec, paper="F4")).render().pages[0]

    px_per_mm = 96 / 25.4
    assert (round(a4.width / px_per_mm), round(a4.height / px_per_mm)) == (297, 210)
    assert (round(f4.width / px_per_mm), round(f4.height / px_per_mm)) == (330, 215)
    assert layout_chart(spec, "F4").grid.width > layout_chart(spec, "A4").grid.width


def test_an_unknown_paper_is_refused():
    spec = spec_of(LIBRARY / "pengaduan" / "PGD.v1.yaml")

    with pytest.raises(ValueError, match="A4 or F4"):
        render_html(spec, paper="Letter")
    assert set(PAPERS) == {"A4", "F4"}


def test_text_with_markup_characters_is_escaped_everywhere():
    from trantib.engine.tests.sop_text import VALID

    text = (
        VALID.replace("activity: Menerima laporan", 'activity: "Menerima <b>laporan</b> & berkas"')
        .replace("name: Camat}", 'name: "Camat <Kota> & Co"}')
        .replace("nama: SOP Contoh", "nama: 'SOP </style><script>alert(1)</script> \"x\"'")
        .replace("[Perda Nomor 1 Tahun 2020]", "['Perda <i>1</i> & Perwali']")
    )
    spec, _ = load_text(text)
    html = render_html(spec)

    assert "<b>laporan" not in html and "<script>" not in html and "<i>1" not in html
    assert "Perda &lt;i&gt;1&lt;/i&gt; &amp; Perwali" in html
    pages = svgs(html)  # parses: the SVG is well-formed XML
    assert "Menerima <b>laporan</b> & berkas" in texts(pages[0], "kegiatan")
    assert "Camat <Kota> & Co" in texts(pages[0], "role")
    assert render_pdf(spec).startswith(b"%PDF")


IDENTITY_LISTS = (
    "dasar_hukum",
    "kualifikasi_pelaksana",
    "keterkaitan",
    "peralatan_perlengkapan",
    "peringatan",
    "pencatatan_pendataan",
)


def test_empty_identity_items_print_a_dash_and_no_logo_placeholder():
    path = next(p for p in FILES if p.stem.startswith("PPW."))
    ident = spec_of(path).identity
    html = html_of(path)
    identity = html[html.index('<section class="sop-identity">') : html.index("</table>")]

    assert ident.nomor == "" and ident.instansi == ()  # the seed has no identity block
    assert "None" not in html
    assert '<td class="sop-nomor">-</td>' in identity
    assert '<div class="sop-instansi-line">-</div>' in identity
    for label in ("Tgl. Pembuatan", "Tgl. Revisi", "Tgl. Efektif"):
        assert f'<th scope="row">{label}</th><td>-</td>' in identity
    assert re.search(r'<td class="sop-approval">\s*-\s*</td>', identity)
    assert all(getattr(ident, name) == () for name in IDENTITY_LISTS)
    assert identity.count('<div class="sop-list-one">-</div>') == len(IDENTITY_LISTS)
    assert "<li>" not in identity
    assert "LOGO" not in html and "sop-logo" not in identity  # no logo given: none printed


def test_the_identity_table_has_the_thirteen_items():
    spec = spec_of(LIBRARY / "pengaduan" / "PGD.v1.yaml")
    html = render_html(spec)
    ident = spec.identity

    for label in (
        "Nomor SOP", "Tgl. Pembuatan", "Tgl. Revisi", "Tgl. Efektif", "Disahkan oleh",
        "Nama SOP", "Dasar Hukum", "Kualifikasi Pelaksana", "Keterkaitan",
        "Peralatan/Perlengkapan", "Peringatan", "Pencatatan dan Pendataan",
    ):  # fmt: skip
        assert f">{label}" in html
    for line in ident.instansi:
        assert line in html
    lists = [getattr(ident, name) for name in IDENTITY_LISTS]
    # a list of several items is numbered; a single item is written as it is, none as "-"
    assert html.count("<li>") == sum(len(items) for items in lists if len(items) > 1)
    assert html.count('<div class="sop-list-one">') == sum(len(items) <= 1 for items in lists)
    for items in lists:
        if len(items) == 1:
            assert f'<div class="sop-list-one">{items[0]}</div>' in html
        for item in items if len(items) > 1 else ():
            assert f"<li>{item}</li>" in html
    assert "LOGO" not in html


def test_disahkan_oleh_prints_the_jabatan_then_the_name_then_the_pangkat_then_the_nrp():
    from trantib.engine.tests.sop_text import VALID

    spec, _ = load_text(
        VALID.replace(
            'nama: Budi, nip: "197001012000031001"',
            'nama: Budi Santoso, nip: "76050993", pangkat: AJUN KOMISARIS BESAR POLISI',
        )
    )
    html = render_fragment(spec)
    approval = html[html.index('<td class="sop-approval">') :]
    approval = approval[: approval.index("</td>")]

    order = ["CAMAT CONTOH", "Budi Santoso", "AJUN KOMISARIS BESAR POLISI", "NRP. 76050993"]
    assert [approval.index(text) for text in order] == sorted(approval.index(t) for t in order)


def test_a_police_approver_is_shown_with_an_nrp_and_a_civil_servant_with_a_nip():
    from trantib.engine.tests.sop_text import VALID

    police, _ = load_text(VALID.replace('nip: "197001012000031001"', 'nip: "76050993"'))
    civil, _ = load_text(VALID)

    assert "NRP. 76050993" in render_fragment(police)
    assert "NIP. 197001012000031001" in render_fragment(civil)


def test_the_fragment_is_an_article_without_inline_css_and_its_stylesheets_are_scoped():
    spec = spec_of(LIBRARY / "pengaduan" / "PGD.v1.yaml")
    fragment = render_fragment(spec).strip()

    assert fragment.startswith('<article class="sop-document"')
    assert fragment.endswith("</article>")
    assert "@page" not in fragment and "<html" not in fragment
    assert "<style" not in fragment  # the page links them (CSP: no inline style)
    css = (STYLESHEETS / "article.css").read_text() + (
        STYLESHEETS / "article-narrow.css"
    ).read_text()
    selectors = [
        s.strip() for block in re.findall(r"([^{}]+)\{[^{}]*\}", css) for s in block.split(",")
    ]
    assert selectors and all(
        s.startswith(".sop-document") for s in selectors if s and "/*" not in s
    )
    assert len(svgs(fragment)) == len(layout_chart(spec).pages)


def test_the_standalone_html_is_print_ready():
    spec = spec_of(LIBRARY / "pengaduan" / "PGD.v1.yaml")
    html = render_html(spec, paper="F4")

    assert html.startswith("<!DOCTYPE html>")
    assert "size: 330.0mm 215.0mm" in html
    assert ".sop-document" in html  # the stylesheets travel inside the file
    assert 'media="screen and (max-width: 640px)"' in html  # the phone layout
    assert 'counter(page) " dari " counter(pages)' in html


def test_bindings_are_never_printed():
    """A binding is the product's contract with a step, not part of the signed document."""
    spec = spec_of(LIBRARY / "pengaduan" / "PGD.v2.yaml")
    assert spec.binding(ContractName.REPORTER_ANSWER) is not None
    html = render_html(spec)
    assert html == render_html(spec.signed_part())
    assert render_fragment(spec) == render_fragment(spec.signed_part())
    for word in ("binds", *CONTRACTS, "in_person", "unreachable"):
        assert word not in html
