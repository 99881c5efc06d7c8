from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.utils import timezone

from etalage.core.reference import reference_cached
from etalage.customs.routes import Route
from etalage.customs.selectors import (
    bonded_only_hs_codes,
    positive_list_hs_codes,
    tax_rates_in_force,
)
from etalage.pricing.core import (
    BASE_CURRENCY,
    FxQuote,
    NoRateInForce,
    business_days_after,
)
from etalage.pricing.freight import WeightBand
from etalage.pricing.models import ExchangeRate, FreightRate, Market
from etalage.pricing.strategy import MarketStrategy, ReferenceData, strategy_class


def _plain(value: Decimal) -> Decimal:
    """Drop a stored rate's trailing zeros: 7.774800 -> 7.7748, 136.000000 -> 136."""
    return (
        value.quantize(Decimal(1))
        if value == value.to_integral()
        else value.normalize()
    )


def rate_in_force(*, currency: str, on: date) -> ExchangeRate:
    """Return the latest ECB rate published on or before ``on``."""
    rate = (
        ExchangeRate.objects.filter(currency=currency, rate_date__lte=on)
        .order_by("-rate_date")
        .first()
    )
    if rate is None:
        raise NoRateInForce(f"no EUR/{currency} rate published on or before {on}")
    return rate


def market_strategies() -> list[tuple[Market, MarketStrategy]]:
    """The active markets with today's strategy, reused for a while (see
    ``core.reference``)."""
    today = timezone.localdate()
    return reference_cached(
        f"etalage:markets:{today.isoformat()}",
        lambda: _strategies(Market.objects.filter(is_active=True), today),
    )


def strategies_for(
    markets: Iterable[Market], on: date | None = None
) -> list[tuple[Market, MarketStrategy]]:
    """The strategies of ``markets`` for the day ``on`` (today), read now."""
    return _strategies(markets, on or timezone.localdate())


def market_strategy(*, market: Market, on: date | None = None) -> MarketStrategy:
    """Return the strategy of ``market`` for the day ``on`` (today)."""
    return _strategies([market], on or timezone.localdate())[0][1]


def _strategies(
    markets: Iterable[Market], on: date
) -> list[tuple[Market, MarketStrategy]]:
    markets = list(markets)
    data = ReferenceData(
        tax_rates=tax_rates_in_force(on=on),
        freight={
            Route(r): tuple(bands) for r, bands in _freight_in_force(on=on).items()
        },
        bonded_only_hs_codes=bonded_only_hs_codes(),
        positive_list_hs_codes=positive_list_hs_codes(),
    )
    return [(market, _strategy(market, on, data)) for market in markets]


def _strategy(market: Market, on: date, data: ReferenceData) -> MarketStrategy:
    fx: FxQuote | None
    if market.currency == BASE_CURRENCY:
        fx = FxQuote.identity()
    else:
        try:
            rate = rate_in_force(currency=market.currency, on=on)
        except NoRateInForce:
            fx = None
        else:
            fx = FxQuote(
                currency=market.currency,
                rate=_plain(rate.rate),
                rate_date=rate.rate_date,
                margin_percent=market.fx_margin_percent,
            )
    return strategy_class(market.country).build(
        market_code=market.code,
        country=market.country,
        currency=market.currency,
        default_language=market.default_language,
        fx=fx,
        warehouse_priority=market.warehouse_priority,
        data=data,
    )


def freight_bands_in_force(*, route: Route, on: date) -> list[WeightBand]:
    """The weight bands of ``route``'s latest price list in force on ``on``."""
    return _freight_in_force(on=on, route=route).get(route, [])


def _freight_in_force(
    *, on: date, route: str | None = None
) -> dict[str, list[WeightBand]]:
    """Each route's latest price list in force on ``on`` (one query)."""
    rows = FreightRate.objects.filter(effective_from__lte=on)
    if route is not None:
        rows = rows.filter(route=route)
    latest: dict[str, date] = {}
    bands: dict[str, list[WeightBand]] = {}
    for row in rows.order_by("route", "-effective_from"):
        latest.setdefault(row.route, row.effective_from)
        if row.effective_from == latest[row.route]:
            bands.setdefault(row.route, []).append(
                WeightBand(max_grams=row.max_grams, price=row.price_cny)
            )
    return bands


def stale_rates(
    *, today: date | None = None, older_than: int = 3
) -> list[ExchangeRate]:
    """The rate in force of each active market's currency when it is more than
    ``older_than`` business days old (the ECB publishes every business day)."""
    today = today or timezone.localdate()
    stale = []
    currencies = set(
        Market.objects.filter(is_active=True)
        .exclude(currency=BASE_CURRENCY)
        .values_list("currency", flat=True)
    )
    for currency in sorted(currencies):
        try:
            rate = rate_in_force(currency=currency, on=today)
        except NoRateInForce:
            continue
        if business_days_after(rate.rate_date, today) > older_than:
            stale.append(rate)
    return stale
