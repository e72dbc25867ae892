"""Every change to letters: one transaction and one audit event each. Pages, the API, the CLI
and the SOP steps call these, never the models directly."""

import datetime as dt

from trantib.accounts.models import OrgUnit, Person

from ..kinds import KINDS, FieldKind
from ..models import Letter, SigningCredential
from ..wording import FROM_FIELDS, GAP, body_default
from .delivery import letter_deliver
from .fields import CONFIDENTIAL, SIFAT, data_clean
from .incoming import (
    DISPOSITION_SIFAT,
    IncomingEvent,
    disposition_create,
    disposition_done,
    incoming_record,
    may_dispose,
    may_record,
)
from .lifecycle import (
    LetterEvent,
    letter_cancel,
    letter_draft,
    letter_edit,
    letter_initial,
    letter_lock,
    letter_return,
    letter_submit,
    may_edit,
    may_sign,
    member_of,
    pending_review,
    settings_for,
)
from .outgoing_mail import letter_email_send, letter_emails, letter_filename, pdf_filename
from .settings import SETTINGS_FIELDS, letter_settings_save, may_manage, register_save
from .signature import (
    letter_number,
    letter_sign_electronic,
    letter_signed_copy_attach,
    may_attach,
    sign_mode_for,
)
from .sop import case_letter, letter_draft_for_task, letter_reached

__all__ = [
    "CONFIDENTIAL",
    "DISPOSITION_SIFAT",
    "FROM_FIELDS",
    "GAP",
    "KINDS",
    "SETTINGS_FIELDS",
    "SIFAT",
    "FieldKind",
    "IncomingEvent",
    "LetterEvent",
    "body_default",
    "case_letter",
    "data_clean",
    "disposition_create",
    "disposition_done",
    "incoming_record",
    "letter_cancel",
    "letter_deliver",
    "letter_draft",
    "letter_draft_for_task",
    "letter_edit",
    "letter_email_send",
    "letter_emails",
    "letter_filename",
    "letter_initial",
    "letter_lock",
    "letter_number",
    "letter_pdf",
    "letter_reached",
    "letter_return",
    "letter_settings_save",
    "letter_sign_electronic",
    "letter_signed_copy_attach",
    "letter_submit",
    "may_attach",
    "may_dispose",
    "may_edit",
    "may_manage",
    "may_record",
    "may_sign",
    "member_of",
    "pdf_filename",
    "pending_review",
    "person_certificate",
    "register_save",
    "settings_for",
    "sign_mode_for",
]


# What other apps (the demo) read of letters beside the services: the kinds, the printed
# letter, the signing certificate of a person. Imported when called: printing and signing
# are heavy and import the services themselves.
def letter_pdf(letter: Letter) -> bytes:
    """The letter printed as PDF (the signed document's layout; a draft marked KONSEP)."""
    from ..rendering import letter_pdf as render

    return render(letter)


def person_certificate(
    *,
    unit: OrgUnit,
    person: Person,
    now: dt.datetime | None = None,
    actor: Person | None = None,
) -> SigningCredential:
    """The person's signing certificate in ``unit`` (issued by the unit's CA on first use)."""
    from ..signing import person_certificate as issue

    return issue(unit=unit, person=person, now=now, actor=actor)[0]
