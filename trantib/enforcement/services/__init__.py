"""Every change to the enforcement register (each part in its own module)."""

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
    "court_record",
    "enforcement_of_violator",
    "may_manage",
    "sanction_record",
    "violator_create",
    "violator_photo_add",
    "violator_photo_get",
    "violator_pick",
    "violator_update",
]
