"""/api/v1/violators: schema in, one selector or service call, schema out."""

from __future__ import annotations

from ninja import Router

enforcement_router = Router(tags=["enforcement"])
