"""Reference data every storefront page needs, fetched once per request.

The markets with their rate in force and the category tree change rarely (a new ECB
rate a day, an operator's edit now and then) but are read by every page, so they are
kept in the cache for ``ETALAGE_REFERENCE_CACHE_SECONDS`` (60 s by default): an
operator's change shows on the storefront within that time.
"""

import hashlib
from uuid import UUID

from django.conf import settings
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language

from etalage.catalog.selectors import CategoryTree, category_tree
from etalage.catalog.selectors import merchant_choices as catalog_merchant_choices
from etalage.core.reference import reference_cached as _cached
from etalage.pricing.models import Market
from etalage.pricing.selectors import market_strategies
from etalage.pricing.strategy import MarketStrategy


class CachedCountPaginator(Paginator):
    """A paginator that reuses the number of results of the same query for a while.

    Counting thousands of rows on every page view is the dearest part of a category
    page; the count may lag behind by ``ETALAGE_REFERENCE_CACHE_SECONDS`` at most.
    """

    @cached_property
    def count(self) -> int:
        query = self.object_list.query
        digest = hashlib.sha256(str(query).encode()).hexdigest()[:32]
        return _cached(f"etalage:count:{digest}", self.object_list.count)


def _markets() -> list[tuple[Market, MarketStrategy]]:
    return market_strategies()


def request_market(request) -> tuple[Market, MarketStrategy]:
    """Return the market the visitor shops in, and its pricing strategy."""
    cached = getattr(request, "_etalage_market", None)
    if cached is not None:
        return cached
    markets = {market.code: (market, pricing) for market, pricing in _markets()}
    chosen = markets.get(getattr(request, "market_code", "")) or markets.get(
        settings.ETALAGE_DEFAULT_MARKET
    )
    if chosen is None:
        chosen = next(iter(markets.values()), None)
    if chosen is None:
        raise LookupError("no active market is configured")
    request._etalage_market = chosen
    request._etalage_market_strategies = list(markets.values())
    return chosen


def _tree_with_urls(language: str) -> CategoryTree:
    tree = category_tree(language=language)
    for node in tree.by_id.values():
        node.url = reverse("web:category", args=[node.slug])
    return tree


def merchant_choices(
    category_ids: list[UUID] | None = None, key: str = ""
) -> list[tuple[str, str]]:
    """Return (slug, name) of the merchants selling in the listing (``key`` names
    it: a category's slug, or "" for all), for the listing filters."""
    return _cached(
        f"etalage:merchant-choices:{key}",
        lambda: catalog_merchant_choices(category_ids),
    )


def request_category_tree(request) -> CategoryTree:
    """Return the category tree in the request's language."""
    language = get_language()
    cached = getattr(request, "_etalage_tree", None)
    if cached is None or cached[0] != language:
        tree = _cached(
            f"etalage:category-tree:{language}",
            lambda: _tree_with_urls(language),
        )
        cached = (language, tree)
        request._etalage_tree = cached
    return cached[1]
