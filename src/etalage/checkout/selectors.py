from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol
from uuid import UUID

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from etalage.catalog.models import ProductTranslation, Variant
from etalage.checkout.models import Cart, CartLine
from etalage.checkout.quote import Placement
from etalage.customs.services import CapItem
from etalage.inventory.allocation import Shortage, StockLevel, allocate
from etalage.inventory.models import Stock
from etalage.pricing.strategy import MarketStrategy


def cart_lines(*, cart: Cart) -> list[CartLine]:
    """The lines still on sale, with what the quote and the page need (one query)."""
    return list(
        CartLine.objects.filter(
            cart=cart,
            variant__is_active=True,
            variant__product__status="live",
            variant__product__merchant__status="approved",
        )
        .select_related("variant__product__merchant")
        .only(*CART_LINE_FIELDS)
        .prefetch_related(
            Prefetch(
                "variant__product__translations",
                ProductTranslation.objects.only("product_id", "language", "name"),
            )
        )
    )


# What the cart, checkout and order placement read of a line: fewer columns, fewer
# objects to build on the busiest write of the marketplace.
CART_LINE_FIELDS = (
    "id", "cart_id", "quantity", "variant_id",
    "variant__id", "variant__sku", "variant__price_eur", "variant__weight_grams",
    "variant__attributes", "variant__merchant_id", "variant__product_id",
    "variant__product__id", "variant__product__slug", "variant__product__hs_code",
    "variant__product__origin_country", "variant__product__tax_class",
    "variant__net_content", "variant__net_unit", "variant__product__merchant_id",
    "variant__product__merchant__id", "variant__product__merchant__name",
    "variant__product__merchant__slug", "variant__product__merchant__language",
    "variant__product__merchant__default_commission_percent",
)  # fmt: skip


class CheckoutLine(Protocol):
    """A variant and how many: a cart's line, or a line a client asks to quote."""

    @property
    def variant(self) -> Variant: ...

    @property
    def quantity(self) -> int: ...


@dataclass(frozen=True)
class RequestedLine:
    """A line a client asks to quote (not in a cart)."""

    variant: Variant
    quantity: int


def cap_items(lines: Sequence[CheckoutLine]) -> list[CapItem]:
    """The lines as the positive list's yearly caps count them: (variant key, HS
    code, net content per unit, quantity)."""
    return [
        (line.variant.pk, line.variant.product.hs_code, line.variant.net, line.quantity)
        for line in lines
    ]


@dataclass
class FulfilmentPlan:
    """Where each line ships from, and what cannot be had."""

    placements: dict[UUID, Placement] = field(default_factory=dict)
    taken: dict[UUID, tuple[Stock, int]] = field(default_factory=dict)
    shortages: list[Shortage] = field(default_factory=list)

    def shortage_messages(self, lines: Sequence[CheckoutLine]) -> list[str]:
        """What cannot be had, a line each, in the active language."""
        skus: dict[object, str] = {line.variant.pk: line.variant.sku for line in lines}
        return [
            _("%(sku)s: %(wanted)d wanted, %(available)d left.")
            % {
                "sku": skus[s.variant_id],
                "wanted": s.wanted,
                "available": max(s.available, 0),
            }
            for s in self.shortages
        ]


def stock_sources_by_variant(
    *, strategy: MarketStrategy, variants: Sequence[Variant]
) -> dict[UUID, tuple[str, ...]]:
    """The kinds of warehouse each variant may come from for the market."""
    return {v.pk: strategy.stock_sources(v.product.hs_code) for v in variants}


def fulfilment_plan(
    *,
    strategy: MarketStrategy,
    lines: Sequence[CheckoutLine],
    stocks: list[Stock] | None = None,
) -> FulfilmentPlan:
    """Choose a warehouse for each line by the market's priority: on the stock rows
    as they are (pages), or on the rows placement has locked (``stocks``)."""
    variants = [line.variant for line in lines]
    kinds = stock_sources_by_variant(strategy=strategy, variants=variants)
    if stocks is None:
        stocks = list(
            Stock.objects.filter(variant__in=variants, warehouse__is_active=True)
            .select_related("warehouse")
            .order_by("pk")
        )
    levels = [
        StockLevel(s.warehouse_id, s.warehouse.kind, s.variant_id, s.available)
        for s in stocks
        if s.warehouse.kind in kinds[s.variant_id]
    ]
    allocations, shortages = allocate(
        [(line.variant.pk, line.quantity) for line in lines],
        levels,
        list(strategy.warehouse_priority),
    )
    plan = FulfilmentPlan(shortages=shortages)
    by_place: dict[tuple[object, object], Stock] = {
        (s.warehouse_id, s.variant_id): s for s in stocks
    }
    for allocation in allocations:
        stock = by_place[(allocation.warehouse_id, allocation.variant_id)]
        route = strategy.route_for(stock.warehouse.kind)
        plan.placements[stock.variant_id] = Placement(stock.warehouse_id, route)
        plan.taken[stock.variant_id] = (stock, allocation.quantity)
    return plan
