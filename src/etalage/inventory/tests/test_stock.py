"""Stock: explained by its movements, never oversold, allocated by market priority."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import OperationalError

from etalage.inventory.allocation import StockLevel, allocate
from etalage.inventory.checks import inventory_problems
from etalage.inventory.models import Stock, Warehouse
from etalage.inventory.services import (
    OutOfStock,
    stock_allocate,
    stock_available,
    stock_count,
    stock_receive,
    stock_release,
)


@pytest.fixture
def depot(catalogue):
    product = catalogue.product()
    variant = product.variants.get()
    own = Warehouse.objects.create(
        code="own", name="Own", kind="merchant", merchant=product.merchant
    )
    hub = Warehouse.objects.create(code="liege", name="Liège hub", kind="hub")
    return {"variant": variant, "own": own, "hub": hub}


def test_every_change_is_a_movement_and_the_books_agree(depot):
    stock = stock_receive(warehouse=depot["own"], variant=depot["variant"], quantity=10)
    stock_count(
        warehouse=depot["own"], variant=depot["variant"], on_hand=8, note="count"
    )
    stock_allocate(stock=stock, quantity=3)
    stock_release(stock=stock, quantity=1)
    stock.refresh_from_db()
    assert (stock.on_hand, stock.allocated, stock.available) == (8, 2, 6)
    reasons = list(stock.movements.order_by("id").values_list("reason", flat=True))
    assert reasons == ["received", "adjusted", "allocated", "released"]
    assert inventory_problems() == []
    stock_release(stock=stock, quantity=2)  # no order holds them: the books say so
    call_command("check_books")


def test_the_checker_finds_stock_that_its_movements_do_not_explain(depot, capsys):
    stock = stock_receive(warehouse=depot["own"], variant=depot["variant"], quantity=5)
    Stock.objects.filter(pk=stock.pk).update(on_hand=7)
    assert inventory_problems() == [
        f"{depot['variant'].sku} at own: on hand 7, movements say 5"
    ]
    with pytest.raises(SystemExit):
        call_command("check_books")


def test_the_last_unit_cannot_be_promised_twice(depot):
    stock = stock_receive(warehouse=depot["own"], variant=depot["variant"], quantity=1)
    stock_allocate(stock=stock, quantity=1)
    with pytest.raises(OutOfStock):
        stock_allocate(stock=stock, quantity=1)
    with pytest.raises(ValidationError, match="promised"):
        stock_count(warehouse=depot["own"], variant=depot["variant"], on_hand=0)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_buyers_of_the_last_units_never_oversell(catalogue):
    product = catalogue.product()
    hub = Warehouse.objects.create(code="hub-c", name="Hub", kind="hub")
    stock = stock_receive(warehouse=hub, variant=product.variants.get(), quantity=5)
    results = []

    def buy():
        from django.db import connection as thread_connection
        from django.db import transaction

        try:
            # SQLite's in-memory test database answers "table is locked" while
            # another thread writes: that buyer tries again, as a client would.
            for _attempt in range(500):
                try:
                    with transaction.atomic():
                        stock_allocate(stock=stock, quantity=1)
                except OperationalError:
                    time.sleep(0.01)
                    continue
                except OutOfStock:
                    results.append("refused")
                else:
                    results.append("ok")
                return
            results.append("locked")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=buy) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stock.refresh_from_db()
    assert len(results) == 20 and results.count("ok") == 5
    assert results.count("refused") == 15  # every buyer gets a clear answer
    assert (stock.on_hand, stock.allocated) == (5, 5)
    assert inventory_problems() == []


def test_another_merchants_warehouse_is_refused(depot, catalogue):
    other = catalogue.product(merchant=catalogue.merchant("Other")).variants.get()
    with pytest.raises(ValidationError, match="another merchant"):
        stock_receive(warehouse=depot["own"], variant=other, quantity=1)


def test_availability_sums_the_warehouses_the_market_uses(depot):
    stock_receive(warehouse=depot["own"], variant=depot["variant"], quantity=4)
    stock_receive(warehouse=depot["hub"], variant=depot["variant"], quantity=6)
    variant_id = depot["variant"].pk
    assert stock_available(variant_ids=[variant_id], kinds=["merchant", "hub"]) == {
        variant_id: 10
    }
    assert stock_available(variant_ids=[variant_id], kinds=["bonded"]) == {}


def test_lines_are_taken_from_the_first_warehouse_in_priority_that_has_them_all():
    levels = [
        StockLevel("own", "merchant", "v1", 10),
        StockLevel("hub", "hub", "v1", 2),
        StockLevel("bonded", "bonded", "v2", 1),
    ]
    plan, short = allocate(
        [("v1", 3), ("v2", 2)], levels, ["bonded", "hub", "merchant"]
    )
    assert [(a.variant_id, a.warehouse_id, a.quantity) for a in plan] == [
        ("v1", "own", 3)
    ]
    assert [(s.variant_id, s.wanted, s.available) for s in short] == [("v2", 2, 1)]
    plan, short = allocate([("v1", 2), ("v1", 1)], levels, ["hub", "merchant"])
    assert [a.warehouse_id for a in plan] == ["hub", "own"] and not short
