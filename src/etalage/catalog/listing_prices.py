"""What each listing shows — its lowest price, its figures and its price in each
market — kept so that listings filter and sort by what buyers see; and the event
that tells whoever follows the catalogue (search, the pages' caches) a listing
changed.

A product stores the figures of its card: the lowest active price, the number of
active variants, the cheapest variant's weight and net content
(``products_price_from_refresh``).

A card shows the cheapest variant converted to the market's currency with its
estimated CBEC tax (``MarketStrategy.shown_price``); that depends on the exchange
rate, the market's margin, the tax class's rates and the freight bands, so no SQL
over EUR prices can filter by it. ``ListingPrice`` stores it per product and
market: written when a product's prices change, recomputed for every product when
something they all depend on changes (the ``PricingChanged`` event) and each new
day (the ``listing_prices_recomputed`` chore: rates and taxes take effect by date).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone

from etalage.catalog.models import ListingPrice, Product, Variant
from etalage.customs.cbec import NetUnit
from etalage.events.outbox import event_record, handles
from etalage.events.types import PricingChanged, ProductsChanged
from etalage.pricing.models import Market
from etalage.pricing.selectors import market_strategies, strategies_for
from etalage.pricing.strategy import MarketStrategy

BATCH = 1000


def listings_changed(products: Iterable[Product]) -> None:
    """Tell whoever follows the catalogue (search) that these listings changed."""
    event_record(ProductsChanged(product_ids=tuple(p.pk for p in products)))


def product_price_from_refresh(*, product: Product) -> None:
    """Store the lowest active variant price on the product for listing pages."""
    products_price_from_refresh(products=[product])


def products_price_from_refresh(*, products: list[Product]) -> None:
    """Store on each product what its listing card shows: the lowest active price,
    the number of active variants, and the cheapest variant's shipping weight and
    net content (for the estimated tax); then its prices in every market."""
    if not products:
        return
    ids = [p.pk for p in products]
    active = Variant.objects.filter(product_id__in=ids, is_active=True)
    figures = {
        row["product_id"]: row
        for row in active.values("product_id").annotate(
            low=Min("price_eur"), count=Count("pk")
        )
    }
    cheapest: dict[Any, dict[str, Any]] = {}
    for variant in active.order_by("product_id", "price_eur", "position").values(
        "product_id", "weight_grams", "net_content", "net_unit"
    ):
        cheapest.setdefault(variant["product_id"], dict(variant))
    for product in products:
        row = figures.get(product.pk, {"low": None, "count": 0})
        first = cheapest.get(product.pk, {})
        product.price_from_eur = row["low"]
        product.active_variant_count = row["count"]
        product.price_from_weight_grams = first.get("weight_grams", 0)
        product.price_from_net_content = first.get("net_content", 0)
        product.price_from_net_unit = first.get("net_unit", NetUnit.GRAM)
    Product.objects.bulk_update(
        products,
        ["price_from_eur", "active_variant_count", "price_from_weight_grams",
         "price_from_net_content", "price_from_net_unit"],
        batch_size=1000,
    )  # fmt: skip
    listing_prices_refresh(products=products)
    listings_changed(products)


def listing_prices_refresh(
    *,
    products: Iterable[Product],
    strategies: Sequence[MarketStrategy] | None = None,
) -> int:
    """Store what ``products`` show in every active market; return rows written."""
    if strategies is None:
        strategies = [strategy for _market, strategy in market_strategies()]
    today = timezone.localdate()
    products = list(products)
    rows = []
    for product in products:
        for strategy in strategies:
            shown = strategy.shown_price(
                product.price_from_eur,
                tax_class=product.tax_class,
                weight_grams=product.price_from_weight_grams,
                net=product.price_from_net,
            )
            if shown is not None:
                rows.append(ListingPrice(
                    product=product, market_code=strategy.market_code,
                    amount=shown.amount, currency=shown.currency, computed_on=today,
                ))  # fmt: skip
    with transaction.atomic():
        ListingPrice.objects.filter(product__in=products).delete()
        ListingPrice.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def listing_prices_refresh_all() -> int:
    """Recompute every product's shown prices, a batch at a time, with the
    strategies as they are now (not the few-seconds cache pages use)."""
    strategies = [
        strategy
        for _market, strategy in strategies_for(Market.objects.filter(is_active=True))
    ]
    written, last = 0, None
    while True:
        batch = Product.objects.order_by("pk")
        if last is not None:
            batch = batch.filter(pk__gt=last)
        products = list(batch[:BATCH])
        if not products:
            return written
        written += listing_prices_refresh(products=products, strategies=strategies)
        last = products[-1].pk


def listing_prices_recomputed() -> int:
    """The clock's chore: recompute when a new day began (rates and taxes take
    effect by date) or when no price is stored yet; 0 when all are today's."""
    today = timezone.localdate()
    stale = ListingPrice.objects.filter(computed_on__lt=today).exists()
    missing = not ListingPrice.objects.exists() and Product.objects.exists()
    return listing_prices_refresh_all() if stale or missing else 0


@handles(PricingChanged)
def listing_prices_follow_pricing(event: PricingChanged) -> None:
    listing_prices_refresh_all()
