"""Fixtures of the API tests: clients carrying a real token of a demo user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from trantib.api.services import api_token_create
from trantib.complaints.tests.conftest import complaint_categories  # noqa: F401

from .support import ApiClient


@pytest.fixture
def api_as(demo_org: Any) -> Callable[[str], ApiClient]:
    """``api_as("staf.krj")``: a client with a fresh token of that demo user."""

    def make(username: str) -> ApiClient:
        _row, token = api_token_create(user=demo_org.user(username), name="test")
        return ApiClient(token)

    return make


@pytest.fixture
def anonymous() -> ApiClient:
    return ApiClient(None)
