"""Changes to the enforcement register (each part in its own module)."""

from .checks import compliance_check_record, may_check, may_check_unit
from .findings import (
    FindingGuard,
    articles_pick,
    finding_entry,
    finding_open,
)
from .ladder import (
    article_remove,
    article_save,
    ladder_set,
    may_edit_catalogue,
    perda_create,
    perda_update,
)
from .violators import (
    court_record,
    enforcement_of_violator,
    may_manage,
    sanction_record,
    violator_create,
    violator_photo_add,
    violator_photo_get,
    violator_pick,
    violator_update,
)

__all__ = [
    "FindingGuard",
    "article_remove",
    "article_save",
    "articles_pick",
    "compliance_check_record",
    "court_record",
    "enforcement_of_violator",
    "finding_entry",
    "finding_open",
    "ladder_set",
    "may_check",
    "may_check_unit",
    "may_edit_catalogue",
    "may_manage",
    "perda_create",
    "perda_update",
    "sanction_record",
    "violator_create",
    "violator_photo_add",
    "violator_photo_get",
    "violator_pick",
    "violator_update",
]
