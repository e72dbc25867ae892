"""The demo's sample files, made here rather than stored: a file's ``kind`` in the YAML names
one of these (``photo``, ``pixel``, ``pdf`` with a ``title``)."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO

KINDS = frozenset({"photo", "pixel", "pdf"})

# A 1x1 PNG: the demo complaints' evidence photo.
PIXEL = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def png(width: int = 48, height: int = 32) -> bytes:
    """A small grey-green picture: a real PNG, so a downloaded demo photo opens."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    row = b"\x00" + bytes([96, 128, 96]) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def pdf(title: str) -> bytes:
    """A one-page PDF with one line of text (a draft letter)."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def sample(kind: str, title: str = "") -> bytes:
    """The bytes of a sample file of ``kind`` (one of ``KINDS``)."""
    if kind == "photo":
        return png()
    if kind == "pixel":
        return PIXEL
    return pdf(title)


def receipt_photo(number: str, received_by: str) -> bytes:
    """A JPEG standing for the photo of a signed tanda terima: a receipt slip on a desk, with
    the letter's number, the receiver's name and a scribbled signature."""
    from PIL import Image, ImageDraw, ImageFont

    font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    bold: ImageFont.FreeTypeFont | ImageFont.ImageFont
    body: ImageFont.FreeTypeFont | ImageFont.ImageFont
    try:
        bold = ImageFont.truetype(font_path.replace(".ttf", "-Bold.ttf"), 26)
        body = ImageFont.truetype(font_path, 19)
    except OSError:  # no DejaVu: Pillow's own font still writes the words
        bold = body = ImageFont.load_default()
    slip = Image.new("RGB", (520, 330), "#fbfaf4")
    d = ImageDraw.Draw(slip)
    d.text((260, 34), "TANDA TERIMA SURAT", font=bold, fill="#222", anchor="mm")
    d.line((40, 58, 480, 58), fill="#444", width=2)
    rows = [("Nomor", number or "-"), ("Diterima oleh", received_by), ("Tanda tangan", "")]
    for i, (label, value) in enumerate(rows):
        y = 88 + i * 44
        d.text((40, y), label, font=body, fill="#333")
        d.text((195, y), ": " + value[:30], font=body, fill="#1a3a8a")
    d.line(
        [(215, 220), (240, 196), (252, 232), (275, 190), (290, 226), (318, 204), (350, 214)],
        fill="#1a3a8a",
        width=3,
    )
    d.line((40, 290, 480, 290), fill="#bbb", width=1)
    photo = Image.new("RGB", (640, 480), "#8a6a4a")  # the desk
    shade = ImageDraw.Draw(photo)
    for y in range(0, 480, 12):
        shade.line((0, y, 640, y + 30), fill="#80603f", width=3)
    photo.paste(slip.rotate(4, expand=True, fillcolor="#8a6a4a"), (50, 60))
    out = BytesIO()
    photo.save(out, "JPEG", quality=80)
    return out.getvalue()
