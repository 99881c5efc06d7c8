"""How goods reach a buyer: the routes a parcel takes and the kinds of warehouse it
starts from, with what customs call each route.

A China parcel either goes by direct mail from Belgium through the Liège hub
(customs supervision mode 9610) or leaves a bonded warehouse in China (1210); a
parcel within the buyer's own customs territory crosses no border. Which route a
warehouse's parcels take for a market is the market strategy's answer
(``pricing.strategy``); what a route *is* is here, and nowhere else.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WarehouseKind(models.TextChoices):
    MERCHANT = "merchant", _("Merchant's own warehouse (direct mail, 9610)")
    HUB = "hub", _("Liège hub (direct mail, 9610)")
    BONDED = "bonded", _("Bonded warehouse in China (1210)")


class Route(models.TextChoices):
    DIRECT_MAIL = "direct_liege", _("Direct mail through the Liège hub (9610)")
    BONDED = "bonded", _("Bonded warehouse in China (1210)")
    DOMESTIC = "domestic", _("Domestic delivery")

    @property
    def customs_mode(self) -> str:
        """China's customs supervision mode of the route ("" when none applies)."""
        return _CUSTOMS_MODES[self]

    @property
    def crosses_border(self) -> bool:
        return bool(self.customs_mode)

    @property
    def description(self) -> str:
        """Where the parcel comes from, for the buyer."""
        return str(_DESCRIPTIONS[self])

    @property
    def freight_label(self) -> str:
        """The name of the route's freight on a bill."""
        return str(_FREIGHT_LABELS[self])


_CUSTOMS_MODES = {Route.DIRECT_MAIL: "9610", Route.BONDED: "1210", Route.DOMESTIC: ""}
_DESCRIPTIONS = {
    Route.DIRECT_MAIL: _(
        "Direct mail from Belgium through the Liège hub (customs mode 9610)."
    ),
    Route.BONDED: _("From the bonded warehouse in China (customs mode 1210)."),
    Route.DOMESTIC: _("Delivered within the country."),
}
_FREIGHT_LABELS = {
    Route.DIRECT_MAIL: _("Shipping via the Liège hub"),
    Route.BONDED: _("Delivery from the bonded warehouse in China"),
    Route.DOMESTIC: _("Shipping"),
}
