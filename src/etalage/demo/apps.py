from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "etalage.demo"
    label = "demo"
    verbose_name = "Demo marketplace"

    def ready(self) -> None:
        from etalage.core.clock import chore_register
        from etalage.demo.clock import demo_parcels_moved

        chore_register("demo_parcels_moved", demo_parcels_moved)
