"""The pages of incoming letters (surat masuk): the buku agenda with its exports, recording a
letter with its scan, the letter's page with the scan and the lembar disposisi form, and the
printable lembar disposisi.

Each view: access selector (a letter of another unit is a 404) → form → one service → redirect,
or the page again with the service's message beside the input it names and the status the error
carries (422 invalid, 403 not allowed, 409 already done). Changes are POST only, under CSRF.
"""

from .agenda import incoming_export, incoming_list
from .files import incoming_disposition_pdf, incoming_scan
from .letter import disposition_done, incoming_detail, incoming_new

__all__ = [
    "disposition_done",
    "incoming_detail",
    "incoming_disposition_pdf",
    "incoming_export",
    "incoming_list",
    "incoming_new",
    "incoming_scan",
]
