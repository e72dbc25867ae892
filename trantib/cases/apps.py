from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "trantib.cases"
    verbose_name = _("Kasus")

    def ready(self) -> None:
        from trantib.core.audit import chain_source_register
        from trantib.core.search import search_provider_register
        from trantib.core.worker import periodic_job_register

        from .audit import CaseChains
        from .search import cases_search
        from .tasks import deadline_warnings_job, deadlines_job, digests_job

        chain_source_register(CaseChains())
        search_provider_register("cases", label=_("Kasus"), search=cases_search, order=10)
        periodic_job_register(
            "deadlines",
            deadlines_job,
            every=lambda: float(settings.TRANTIB_SWEEP_SECONDS),
            order=10,
            doing="deadline sweep",
        )
        periodic_job_register(
            "deadline_warnings",
            deadline_warnings_job,
            every=lambda: float(settings.TRANTIB_SWEEP_SECONDS),
            order=11,
            doing="warning of approaching deadlines",
        )
        periodic_job_register(
            "digests",
            digests_job,
            every=lambda: float(settings.TRANTIB_DIGEST_CHECK_SECONDS),
            order=12,
            doing="sending the morning digests",
        )
