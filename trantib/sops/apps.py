from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SopsConfig(AppConfig):
    name = "trantib.sops"
    verbose_name = _("SOP")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the library check)
