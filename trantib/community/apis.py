"""/api/v1/polmas: schema in, one selector or service call, schema out."""

from __future__ import annotations

from ninja import Router

community_router = Router(tags=["community"])
