"""Product cards on the storefront's pages of results and listings: built from
what the search index stored of each product (``search.cards``: no product,
name or image row read), or from the products when a node has no index yet
(``presenters.product_card``); their stars and sales read for the page in one
query either way (``reviews.selectors.card_stats``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import quote

from django.core.files.storage import default_storage
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language

from etalage.catalog.models import Product
from etalage.core.languages import pick_translation
from etalage.pricing.strategy import MarketStrategy
from etalage.reviews.selectors import NO_STATS, CardStats, card_stats
from etalage.search.cards import StoredCard
from etalage.web.presenters import CardImage, ProductCard, price_text, product_card

_SLUG_MARK = "0slug0"


@lru_cache(maxsize=64)
def _address_maker(name: str, language: str, prefix: str) -> Callable[[str], str]:
    template = reverse(name, args=[_SLUG_MARK])
    return lambda slug: template.replace(_SLUG_MARK, quote(slug, safe=""), 1)


def slug_url(name: str, slug: str) -> str:
    """``reverse(name, args=[slug])`` for a URL whose one argument is a slug,
    resolved once per language (a page of 24 cards asks 48 times)."""
    return _address_maker(name, get_language(), get_script_prefix())(slug)


class _Name(NamedTuple):
    language: str
    name: str


def indexed_card(
    card: StoredCard,
    pricing: MarketStrategy,
    language: str,
    stats: CardStats = NO_STATS,
) -> ProductCard:
    """The card of a product as the search index stored it: what
    ``product_card`` shows, its price the catalogue's ``ListingPrice`` in the
    market (the same strategy's ``shown_price``, kept exactly)."""
    price = card.prices.get(pricing.market_code)
    if price is not None and price.currency != pricing.currency:
        price = None  # the market's currency changed since: none rather than wrong
    name = pick_translation((_Name(*n) for n in card.names.items()), language)
    return ProductCard(
        slug=card.slug,
        url=slug_url("web:product", card.slug),
        name=name.name if name else card.slug,
        merchant_name=card.merchant_name,
        merchant_url=slug_url("web:merchant", card.merchant_slug),
        image=CardImage(default_storage.url(card.thumbnail), card.is_illustration)
        if card.thumbnail
        else None,
        price=price_text(price, language),
        price_is_from=card.active_variants > 1,
        # As ``estimate`` decides it: the market has CBEC rates for the class.
        price_shipped_alone=price is not None and card.tax_class in pricing.tax_rates,
        stats=stats,
    )


def cards_of(
    items: Sequence[Product | StoredCard], pricing: MarketStrategy, language: str
) -> list[ProductCard]:
    """The cards of a page: of the cards the index stored, or of products."""
    stats = card_stats(i.id if isinstance(i, StoredCard) else i.pk for i in items)
    return [
        indexed_card(item, pricing, language, stats.get(item.id, NO_STATS))
        if isinstance(item, StoredCard)
        else product_card(item, pricing, language, stats.get(item.pk, NO_STATS))
        for item in items
    ]
