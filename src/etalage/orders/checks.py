"""The books of the orders: do stock allocations, CBEC usage and states agree with
the orders? Run by `etalage check`; each problem is one readable line."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, Sum

from etalage.customs.models import YearlyQuantity, YearlyUsage
from etalage.inventory.models import Stock
from etalage.orders import states
from etalage.orders.models import Order, OrderLine, SubOrder

# What each state counts is the state table's (``states.BOOKS``), as the services
# apply it.
RESERVED = tuple(sorted(states.USAGE_RESERVED))
CONFIRMED = tuple(sorted(states.USAGE_CONFIRMED))


def order_problems() -> list[str]:
    return _allocations() + _usage() + _caps() + _orders()


def _allocations() -> list[str]:
    """Every allocated unit belongs to an order that has not shipped or ended."""
    held = dict(
        OrderLine.objects.filter(sub_order__state__in=states.HOLDING_STOCK)
        .values("stock_id")
        .annotate(units=Sum("quantity"))
        .values_list("stock_id", "units")
    )
    problems = []
    stocks = Stock.objects.filter(Q(allocated__gt=0) | Q(pk__in=list(held)))
    for stock in stocks.select_related("warehouse", "variant"):
        if stock.allocated != held.get(stock.pk, 0):
            problems.append(
                f"{stock.variant.sku} at {stock.warehouse.code}: allocated "
                f"{stock.allocated}, open orders hold {held.get(stock.pk, 0)}"
            )
    return problems


def _usage() -> list[str]:
    """Each person's yearly CBEC usage is what their orders count."""
    expected: dict[tuple[str, int], list[Decimal]] = defaultdict(
        lambda: [Decimal(0)] * 2
    )
    rows = (
        SubOrder.objects.exclude(order__id_number_hmac="")
        .filter(state__in=RESERVED + CONFIRMED)
        .values_list("order__id_number_hmac", "order__cbec_year", "state")
        .annotate(amount=Sum("usage_amount"))
    )
    for digest, year, state, amount in rows:
        expected[(digest, year)][0 if state in RESERVED else 1] += amount
    problems = []
    seen = set()
    for usage in YearlyUsage.objects.all():
        key = (usage.id_number_hmac, usage.year)
        seen.add(key)
        reserved, confirmed = expected.get(key, [Decimal(0), Decimal(0)])
        if (usage.reserved, usage.confirmed) != (reserved, confirmed):
            problems.append(
                f"yearly usage {usage.year} of identity {usage.id_number_hmac[:8]}…: "
                f"reserved {usage.reserved}, confirmed {usage.confirmed}; orders say "
                f"{reserved} and {confirmed}"
            )
    for key in expected.keys() - seen:
        problems.append(f"yearly usage {key[1]} of identity {key[0][:8]}… is missing")
    return problems


def _caps() -> list[str]:
    """What each person counted toward yearly quantity caps is what their orders say."""
    expected = {
        (digest, year, code): amount
        for digest, year, code, amount in OrderLine.objects.filter(
            cap_counted__gt=0, sub_order__state__in=states.COUNTING_CAPS
        )
        .values_list(
            "sub_order__order__id_number_hmac", "sub_order__order__cbec_year", "hs_code"
        )
        .annotate(amount=Sum("cap_counted"))
    }
    problems = []
    for row in YearlyQuantity.objects.all():
        ordered = expected.pop((row.id_number_hmac, row.year, row.hs_code), 0)
        if row.used != ordered:
            problems.append(
                f"yearly cap {row.year} of HS {row.hs_code} for identity "
                f"{row.id_number_hmac[:8]}…: used {row.used}, orders say {ordered}"
            )
    for digest, year, code in expected:
        problems.append(f"yearly cap {year} of HS {code} for {digest[:8]}… is missing")
    return problems


def _orders() -> list[str]:
    """Totals add up and each order's state follows its sub-orders'."""
    problems = []
    subs_by_order = defaultdict(list)
    for sub in SubOrder.objects.only(
        "order_id",
        "number",
        "state",
        "goods",
        "freight",
        "tariff",
        "consumption_tax",
        "vat",
        "total",
    ):
        subs_by_order[sub.order_id].append(sub)
        if sub.total != sub.goods + sub.freight + sub.tax:
            problems.append(f"{sub.number}: total {sub.total} is not goods+freight+tax")
    for order in Order.objects.only("number", "state", "total"):
        subs = subs_by_order.get(order.pk, [])
        if not subs:
            problems.append(f"{order.number}: has no sub-orders")
            continue
        if order.total != sum(s.total for s in subs):
            problems.append(f"{order.number}: total {order.total} is not its parts'")
        if order.state != states.order_state([s.state for s in subs]):
            problems.append(
                f"{order.number}: state {order.state} disagrees with its sub-orders'"
            )
    return problems
