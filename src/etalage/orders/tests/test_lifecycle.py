"""An order's life: every legal move recorded, illegal ones refused, stock and CBEC
usage given back on cancellation and expiry, events delivered after commit."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core import mail
from django.utils import timezone

from etalage.customs.models import YearlyUsage
from etalage.events.models import OutboxEvent
from etalage.events.outbox import outbox_deliver
from etalage.inventory.checks import inventory_problems
from etalage.inventory.models import Stock
from etalage.orders import states
from etalage.orders.checks import order_problems
from etalage.orders.models import Order, OrderTransition
from etalage.orders.services import (
    order_cancel,
    order_pay,
    orders_expire,
    sub_order_move,
)


@pytest.fixture
def order(shopping):
    buyer = shopping.buyer()
    p = shopping.products
    shopping.cart(buyer, [(p["a"], 2), (p["c"], 1)])
    return shopping.place(buyer).order


def stock_of(order):
    return {
        s.variant.sku: (s.on_hand, s.allocated)
        for s in Stock.objects.filter(
            pk__in=[
                line.stock_id
                for sub in order.sub_orders.all()
                for line in sub.lines.all()
            ]
        ).select_related("variant")
    }


def usage(order):
    row = YearlyUsage.objects.get(id_number_hmac=order.id_number_hmac)
    return row.reserved, row.confirmed


def books_clean():
    return inventory_problems() + order_problems() == []


def test_the_state_machine_allows_only_its_transitions():
    for current, allowed in states.TRANSITIONS.items():
        for wanted in states.TRANSITIONS:
            if wanted in allowed:
                states.check_transition(current, wanted)
            else:
                with pytest.raises(states.IllegalTransition):
                    states.check_transition(current, wanted)


def test_the_order_follows_its_least_advanced_sub_order():
    assert states.order_state(["shipped", "paid"]) == "paid"
    assert states.order_state(["cancelled", "shipped"]) == "shipped"
    assert states.order_state(["cancelled", "cancelled"]) == "cancelled"
    assert states.order_state(["cancelled", "refunded"]) == "refunded"
    # A parcel refused by customs: the order never reads "delivered".
    assert states.order_state(["customs_refused", "delivered"]) == "customs_refused"
    assert states.order_state(["refunded", "delivered"]) == "refunded_part"
    assert states.order_state(["refunded", "completed"]) == "refunded_part"
    assert states.order_state(["refunded", "shipped"]) == "shipped"


def test_a_sub_order_travels_from_payment_to_delivery(order):
    order_pay(order=order, reason="payment 42")
    first, second = order.sub_orders.order_by("number")
    for to in ("customs_declared", "released", "shipped", "delivered", "completed"):
        sub_order_move(sub_order=first, to=to, reason=f"to {to}")
        assert books_clean(), inventory_problems() + order_problems()
    order.refresh_from_db()
    assert order.state == "paid"  # the second parcel has not moved
    first.refresh_from_db()
    assert first.state == "completed"
    sku = first.lines.get().sku
    assert stock_of(order)[sku] == (18, 0)  # shipped: gone from the warehouse
    reserved, confirmed = usage(order)
    assert confirmed == first.usage_amount and reserved == second.usage_amount
    history = list(
        OrderTransition.objects.filter(sub_order=first).values_list(
            "from_state", "to_state"
        )
    )
    assert history == [
        ("", "placed"),
        ("placed", "paid"),
        ("paid", "customs_declared"),
        ("customs_declared", "released"),
        ("released", "shipped"),
        ("shipped", "delivered"),
        ("delivered", "completed"),
    ]


def test_an_illegal_move_is_refused_and_changes_nothing(order):
    sub = order.sub_orders.first()
    with pytest.raises(states.IllegalTransition):
        sub_order_move(sub_order=sub, to="shipped")
    sub.refresh_from_db()
    assert sub.state == "placed"
    assert OrderTransition.objects.filter(sub_order=sub).count() == 1


def test_cancelling_gives_back_the_stock_and_the_usage(order):
    before = stock_of(order)
    assert all(allocated for _on_hand, allocated in before.values())
    order_cancel(order=order, by=order.buyer, reason="changed my mind")
    order.refresh_from_db()
    assert order.state == "cancelled"
    assert all(allocated == 0 for _on_hand, allocated in stock_of(order).values())
    assert usage(order) == (0, 0)
    assert books_clean()
    change = OrderTransition.objects.filter(order=order, sub_order=None).last()
    assert (change.from_state, change.to_state, change.by, change.reason) == (
        "placed",
        "cancelled",
        order.buyer,
        "changed my mind",
    )
    with pytest.raises(states.IllegalTransition):
        order_cancel(order=order)


def test_a_parcel_released_by_customs_gives_back_confirmed_usage_on_cancel(order):
    order_pay(order=order)
    sub = order.sub_orders.order_by("number").first()
    sub_order_move(sub_order=sub, to="customs_declared")
    sub_order_move(sub_order=sub, to="released")
    order_cancel(order=order, reason="buyer cancelled before shipping")
    assert usage(order) == (0, 0) and books_clean()


def test_a_shipped_parcel_can_no_longer_be_cancelled(order):
    order_pay(order=order)
    first, second = order.sub_orders.order_by("number")
    for to in ("customs_declared", "released", "shipped"):
        sub_order_move(sub_order=first, to=to)
    order_cancel(order=order)  # only the parcel not shipped is cancelled
    first.refresh_from_db(), second.refresh_from_db(), order.refresh_from_db()
    assert (first.state, second.state, order.state) == (
        "shipped",
        "cancelled",
        "shipped",
    )
    assert books_clean()


def test_unpaid_orders_are_cancelled_when_their_hold_runs_out(order, shopping):
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["b"], 1)])
    fresh = shopping.place(buyer).order
    paid_buyer = shopping.buyer()
    shopping.cart(paid_buyer, [(shopping.products["b"], 1)])
    paid = shopping.place(paid_buyer).order
    order_pay(order=paid)
    Order.objects.filter(pk__in=[order.pk, paid.pk]).update(
        hold_expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert orders_expire() == 1
    order.refresh_from_db(), fresh.refresh_from_db(), paid.refresh_from_db()
    assert (order.state, fresh.state, paid.state) == ("cancelled", "placed", "paid")
    assert usage(order) == (0, 0) and books_clean()
    assert orders_expire() == 0


def test_events_are_delivered_once_after_commit(
    shopping, django_capture_on_commit_callbacks
):
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    with django_capture_on_commit_callbacks(execute=True):
        order = shopping.place(buyer).order
    event = OutboxEvent.objects.get(topic="OrderPlaced")
    # The test backend runs tasks at once: the wake-up after commit delivered it.
    assert event.delivered_at is not None and event.attempts == 1
    assert [m.to for m in mail.outbox] == [[order.buyer.email]]
    assert order.number in mail.outbox[0].subject
    assert outbox_deliver() == 0


def test_a_failing_handler_leaves_the_event_for_the_next_round(order, monkeypatch):
    from etalage.events import outbox
    from etalage.events.types import OrderCancelled

    def broken(event):
        raise RuntimeError("mail server down")

    outbox_deliver()  # the order's own event
    monkeypatch.setitem(outbox._HANDLERS, "OrderCancelled", [broken])
    outbox.event_record(
        OrderCancelled(order_id=order.pk, number=order.number, sub_order_ids=())
    )
    event = OutboxEvent.objects.get(topic="OrderCancelled")
    assert outbox_deliver() == 0
    event.refresh_from_db()
    assert event.delivered_at is None and event.attempts == 1
    assert "mail server down" in event.last_error
    monkeypatch.setitem(outbox._HANDLERS, "OrderCancelled", [])
    assert outbox_deliver() == 1


def test_the_books_check_finds_a_stray_allocation(order):
    Stock.objects.filter(allocated__gt=0).update(allocated=D("1"))
    assert any("open orders hold" in p for p in order_problems())


def test_the_clock_cancels_expired_holds_and_delivers_stale_events(order):
    from etalage.core.clock import clock_round

    Order.objects.filter(pk=order.pk).update(
        hold_expires_at=timezone.now() - timedelta(minutes=1)
    )
    OutboxEvent.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    done = clock_round()
    order.refresh_from_db()
    assert order.state == "cancelled"
    assert done["orders_expired"] == 1 and done["events_delivered"] >= 1
    assert books_clean()


def test_the_books_check_finds_usage_the_orders_do_not_explain(order):
    YearlyUsage.objects.update(reserved=D("1.00"))
    problems = order_problems()
    assert len(problems) == 1 and "orders say" in problems[0]
    assert order.id_number_hmac not in problems[0]  # only a prefix, never the key


def test_merchants_are_told_in_their_language_when_a_parcel_is_paid(
    order, django_capture_on_commit_callbacks
):
    from etalage.merchants.models import Merchant

    Merchant.objects.update(
        contact_email="shop@example.be", contact_name="Anne", language="nl"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order_pay(order=order, reason="payment 7")
        outbox_deliver()
    subjects = sorted(m.subject for m in mail.outbox if m.to == ["shop@example.be"])
    numbers = sorted(s.number for s in order.sub_orders.all())
    assert subjects == [f"Pakket {n} is betaald: maak het klaar" for n in numbers]


def test_each_move_does_to_the_books_the_difference_of_its_states():
    # Every legal move between two states that hold stock and usage alike does
    # nothing; the others release, ship, confirm or give back exactly once.
    effects = {
        (a, b): states.move_effects(a, b)
        for a, allowed in states.TRANSITIONS.items()
        for b in allowed
    }
    assert effects[("released", "shipped")].stock == states.StockEffect.SHIP
    assert effects[("paid", "cancelled")].stock == states.StockEffect.RELEASE
    assert effects[("customs_declared", "released")].usage == (
        states.UsageEffect.CONFIRM
    )
    assert effects[("released", "cancelled")].usage == (
        states.UsageEffect.GIVE_BACK_CONFIRMED
    )
    assert effects[("delivered", "refunded")].caps_given_back
    assert effects[("customs_declared", "customs_refused")] == states.MoveEffects(
        states.StockEffect.RELEASE, states.UsageEffect.GIVE_BACK_RESERVED, True
    )
    assert effects[("placed", "paid")] == states.MoveEffects(None, None, False)
    assert states.HOLDING_STOCK == states.CANCELLABLE
    assert (
        frozenset(states.TRANSITIONS)
        - {
            "cancelled",
            "customs_refused",
            "refunded",
        }
        == states.COUNTING_USAGE
    )


def test_a_delivered_parcel_refunded_in_full_gives_its_usage_back(order):
    order_pay(order=order, reason="paid")
    first, _second = order.sub_orders.order_by("number")
    for to in ("customs_declared", "released", "shipped", "delivered"):
        sub_order_move(sub_order=first, to=to, reason=to)
    _reserved, confirmed = usage(order)
    assert confirmed == first.usage_amount
    sub_order_move(sub_order=first, to="refunded", reason="returned within 30 days")
    assert usage(order)[1] == 0
    assert books_clean(), inventory_problems() + order_problems()


def test_every_move_of_a_parcel_is_an_event(order):
    order_pay(order=order, reason="paid")
    first = order.sub_orders.order_by("number").first()
    sub_order_move(sub_order=first, to="customs_declared", reason="declared")
    moves = [
        (e.payload["number"], e.payload["from_state"], e.payload["to_state"])
        for e in OutboxEvent.objects.filter(topic="SubOrderMoved").order_by(
            "created_at"
        )
    ]
    assert moves[-1] == (first.number, "paid", "customs_declared")
    assert sorted(m[2] for m in moves[:-1]) == ["paid", "paid"]
    paid = OutboxEvent.objects.get(topic="OrderPaid").payload
    assert len(paid["sub_order_ids"]) == 2


def test_each_context_registers_its_chores_with_the_clock():
    from etalage.core.clock import _CHORES

    assert set(_CHORES) == {
        "declarations_send",
        "customs_simulator_step",
        "customs_answers_collect",
        "declarations_requery",
        "demo_parcels_moved",
        "listing_prices_recomputed",
        "orders_expired",
        "events_delivered",
        "imports_abandoned",
        "ledger_queued_statements_imported",
        "ledger_books_matured",
        "limit_windows_swept",
        "notifications_late_processed",
        "payments_quiet_queried",
        "planner_statistics_refreshed",
        "refused_notifications_purged",
        "refused_pushes_purged",
        "payments_declared_late",
        "parcels_handed_over_late",
        "refunds_quiet_asked_again",
        "route_transits_measured",
        "sandbox_carrier_advanced",
        "search_changes_purged",
        "search_prices_of_the_day",
        "search_sold_month_window",
        "search_stock_refigured",
        "webhooks_sent",
        "wechat_certificates_kept_fresh",
    }


def test_merchants_of_paid_parcels_are_told_when_the_buyer_cancels(
    order, django_capture_on_commit_callbacks
):
    from etalage.merchants.models import Merchant

    Merchant.objects.update(contact_email="shop@example.be", language="en")
    order_pay(order=order, reason="paid")
    outbox_deliver()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, reason="cancelled by the buyer")
        outbox_deliver()
    told = sorted(m.subject for m in mail.outbox if m.to == ["shop@example.be"])
    numbers = sorted(s.number for s in order.sub_orders.all())
    assert told == [f"Parcel {n} is cancelled: do not ship it" for n in numbers]


def test_no_merchant_hears_of_an_unpaid_order_s_cancellation(
    order, django_capture_on_commit_callbacks
):
    from etalage.merchants.models import Merchant

    Merchant.objects.update(contact_email="shop@example.be")
    outbox_deliver()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, reason="cancelled by the buyer")
        outbox_deliver()
    assert not [m for m in mail.outbox if m.to == ["shop@example.be"]]


def test_an_order_with_a_parcel_refused_by_customs_never_reads_delivered(
    order, django_capture_on_commit_callbacks
):
    from etalage.merchants.models import Merchant

    Merchant.objects.update(contact_email="shop@example.be", language="en")
    order_pay(order=order)
    outbox_deliver()
    mail.outbox.clear()
    refused, delivered = order.sub_orders.order_by("number")
    with django_capture_on_commit_callbacks(execute=True):
        sub_order_move(sub_order=refused, to="customs_declared")
        sub_order_move(sub_order=refused, to="customs_refused", reason="ID mismatch")
        outbox_deliver()
    for to in ("customs_declared", "released", "shipped", "delivered"):
        sub_order_move(sub_order=delivered, to=to)
    order.refresh_from_db()
    assert order.state == "customs_refused"
    assert order.get_state_display() == "Refused by customs"
    assert books_clean()
    assert [m.subject for m in mail.outbox] == [
        f"Parcel {refused.number} refused by customs: do not ship it"
    ]
    assert "China customs refused the declaration" in mail.outbox[0].body
    sub_order_move(sub_order=refused, to="refunded", reason="refunded")
    order.refresh_from_db()
    assert order.state == "refunded_part"
    assert books_clean()
