from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo: ``data/*.yaml`` and the ``demo`` command that loads them through services."""

    name = "trantib.demo"
    verbose_name = "Demo"
