from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "trantib.outbox"
    verbose_name = "Kotak keluar pemberitahuan"

    def ready(self) -> None:
        from trantib.core.worker import periodic_job_register

        from . import checks  # noqa: F401 — registers the gateway check
        from .tasks import outbox_job

        periodic_job_register("outbox", outbox_job, order=60, doing="delivering the outbox")
