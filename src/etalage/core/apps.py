from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "etalage.core"
    label = "core"
    verbose_name = "Étalage"

    def ready(self) -> None:
        from etalage.core.clock import chore_register
        from etalage.core.limits import limits_sweep

        chore_register("limit_windows_swept", limits_sweep)
