"""/api/v1/enforcement: schema in, one selector or service call, schema out (each part's
operations in its own module, added here as a sub-router)."""

from __future__ import annotations

from ninja import Router

from .apis_ladder import perda_router
from .apis_violators import violators_router

enforcement_router = Router(tags=["enforcement"])
enforcement_router.add_router("/violators", violators_router)
enforcement_router.add_router("/perda", perda_router)
