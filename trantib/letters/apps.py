from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "trantib.letters"
    verbose_name = _("Naskah dinas")

    def ready(self) -> None:
        from django.core.checks import register

        from trantib.cases.panels import case_panel_register, task_panel_register
        from trantib.cases.services import step_guard_register
        from trantib.core.search import search_provider_register

        from . import checks  # noqa: F401  (registers the check of the SOPs' letter blocks)
        from .classification import klasifikasi_system_check
        from .search import letters_search
        from .sop import LetterGuard
        from .views_sop import case_letters_context, task_letter_context

        # An SOP step's letter: it holds the step until far enough, and fills its fields.
        register(klasifikasi_system_check)
        search_provider_register("letters", label=_("Surat"), search=letters_search, order=30)
        step_guard_register(LetterGuard())
        case_panel_register(
            "letters", template="letters/case_panel.html", context=case_letters_context, order=60
        )
        task_panel_register(
            "letters", template="letters/case_panel.html#task", context=task_letter_context
        )
