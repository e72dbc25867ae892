"""/api/v1/operations: schema in, one selector or service call, schema out."""

from __future__ import annotations

from ninja import Router

operations_router = Router(tags=["operations"])
