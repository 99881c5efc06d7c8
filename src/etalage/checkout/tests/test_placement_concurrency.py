"""Many buyers at once: never an oversold unit, never a duplicate order.

Real threads with their own database connections. On PostgreSQL every buyer gets a
clear answer; SQLite's shared in-memory test database may answer "locked" instead,
which must still never oversell.
"""

import threading

import pytest
from django.db import OperationalError, connection

from etalage.checkout.placement import OrderRefused
from etalage.inventory.checks import inventory_problems
from etalage.inventory.models import Stock
from etalage.orders.checks import order_problems
from etalage.orders.models import Order

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_together(calls):
    results = []
    start = threading.Barrier(len(calls))

    def run(call):
        from django.db import connection as own

        start.wait()
        try:
            results.append(call())
        except OrderRefused as refused:
            results.append(refused.messages[0])
        except OperationalError:
            results.append("locked")
        finally:
            own.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_buyers_racing_for_the_last_units_never_oversell(shopping):
    scarce = shopping.products["a"]
    Stock.objects.filter(variant__product=scarce).update(on_hand=5)
    from etalage.inventory.models import StockMovement

    StockMovement.objects.filter(stock__variant__product=scarce).update(on_hand_delta=5)
    buyers = [shopping.buyer() for _ in range(12)]
    for buyer in buyers:
        shopping.cart(buyer, [(scarce, 1), (shopping.products["c"], 1)])
    results = run_together([lambda b=b: shopping.place(b) for b in buyers])
    placed = [r for r in results if not isinstance(r, str)]
    assert len(placed) == Order.objects.count()
    if connection.vendor == "postgresql":
        refusals = [r for r in results if isinstance(r, str)]
        assert len(placed) == 5
        assert len(refusals) == 7 and all("wanted, 0 left" in r for r in refusals)
    assert Stock.objects.get(variant__product=scarce).allocated == len(placed) <= 5
    assert inventory_problems() + order_problems() == []


def test_a_double_click_places_one_order(shopping):
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1), (shopping.products["c"], 2)])
    results = run_together([lambda: shopping.place(buyer, key="same")] * 4)
    placed = [r for r in results if not isinstance(r, str)]
    assert Order.objects.count() == 1
    if connection.vendor == "postgresql":
        assert len(placed) == 4
        assert {p.order.pk for p in placed} == {Order.objects.get().pk}
        assert sorted(p.created for p in placed) == [False, False, False, True]
    assert inventory_problems() + order_problems() == []
