"""What depends on the market: one strategy object per market answers it all.

A ``MarketStrategy`` is built once per request (and reused for a while, see
``pricing.selectors``) from the market, the exchange rate in force and the reference
data of the day. It answers the price a buyer sees, the tax regime (the CBEC tax and
limits, the listing rules), where stock may come from and by which route, and whether
the market takes orders. Two regimes exist: ``CrossBorderChina`` (CBEC: tax included
in prices, per-order and yearly limits, the positive list, bonded or direct-mail
routes) and ``Domestic`` (a market in the merchants' own customs territory, shown
but not yet taking orders). ``strategy_class`` picks one by country; nothing else in
Étalage asks which country a market is in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from etalage.customs.cbec import NetContent, OrderLine, TaxRates, order_tax
from etalage.customs.routes import Route, WarehouseKind
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
class ReferenceData:
    """The day's data a strategy may need, read once for all markets."""

    tax_rates: Mapping[str, TaxRates] = field(default_factory=dict)
    freight: Mapping[Route, tuple[WeightBand, ...]] = field(default_factory=dict)
    bonded_only_hs_codes: frozenset[str] = frozenset()
    positive_list_hs_codes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class MarketStrategy:
    """The answers common to every market: prices converted from EUR at the rate in
    force (``fx``) and the market's warehouse priority."""

    market_code: str
    country: str
    currency: str
    default_language: str
    fx: FxQuote | None  # None: no exchange rate in force, prices cannot be shown
    warehouse_priority: tuple[str, ...] = ()
    freight: Mapping[Route, tuple[WeightBand, ...]] = field(default_factory=dict)
    # The rates of each CBEC tax class (none outside China's regime).
    tax_rates: Mapping[str, TaxRates] = field(default_factory=dict)

    takes_orders: ClassVar[bool] = False
    # The buyer's identity counts toward personal limits (a yearly allowance, caps).
    has_personal_limits: ClassVar[bool] = False

    @classmethod
    def build(
        cls,
        *,
        market_code: str,
        country: str,
        currency: str,
        default_language: str,
        fx: FxQuote | None,
        warehouse_priority: Sequence[str],
        data: ReferenceData,
    ) -> MarketStrategy:
        return cls(
            market_code=market_code,
            country=country,
            currency=currency,
            default_language=default_language,
            fx=fx,
            warehouse_priority=tuple(warehouse_priority),
            freight={r: data.freight.get(r, ()) for r in cls.routes()},
            **cls.regime_data(data),
        )

    @classmethod
    def regime_data(cls, data: ReferenceData) -> dict[str, Any]:
        """What the regime keeps of the day's reference data."""
        return {}

    # Prices and tax ----------------------------------------------------------------

    @property
    def has_cbec_tax(self) -> bool:
        """Prices include China's cross-border e-commerce tax."""
        return False

    @property
    def can_price(self) -> bool:
        return self.fx is not None

    def price(self, amount_eur: Decimal | None) -> Money | None:
        """Return the buyer's price for a merchant's EUR price, or None."""
        if amount_eur is None or self.fx is None:
            return None
        return self.fx.convert(Money(amount_eur, BASE_CURRENCY))

    def estimate(
        self,
        amount_eur: Decimal | None,
        *,
        tax_class: str,
        weight_grams: int,
        net: NetContent | None = None,
    ) -> PriceEstimate | None:
        """The tax of one unit shipped alone (None: no tax in the price)."""
        return None

    def shown_price(
        self,
        amount_eur: Decimal | None,
        *,
        tax_class: str,
        weight_grams: int,
        net: NetContent | None,
    ) -> Money | None:
        """The price a buyer sees: with the estimated tax where the market has it."""
        estimate = self.estimate(
            amount_eur,
            tax_class=tax_class,
            weight_grams=weight_grams,
            net=net,
        )
        return estimate.with_tax if estimate is not None else self.price(amount_eur)

    @property
    def tax_note(self) -> str:
        return str(_("Shipping is added in the cart."))

    # Stock and routes --------------------------------------------------------------

    @classmethod
    def routes(cls) -> tuple[Route, ...]:
        return (Route.DOMESTIC,)

    def stock_sources(self, hs_code: str) -> tuple[str, ...]:
        """The kinds of warehouse a line of ``hs_code`` may come from, in priority."""
        return self.warehouse_priority

    def route_for(self, warehouse_kind: str) -> Route:
        """The route of a parcel leaving a warehouse of ``warehouse_kind``."""
        return Route.DOMESTIC

    def bands_for(self, route: Route) -> tuple[WeightBand, ...]:
        """The freight price list of ``route`` (none: shipping is free)."""
        return self.freight.get(route, ())

    def out_of_stock_message(self, kinds: Sequence[str]) -> str | Promise:
        return _("This product is out of stock.")

    # Listing rules -----------------------------------------------------------------

    def line_problems(self, *, hs_code: str) -> list[str]:
        """Why a line of ``hs_code`` cannot be ordered now (checked at checkout and
        again when the order is placed, whatever the listing's state)."""
        return []

    def listing_problems(self, *, hs_code: str, on_positive_list: bool) -> list[str]:
        """Why a product cannot be sold in this market (besides its names)."""
        return []


