from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "trantib.complaints"
    verbose_name = "Pengaduan"

    def ready(self) -> None:
        from trantib.cases.panels import case_links_register, case_panel_register
        from trantib.cases.services import start_guard_register, step_hook_register
        from trantib.engine.bindings import ContractName

        from .panels import complaint_case_links, complaint_panel_context
        from .services import ReporterAnswerHook, complaint_sop_guard

        case_panel_register(
            "complaint", template="complaints/case_panel.html", context=complaint_panel_context
        )
        case_links_register("complaint", complaint_case_links)
        step_hook_register(ContractName.REPORTER_ANSWER, ReporterAnswerHook())
        start_guard_register(complaint_sop_guard)
