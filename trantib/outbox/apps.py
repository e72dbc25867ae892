from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "trantib.outbox"
    verbose_name = "Kotak keluar pemberitahuan"

    def ready(self) -> None:
        from . import checks  # noqa: F401 — registers the gateway check
