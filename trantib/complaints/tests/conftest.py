"""Complaint fixtures: the demo organisation with the demo categories and routing rules."""

from __future__ import annotations

import pytest

from trantib.complaints.models import Category
from trantib.conftest import DemoOrg
from trantib.demo import complaint_setup_load


@pytest.fixture
def complaint_categories(demo_org: DemoOrg) -> dict[str, Category]:
    """The demo categories by code (Kecamatan Kerjo: pkl, hiburan, bangunan, reklame,
    kebisingan, lainnya; Kecamatan Cipondoh: cpd-pkl), with the routing rules."""
    complaint_setup_load()
    return {c.code: c for c in Category.objects.all()}
