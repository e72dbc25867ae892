from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "trantib.enforcement"
    verbose_name = _("Penegakan Perda")

    def ready(self) -> None:
        from trantib.cases.services import record_masker_register, step_guard_register
        from trantib.core.search import search_provider_register

        from .search import violators_search
        from .selectors.violators import case_record_masker
        from .services.findings import FindingGuard

        # The finding's step (PPW beri_teguran) takes its violator, place and articles from the
        # enforcement register.
        step_guard_register(FindingGuard())
        # A violator's NIK, address and phone recorded in a case (PPW's pelanggar) are masked
        # on the case page, its PDF and its API for anyone but the unit's enforcement roles.
        record_masker_register(case_record_masker)
        # The search box finds violators by name, business name and NIB; by NIK only for the
        # enforcement roles of the violator's unit.
        search_provider_register(
            "violators",
            label=_("Pelanggar"),  # type: ignore[arg-type]  # lazy: the reader's language
            search=violators_search,
            order=20,
        )
