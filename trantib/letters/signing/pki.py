"""Keys and certificates for the embedded signing default: a unit's own CA and the signing
certificates it issues to people, kept as PKCS#12. Pure ``cryptography``, no Django.

The CA is self-signed and trusted only by this Trantib (its verification page and
:func:`~trantib.letters.signing.pdf_validate`): a reader such as Adobe Reader shows the
signature as intact but the signer as unknown until someone adds the unit's CA certificate to
its trust list. Production points at the institution's certificates instead (BSrE or a Pemda
CA), imported as PKCS#12 (see ``letters_ca``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

CA_YEARS = 10
PERSON_YEARS = 2
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class Material:
    """What a PKCS#12 holds: the key, its certificate, and the chain above it."""

    key: PrivateKey
    certificate: x509.Certificate
    chain: list[x509.Certificate]


def _name(common_name: str, *, unit_name: str, serial_number: str = "") -> x509.Name:
    parts = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, unit_name[:64]),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
    ]
    if serial_number:
        parts.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number[:64]))
    return x509.Name(parts)


def ca_create(*, unit_name: str, now: dt.datetime) -> Material:
    """A new self-signed CA "Trantib CA <unit name>", valid ``CA_YEARS``, issuing end-entity
    certificates only (path length 0)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = _name(f"Trantib CA {unit_name}", unit_name=unit_name)
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Material(key=key, certificate=cert, chain=[])


def person_issue(
    ca: Material, *, full_name: str, id_number: str, unit_name: str, now: dt.datetime
) -> Material:
    """A signing certificate for one person (CN the full name, serialNumber the NIP/NRP, O the
    unit), issued by ``ca``, valid ``PERSON_YEARS`` but never past the CA."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key()
    until = min(now + dt.timedelta(days=365 * PERSON_YEARS), ca.certificate.not_valid_after_utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(full_name, unit_name=unit_name, serial_number=id_number))
        .issuer_name(ca.certificate.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            # Non-repudiation (content commitment): validators expect it on a document
            # signature (pyHanko by default).
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
        .sign(ca.key, hashes.SHA256())
    )
    return Material(key=key, certificate=cert, chain=[ca.certificate, *ca.chain])


def pkcs12_dump(material: Material, *, password: bytes, friendly_name: str) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        friendly_name.encode()[:64],
        material.key,
        material.certificate,
        material.chain or None,
        serialization.BestAvailableEncryption(password),
    )


class WrongPassphrase(ValueError):
    """The PKCS#12 does not open with this passphrase (or is no PKCS#12)."""


def pkcs12_load(data: bytes, *, password: bytes | None) -> Material:
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(data, password or None)
    except (ValueError, TypeError) as exc:
        raise WrongPassphrase(str(exc)) from None
    if key is None or cert is None:
        raise WrongPassphrase("the PKCS#12 holds no key or no certificate")
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise WrongPassphrase(f"unsupported key type {type(key).__name__}")
    return Material(key=key, certificate=cert, chain=list(chain))


def certificate_load(data: bytes) -> x509.Certificate:
    """A certificate from PEM or DER bytes (``ValueError`` otherwise)."""
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def _attribute(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> str:
    found = cert.subject.get_attributes_for_oid(oid)
    if not found:
        return ""
    value = found[0].value
    return value if isinstance(value, str) else value.decode(errors="replace")


def common_name(cert: x509.Certificate) -> str:
    return _attribute(cert, NameOID.COMMON_NAME) or cert.subject.rfc4514_string()


def identity(cert: x509.Certificate) -> tuple[str, str]:
    """The (common name, serialNumber) a person's certificate names."""
    return _attribute(cert, NameOID.COMMON_NAME), _attribute(cert, NameOID.SERIAL_NUMBER)
