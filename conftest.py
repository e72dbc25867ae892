"""Suite-wide: which database the run uses; PostgreSQL-only tests skip without DATABASE_URL."""

import os

import pytest


def _on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_report_header(config: pytest.Config) -> str:
    return "database: " + ("PostgreSQL (DATABASE_URL)" if _on_postgres() else "SQLite")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _on_postgres():
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
