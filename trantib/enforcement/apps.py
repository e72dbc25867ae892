from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "trantib.enforcement"
    verbose_name = _("Penegakan Perda")

    def ready(self) -> None:
        from trantib.cases.panels import case_panel_register, task_panel_register
        from trantib.cases.services import (
            case_end_listener_register,
            record_masker_register,
            step_guard_register,
            wait_period_register,
        )
        from trantib.core.search import search_provider_register
        from trantib.letters.registry import letter_masker_register

        from .panels import case_enforcement_context, task_enforcement_context
        from .search import violators_search
        from .selectors.violators import case_record_masker, letter_masker
        from .services.findings import FindingGuard
        from .services.outcomes import enforcement_case_ended, ladder_wait_period

        # The finding's step (PPW beri_teguran) takes its violator, place and articles from the
        # enforcement register.
        step_guard_register(FindingGuard())
        # The ladder's waits take their periods from the case's Perda; its end sets the outcome.
        wait_period_register(ladder_wait_period)
        case_end_listener_register(enforcement_case_ended)
        # The case page shows the finding, the ladder and the visits; the finding's step and the
        # compliance checks show what the register holds for them.
        case_panel_register(
            "enforcement",
            template="enforcement/board_case_panel.html",
            context=case_enforcement_context,
            order=40,
        )
        task_panel_register(
            "enforcement",
            template="enforcement/board_task_panel.html",
            context=task_enforcement_context,
        )
        # A violator's NIK, address and phone recorded in a case (PPW's pelanggar) are masked
        # on the case page, its PDF and its API for anyone but the unit's enforcement roles.
        record_masker_register(case_record_masker)
        # The same in the letters drafted from the case (Surat Pernyataan, Teguran, Berita
        # Acara): their API, page, editor and draft preview; the signed PDF keeps its text.
        letter_masker_register(letter_masker)
        # The search box finds violators by name, business name and NIB; by NIK only for the
        # enforcement roles of the violator's unit.
        search_provider_register(
            "violators",
            label=_("Pelanggar"),  # type: ignore[arg-type]  # lazy: the reader's language
            search=violators_search,
            order=20,
        )
