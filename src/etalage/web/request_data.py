"""The market of the current request and its pricing strategy, fetched once."""

from django.conf import settings

from etalage.pricing.models import Market
from etalage.pricing.selectors import market_pricing
from etalage.pricing.strategy import MarketPricing


def request_market(request) -> tuple[Market, MarketPricing]:
    cached = getattr(request, "_etalage_market", None)
    if cached is not None:
        return cached
    markets = {m.code: m for m in Market.objects.filter(is_active=True)}
    market = markets.get(getattr(request, "market_code", "")) or markets.get(
        settings.ETALAGE_DEFAULT_MARKET
    )
    if market is None:
        market = next(iter(markets.values()), None)
    if market is None:
        raise LookupError("no active market is configured")
    result = (market, market_pricing(market=market))
    request._etalage_market = result
    request._etalage_markets = list(markets.values())
    return result


def request_category_tree(request):
    """Return the category tree in the request's language, fetched once per request."""
    from django.utils.translation import get_language

    from etalage.catalog.selectors import category_tree

    language = get_language()
    cached = getattr(request, "_etalage_tree", None)
    if cached is None or cached[0] != language:
        cached = (language, category_tree(language=language))
        request._etalage_tree = cached
    return cached[1]
