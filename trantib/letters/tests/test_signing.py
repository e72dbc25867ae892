"""Electronic signatures: a unit that signs in Trantib gets a PAdES-signed official PDF that
pyHanko's own validator accepts; a changed byte, a foreign CA, a wrong passphrase are each
caught; the embedded CA is made once, audited, and outlives a new SECRET_KEY."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from trantib.core.audit import audit_events
from trantib.core.errors import Conflict, Invalid
from trantib.core.printing import pdf_from_html
from trantib.letters.models import LetterState, SigningCredential, SignMode
from trantib.letters.services import (
    letter_draft,
    letter_sign_electronic,
    letter_submit,
    settings_for,
)
from trantib.letters.signing import (
    credential_import,
    pdf_validate,
    person_certificate,
    pki,
    trust_roots,
    unit_ca,
)

NOW = timezone.now()


def electronic(unit):
    settings = settings_for(unit)
    settings.sign_mode = SignMode.ELECTRONIC
    settings.save()


def approved_letter(demo_org, unit_code="CPD", signer="camat.cpd"):
    """A Surat Teguran the Camat wrote himself (no paraf): approved, ready to sign."""
    camat = demo_org.person(signer)
    letter = letter_draft(
        unit=demo_org.unit(unit_code),
        kind="surat_teguran",
        actor=camat,
        hal="Teguran I pemanfaatan trotoar",
        signer_role="camat",
        recipient="Sdr. Budi Santoso",
        body="Dengan ini kami menegur Saudara.",
        data={
            "tingkat": "1",
            "pelanggar_nama": "Budi Santoso",
            "pelanggar_nik": "3671011203850004",
            "lokasi": "Jl. Raya Cipondoh",
            "perda": "Perda 8/2018 Pasal 5",
            "kewajiban": "Membongkar lapak",
            "tempo": "7 hari kerja",
        },
    )
    return letter_submit(letter=letter, actor=camat)


def signed_letter(demo_org, unit_code="CPD", signer="camat.cpd", passphrase=""):
    electronic(demo_org.unit(unit_code))
    letter = approved_letter(demo_org, unit_code, signer)
    return letter_sign_electronic(
        letter=letter, actor=demo_org.person(signer), passphrase=passphrase
    )


def official(letter) -> bytes:
    with letter.official_pdf.open("rb") as f:
        return f.read()


def pyhanko_status(pdf: bytes, roots: list[x509.Certificate]):
    """pyHanko's own validator, called as its documentation shows."""
    signature = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[0]
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(pki.der(c)) for c in roots],
        allow_fetching=False,
    )
    return signature, asyncio.run(async_validate_pdf_signature(signature, context))


def foreign_pkcs12(password: bytes) -> tuple[bytes, pki.Material]:
    """An institution's PKCS#12 from a CA Trantib has never heard of."""
    ca = pki.ca_create(unit_name="Badan Siber Contoh", now=NOW)
    person = pki.person_issue(
        ca, full_name="Penanda Tangan Luar", id_number="", unit_name="Contoh", now=NOW
    )
    return pki.pkcs12_dump(person, password=password, friendly_name="luar"), ca


def test_a_letter_signed_in_trantib_validates_with_pyhankos_validator(demo_org):
    letter = signed_letter(demo_org)
    assert letter.state == LetterState.SIGNED and letter.sign_mode == SignMode.ELECTRONIC
    pdf = official(letter)
    assert hashlib.sha256(pdf).hexdigest() == letter.official_sha256

    ca = SigningCredential.objects.get(unit=letter.unit, role="ca", retired_at=None)
    ca_cert = pki.certificate_load(bytes(ca.certificate))
    assert pki.common_name(ca_cert) == "Trantib CA Kecamatan Cipondoh"
    signature, status = pyhanko_status(pdf, [ca_cert])
    assert status.bottom_line and status.intact and status.valid and status.trusted
    assert signature.field_name == "Trantib"
    assert signature.sig_object["/Reason"] == f"Naskah dinas {letter.number}"
    assert signature.sig_object["/Location"] == "Kecamatan Cipondoh"
    subject = status.signing_cert.subject.native
    camat = demo_org.person("camat.cpd")
    assert subject["common_name"] == camat.full_name
    assert subject["serial_number"] == camat.nip == "197805121998031002"

    checked = pdf_validate(pdf, unit=letter.unit)
    assert checked.valid and checked.problem == ""
    # Three years on, the certificate has expired: valid only as of the recorded signing.
    later = timezone.now() + dt.timedelta(days=3 * 365)
    expired = pdf_validate(pdf, unit=letter.unit, at=later)
    assert expired.intact and not expired.trusted
    assert pdf_validate(pdf, unit=letter.unit, at=letter.signed_at).valid
    assert checked.signer_name == camat.full_name
    assert checked.signed_at is not None and abs(checked.signed_at - timezone.now()) < dt.timedelta(
        minutes=5
    )


