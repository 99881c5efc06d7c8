"""The ledger locks its own rows only: a buyer's or the hub's transaction holding a
sub-order does not hold up (or, with SKIP LOCKED, hide) the sub-order's book.

Real threads with their own connections; row locks are PostgreSQL's."""

import threading

import pytest
from django.db import connection, transaction

from etalage.orders.models import SubOrder

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_locked_sub_order_does_not_hide_its_book_from_the_maturity_chore(books):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    p = books.shopping.products
    order = books.pay(books.place([(p["a"], 1)]))
    sub = order.sub_orders.get()
    books.deliver(sub)
    holding, done = threading.Event(), threading.Event()

    def hold_the_sub_order():
        from django.db import connection as own

        try:
            with transaction.atomic():
                SubOrder.objects.select_for_update().get(pk=sub.pk)
                holding.set()
                done.wait(timeout=30)
        finally:
            own.close()

    thread = threading.Thread(target=hold_the_sub_order)
    thread.start()
    try:
        assert holding.wait(timeout=30)
        assert books.mature() == 1  # its book matured, the sub-order still held
    finally:
        done.set()
        thread.join()
