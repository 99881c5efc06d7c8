from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "etalage.api"
    label = "api"
    verbose_name = "API"
