"""The reports' own records: the monitoring forms and evaluations (``models_monitoring``).
Every figure is computed from the other apps' rows; only what an assessor writes is kept."""

from .models_monitoring import *  # noqa: F403
