"""Product cards on the storefront's pages of results and listings: built from
what the search index stored of each product (``search.cards``: no product,
name or image row read), or from the products when a node has no index yet
(``presenters.product_card``, their stars and sales read for the page in one
query: ``reviews.selectors.card_stats``); the index's cards hold theirs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

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
    """The cards of a page: of the cards the index stored (their stars and sales
    too), or of products (theirs read in one query)."""
    stats = card_stats(i.pk for i in items if not isinstance(i, StoredCard))
    return [
        indexed_card(item, pricing, language, item.stats)
        if isinstance(item, StoredCard)
        else product_card(item, pricing, language, stats.get(item.pk, NO_STATS))
        for item in items
    ]


# --- the cards' HTML -----------------------------------------------------------------
# What ``etalage/storefront/_card.html`` wrote for each card, written by Python: a
# page of 24 cards through the template engine cost about 2.3 ms of CPU, this a
# tenth. ``web/tests/test_card_html.py`` holds it to the template's output.

_CARD_START = '<li class="card">\n  <a href="{}" class="card-link">\n    '
_IMAGE = (
    '\n      <img src="{}" alt="{}" width="320" height="320" loading="lazy">\n'
    "      {}\n    "
)
_NO_IMAGE = '\n      <span class="no-image" aria-hidden="true"></span>\n    '
_CARD_END = (
    '\n    <span class="card-name">{}</span>\n  </a>\n'
    '  <span class="card-merchant"><a href="{}">{}</a></span>\n  {}\n  {}\n</li>\n'
)


class _Words(NamedTuple):
    """The card's translated words in one language, with their slots."""

    illustration: str
    rated: str  # %(average)s %(count)s
    sold: str  # %(n)s
    price_from: str  # %(price)s
    shipped_alone: str


@lru_cache(maxsize=16)
def _words(language: str) -> _Words:
    with translation.override(language):
        return _Words(
            conditional_escape(gettext("Illustration")),
            gettext("Rated %(average)s out of 5 by %(count)s buyers"),
            gettext("%(n)s sold this month"),
            gettext("from %(price)s"),
            conditional_escape(gettext("with tax, shipped alone")),
        )


def _slot(value: object) -> str:
    """A value as a template's variable shows it: localized, escaped."""
    return conditional_escape(localize(value))


def _stats_html(stats: CardStats, words: _Words) -> str:
    if not (stats.count or stats.sold_month):
        return ""
    rating = sold = ""
    if stats.count:
        average, count = _slot(stats.average), _slot(stats.count)
        label = words.rated % {"average": average, "count": count}
        rating = (
            f'<span class="card-rating" role="img" aria-label="{label}">'
            f'<span aria-hidden="true">★ {average} ({count})</span></span>'
        )
    if stats.sold_month:
        told = words.sold % {"n": _slot(stats.sold_month)}
        sold = f' <span class="card-sold">{told}</span>'
    return f'<span class="card-stats">{rating}{sold}</span>'


def _price_html(card: ProductCard, words: _Words) -> str:
    if not card.price:
        return ""
    price = conditional_escape(card.price)
    shown = words.price_from % {"price": price} if card.price_is_from else price
    note = (
        f' <small class="price-note">{words.shipped_alone}</small>'
        if card.price_shipped_alone
        else ""
    )
    return f'<span class="price">{shown}{note}</span>'


def card_html(card: ProductCard, words: _Words) -> str:
    """One card's ``<li>``, every value escaped."""
    if card.image:
        badge = mark_safe(  # noqa: S308 (a translated word, escaped in _words)
            f'<span class="badge">{words.illustration}</span>'
            if card.image.is_illustration
            else ""
        )
        image = format_html(_IMAGE, card.image.thumbnail, card.name, badge)
    else:
        image = _NO_IMAGE
    return (
        format_html(_CARD_START, card.url)
        + image
        + format_html(
            _CARD_END,
            card.name,
            card.merchant_url,
            card.merchant_name,
            mark_safe(_stats_html(card.stats, words)),  # noqa: S308 (escaped above)
            mark_safe(_price_html(card, words)),  # noqa: S308 (escaped above)
        )
    )


def cards_html(cards: Iterable[ProductCard]) -> SafeString:
    """The ``<li>`` of each card, in the page's language (the one renderer of
    every page that shows cards: ``{% product_cards cards %}``)."""
    words = _words(get_language() or settings.LANGUAGE_CODE)
    return mark_safe("".join(card_html(card, words) for card in cards))  # noqa: S308
