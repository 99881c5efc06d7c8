"""What depends on the market: one object answers the price and the tax note.

Built once per request from the market and the rate in force, then passed to
selectors and templates. Later issues add the tax regime and warehouse priority.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from etalage.money import Money
from etalage.pricing.core import BASE_CURRENCY, FxQuote


@dataclass(frozen=True, slots=True)
class MarketPricing:
    market_code: str
    country: str
    currency: str
    default_language: str
    fx: FxQuote | None  # None: no exchange rate in force, prices cannot be shown

    @property
    def can_price(self) -> bool:
        return self.fx is not None

    def price(self, amount_eur: Decimal | None) -> Money | None:
        """Return the buyer's price for a merchant's EUR price, or None."""
        if amount_eur is None or self.fx is None:
            return None
        return self.fx.convert(Money(amount_eur, BASE_CURRENCY))

    @property
    def tax_note(self) -> str:
        if self.country == "CN":
            return _("Cross-border tax and shipping are calculated at checkout.")
        return _("Shipping is calculated at checkout.")

    def base_bounds(self, low: Decimal | None, high: Decimal | None):
        if self.fx is None:
            return None, None
        return self.fx.base_bounds(low, high)
