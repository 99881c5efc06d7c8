"""What search does when the catalogue changes (registered by the app's ready)."""

from __future__ import annotations

from etalage.catalog.models import Product
from etalage.events.outbox import handles
from etalage.events.types import MerchantChanged, ProductsChanged
from etalage.search.index import products_index


@handles(ProductsChanged)
def changed_listings_reindexed(event: ProductsChanged) -> None:
    """A listing that goes live appears; one rejected disappears; others follow."""
    products_index(event.product_ids)


@handles(MerchantChanged)
def merchant_listings_reindexed(event: MerchantChanged) -> None:
    """A merchant suspended takes its listings out of search; approved, back in."""
    ids = list(
        Product.objects.filter(merchant_id=event.merchant_id).values_list(
            "pk", flat=True
        )
    )
    for start in range(0, len(ids), 500):
        products_index(ids[start : start + 500])