@dataclass(frozen=True)
class CrossBorderChina(MarketStrategy):
    """Mainland China under the cross-border e-commerce (CBEC) regime."""

    bonded_only_hs_codes: frozenset[str] = frozenset()
    positive_list_hs_codes: frozenset[str] = frozenset()

    takes_orders: ClassVar[bool] = True
    has_personal_limits: ClassVar[bool] = True

    @classmethod
    def regime_data(cls, data: ReferenceData) -> dict[str, Any]:
        return {
            "tax_rates": dict(data.tax_rates),
            "bonded_only_hs_codes": data.bonded_only_hs_codes,
            "positive_list_hs_codes": data.positive_list_hs_codes,
        }

    @property
    def has_cbec_tax(self) -> bool:
        return bool(self.tax_rates)

    def estimate(
        self,
        amount_eur: Decimal | None,
        *,
        tax_class: str,
        weight_grams: int,
        net: NetContent | None = None,
    ) -> PriceEstimate | None:
        goods = self.price(amount_eur)
        rates = self.tax_rates.get(tax_class)
        if goods is None or rates is None:
            return None
        freight: Decimal | None = None
        bands = self.bands_for(Route.DIRECT_MAIL)
        if bands and weight_grams > 0:
            try:
                freight = parcel_freight(list(bands), weight_grams)
            except TooHeavy:
                freight = None
        line = OrderLine(
            key="estimate",
            unit_price=goods.amount,
            quantity=1,
            rates=rates,
            net=net,
        )
        tax = order_tax(lines=[line], freight=freight or Decimal("0"))
        return PriceEstimate(
            goods=goods,
            freight=Money(freight, self.currency) if freight is not None else None,
            tax=Money(tax.tax, self.currency),
        )

    @property
    def tax_note(self) -> str:
        return str(
            _(
                "Prices include the estimated cross-border e-commerce tax; "
                "shipping is added in the cart."
            )
        )

    @classmethod
    def routes(cls) -> tuple[Route, ...]:
        return (Route.DIRECT_MAIL, Route.BONDED)

    def stock_sources(self, hs_code: str) -> tuple[str, ...]:
        """Goods the positive list allows only as bonded imports come from a bonded
        warehouse in China; the rest by the market's priority."""
        if hs_code in self.bonded_only_hs_codes:
            return tuple(
                k for k in self.warehouse_priority if k == WarehouseKind.BONDED
            )
        return self.warehouse_priority

    def route_for(self, warehouse_kind: str) -> Route:
        if warehouse_kind == WarehouseKind.BONDED:
            return Route.BONDED
        return Route.DIRECT_MAIL

    def out_of_stock_message(self, kinds: Sequence[str]) -> str | Promise:
        if tuple(kinds) == (WarehouseKind.BONDED,):
            return _(
                "China allows this product only from a bonded warehouse in China, "
                "and none is in stock there."
            )
        return super().out_of_stock_message(kinds)

    def line_problems(self, *, hs_code: str) -> list[str]:
        if hs_code in self.positive_list_hs_codes:
            return []
        return [
            _(
                "HS code %(hs_code)s is not on China's cross-border e-commerce "
                "positive list: this product cannot be sold to China."
            )
            % {"hs_code": hs_code}
        ]

    def listing_problems(self, *, hs_code: str, on_positive_list: bool) -> list[str]:
        if on_positive_list:
            return []
        return [
            _(
                "HS code %(hs_code)s is not on China's cross-border e-commerce "
                "positive list: the product cannot be sold to China."
            )
            % {"hs_code": hs_code}
        ]


@dataclass(frozen=True)
class Domestic(MarketStrategy):
    """A market in the merchants' own customs territory (Belgium): prices in its
    currency, no cross-border tax, shown but not taking orders yet."""


# The regime of each market's country; any other country is a domestic market.
_BY_COUNTRY: dict[str, type[MarketStrategy]] = {"CN": CrossBorderChina}


def strategy_class(country: str) -> type[MarketStrategy]:
    """The strategy of a market in ``country``."""
    return _BY_COUNTRY.get(country, Domestic)
