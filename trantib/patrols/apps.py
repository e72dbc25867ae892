from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatrolsConfig(AppConfig):
    name = "trantib.patrols"
    verbose_name = _("Patroli")

    def ready(self) -> None:
        from trantib.cases.panels import case_panel_register, task_panel_register
        from trantib.cases.services import step_guard_register, step_hook_register
        from trantib.core.search import search_provider_register
        from trantib.engine.bindings import ContractName

        from .panels import case_patrol_context, task_patrol_context
        from .search import area_search
        from .sop import EvaluationGuard, PatrolGuard, ScheduleGuard, ScheduleHook

        # The plan fills the schedule step; a daily report completes each patrol; the
        # evaluation lists the month's findings with their cases.
        step_guard_register(ScheduleGuard())
        step_guard_register(PatrolGuard())
        step_guard_register(EvaluationGuard())
        step_hook_register(ContractName.PATROL_SCHEDULE, ScheduleHook())
        case_panel_register(
            "patrols", template="patrols/case_panel.html", context=case_patrol_context, order=40
        )
        task_panel_register(
            "patrols", template="patrols/case_panel.html#task", context=task_patrol_context
        )
        search_provider_register(
            "patrol_areas", label=str(_("Wilayah patroli")), search=area_search, order=80
        )
