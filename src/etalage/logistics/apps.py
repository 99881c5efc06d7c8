from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "etalage.logistics"
    label = "logistics"
    verbose_name = _("Logistics")

    def ready(self) -> None:
        from django.core import checks

        from etalage.core.clock import chore_register
        from etalage.logistics import handlers  # noqa: F401  (registers event handlers)
        from etalage.logistics.checks import carrier_checked
        from etalage.logistics.last_mile import (
            parcels_handed_over_late,
            refused_pushes_purged,
        )
        from etalage.logistics.sandbox_carrier import sandbox_carrier_advanced
        from etalage.logistics.selectors import sub_orders_on_their_way
        from etalage.logistics.transit_measure import route_transits_measured
        from etalage.orders.selectors import sub_orders_on_their_way_register

        sub_orders_on_their_way_register(sub_orders_on_their_way)
        chore_register("sandbox_carrier_advanced", sandbox_carrier_advanced)
        chore_register("parcels_handed_over_late", parcels_handed_over_late)
        chore_register("refused_pushes_purged", refused_pushes_purged)
        chore_register("route_transits_measured", route_transits_measured)
        checks.register(carrier_checked, checks.Tags.security)
