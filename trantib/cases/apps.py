from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "trantib.cases"
    verbose_name = _("Kasus")

    def ready(self) -> None:
        from trantib.core.audit import chain_source_register
        from trantib.core.worker import periodic_job_register

        from .audit import CaseChains
        from .tasks import deadlines_job

        chain_source_register(CaseChains())
        periodic_job_register(
            "deadlines",
            deadlines_job,
            every=lambda: float(settings.TRANTIB_SWEEP_SECONDS),
            order=10,
            doing="deadline sweep",
        )
