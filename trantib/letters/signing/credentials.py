"""Where the key that signs a letter comes from, and which CAs a signature must chain to.

For a person signing a letter of a unit, the first of:

1. a certificate imported for that person in that unit (``letters_ca import --person``);
2. a file ``<TRANTIB_SIGNING_PKCS12>/<UNIT>/<NIP|NRP|username>.p12``;
3. a certificate imported for the unit as a whole (``letters_ca import`` without a person);
4. a file ``<TRANTIB_SIGNING_PKCS12>/<UNIT>.p12``;
5. the embedded default (unless ``TRANTIB_SIGNING_EMBEDDED`` is off): the person's certificate
   from the unit's own CA, both made on first use.

An institution's PKCS#12 (1–4) opens with the passphrase the signer types at signing; Trantib
keeps the file as it came and never the passphrase. The embedded PKCS#12s are encrypted with a
password derived from the ``SECRET_KEY`` and the certificate's serial: if the key changes they
no longer open, and a new CA (or certificate) replaces them — the old CA certificate stays
trusted, so letters it signed still verify.

Each credential made or imported is one audited change (``signing_credential_created`` on the
credential's chain, naming what it replaced).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit, Person
from trantib.core.audit import audit_record
from trantib.core.errors import Conflict, Invalid

from ..models import SigningCredential
from . import pki

CREATED = "signing_credential_created"
TRUST_SUFFIXES = (".pem", ".crt", ".cer", ".der")
# A certificate this close to its end is replaced before it signs, so that what it signs can
# be checked against today's date for a while yet.
RENEW_BEFORE = dt.timedelta(days=30)

Role, Source = SigningCredential.Role, SigningCredential.Source


def _password(serial: str) -> bytes:
    return (
        salted_hmac("trantib.letters.signing.pkcs12", serial, algorithm="sha256")
        .hexdigest()
        .encode()
    )


def _usable(cred: SigningCredential, now: dt.datetime) -> bool:
    return cred.not_after - RENEW_BEFORE > now


def _row(
    *,
    unit: OrgUnit,
    person: Person | None,
    role: str,
    source: str,
    cert: x509.Certificate,
    pkcs12: bytes,
    now: dt.datetime,
    actor: Person | None,
    reason: str,
    retire: list[SigningCredential],
) -> SigningCredential:
    for old in retire:
        old.retired_at = now
        old.save(update_fields=["retired_at"])
    cred = SigningCredential.objects.create(
        unit=unit,
        person=person,
        role=role,
        source=source,
        pkcs12=pkcs12,
        certificate=pki.der(cert),
        subject=cert.subject.rfc4514_string()[:500],
        serial=format(cert.serial_number, "x"),
        not_after=cert.not_valid_after_utc,
        created_at=now,
    )
    audit_record(
        subject=cred,
        type=CREATED,
        actor_id=actor.pk if actor else None,
        unit_id=unit.pk,
        at=now,
        data={
            "role": role,
            "source": source,
            "person": person.pk if person else None,
            "subject": cred.subject,
            "serial": cred.serial,
            "not_after": cred.not_after.isoformat(),
            "reason": reason,
            "retired": [old.pk for old in retire],
        },
    )
    return cred


def _embedded(cred: SigningCredential) -> pki.Material | None:
    """The embedded credential's key and certificates, or None when its PKCS#12 no longer
    opens (the SECRET_KEY changed)."""
    try:
        return pki.pkcs12_load(bytes(cred.pkcs12), password=_password(cred.serial))
    except pki.WrongPassphrase:
        return None


def _lock_unit(unit: OrgUnit) -> None:
    """Serialise the making of a unit's credentials (two first signings make one CA)."""
    OrgUnit.objects.select_for_update().filter(pk=unit.pk).first()


def _current_ca(
    unit: OrgUnit, now: dt.datetime
) -> tuple[SigningCredential | None, pki.Material | None]:
    current = SigningCredential.objects.filter(
        unit=unit, role=Role.CA, source=Source.EMBEDDED, retired_at__isnull=True
    ).first()
    if current is None:
        return None, None
    material = _embedded(current)
    return current, material if material is not None and _usable(current, now) else None


