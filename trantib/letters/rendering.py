"""The letter as a document: HTML for the PDF (WeasyPrint) and the Word file (docxtpl).

Placeholder until the templates land: a plain page with the number, date, addressee and body.
"""

from __future__ import annotations

from django.utils.html import escape

from trantib.core.dates import date_id
from trantib.core.printing import pdf_from_html

from .models import Letter


def letter_html(letter: Letter) -> str:
    dated = date_id(letter.dated) if letter.dated else ""
    return (
        "<html><body>"
        f"<h1>{escape(letter.kind_name)}</h1><p>Nomor: {escape(letter.number)}</p>"
        f"<p>{escape(dated)}</p><p>{escape(letter.recipient)}</p>"
        f"<div>{escape(letter.body)}</div>"
        f"<p>{escape(letter.signer_title)}<br>{escape(letter.signer_name)}<br>"
        f"{escape(letter.signer_id_line)}</p></body></html>"
    )


def letter_pdf(letter: Letter) -> bytes:
    return pdf_from_html(letter_html(letter))
