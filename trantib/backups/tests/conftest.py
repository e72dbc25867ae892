"""Backup fixtures: cases built through the services, an archive of the test database, an
empty database of the suite's vendor to restore into, and ``manage()`` — the product's own
``manage.py`` in a child process, pointed at another database as an operator would."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

from trantib.accounts.selectors import holders_of
from trantib.backups.vendors import pg_params
from trantib.cases import services
from trantib.cases.models import Attachment, Case, Task
from trantib.conftest import DemoOrg

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass(frozen=True)
class Built:
    cases: list[Case]
    attachment: Attachment


def build_cases(demo_org: DemoOrg) -> Built:
    """Three complaint cases of Kecamatan Kerjo: one three steps on with a photo, one
    cancelled by the Camat, one just started."""
    unit = demo_org.unit("KRJ")
    staf = demo_org.person("staf.krj")

    def start(subject: str) -> Case:
        return services.case_start(
            sop_code="PGD",
            unit=unit,
            actor=staf,
            subject=subject,
            data={"saluran": "SMS", "uraian": f"{subject}: buka sampai pukul 02.00"},
        )

    worked = start("Warung karaoke")
    photo = services.attachment_add(
        case=worked, actor=staf, name="foto.png", content=io.BytesIO(PNG)
    )
    arahan = {"camat_arahkan": {"arahan": "Tegur pemilik warung"}}
    for _ in range(3):
        task = Task.objects.get(case=worked, status__in=["open", "claimed"])
        actor = holders_of(unit, task.role).first()
        assert actor is not None
        services.task_complete(task=task, actor=actor, data=arahan.get(task.step_id, {}))
    cancelled = start("Pedagang di trotoar")
    services.case_cancel_by_officer(
        case=cancelled, actor=demo_org.person("camat.krj"), reason="Laporan ganda"
    )
    fresh = start("Parkir liar")
    return Built([worked, cancelled, fresh], photo)


def backup_to(folder: Path) -> tuple[Path, str]:
    """``trantib backup --output FOLDER/``: the archive and what it printed."""
    out = io.StringIO()
    call_command("backup", "--output", f"{folder}/", stdout=out)
    (archive,) = folder.glob("trantib-*.tar.gz")
    return archive, out.getvalue()


def restore_refusal(*args: str) -> str:
    """The one line ``trantib restore`` refuses with (it must refuse)."""
    from django.core.management.base import CommandError

    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("restore", *args, stdout=out)
    assert refused.value.returncode == 2
    assert "\n" not in str(refused.value)
    return str(refused.value)


def manage(var: Path, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``manage.py ARGS`` with the production settings on another database and var folder."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "TRANTIB_VAR_DIR": str(var),
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@dataclass(frozen=True)
class EmptyDatabase:
    """An empty database of the suite's vendor: its URL (for ``manage()``) and a connection
    alias (for an in-process restore)."""

    url: str
    alias: str
    name: str

    def counts(self) -> dict[str, int]:
        if connection.vendor == "sqlite":
            with closing(sqlite3.connect(self.name)) as db:
                tables = [
                    r[0]
                    for r in db.execute(
                        "SELECT name FROM sqlite_master "
                        "WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                    )
                ]
                return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
        import psycopg
        from psycopg import sql

        params: dict[str, Any] = {**pg_params(connection.settings_dict), "dbname": self.name}
        with psycopg.connect(**params) as db:
            tables = [
                r[0]
                for r in db.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                )
            ]
            return {
                t: db.execute(
                    sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(t))
                ).fetchone()[0]  # type: ignore[index]
                for t in tables
            }


def _pg_admin(statement: str) -> None:
    import psycopg

    params: dict[str, Any] = {**pg_params(connection.settings_dict), "dbname": "postgres"}
    with psycopg.connect(**params, autocommit=True) as db:
        db.execute(statement)  # type: ignore[arg-type]


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[EmptyDatabase]:
    """SQLite: a file that does not exist yet. PostgreSQL: a throw-away database with a unique
    name, dropped afterwards."""
    alias = "restore_target"
    if connection.vendor == "sqlite":
        name = str(tmp_path / "restored.sqlite3")
        target = EmptyDatabase(f"sqlite:///{name}", alias, name)
    else:
        name = f"trantib_restore_{uuid.uuid4().hex[:12]}"
        _pg_admin(f'CREATE DATABASE "{name}"')
        url = urlsplit(os.environ.get("DATABASE_URL", ""))._replace(path=f"/{name}").geturl()
        target = EmptyDatabase(url, alias, name)
    connections.settings[alias] = {
        **connection.settings_dict,
        "NAME": name,
        "TEST": {**connection.settings_dict.get("TEST", {}), "NAME": name},
    }
    try:
        yield target
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]
        if connection.vendor == "postgresql":
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
