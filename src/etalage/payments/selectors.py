"""What pages read of payments."""

from __future__ import annotations

from datetime import date

from etalage.orders import states
from etalage.orders.models import Order
from etalage.payments.models import DailyPayments, Payment, Refund


def payment_waiting(order: Order) -> Payment | None:
    """The payment of the order started and not come back yet (the newest)."""
    return (
        Payment.objects.filter(order=order, state=Payment.State.PENDING)
        .order_by("-created_at")
        .first()
    )


def payment_just_failed(order: Order) -> bool:
    """Whether the order's newest payment did not go through (declined, closed):
    the buyer is told so, with the ways to pay again."""
    newest = Payment.objects.filter(order=order).order_by("-created_at").first()
    return newest is not None and newest.state == Payment.State.FAILED


def payment_followed(order: Order) -> bool:
    """Whether the order's page keeps following a payment: one is out, or one
    has just succeeded while the order, read a moment before, still says placed
    (the next look shows it paid; stopping here would leave the page behind)."""
    return (
        order.state == states.PLACED
        and Payment.objects.filter(
            order=order, state__in=(Payment.State.PENDING, Payment.State.SUCCEEDED)
        ).exists()
    )


def order_refunds(order: Order) -> list[Refund]:
    """The order's refunds, newest first (the buyer's page lists them)."""
    return list(
        Refund.objects.filter(payment__order=order)
        .select_related("payment")
        .order_by("-created_at")
    )


def paid_by_day(*, since: date) -> list[tuple[date, str, int, int]]:
    """(day, currency, payments, amount in minor units) for each day from
    ``since`` on which buyers paid, from the payments' daily totals."""
    return list(
        DailyPayments.objects.filter(day__gte=since)
        .order_by("day", "currency")
        .values_list("day", "currency", "payments", "amount_minor")
    )
