"""Where background jobs run (deadlines, waits, schedules, the outbox's deliveries), read from
the environment by ``config/settings.py``.

``TRANTIB_TASKS=db`` (the default, the embedded install): django-tasks' database backend; the
``trantib worker`` loop (or the thread of ``trantib serve``) runs the due jobs.
``TRANTIB_TASKS=rq``: django-tasks' RQ backend on the Redis at ``TRANTIB_REDIS_URL``
(``trantib.core.jobs_rq``: django-tasks-rq's backend, failing in one line when Redis does not
answer); ``trantib worker`` then runs an RQ worker beside the periodic jobs, and ``trantib
serve``'s thread runs the periodic jobs only. docs/decisions/0010-background-jobs-on-redis.md.
"""

from __future__ import annotations

from typing import Any

import environ

env = environ.Env()

BACKENDS = {"db": "django_tasks_db.DatabaseBackend", "rq": "trantib.core.jobs_rq.RQBackend"}

TRANTIB_TASKS = env.str("TRANTIB_TASKS", default="db")
TRANTIB_REDIS_URL = env.str("TRANTIB_REDIS_URL", default="redis://127.0.0.1:6379/0")


def jobs_problem() -> str:
    """One line naming what is wrong with the jobs' settings, or empty."""
    if TRANTIB_TASKS not in BACKENDS:
        return f"TRANTIB_TASKS: {TRANTIB_TASKS!r} is not one of {', '.join(BACKENDS)}."
    return ""


TASKS: dict[str, Any] = {
    "default": {
        "BACKEND": env.str(
            "TRANTIB_TASKS_BACKEND", default=BACKENDS.get(TRANTIB_TASKS, BACKENDS["db"])
        ),
    }
}
# The apps the chosen backend needs, added to INSTALLED_APPS.
JOB_APPS: list[str] = ["django_rq"] if TRANTIB_TASKS == "rq" else []
RQ_QUEUES: dict[str, Any] = {"default": {"URL": TRANTIB_REDIS_URL}}
