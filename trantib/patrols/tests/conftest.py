import pytest


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Photos of the reports go to a temporary media root."""
    settings.MEDIA_ROOT = tmp_path
