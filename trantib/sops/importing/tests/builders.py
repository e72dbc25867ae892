"""Word documents built the way units type their SOPs, for the import tests."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Mm
from docx.table import Table


@dataclass
class Flowchart:
    """A flowchart table: headings as printed, roles, rows (no, activity, marks by role index,
    kelengkapan, waktu, output, ket)."""

    no: str
    kegiatan: str
    pelaksana: str
    mutu_baku: str
    kelengkapan: str
    waktu: str
    output: str
    ket: str
    roles: list[str]
    rows: list[tuple[str, str, dict[int, str], str, str, str, str]]
    column_numbers: bool = False
    extra_heading_row: list[str] = field(default_factory=list)


def new_document(paper: str = "A4") -> Document:
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    width, height = (330, 215) if paper == "F4" else (297, 210)
    section.page_width, section.page_height = Mm(width), Mm(height)
    return document


def save(document: Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def add_flowchart(document: Document, chart: Flowchart) -> Table:
    n = len(chart.roles)
    width = 2 + n + 3 + 1
    header = 3 if chart.column_numbers else 2
    table = document.add_table(rows=header + len(chart.rows), cols=width)
    table.cell(0, 0).merge(table.cell(1, 0)).text = chart.no
    table.cell(0, 1).merge(table.cell(1, 1)).text = chart.kegiatan
    table.cell(0, 2).merge(table.cell(0, 1 + n)).text = chart.pelaksana
    table.cell(0, 2 + n).merge(table.cell(0, 4 + n)).text = chart.mutu_baku
    table.cell(0, 5 + n).merge(table.cell(1, 5 + n)).text = chart.ket
    for i, role in enumerate(chart.roles):
        table.cell(1, 2 + i).text = role
    table.cell(1, 2 + n).text = chart.kelengkapan
    table.cell(1, 3 + n).text = chart.waktu
    table.cell(1, 4 + n).text = chart.output
    if chart.column_numbers:
        for g in range(width):
            table.cell(2, g).text = str(g + 1)
    for r, (no, activity, marks, kel, waktu, output, ket) in enumerate(chart.rows, start=header):
        table.cell(r, 0).text = no
        table.cell(r, 1).text = activity
        for i, mark in marks.items():
            table.cell(r, 2 + i).text = mark
        table.cell(r, 2 + n).text = kel
        table.cell(r, 3 + n).text = waktu
        table.cell(r, 4 + n).text = output
        table.cell(r, 5 + n).text = ket
    return table
