from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "trantib.enforcement"
    verbose_name = _("Penegakan Perda")

    def ready(self) -> None:
        from trantib.cases.services import step_guard_register

        from .services.findings import FindingGuard

        # The finding's step (PPW beri_teguran) takes its violator, place and articles from the
        # enforcement register.
        step_guard_register(FindingGuard())
