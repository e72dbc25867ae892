"""The demo: an organisation, its letters, cases, complaints and incoming letters as data
(``data/*.yaml``), loaded through the services by ``trantib demo`` and, for tests, once per
test run.

The names below are importable from ``trantib.demo``; they are loaded on first use (this
package is an app, imported before the models are ready).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cases import (
        PGD_CLOSED,
        PGD_NEW,
        PGD_WAITING,
        POLMAS_VISIT,
        PPL_DECISION,
        PPW_FINDING,
        PPW_PLANNED,
        PUR_DECISION,
        DemoCase,
        DemoCasesResult,
        demo_cases_load,
        story_case,
    )
    from .complaints import (
        DEMO_COMPLAINTS,
        complaint_setup_load,
        demo_complaints,
        demo_complaints_load,
    )
    from .incoming import DemoIncoming, demo_incoming_load
    from .letter_setup import SetupResult, demo_letter_setup_load
    from .org import DEMO_ADMIN, DEMO_PASSWORD, DemoLogin, demo_org_load
    from .outgoing import DemoLetter, demo_letters_load
    from .yamlfile import DemoDataError

__all__ = [
    "DEMO_ADMIN",
    "DEMO_COMPLAINTS",
    "DEMO_PASSWORD",
    "PGD_CLOSED",
    "PGD_NEW",
    "PGD_WAITING",
    "POLMAS_VISIT",
    "PPL_DECISION",
    "PPW_FINDING",
    "PPW_PLANNED",
    "PUR_DECISION",
    "DemoCase",
    "DemoCasesResult",
    "DemoDataError",
    "DemoIncoming",
    "DemoLetter",
    "DemoLogin",
    "SetupResult",
    "complaint_setup_load",
    "demo_cases_load",
    "demo_complaints",
    "demo_complaints_load",
    "demo_incoming_load",
    "demo_letter_setup_load",
    "demo_letters_load",
    "demo_org_load",
    "story_case",
]
# The module each name lives in.
_HOME = {
    "PGD_CLOSED": "cases",
    "PGD_NEW": "cases",
    "PGD_WAITING": "cases",
    "POLMAS_VISIT": "cases",
    "PPL_DECISION": "cases",
    "PPW_FINDING": "cases",
    "PPW_PLANNED": "cases",
    "PUR_DECISION": "cases",
    "DemoCase": "cases",
    "DemoCasesResult": "cases",
    "demo_cases_load": "cases",
    "story_case": "cases",
    "DEMO_COMPLAINTS": "complaints",
    "complaint_setup_load": "complaints",
    "demo_complaints": "complaints",
    "demo_complaints_load": "complaints",
    "DEMO_ADMIN": "org",
    "DEMO_PASSWORD": "org",
    "DemoLogin": "org",
    "demo_org_load": "org",
    "DemoDataError": "yamlfile",
    "DemoIncoming": "incoming",
    "demo_incoming_load": "incoming",
    "SetupResult": "letter_setup",
    "demo_letter_setup_load": "letter_setup",
    "DemoLetter": "outgoing",
    "demo_letters_load": "outgoing",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOME[name]}"), name)
