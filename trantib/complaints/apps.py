from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "trantib.complaints"
    verbose_name = "Pengaduan"

    def ready(self) -> None:
        from trantib.cases.services import step_hook_register

        from .services import ReporterAnswerHook

        step_hook_register(ReporterAnswerHook())
