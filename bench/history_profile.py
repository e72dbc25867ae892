"""Where a page's time goes on the large history: one request under cProfile, split into
time in SQL (each query's time) and the rest, with the functions that took the most.

    .venv/bin/python bench/history_profile.py dashboard province
    .venv/bin/python bench/history_profile.py recap_operations kasat --top 40

Pages and personas are those of ``bench/history_measure.py``; the history database must exist
(``bench/history.py`` makes it). For finding what to fix, not a measurement: ``make bench``
times the pages.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import history, history_measure


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("page", choices=[key for key, _l, _p in history_measure.PAGES])
    p.add_argument("persona", choices=[key for key, _w, _s in history_measure.PERSONAS])
    p.add_argument("--url", default=history.HISTORY_URL)
    p.add_argument("--top", type=int, default=25, help="functions listed (25)")
    p.add_argument("--sort", default="cumulative", help="pstats order (cumulative)")
    p.add_argument("--queries", type=int, default=5, help="slowest queries listed (5)")
    args = p.parse_args(argv)
    info = history.marker_read(args.url)
    if info is None:
        print(f"no history in {args.url}: make it with bench/history.py", file=sys.stderr)
        return 1
    history._boot(args.url, "/tmp/trantib-history")  # noqa: S108
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    template = next(t for key, _l, t in history_measure.PAGES if key == args.page)
    sop = next(s for key, _w, s in history_measure.PERSONAS if key == args.persona)
    path = template.format(unit=info["units"][args.persona], sop=sop)
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username=info["personas"][args.persona]))
    client.get(path)  # warm: caches, the SOP specs
    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        profiler.enable()
        response = client.get(path)
        profiler.disable()
        total = (time.perf_counter() - t0) * 1000
    sql = sum(float(q.get("time") or 0) for q in ctx.captured_queries) * 1000
    size = len(response.content)
    print(f"{path}: {response.status_code}, {total:.0f} ms (profiled), {size:,} bytes")
    print(f"SQL {sql:.0f} ms in {len(ctx.captured_queries)} queries; the rest {total - sql:.0f} ms")
    for q in sorted(ctx.captured_queries, key=lambda q: -float(q.get("time") or 0))[: args.queries]:
        print(f"  {float(q.get('time') or 0) * 1000:6.0f} ms  {q['sql'][:160]}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
