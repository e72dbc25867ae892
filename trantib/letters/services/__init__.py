"""Every change to letters: one transaction and one audit event each. Pages, the API, the CLI
and the SOP steps call these, never the models directly."""

from .delivery import letter_deliver
from .lifecycle import (
    SIFAT,
    LetterEvent,
    data_clean,
    letter_cancel,
    letter_draft,
    letter_edit,
    letter_initial,
    letter_lock,
    letter_number,
    letter_return,
    letter_sign_electronic,
    letter_signed_copy_attach,
    letter_submit,
    may_edit,
    may_sign,
    pending_review,
    settings_for,
    sign_mode_for,
)
from .sop import case_letter, letter_draft_for_task, letter_reached

__all__ = [
    "SIFAT",
    "LetterEvent",
    "case_letter",
    "data_clean",
    "letter_cancel",
    "letter_deliver",
    "letter_draft",
    "letter_draft_for_task",
    "letter_edit",
    "letter_initial",
    "letter_lock",
    "letter_number",
    "letter_reached",
    "letter_return",
    "letter_sign_electronic",
    "letter_signed_copy_attach",
    "letter_submit",
    "may_edit",
    "may_sign",
    "pending_review",
    "settings_for",
    "sign_mode_for",
]
