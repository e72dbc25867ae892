from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "trantib.outbox"
    verbose_name = _("Kotak keluar pemberitahuan")

    def ready(self) -> None:
        from trantib.cases.services import notice_sender_register
        from trantib.core.worker import periodic_job_register

        from . import checks  # noqa: F401 — registers the gateway check
        from .services import notice_enqueue
        from .tasks import outbox_job

        periodic_job_register("outbox", outbox_job, order=60, doing="delivering the outbox")
        # Officers who chose e-mail or SMS get their notices through the outbox.
        notice_sender_register("email", notice_enqueue)
        notice_sender_register("sms", notice_enqueue)
