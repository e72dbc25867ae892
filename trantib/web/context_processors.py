"""Which registers the navigation offers: only those the person's units work with.

Thirteen links do not fit a phone's header, and a kecamatan's front office has no use for the
Polmas register. A register's link shows when a unit the person may see has a position that
plays a role in a current SOP that feeds that register (an SOP step binding its contract: PPW
feeds the patrol programme, PPL the operation file and the violators); an administrator sees
every link. The pages themselves stay reachable by URL (their own selectors decide access).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from trantib.accounts.models import Position
from trantib.accounts.selectors import units_for_user
from trantib.engine.bindings import ContractName
from trantib.sops import registry

# The register (the app's label in the navigation) each contract feeds.
REGISTERS: dict[str, frozenset[str]] = {
    "enforcement": frozenset({ContractName.VIOLATION_FINDING, ContractName.OPERATION_REPORT}),
    "ladder": frozenset({ContractName.VIOLATION_FINDING}),  # "Penegakan" opens the board
    "patrols": frozenset({ContractName.PATROL_SCHEDULE, ContractName.PATROL_DAY}),
    "operations": frozenset({ContractName.OPERATION_REPORT}),
    "community": frozenset({ContractName.POLMAS_ACTIVITY}),
}


def registers(request: HttpRequest) -> dict[str, Callable[[], frozenset[str]]]:
    """``nav_registers``: a callable, so that the query runs only on a page that shows the
    navigation to someone logged in, and once per page."""
    found: list[frozenset[str]] = []

    def shown() -> frozenset[str]:
        if not found:
            found.append(_registers_for(request))
        return found[0]

    return {"nav_registers": shown}


def _roles_by_register() -> dict[str, set[str]]:
    roles: dict[str, set[str]] = {name: set() for name in REGISTERS}
    for spec in registry.current():
        contracts = {b.contract for step in spec.steps for b in step.bindings}
        for name, feeding in REGISTERS.items():
            if contracts & feeding:
                roles[name].update(role.id for role in spec.roles if not role.external)
    return roles


def _registers_for(request: HttpRequest) -> frozenset[str]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return frozenset(REGISTERS)
    codes = set(
        Position.objects.filter(unit__in=units_for_user(user))
        .values_list("code", flat=True)
        .distinct()
    )
    return frozenset(name for name, roles in _roles_by_register().items() if roles & codes)
