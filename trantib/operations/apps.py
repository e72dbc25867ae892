from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "trantib.operations"
    verbose_name = _("Operasi")

    def ready(self) -> None:
        from trantib.cases.panels import case_panel_register
        from trantib.cases.services import step_hook_register
        from trantib.core.search import search_provider_register
        from trantib.engine.bindings import ContractName
        from trantib.letters.registry import draft_source_register

        from .panels import case_operation_context, places_search
        from .report import OperationReportHook, operation_report_values

        # A case whose SOP binds operation_report links to its operation file.
        case_panel_register(
            "operations",
            template="operations/case_panel.html",
            context=case_operation_context,
            order=40,
        )
        # The report step's laporan is drafted from the file.
        draft_source_register("operation", operation_report_values)
        # A report step without a letter (OPP): its blank report text is written from the file.
        step_hook_register(ContractName.OPERATION_REPORT, OperationReportHook())
        # Lazy: the label is shown in the reader's language.
        search_provider_register(
            "operation_places",
            label=cast(str, _("Tempat operasi")),
            search=places_search,
            order=70,
        )
