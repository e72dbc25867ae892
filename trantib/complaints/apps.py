from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "trantib.complaints"
    verbose_name = "Pengaduan"

    def ready(self) -> None:
        from trantib.cases.services import start_guard_register, step_hook_register

        from .services import ReporterAnswerHook, complaint_sop_guard

        step_hook_register(ReporterAnswerHook())
        start_guard_register(complaint_sop_guard)
