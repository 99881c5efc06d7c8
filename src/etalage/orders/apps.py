from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "etalage.orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from etalage.core.books import books_check_register
        from etalage.core.clock import chore_register
        from etalage.inventory.checks import inventory_problems
        from etalage.orders import handlers  # noqa: F401  (registers event handlers)
        from etalage.orders.checks import order_problems
        from etalage.orders.services import orders_expire

        chore_register("orders_expired", orders_expire)
        books_check_register("inventory", inventory_problems)
        books_check_register("orders", order_problems)
