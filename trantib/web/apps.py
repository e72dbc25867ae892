from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "trantib.web"
    verbose_name = "Web"
