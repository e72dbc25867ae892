"""Electronic signatures on letters (PAdES with pyHanko) and their check.

- :func:`pdf_sign` signs a letter's official PDF with the signer's certificate;
- :func:`pdf_validate` checks an uploaded PDF's signatures against the CAs Trantib trusts;
- :mod:`.credentials` finds the certificate (an institution's PKCS#12, or the unit's own CA
  made on first use) and imports an institution's; :mod:`.pki` makes keys and certificates.
"""

from .credentials import (
    credential_import,
    person_certificate,
    signing_material,
    trust_roots,
    unit_ca,
)
from .pades import FIELD_NAME, Validation, pdf_sign, pdf_validate

__all__ = [
    "FIELD_NAME",
    "Validation",
    "credential_import",
    "pdf_sign",
    "pdf_validate",
    "person_certificate",
    "signing_material",
    "trust_roots",
    "unit_ca",
]
