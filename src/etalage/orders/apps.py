from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "etalage.orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from etalage.core.clock import chore_register
        from etalage.orders import handlers  # noqa: F401  (registers event handlers)
        from etalage.orders.services import orders_expire

        chore_register("orders_expired", orders_expire)
