"""Which units a report covers: the chosen unit and everything below it that the reader may see.

A kecamatan's report is the kecamatan's; a Pemerintah Kota's is the sum of its subtree, with a
row per child unit (``groups``) — "aggregated and per child unit". Every report filters its
rows by ``scope.unit_ids``, never by the reader alone, so a sibling's rows can never enter a
figure: the reader's rights choose the unit, the unit chooses the rows.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit
from trantib.accounts.selectors import UserLike, positions_for_user, units_for_user
from trantib.core.errors import NotFound
from trantib.core.text import has_control_characters


@dataclass(frozen=True)
class Scope:
    unit: OrgUnit
    units: tuple[OrgUnit, ...]  # the unit and every unit below it the reader may see
    # Per direct child of ``unit`` with a visible subtree: the child and its subtree's ids.
    groups: tuple[tuple[OrgUnit, tuple[int, ...]], ...]
    zone: zoneinfo.ZoneInfo

    @cached_property
    def unit_ids(self) -> tuple[int, ...]:
        return tuple(u.pk for u in self.units)

    @cached_property
    def _child_of(self) -> dict[int, OrgUnit]:
        return {uid: child for child, ids in self.groups for uid in ids}

    @property
    def is_parent(self) -> bool:
        return bool(self.groups)

    def query(self) -> dict[str, str]:
        return {"unit": self.unit.code}

    def group_of(self, unit_id: int) -> OrgUnit | None:
        """The child unit whose subtree holds ``unit_id`` (None: the chosen unit itself)."""
        return self._child_of.get(unit_id)


def scope_choices(user: UserLike) -> list[OrgUnit]:
    """The units the reader may report on, in tree order."""
    return list(units_for_user(user).order_by("path"))


def scope_for(user: UserLike, code: str | None) -> Scope:
    """The scope of unit ``code`` for ``user``; no code: the reader's own unit (the unit of
    their first position, else the top of what they may see). A unit they may not see looks
    exactly like one that does not exist."""
    visible = units_for_user(user)
    text = (code or "").strip()
    if text:
        if len(text) > 20 or has_control_characters(text):
            raise NotFound(_("Unit tidak ditemukan."), field="unit")
        unit = visible.filter(code=text).first()
    else:
        own = positions_for_user(user).order_by("unit__path").first()
        unit = own.unit if own is not None else visible.order_by("path").first()
    if unit is None:
        raise NotFound(_("Unit tidak ditemukan."), field="unit")
    units = tuple(visible.filter(path__startswith=unit.path).order_by("path"))
    groups = []
    for child in (u for u in units if u.parent_id == unit.pk):
        ids = tuple(u.pk for u in units if u.path.startswith(child.path))
        groups.append((child, ids))
    return Scope(
        unit=unit, units=units, groups=tuple(groups), zone=zoneinfo.ZoneInfo(unit.timezone)
    )
