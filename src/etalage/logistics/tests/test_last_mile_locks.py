"""Two parcels of one order handed to the carrier at once (two last-mile tasks, as
the crash test ran them) wait for each other in one lock order (the order, its
sub-orders, then the parcel) instead of deadlocking; a transaction the database
ends anyway is recorded again, the carrier not asked twice.

Real threads with their own connections; the deadlock is PostgreSQL's to detect."""

import contextlib
import threading

import pytest
from django.db import OperationalError, connection, transaction

from etalage.logistics import last_mile
from etalage.logistics.models import Parcel
from etalage.logistics.services import hub_receive, parcel_hand_over, parcel_pack
from etalage.orders import states
from etalage.orders.models import Order, SubOrder
from etalage.orders.services import order_pay, sub_order_move

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def released(shopping, settings, monkeypatch):
    """One order, two merchants' parcels, both released by customs; the events
    left in the outbox (no worker hands them over before the test does)."""
    from etalage.events import outbox

    monkeypatch.setattr(outbox, "_wake_worker", lambda: None)
    settings.ETALAGE_CARRIER_SANDBOX = True
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1), (shopping.products["c"], 1)])
    order = order_pay(order=shopping.place(buyer).order)
    parcels = []
    for sub in order.sub_orders.order_by("pk"):
        parcel = parcel_pack(sub_order=sub, grams=sub.weight_grams + 100)
        hub_receive(
            code=parcel_hand_over(parcel=parcel).code, grams=parcel.declared_grams
        )
        for moved in (states.CUSTOMS_DECLARED, states.RELEASED):
            sub = sub_order_move(sub_order=sub, to=moved, reason="customs")
        parcels.append(parcel)
    assert not Parcel.objects.exclude(waybill="").exists()
    return order, parcels


def _run_together(calls):
    errors = []

    def run(call):
        from django.db import connection as own

        try:
            call()
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            own.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_two_parcels_of_one_order_handed_over_at_once_do_not_deadlock(
    released, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and deadlock detection are PostgreSQL's")
    order, parcels = released
    # Each hand-over stops inside its transaction, once it holds its first locks,
    # until the other one is there too. Locking the parcel first (as it did), each
    # then holds what the other needs: PostgreSQL ends one as a deadlock. Locking
    # the order first, the second waits at the order and never gets there: the
    # first goes on when the meeting is called off.
    meeting = threading.Barrier(2)
    move = last_mile.sub_order_move

    def meet_then_move(**kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            meeting.wait(timeout=3)
        return move(**kwargs)

    monkeypatch.setattr(last_mile, "sub_order_move", meet_then_move)
    # No second chance here: a deadlock must fail the test, not be run again.
    monkeypatch.setattr(
        last_mile,
        "atomic_retried",
        lambda work: transaction.atomic()(work)(),
        raising=False,
    )
    errors = _run_together(
        [lambda p=p: last_mile.parcel_last_mile_task.call(str(p.pk)) for p in parcels]
    )
    assert errors == []
    assert all(Parcel.objects.get(pk=p.pk).waybill for p in parcels)
    assert set(
        SubOrder.objects.filter(order=order).values_list("state", flat=True)
    ) == {states.SHIPPED}
    assert Order.objects.get(pk=order.pk).state == states.SHIPPED


class Deadlock(Exception):
    sqlstate = "40P01"  # as psycopg reports PostgreSQL's deadlock_detected


def test_a_hand_over_the_database_ends_is_recorded_again(released, monkeypatch):
    order, parcels = released
    asked, ended = [], []
    hand_over, lock = last_mile._hand_over, last_mile.order_lock

    def carrier(parcel):
        asked.append(parcel.pk)
        return hand_over(parcel)

    def ended_once(**kwargs):
        if not ended:
            ended.append(kwargs["order_id"])
            raise OperationalError("deadlock detected") from Deadlock()
        return lock(**kwargs)

    monkeypatch.setattr(last_mile, "_hand_over", carrier)
    monkeypatch.setattr(last_mile, "order_lock", ended_once)
    waybill = last_mile.parcel_last_mile_task.call(str(parcels[0].pk))
    assert ended == [order.pk] and asked == [parcels[0].pk]  # the carrier once
    parcel = Parcel.objects.get(pk=parcels[0].pk)
    assert parcel.waybill == waybill and parcel.state == "with_carrier"
    assert parcel.sub_order.state == states.SHIPPED


def test_an_error_that_is_no_deadlock_is_not_run_again(released, monkeypatch):
    from etalage.core.transactions import atomic_retried

    runs = []

    def broken():
        runs.append(1)
        raise OperationalError("disk full")

    with pytest.raises(OperationalError, match="disk full"):
        atomic_retried(broken)
    assert runs == [1]
