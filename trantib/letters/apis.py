"""The letters API (/api/v1/letters): see the router below."""

from ninja import Router

letters_router = Router(tags=["letters"])