@transaction.atomic
def unit_ca(
    *, unit: OrgUnit, now: dt.datetime | None = None, actor: Person | None = None
) -> tuple[SigningCredential, pki.Material]:
    """The unit's embedded CA, made on first use (or anew when it expires or no longer opens)."""
    now = now or timezone.now()
    current, material = _current_ca(unit, now)
    if current is not None and material is not None:
        return current, material
    _lock_unit(unit)
    current, material = _current_ca(unit, now)  # another signing may have made it meanwhile
    if current is not None and material is not None:
        return current, material
    if current is None:
        reason = "first use"
    else:
        reason = "expired" if _embedded(current) else "key unreadable (SECRET_KEY changed?)"
    made = pki.ca_create(unit_name=unit.name, now=now)
    serial = format(made.certificate.serial_number, "x")
    cred = _row(
        unit=unit,
        person=None,
        role=Role.CA,
        source=Source.EMBEDDED,
        cert=made.certificate,
        pkcs12=pki.pkcs12_dump(made, password=_password(serial), friendly_name=f"CA {unit.code}"),
        now=now,
        actor=actor,
        reason=reason,
        retire=[current] if current else [],
    )
    return cred, made


def _identity(person: Person) -> tuple[str, str]:
    return person.full_name[:64], (person.nip or person.nrp)[:64]


def _current_person(
    unit: OrgUnit, person: Person, ca: pki.Material, now: dt.datetime
) -> tuple[SigningCredential | None, pki.Material | None]:
    """The person's certificate in use, and its key if it can still sign: it opens, is not
    about to expire, was issued by the CA in use, and names the person as they are now."""
    current = SigningCredential.objects.filter(
        unit=unit, person=person, role=Role.SIGNER, source=Source.EMBEDDED, retired_at__isnull=True
    ).first()
    if current is None:
        return None, None
    material = _embedded(current)
    if (
        material is None
        or not _usable(current, now)
        or material.chain[:1] != [ca.certificate]
        or pki.identity(material.certificate) != _identity(person)
    ):
        return current, None
    return current, material


@transaction.atomic
def person_certificate(
    *, unit: OrgUnit, person: Person, now: dt.datetime | None = None, actor: Person | None = None
) -> tuple[SigningCredential, pki.Material]:
    """The person's embedded signing certificate in ``unit``, issued by the unit's CA on first
    use (or anew when it expires, no longer opens, its CA was replaced or the name changed)."""
    now = now or timezone.now()
    ca_cred, ca = unit_ca(unit=unit, now=now, actor=actor)
    current, material = _current_person(unit, person, ca, now)
    if current is not None and material is not None:
        return current, material
    _lock_unit(unit)
    current, material = _current_person(unit, person, ca, now)
    if current is not None and material is not None:
        return current, material
    full_name, id_number = _identity(person)
    made = pki.person_issue(
        ca, full_name=full_name, id_number=id_number, unit_name=unit.name, now=now
    )
    serial = format(made.certificate.serial_number, "x")
    cred = _row(
        unit=unit,
        person=person,
        role=Role.SIGNER,
        source=Source.EMBEDDED,
        cert=made.certificate,
        pkcs12=pki.pkcs12_dump(made, password=_password(serial), friendly_name=full_name),
        now=now,
        actor=actor,
        reason=("first use" if current is None else "renewed") + f"; CA {ca_cred.serial}",
        retire=[current] if current else [],
    )
    return cred, made


# --- an institution's certificates -------------------------------------------------------------


def _directory() -> Path | None:
    configured = str(settings.TRANTIB_SIGNING_PKCS12 or "").strip()
    return Path(configured) if configured else None


def _person_files(unit: OrgUnit, person: Person) -> list[Path]:
    root = _directory()
    if root is None:
        return []
    user = getattr(person, "user", None)
    names = [person.nip, person.nrp, user.get_username() if user is not None else ""]
    return [root / unit.code / f"{name}.p12" for name in names if name and "/" not in name]


def _unit_files(unit: OrgUnit) -> list[Path]:
    root = _directory()
    return [root / f"{unit.code}.p12"] if root is not None else []


def _open_institution(data: bytes, *, passphrase: str, what: str, now: dt.datetime) -> pki.Material:
    if not passphrase:
        raise Invalid(
            _("Sertifikat %(what)s dilindungi passphrase: isi passphrase untuk menandatangani.")
            % {"what": what},
            field="passphrase",
        )
    try:
        material = pki.pkcs12_load(data, password=passphrase.encode())
    except pki.WrongPassphrase:
        raise Invalid(
            _("Passphrase salah: sertifikat %(what)s tidak dapat dibuka.") % {"what": what},
            field="passphrase",
        ) from None
    if material.certificate.not_valid_after_utc <= now:
        raise Conflict(
            _("Sertifikat %(what)s sudah habis masa berlakunya (%(until)s).")
            % {"what": what, "until": material.certificate.not_valid_after_utc.date().isoformat()}
        )
    return material


