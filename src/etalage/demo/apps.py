from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "etalage.demo"
    label = "demo"
    verbose_name = "Demo marketplace"
