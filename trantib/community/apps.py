from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "trantib.community"
    verbose_name = _("Polmas")

    def ready(self) -> None:
        from trantib.cases.services import step_hook_register
        from trantib.core.search import search_provider_register
        from trantib.core.worker import periodic_job_register
        from trantib.engine.bindings import ContractName

        from .selectors import search_polmas
        from .services import ActivityHook
        from .tasks import polmas_every, polmas_job

        # The scheduler: opens each day's activities, marks the ended days' missed ones.
        periodic_job_register(
            "polmas", polmas_job, every=polmas_every, order=20, doing="opening Polmas activities"
        )
        # A Pos task completed on the case page still marks its activity held.
        step_hook_register(ContractName.POLMAS_ACTIVITY, ActivityHook())
        search_provider_register(
            "polmas", label=str(_("Kegiatan Polmas")), search=search_polmas, order=60
        )