def signing_material(
    *, unit: OrgUnit, person: Person, passphrase: str = "", now: dt.datetime | None = None
) -> pki.Material:
    """The key and certificates with which ``person`` signs a letter of ``unit`` (the order is
    in the module's docstring)."""
    now = now or timezone.now()
    imported = SigningCredential.objects.filter(
        unit=unit, role=Role.SIGNER, source=Source.IMPORTED, retired_at__isnull=True
    ).order_by("-created_at", "-pk")
    own = imported.filter(person=person).first()
    if own is not None:
        return _open_institution(
            bytes(own.pkcs12), passphrase=passphrase, what=person.full_name, now=now
        )
    for path in _person_files(unit, person):
        if path.is_file():
            return _open_institution(
                path.read_bytes(), passphrase=passphrase, what=person.full_name, now=now
            )
    shared = imported.filter(person__isnull=True).first()
    if shared is not None:
        return _open_institution(
            bytes(shared.pkcs12), passphrase=passphrase, what=unit.name, now=now
        )
    for path in _unit_files(unit):
        if path.is_file():
            return _open_institution(
                path.read_bytes(), passphrase=passphrase, what=unit.name, now=now
            )
    if not settings.TRANTIB_SIGNING_EMBEDDED:
        raise Conflict(
            _(
                "Belum ada sertifikat elektronik untuk %(name)s di %(unit)s: minta admin "
                "mengimpor sertifikat instansi."
            )
            % {"name": person.full_name, "unit": unit.name}
        )
    _cred, material = person_certificate(unit=unit, person=person, now=now)
    return material


def trust_roots(unit: OrgUnit | None = None) -> list[x509.Certificate]:
    """The CA certificates a signature must chain to: the unit's (every unit's when None),
    embedded or imported, in use or retired, and the files under ``<dir>/trust/``."""
    rows = SigningCredential.objects.filter(role=Role.CA)
    if unit is not None:
        rows = rows.filter(unit=unit)
    roots = [pki.certificate_load(bytes(der)) for der in rows.values_list("certificate", flat=True)]
    root = _directory()
    folder = root / "trust" if root is not None else None
    if folder is not None and folder.is_dir():
        roots.extend(
            pki.certificate_load(path.read_bytes())
            for path in sorted(folder.iterdir())
            if path.suffix.lower() in TRUST_SUFFIXES
        )
    return roots


@transaction.atomic
def credential_import(
    *,
    unit: OrgUnit,
    data: bytes,
    actor: Person | None,
    person: Person | None = None,
    passphrase: str = "",
    now: dt.datetime | None = None,
) -> SigningCredential:
    """Import an institution's certificate for ``unit``: a PKCS#12 (with ``passphrase``, to
    check that it opens; the passphrase is not kept) signs for ``person`` or, without a person,
    for the unit; a PEM/DER certificate is a CA to trust. A newer import replaces the older
    one for the same person (or the unit)."""
    now = now or timezone.now()
    try:
        cert = pki.certificate_load(data)
    except ValueError:
        cert = None
    if cert is not None:
        if person is not None:
            raise Invalid(
                _("Sertifikat CA berlaku untuk unit, bukan untuk seorang pegawai."), field="person"
            )
        return _row(
            unit=unit,
            person=None,
            role=Role.CA,
            source=Source.IMPORTED,
            cert=cert,
            pkcs12=b"",
            now=now,
            actor=actor,
            reason="imported CA to trust",
            retire=[],
        )
    what = person.full_name if person else unit.name
    try:
        material = pki.pkcs12_load(data, password=passphrase.encode() or None)
    except pki.WrongPassphrase:
        raise Invalid(
            _(
                "Berkas ini bukan sertifikat (PEM/DER), atau PKCS#12 yang tidak terbuka dengan "
                "passphrase ini."
            ),
            field="file",
        ) from None
    if material.certificate.not_valid_after_utc <= now:
        raise Invalid(
            _("Sertifikat %(what)s sudah habis masa berlakunya.") % {"what": what}, field="file"
        )
    previous = list(
        SigningCredential.objects.select_for_update().filter(
            unit=unit,
            person=person,
            role=Role.SIGNER,
            source=Source.IMPORTED,
            retired_at__isnull=True,
        )
    )
    return _row(
        unit=unit,
        person=person,
        role=Role.SIGNER,
        source=Source.IMPORTED,
        cert=material.certificate,
        pkcs12=data,
        now=now,
        actor=actor,
        reason="imported PKCS#12",
        retire=previous,
    )
