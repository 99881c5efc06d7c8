"""What search does when the catalogue changes (registered by the app's ready).

The handlers run inside the outbox's delivery transaction: they only ask the
background worker to index, after commit, so that indexing (segmentation, pinyin)
never holds the delivery of other events. What they ask is marked in that
transaction (``PendingIndex``), so a task lost between the commit and the queue
leaves a mark the clock indexes."""

from __future__ import annotations

from uuid import UUID

from django.db import transaction
from django_tasks import task

from etalage.catalog.models import Product
from etalage.events.outbox import handles
from etalage.events.types import MerchantChanged, ProductsChanged
from etalage.search.index import pending_indexed, pending_mark


@task()
def products_index_task(product_ids: list[str]) -> int:
    return pending_indexed([UUID(i) for i in product_ids])


def _index_later(ids: list[UUID]) -> None:
    if ids:
        pending_mark(ids)
        transaction.on_commit(
            lambda: products_index_task.enqueue([str(i) for i in ids])
        )


@handles(ProductsChanged)
def changed_listings_reindexed(event: ProductsChanged) -> None:
    """A listing that goes live appears; one rejected disappears; others follow."""
    _index_later(list(event.product_ids))


@handles(MerchantChanged)
def merchant_listings_reindexed(event: MerchantChanged) -> None:
    """A merchant suspended takes its listings out of search; approved, back in."""
    _index_later(
        list(
            Product.objects.filter(merchant_id=event.merchant_id).values_list(
                "pk", flat=True
            )
        )
    )
