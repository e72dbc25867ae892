"""``Authorization: Bearer <token>``: the token's digest names the user, while the token has
not expired nor been revoked."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from trantib.accounts.middleware import person_known

from .selectors import api_token_find
from .services import api_token_used


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = api_token_find(token)
        if found is None:
            return None
        api_token_used(token=found)
        # The selectors and services read the user from here, as for a logged-in page.
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]  # "current" in the token list
        # Read with the token (select_related): None when the login has no person.
        person_known(request, getattr(found.user, "person", None))
        return found.user
