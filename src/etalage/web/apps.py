from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "etalage.web"
    label = "web"
    verbose_name = "Web"

    def ready(self) -> None:
        # The storefront's fragments follow the catalogue's events.
        from etalage.web import fragments  # noqa: F401
