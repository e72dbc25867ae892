from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "trantib.complaints"
    verbose_name = _("Pengaduan")

    def ready(self) -> None:
        from trantib.cases.panels import (
            case_clock_register,
            case_links_register,
            case_panel_register,
        )
        from trantib.cases.services import (
            case_handover_listener_register,
            start_guard_register,
            step_hook_register,
        )
        from trantib.core.dbdown import unavailable_door_register
        from trantib.core.search import search_provider_register
        from trantib.engine.bindings import ContractName

        from .open311.views import open311_unavailable
        from .panels import (
            complaint_case_clock_sql,
            complaint_case_clocks,
            complaint_case_links,
            complaint_panel_context,
        )
        from .search import complaints_search, places_search
        from .services import ReporterAnswerHook, complaint_follows_case, complaint_sop_guard
        from .sms.views import sms_unavailable

        case_panel_register(
            "complaint", template="complaints/case_panel.html", context=complaint_panel_context
        )
        case_clock_register(
            "complaint_answer", clocks=complaint_case_clocks, sql=complaint_case_clock_sql
        )
        case_links_register("complaint", complaint_case_links)
        step_hook_register(ContractName.REPORTER_ANSWER, ReporterAnswerHook())
        start_guard_register(complaint_sop_guard)
        case_handover_listener_register(complaint_follows_case)
        search_provider_register(
            "complaints", label=_("Pengaduan"), search=complaints_search, order=40
        )
        search_provider_register("places", label=_("Tempat"), search=places_search, order=90)
        # While the database cannot be reached, the gateway and Open311 clients get a 503 in
        # their own shapes (trantib.core.dbdown).
        unavailable_door_register("/sms/", sms_unavailable)
        unavailable_door_register("/open311/", open311_unavailable)
