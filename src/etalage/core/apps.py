from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "etalage.core"
    label = "core"
    verbose_name = "Étalage"
