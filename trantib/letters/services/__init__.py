"""Every change to letters: one transaction and one audit event each. Pages, the API, the CLI
and the SOP steps call these, never the models directly."""

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
    "SETTINGS_FIELDS",
    "SIFAT",
    "IncomingEvent",
    "LetterEvent",
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
    "register_save",
    "settings_for",
    "sign_mode_for",
]
