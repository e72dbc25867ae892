"""A throw-away PostgreSQL cluster for tests that stop and start the database themselves.

``initdb`` into a new temporary folder, the server on a free loopback port of its own with
password logins only and no Unix socket: never the shared server. initdb refuses to run as
root, so as root the cluster belongs to the ``postgres`` account (``runuser``). Without the
PostgreSQL binaries, or as root without that account, :func:`cluster_or_skip` skips the test
and says why.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

DATABASE = "trantib"
USER = "trantib"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _binaries() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return versions[-1].parent if versions else None


@dataclass
class Cluster:
    bin: Path
    home: Path  # the temporary folder: data/, the log, the password file
    port: int
    password: str
    run_as: list[str] = field(default_factory=list)  # ["runuser", "-u", "postgres", "--"]

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def log(self) -> Path:
        return self.home / "postgresql.log"

    def url(self) -> str:
        return f"postgres://{USER}:{self.password}@127.0.0.1:{self.port}/{DATABASE}"

    def _pg_ctl(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 — the cluster's own pg_ctl, fixed arguments
            [*self.run_as, str(self.bin / "pg_ctl"), "-D", str(self.data), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(self) -> None:
        # fsync off: a throw-away cluster on a machine that does not crash; it also spares the
        # seconds a start after an immediate stop spends syncing every file before recovery.
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            "-c fsync=off"
        )
        done = self._pg_ctl("-o", options, "-l", str(self.log), "-w", "-t", "30", "start")
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {done.stdout}{done.stderr}{self.log_tail()}")

    def stop(self, mode: str = "immediate") -> None:
        """``immediate``: as if the machine lost the database (no shutdown checkpoint)."""
        done = self._pg_ctl("-m", mode, "-w", "-t", "30", "stop")
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl stop failed: {done.stdout}{done.stderr}")

    def running(self) -> bool:
        return self._pg_ctl("status").returncode == 0

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def destroy(self) -> None:
        """Stop the server if it runs and remove every file: safe to call whatever happened."""
        try:
            if self.data.exists() and self.running():
                self.stop()
        finally:
            shutil.rmtree(self.home, ignore_errors=True)


def cluster_or_skip() -> Cluster:
    """A new cluster, initialised and started, with an empty database ``trantib`` owned by
    the superuser ``trantib``; the caller must :meth:`Cluster.destroy` it."""
    binaries = _binaries()
    if binaries is None or not (binaries / "initdb").exists():
        pytest.skip("PostgreSQL's initdb and pg_ctl are not installed (apt-get install postgresql)")
    run_as: list[str] = []
    owner: pwd.struct_passwd | None = None
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            owner = None
        if runuser is None or owner is None:
            pytest.skip("initdb refuses root, and there is no runuser or no postgres account")
        run_as = [runuser, "-u", owner.pw_name, "--"]
    # Not pytest's tmp_path: as root that folder is closed to the postgres account.
    home = Path(tempfile.mkdtemp(prefix="trantib-pg-"))
    cluster = Cluster(
        bin=binaries, home=home, port=free_port(), password=secrets.token_hex(16), run_as=run_as
    )
    try:
        password_file = home / "password"
        password_file.write_text(cluster.password + "\n")
        if owner is not None:
            os.chown(home, owner.pw_uid, owner.pw_gid)
            os.chown(password_file, owner.pw_uid, owner.pw_gid)
        done = subprocess.run(  # noqa: S603 — the installed initdb, fixed arguments
            [
                *run_as,
                str(binaries / "initdb"),
                "-D",
                str(cluster.data),
                "-U",
                USER,
                f"--pwfile={password_file}",
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",  # a throw-away cluster: no need to wait for the disk
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stdout}{done.stderr}")
        password_file.unlink()
        cluster.start()
        _create_database(cluster)
    except BaseException:
        cluster.destroy()
        raise
    return cluster


def _create_database(cluster: Cluster) -> None:
    import psycopg

    with psycopg.connect(
        host="127.0.0.1",
        port=cluster.port,
        user=USER,
        password=cluster.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f"CREATE DATABASE {DATABASE}")
