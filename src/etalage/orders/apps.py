from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "etalage.orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from etalage.orders import handlers  # noqa: F401  (registers outbox handlers)
