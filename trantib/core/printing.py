"""What every printed document shares (the official SOP document today; letters and reports
next): HTML to PDF through WeasyPrint, CSS strings no text can break out of, and the
NIP/NRP line under a signature."""

from __future__ import annotations

import logging
import re


def pdf_from_html(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF of an HTML document (fonts from the system, no network)."""
    # WeasyPrint logs each step of the layout at INFO: a document is not news.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    import weasyprint  # heavy: imported when something is printed, not when the app starts

    pdf = weasyprint.HTML(string=html, base_url=base_url).write_pdf()
    if pdf is None:  # write_pdf() without a target returns the bytes
        raise RuntimeError("WeasyPrint returned no PDF")
    return bytes(pdf)


def css_string(text: str) -> str:
    """A CSS string literal that no text can break out of (nor out of the <style> element)."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,-/:()" else f"\\{ord(ch):x} " for ch in text)
    return f'"{escaped}"'


def nomor_induk(number: str) -> str:
    """NIP for civil servants (18 digits), NRP for police (8 digits), as a signature block
    writes it: ``NIP. 19700101 199003 1 001``, ``NRP. 76030412``."""
    text = number.strip()
    if not text or re.match(r"^(NIP|NRP)\b", text, re.IGNORECASE):
        return text
    digits = re.sub(r"\D", "", text)
    return f"NRP. {text}" if len(digits) == 8 else f"NIP. {text}"
