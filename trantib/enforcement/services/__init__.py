"""Changes to the enforcement register (each part in its own module)."""

from .checks import compliance_check_record, may_check
from .findings import FindingGuard, articles_pick, finding_entry, finding_open
from .ladder import (
    article_remove,
    article_save,
    ladder_set,
    may_edit_catalogue,
    perda_create,
    perda_update,
)

__all__ = [
    "FindingGuard",
    "article_remove",
    "article_save",
    "articles_pick",
    "compliance_check_record",
    "finding_entry",
    "finding_open",
    "ladder_set",
    "may_check",
    "may_edit_catalogue",
    "perda_create",
    "perda_update",
]
