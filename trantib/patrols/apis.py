"""/api/v1/patrols: schema in, one selector or service call, schema out."""

from __future__ import annotations

from ninja import Router

patrols_router = Router(tags=["patrols"])
