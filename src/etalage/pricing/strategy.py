"""What depends on the market: one object answers the price and the tax note.

Built once per request from the market and the rate in force, then passed to
selectors and templates. Later issues add the tax regime and warehouse priority.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from etalage.customs.cbec import OrderLine, TaxRates, order_tax
from etalage.money import Money
from etalage.pricing.core import BASE_CURRENCY, FxQuote
from etalage.pricing.freight import TooHeavy, WeightBand, parcel_freight


@dataclass(frozen=True, slots=True)
class PriceEstimate:
    """What one unit costs a buyer in China, shipped alone: the estimate pages show."""

    goods: Money
    freight: Money | None  # None: no freight rate carries it
    tax: Money

    @property
    def with_tax(self) -> Money:
        return self.goods + self.tax

    @property
    def total(self) -> Money | None:
        return None if self.freight is None else self.goods + self.freight + self.tax


@dataclass(frozen=True, slots=True)
class MarketPricing:
    market_code: str
    country: str
    currency: str
    default_language: str
    fx: FxQuote | None  # None: no exchange rate in force, prices cannot be shown
    # The CBEC regime (China): the rates of each tax class and the direct-mail freight.
    tax_rates: dict[str, TaxRates] = field(default_factory=dict)
    freight_bands: tuple[WeightBand, ...] = ()
    bonded_freight_bands: tuple[WeightBand, ...] = ()

    def bands_for(self, route: str) -> tuple[WeightBand, ...]:
        """The freight price list of a route: ``direct_liege`` or ``bonded``."""
        return self.bonded_freight_bands if route == "bonded" else self.freight_bands

    @property
    def can_price(self) -> bool:
        return self.fx is not None

    def price(self, amount_eur: Decimal | None) -> Money | None:
        """Return the buyer's price for a merchant's EUR price, or None."""
        if amount_eur is None or self.fx is None:
            return None
        return self.fx.convert(Money(amount_eur, BASE_CURRENCY))

    @property
    def has_cbec_tax(self) -> bool:
        return self.country == "CN" and bool(self.tax_rates)

    def estimate(
        self,
        amount_eur: Decimal | None,
        *,
        tax_class: str,
        weight_grams: int,
        net_grams: int = 0,
    ) -> PriceEstimate | None:
        """Estimate the CBEC tax of one unit shipped alone (None: no tax regime)."""
        goods = self.price(amount_eur)
        rates = self.tax_rates.get(tax_class)
        if goods is None or not self.has_cbec_tax or rates is None:
            return None
        freight: Decimal | None = None
        if self.freight_bands and weight_grams > 0:
            try:
                freight = parcel_freight(list(self.freight_bands), weight_grams)
            except TooHeavy:
                freight = None
        line = OrderLine(
            key="estimate",
            unit_price=goods.amount,
            quantity=1,
            rates=rates,
            net_grams_per_unit=net_grams,
        )
        tax = order_tax(lines=[line], freight=freight or Decimal("0"))
        return PriceEstimate(
            goods=goods,
            freight=Money(freight, self.currency) if freight is not None else None,
            tax=Money(tax.tax, self.currency),
        )

    @property
    def tax_note(self) -> str:
        if self.has_cbec_tax:
            return _(
                "Prices include the estimated cross-border e-commerce tax; "
                "shipping is added in the cart."
            )
        return _("Shipping is added in the cart.")

    def base_bounds(self, low: Decimal | None, high: Decimal | None):
        if self.fx is None:
            return None, None
        return self.fx.base_bounds(low, high)
