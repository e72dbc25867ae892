"""Timing the pages on the large history: runs in a process that booted Django (production
settings) on the history database; the Django test client, logged in as each persona, asks
for each page a few times to warm up and then ``requests`` times against the clock; one more
request under ``CaptureQueriesContext`` counts its queries and keeps the slowest ones.

A page whose URL this checkout does not have is "not yet built", never timed."""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

from bench.report import percentile

WARM_UP = 3

# (key, label, path with {unit}; the SOP of the filtered case list per persona is filled in)
PAGES: tuple[tuple[str, str, str], ...] = (
    ("cases", "Daftar kasus, halaman pertama", "/kasus/"),
    ("cases_filtered", "Daftar kasus, disaring", "/kasus/?sop={sop}&status=open"),
    ("dashboard", "Dasbor", "/laporan/dasbor/?unit={unit}"),
    ("recap_patrols", "Rekap patroli", "/laporan/rekap/patroli/?unit={unit}&periode=2026-10"),
    (
        "recap_enforcement",
        "Rekap penegakan",
        "/laporan/rekap/penegakan/?unit={unit}&periode=2026-10",
    ),
    (
        "recap_complaints",
        "Rekap pengaduan",
        "/laporan/rekap/pengaduan/?unit={unit}&periode=2026-10",
    ),
    ("recap_operations", "Rekap operasi", "/laporan/rekap/operasi/?unit={unit}&periode=2026-10"),
    ("recap_polmas", "Rekap Polmas", "/laporan/rekap/polmas/?unit={unit}&periode=2026-10"),
    (
        "monitoring",
        "Monitoring SOP (isian awal)",
        "/laporan/monitoring/baru/?sop=PPW&periode=2026-S1&unit={unit}",
    ),
    ("spm", "SPM Trantibum", "/laporan/spm/?unit={unit}&periode=2026-T3"),
)
PERSONAS: tuple[tuple[str, str, str], ...] = (
    # key, who, the SOP of the filtered case list
    ("camat", "Camat of a busy kecamatan", "PGD"),
    ("kasat", "Kasat Pol PP of a kab/kota", "PPW"),
    ("province", "Province head (all 30 units)", "PGD"),
)


def _built(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return False
    return True


def _slowest(captured: list[dict[str, str]], n: int = 3) -> list[dict[str, Any]]:
    rows = sorted(captured, key=lambda q: float(q.get("time") or 0), reverse=True)[:n]
    return [{"ms": float(q.get("time") or 0) * 1000, "sql": q["sql"][:600]} for q in rows]


def measure(
    *,
    personas: dict[str, str],
    units: dict[str, str],
    requests: int,
    only: tuple[str, ...] = (),
    log: Any = print,
) -> dict[str, Any]:
    """Every page for every persona; returns the rows and the load seen."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rows: list[dict[str, Any]] = []
    load_max = os.getloadavg()[0]
    users = get_user_model().objects.in_bulk(
        [personas[p] for p, _, _ in PERSONAS], field_name="username"
    )
    for persona, who, sop in PERSONAS:
        client = Client(HTTP_HOST="localhost")
        client.force_login(users[personas[persona]])
        unit = units[persona]
        for key, label, template in PAGES:
            if only and key not in only:
                continue
            path = template.format(unit=unit, sop=sop)
            row: dict[str, Any] = {
                "persona": persona,
                "who": who,
                "unit": unit,
                "page": key,
                "label": label,
                "path": path,
            }
            if not _built(path):
                row["missing"] = True
                rows.append(row)
                log(f"  {persona:8} {key:18} not measured: not yet built")
                continue
            status = 0
            for _ in range(WARM_UP):
                status = client.get(path).status_code
            times: list[float] = []
            for _ in range(requests):
                t0 = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - t0) * 1000)
                status = response.status_code
                load_max = max(load_max, os.getloadavg()[0])
            with CaptureQueriesContext(connection) as ctx:
                client.get(path)
            row.update(
                status=status,
                n=len(times),
                p50=statistics.median(times),
                p95=percentile(times, 95),
                max=max(times),
                queries=len(ctx.captured_queries),
                slowest=_slowest(ctx.captured_queries),
                bytes=len(response.content),
            )
            rows.append(row)
            log(
                f"  {persona:8} {key:18} {status} p50 {row['p50']:7.1f} ms"
                f"  p95 {row['p95']:7.1f} ms  max {row['max']:7.1f} ms  {row['queries']} queries"
            )
    return {"rows": rows, "load_max": load_max, "requests": requests}


def database_info() -> dict[str, str]:
    from django.db import connection

    info: dict[str, str] = {}
    with connection.cursor() as cur:
        for name in ("server_version", "shared_buffers", "work_mem", "effective_cache_size"):
            cur.execute(f"SHOW {name}")
            info[name] = str(cur.fetchone()[0])
    return info
