from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "trantib.api"
    verbose_name = _("API")

    def ready(self) -> None:
        from trantib.core.dbdown import unavailable_door_register

        from .errors import unavailable_answer

        # A failure before the API's view (in a middleware) is answered in the API's shape too.
        unavailable_door_register("/api/", unavailable_answer)
