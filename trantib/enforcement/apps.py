from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "trantib.enforcement"
    verbose_name = _("Penegakan Perda")

    def ready(self) -> None:
        from trantib.cases.services import (
            case_end_listener_register,
            step_guard_register,
            wait_period_register,
        )

        from .services.findings import FindingGuard
        from .services.outcomes import enforcement_case_ended, ladder_wait_period

        # The finding's step (PPW beri_teguran) takes its violator, place and articles from the
        # enforcement register.
        step_guard_register(FindingGuard())
        # The ladder's waits take their periods from the case's Perda; its end sets the outcome.
        wait_period_register(ladder_wait_period)
        case_end_listener_register(enforcement_case_ended)
