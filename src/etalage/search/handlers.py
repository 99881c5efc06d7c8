"""What search does when the catalogue, the prices or the stock change (registered
by the app's ready): it appends the products concerned to the log of changes
(``search.feed``), in the outbox's delivery transaction, and each node's index
follower takes them from there. Nothing here analyses text or touches an index:
the delivery of other events never waits for search."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from uuid import UUID

from django.core.cache import caches
from django.db.models import Min
from django.utils import timezone

from etalage.catalog.models import ListingPrice, Product
from etalage.events.outbox import handles
from etalage.events.types import (
    MerchantChanged,
    OrderCancelled,
    OrderPaid,
    OrderPlaced,
    PricingChanged,
    ProductsChanged,
    SubOrderMoved,
)
from etalage.inventory.models import StockMovement
from etalage.orders.models import OrderLine
from etalage.reviews.selectors import SOLD_DAYS, SOLD_STATES
from etalage.search.feed import changes_record
from etalage.search.models import IndexChange

Reason = IndexChange.Reason


@handles(ProductsChanged)
def changed_listings_indexed(event: ProductsChanged) -> None:
    """A listing that goes live appears; one rejected disappears; others follow.
    A review written, edited, hidden or shown again is its product's change too
    (``reviews.writing.changes_record``): the listing row rewrites the whole
    document, its stars included, so no review event needs a row of its own."""
    changes_record(event.product_ids, reason=Reason.LISTING)


@handles(MerchantChanged)
def merchant_listings_indexed(event: MerchantChanged) -> None:
    """A merchant suspended takes its listings out of search; approved, back in."""
    changes_record(
        Product.objects.filter(merchant_id=event.merchant_id).values_list(
            "pk", flat=True
        ),
        reason=Reason.LISTING,
    )


@handles(PricingChanged)
def prices_indexed(event: PricingChanged) -> None:
    """Every listing's shown price moved (rates, margins, taxes, freight)."""
    changes_record(reason=Reason.PRICES, every_product=True)


def _ordered_products(order_id: UUID) -> list[UUID]:
    return list(
        OrderLine.objects.filter(sub_order__order_id=order_id)
        .values_list("variant__product_id", flat=True)
        .distinct()
    )


@handles(OrderPlaced)
def sold_products_refigured(event: OrderPlaced) -> None:
    """Units sold and stock moved: what ranks the order's products."""
    changes_record(_ordered_products(event.order_id), reason=Reason.FIGURES)


@handles(OrderCancelled)
def cancelled_products_refigured(event: OrderCancelled) -> None:
    changes_record(_ordered_products(event.order_id), reason=Reason.FIGURES)


@handles(OrderPaid)
def paid_products_refigured(event: OrderPaid) -> None:
    """Paid: the units count as sold this month on the products' cards."""
    changes_record(_ordered_products(event.order_id), reason=Reason.FIGURES)


@handles(SubOrderMoved)
def parcel_products_refigured(event: SubOrderMoved) -> None:
    """A parcel cancelled, refused by customs or refunded no longer counts as sold
    this month; one paid late starts to."""
    changes_record(
        OrderLine.objects.filter(sub_order_id=event.sub_order_id)
        .values_list("variant__product_id", flat=True)
        .distinct(),
        reason=Reason.FIGURES,
    )


def sold_month_window_moved(*, now: datetime | None = None) -> int:
    """The clock's chore, every minute, acting once a day: "sold this month" is
    the last ``SOLD_DAYS`` days, so the products whose sales leave that window
    as days pass are refigured (those placed up to two days before it, so that a
    day the clock missed is caught up)."""
    now = now or timezone.now()
    key = f"etalage:search-sold-window:{now.date().isoformat()}"
    if not caches["default"].add(key, 1, 26 * 3600):
        return 0
    edge = now - timedelta(days=SOLD_DAYS)
    products = list(
        OrderLine.objects.filter(
            sub_order__state__in=SOLD_STATES,
            sub_order__created_at__gte=edge - timedelta(days=2),
            sub_order__created_at__lt=edge,
        )
        .values_list("variant__product_id", flat=True)
        .distinct()
    )
    changes_record(products, reason=Reason.FIGURES)
    return len(products)


STOCK_LOOKBACK = timedelta(minutes=6)


def stock_moves_refigured(*, now: object = None) -> int:
    """The clock's chore, every five minutes: the products whose stock moved
    otherwise than by an order (received, counted, returned) are refigured."""
    if not caches["default"].add("etalage:search-stock-moves", 1, 300):
        return 0
    since = timezone.now() - STOCK_LOOKBACK
    products = list(
        StockMovement.objects.filter(at__gte=since)
        .exclude(reason__in=["allocated", "released"])
        .values_list("stock__variant__product_id", flat=True)
        .distinct()
    )
    changes_record(products, reason=Reason.FIGURES)
    return len(products)


def prices_of_the_day_indexed() -> int:
    """The clock's chore, every minute: once the catalogue has recomputed every
    listing's prices for a new day (rates and taxes take effect by date; that
    recomputation tells no one), the index takes them in too, so that the prices
    its cards show and its price columns sort by are the day's."""
    if not caches["default"].add("etalage:search-prices-of-the-day", 1, 60):
        return 0
    oldest = ListingPrice.objects.aggregate(day=Min("computed_on"))["day"]
    if oldest is None:
        return 0
    since = datetime.combine(oldest, time.min, tzinfo=timezone.get_current_timezone())
    taken = IndexChange.objects.filter(
        product_id=None, reason=Reason.PRICES, at__gte=since
    )
    if taken.exists():
        return 0
    changes_record(reason=Reason.PRICES, every_product=True)
    return 1
