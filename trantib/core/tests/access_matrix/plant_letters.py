"""The planted letters of Kecamatan Cipondoh, through the services: a draft, a Surat Teguran
signed on paper and delivered with a photo, and an incoming letter with its disposition.

The signed letter is also planted as ``verification``: what the public page its QR code opens
is meant to show (its number and the SHA-256 of its official copy), declared public. The rest of
the letter — the hal, the violator's name and NIK, the place, who received it — is its markers,
found only by who may see Cipondoh: on the public page, by nobody."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from trantib.conftest import DemoOrg
from trantib.core.printing import pdf_from_html
from trantib.letters.services import (
    disposition_create,
    incoming_record,
    letter_deliver,
    letter_draft,
    letter_number,
    letter_signed_copy_attach,
    letter_submit,
)
from trantib.letters.tests.support import pdf, png

if TYPE_CHECKING:
    from .planted import Planted

# The signed letter's words: none may reach its public verification page.
SIGNED_HAL = "Teguran I lapak Ombrevast"
VIOLATOR = "Taldrimo Usbekara"
VIOLATOR_NIK = "3671012208880007"
PLACE = "Jl. Kelvandri Raya No. 4"
RECEIVED_BY = "Yuswanti Greddalo"


def plant_cpd_letters(p: Planted, demo_org: DemoOrg, now: dt.datetime) -> None:
    cpd = demo_org.unit("CPD")
    who = demo_org.person
    letter = letter_draft(
        unit=cpd,
        kind="nota_dinas",
        actor=who("kasi.cpd"),
        hal="Rapat koordinasi Zephyrindo",
        signer_role="camat",
        recipient="Sekretaris Kecamatan",
        body="Mengundang rapat koordinasi Zephyrindo.",
        now=now,
    )
    p.add("letter", letter, "CPD", ("Zephyrindo",))
    _signed(p, demo_org, now)

    incoming = incoming_record(
        unit=cpd,
        actor=who("staf.cpd"),
        received_on=timezone.localdate(now),
        sender="Dinas Perhubungan Kota Tangerang",
        number="551/Halvorsk/2026",
        dated=timezone.localdate(now),
        subject="Permohonan pengamanan Halvorsk",
        scan=pdf("Pindaian Halvorsk"),
        scan_name="pindaian.pdf",
        now=now,
    )
    p.add("incoming", incoming, "CPD", ("Halvorsk",))
    disposition = disposition_create(
        incoming=incoming,
        actor=who("camat.cpd"),
        to_role="kasi_trantib",
        instruction="Siapkan personel Halvorsk",
        now=now,
    )
    p.add("disposition", disposition, "CPD", ("Halvorsk",))


def _signed(p: Planted, demo_org: DemoOrg, now: dt.datetime) -> None:
    """Drafted by the Camat himself (no paraf: approved on submission), numbered, the scan of
    the copy he signed by hand attached (the official copy: a PDF with the letter's words, for
    pdftotext to find them), and delivered with a photo of the receipt."""
    camat = demo_org.person("camat.cpd")
    draft = letter_draft(
        unit=demo_org.unit("CPD"),
        kind="surat_teguran",
        actor=camat,
        hal=SIGNED_HAL,
        signer_role="camat",
        paraf_roles=[],
        recipient=f"Sdr. {VIOLATOR}",
        body="Dengan ini kami menegur Saudara atas lapak Ombrevast.",
        data={
            "tingkat": "1",
            "pelanggar_nama": VIOLATOR,
            "pelanggar_nik": VIOLATOR_NIK,
            "lokasi": PLACE,
            "perda": "Perda 8/2018 Pasal 5",
            "kewajiban": "Membongkar lapak Ombrevast",
            "tempo": "7 hari kerja",
        },
        now=now,
    )
    approved = letter_submit(letter=draft, actor=camat, now=now)
    numbered = letter_number(letter=approved, actor=camat, now=now)
    signed = letter_signed_copy_attach(
        letter=numbered,
        actor=camat,
        content=pdf_from_html(
            f"<p>Nomor {numbered.number}</p><p>Kepada Sdr. {VIOLATOR}</p><p>Hal {SIGNED_HAL}</p>"
        ),
        filename="teguran-bertanda-tangan.pdf",
        now=now,
    )
    delivery = letter_deliver(
        letter=signed,
        actor=demo_org.person("kasi.cpd"),
        received_by=RECEIVED_BY,
        received_at=now,
        place=PLACE,
        photo=png(),
        photo_name="tanda-terima.png",
        now=now,
    )
    # Not the signer's NIP: the demo's, it is no word found nowhere else (the API's schema
    # cites it as an example); letters/tests/test_verify.py keeps it off the public page.
    p.add("letter_signed", signed, "CPD", ("Ombrevast", "Usbekara", VIOLATOR_NIK, "Kelvandri"))
    p.add("delivery", delivery, "CPD", ("Greddalo",))
    # What the page behind the QR code is for: anyone holding the code may check these.
    shown = (signed.number, signed.official_sha256)
    p.add("verification", signed, "CPD", shown, public=shown)
