from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from etalage.pricing.core import BASE_CURRENCY, FxQuote, NoRateInForce
from etalage.pricing.freight import WeightBand
from etalage.pricing.models import ExchangeRate, FreightRate, Market
from etalage.pricing.strategy import MarketPricing


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


def market_get(*, code: str) -> Market:
    return Market.objects.get(code=code, is_active=True)


def markets_active() -> list[Market]:
    return list(Market.objects.filter(is_active=True))


def reference_cached(key: str, build):
    """Reuse rarely changing reference data for ``ETALAGE_REFERENCE_CACHE_SECONDS``."""
    seconds = settings.ETALAGE_REFERENCE_CACHE_SECONDS
    if not seconds:
        return build()
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, seconds)
    return value


def markets_priced() -> list[tuple[Market, MarketPricing]]:
    """The active markets with today's pricing, reused for a while (see above)."""
    today = timezone.localdate()
    return reference_cached(
        f"etalage:markets:{today.isoformat()}",
        lambda: [
            (market, market_pricing(market=market, on=today))
            for market in Market.objects.filter(is_active=True)
        ],
    )


def market_pricing(*, market: Market, on: date | None = None) -> MarketPricing:
    """Return the pricing strategy of ``market`` for the day ``on`` (today)."""
    on = on or timezone.localdate()
    if market.currency == BASE_CURRENCY:
        fx: FxQuote | None = FxQuote.identity()
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
    tax_rates, bands, bonded = {}, (), ()
    if market.country == "CN":
        from etalage.customs.selectors import tax_rates_in_force

        tax_rates = tax_rates_in_force(on=on)
        routes = _freight_in_force(on=on)
        bands = tuple(routes.get(FreightRate.Route.DIRECT_LIEGE, ()))
        bonded = tuple(routes.get(FreightRate.Route.BONDED, ()))
    return MarketPricing(
        market_code=market.code,
        country=market.country,
        currency=market.currency,
        default_language=market.default_language,
        fx=fx,
        tax_rates=tax_rates,
        freight_bands=bands,
        bonded_freight_bands=bonded,
    )


def freight_bands_in_force(*, route: str, on: date) -> list[WeightBand]:
    """The weight bands of ``route``'s latest price list in force on ``on``."""
    return _freight_in_force(on=on, route=route).get(route, [])


def _freight_in_force(*, on: date, route: str | None = None) -> dict:
    """Each route's latest price list in force on ``on`` (one query)."""
    rows = FreightRate.objects.filter(effective_from__lte=on)
    if route is not None:
        rows = rows.filter(route=route)
    latest: dict = {}
    bands: dict = {}
    for row in rows.order_by("route", "-effective_from"):
        latest.setdefault(row.route, row.effective_from)
        if row.effective_from == latest[row.route]:
            bands.setdefault(row.route, []).append(
                WeightBand(max_grams=row.max_grams, price=row.price_cny)
            )
    return bands
