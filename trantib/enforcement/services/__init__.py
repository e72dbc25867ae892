"""Every change to the enforcement register (each part in its own module)."""

from .violators import (
    may_manage,
    violator_create,
    violator_photo_add,
    violator_photo_get,
    violator_pick,
    violator_update,
)

__all__ = [
    "may_manage",
    "violator_create",
    "violator_photo_add",
    "violator_photo_get",
    "violator_pick",
    "violator_update",
]
