from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "trantib.letters"
    verbose_name = _("Naskah dinas")

    def ready(self) -> None:
        from django.core import checks

        from .classification import klasifikasi_system_check

        checks.register(klasifikasi_system_check)