def test_a_single_changed_byte_in_the_signed_range_fails_validation(demo_org):
    letter = signed_letter(demo_org)
    pdf = official(letter)
    signature, _status = pyhanko_status(pdf, [])
    first_range_end = signature.byte_range[1]
    # A byte of the binary comment on the file's second line: the file still reads, and it is
    # covered by the signature (the first signed range starts at byte 0).
    at = pdf.index(b"\n") + 2
    assert at < first_range_end
    changed = bytearray(pdf)
    changed[at] ^= 0x01
    _signature, status = pyhanko_status(bytes(changed), trust_roots(letter.unit))
    assert not status.intact and not status.bottom_line
    checked = pdf_validate(bytes(changed), unit=letter.unit)
    assert checked.signed and not checked.intact and not checked.valid
    assert "berubah" in checked.problem


def test_a_page_drawn_onto_a_signed_letter_afterwards_fails_validation(demo_org):
    letter = signed_letter(demo_org)
    writer = IncrementalPdfFileWriter(io.BytesIO(official(letter)))
    stamp = writer.add_object(generic.StreamObject(stream_data=b"BT 72 72 Td (PALSU) Tj ET"))
    writer.add_stream_to_page(0, stamp)
    out = io.BytesIO()
    writer.write(out)
    checked = pdf_validate(out.getvalue(), unit=letter.unit)
    assert checked.signed and checked.trusted and not checked.intact
    assert "diubah setelah ditandatangani" in checked.problem


def test_a_pdf_signed_by_a_foreign_ca_is_signed_and_intact_but_not_trusted(demo_org):
    unit = demo_org.unit("CPD")
    data, foreign_ca = foreign_pkcs12(b"rahasia")
    credential_import(unit=unit, data=data, passphrase="rahasia", actor=None)
    letter = signed_letter(demo_org, passphrase="rahasia")
    checked = pdf_validate(official(letter), unit=unit)
    assert checked.signed and checked.intact and not checked.trusted
    assert checked.signer_name == "Penanda Tangan Luar"
    assert "tidak diterbitkan oleh otoritas sertifikat yang dipercaya" in checked.problem
    # The institution's CA, once imported as one to trust, makes it trusted.
    pem = foreign_ca.certificate.public_bytes(serialization.Encoding.PEM)
    credential_import(unit=unit, data=pem, actor=None)
    assert pdf_validate(official(letter), unit=unit).valid


def test_a_letter_is_trusted_only_under_its_own_units_ca(demo_org):
    letter = signed_letter(demo_org, "KRW", "camat.krw")
    pdf = official(letter)
    assert pdf_validate(pdf, unit=demo_org.unit("KRW")).valid
    assert pdf_validate(pdf).valid  # every unit's CA
    elsewhere = pdf_validate(pdf, unit=demo_org.unit("CPD"))
    assert elsewhere.intact and not elsewhere.trusted


def test_an_institutions_certificate_needs_its_passphrase_and_a_refusal_keeps_the_number(
    demo_org,
):
    unit = demo_org.unit("CPD")
    camat = demo_org.person("camat.cpd")
    data, _ca = foreign_pkcs12(b"benar")
    credential_import(unit=unit, person=camat, data=data, passphrase="benar", actor=None)
    electronic(unit)
    letter = approved_letter(demo_org)
    for wrong in ("", "salah"):
        with pytest.raises(Invalid) as refused:
            letter_sign_electronic(letter=letter, actor=camat, passphrase=wrong)
        assert refused.value.field == "passphrase"
    letter.refresh_from_db()
    assert letter.state == LetterState.APPROVED and letter.number == ""
    letter = letter_sign_electronic(letter=letter, actor=camat, passphrase="benar")
    assert letter.serial == 1
    assert pdf_validate(official(letter), unit=unit).signer_name == "Penanda Tangan Luar"


def test_an_import_refuses_a_file_that_does_not_open(demo_org):
    unit = demo_org.unit("CPD")
    data, _ca = foreign_pkcs12(b"benar")
    with pytest.raises(Invalid) as refused:
        credential_import(unit=unit, data=data, passphrase="salah", actor=None)
    assert refused.value.field == "file"
    with pytest.raises(Invalid):
        credential_import(unit=unit, data=b"bukan sertifikat", actor=None)
    assert not SigningCredential.objects.filter(unit=unit).exists()


