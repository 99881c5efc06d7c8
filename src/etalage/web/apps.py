from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "etalage.web"
    label = "web"
    verbose_name = "Web"
