from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "trantib.core"
    verbose_name = "Trantib"