def test_the_unit_ca_is_made_once_audited_and_outlives_a_new_secret_key(demo_org):
    unit = demo_org.unit("CPD")
    first, _material = unit_ca(unit=unit)
    again, _material = unit_ca(unit=unit)
    assert again.pk == first.pk
    created = audit_events(first).get()
    assert created.type == "signing_credential_created" and created.data["role"] == "ca"
    letter = signed_letter(demo_org)
    pdf = official(letter)

    with override_settings(SECRET_KEY="another-secret-key-after-a-rotation"):
        renewed, _material = unit_ca(unit=unit)
        assert renewed.pk != first.pk
        assert audit_events(renewed).get().data["retired"] == [first.pk]
        first.refresh_from_db()
        assert first.retired_at is not None
        # The letter signed under the old CA still validates; the next one is signed anew.
        assert pdf_validate(pdf, unit=unit).valid
        later = signed_letter(demo_org)
        assert pdf_validate(official(later), unit=unit).valid
    people = SigningCredential.objects.filter(unit=unit, role="signer")
    assert people.count() == 2 and people.filter(retired_at=None).count() == 1


def test_files_that_are_no_signed_pdf_are_answered_not_raised(demo_org):
    assert pdf_validate(b"GIF89a...").problem == "Berkas ini bukan PDF yang dapat dibaca."
    plain = pdf_from_html("<p>Surat tanpa tanda tangan</p>")
    unsigned = pdf_validate(plain)
    assert not unsigned.signed and "tidak memuat tanda tangan" in unsigned.problem
    pdf = official(signed_letter(demo_org))
    for broken in (pdf[: len(pdf) // 2], pdf[:-200], pdf.replace(b"/ByteRange", b"/ByteRanga")):
        assert not pdf_validate(broken).valid


def test_a_certificate_file_in_the_configured_directory_signs_for_its_person(
    demo_org, tmp_path: Path
):
    data, ca = foreign_pkcs12(b"berkas")
    (tmp_path / "CPD").mkdir()
    (tmp_path / "CPD" / "197805121998031002.p12").write_bytes(data)
    (tmp_path / "trust").mkdir()
    (tmp_path / "trust" / "root.pem").write_bytes(
        ca.certificate.public_bytes(serialization.Encoding.PEM)
    )
    with override_settings(TRANTIB_SIGNING_PKCS12=str(tmp_path)):
        letter = signed_letter(demo_org, passphrase="berkas")
        checked = pdf_validate(official(letter), unit=letter.unit)
    assert checked.valid and checked.signer_name == "Penanda Tangan Luar"
    assert not SigningCredential.objects.filter(unit=letter.unit).exists()


def test_without_the_embedded_default_a_signer_without_a_certificate_is_refused(demo_org):
    electronic(demo_org.unit("CPD"))
    letter = approved_letter(demo_org)
    with override_settings(TRANTIB_SIGNING_EMBEDDED=False), pytest.raises(Conflict) as refused:
        letter_sign_electronic(letter=letter, actor=demo_org.person("camat.cpd"))
    assert "Belum ada sertifikat elektronik" in refused.value.message


def test_the_command_makes_the_unit_ca_issues_a_certificate_and_imports_one(
    demo_org, tmp_path: Path, monkeypatch, capsys
):
    pem = tmp_path / "ca.pem"
    call_command("letters_ca", "ca", "--unit", "CPD", "--pem", str(pem))
    ca = x509.load_pem_x509_certificate(pem.read_bytes())
    assert ca.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
        "Trantib CA Kecamatan Cipondoh"
    )
    call_command("letters_ca", "issue", "--unit", "CPD", "--person", "camat.cpd")
    data, _ca = foreign_pkcs12(b"impor")
    p12 = tmp_path / "kasi.p12"
    p12.write_bytes(data)
    monkeypatch.setenv("P12_PASS", "impor")
    call_command(
        "letters_ca",
        "import",
        str(p12),
        "--unit",
        "CPD",
        "--person",
        "kasi.cpd",
        "--passphrase-env",
        "P12_PASS",
    )
    call_command("letters_ca", "list", "--unit", "CPD")
    out = capsys.readouterr().out
    assert "Trantib CA Kecamatan Cipondoh" in out and "Penanda Tangan Luar" in out
    assert "imported" in out
    kasi = demo_org.person("kasi.cpd")
    assert SigningCredential.objects.get(person=kasi).source == "imported"


def test_a_person_gets_a_new_certificate_when_the_name_on_it_changes(demo_org):
    unit, camat = demo_org.unit("CPD"), demo_org.person("camat.cpd")
    first, _material = person_certificate(unit=unit, person=camat)
    assert person_certificate(unit=unit, person=camat)[0].pk == first.pk
    camat.full_name = "Dr. H. Rahmat Hidayat, S.STP., M.Si."
    camat.save(update_fields=["full_name"])
    renewed, material = person_certificate(unit=unit, person=camat)
    assert renewed.pk != first.pk
    assert pki.identity(material.certificate) == (camat.full_name, "197805121998031002")
    first.refresh_from_db()
    assert first.retired_at is not None
