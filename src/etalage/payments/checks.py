"""The books of the payments: does every paid order have its payment, every payment
its order's state, every refund its bounds?"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from etalage.orders import states
from etalage.orders.models import Order, OrderTransition
from etalage.payments.daily import daily_payment_problems
from etalage.payments.models import Payment, Refund


def payment_problems() -> list[str]:
    problems = daily_payment_problems()
    paid_orders = set(
        Payment.objects.filter(state=Payment.State.SUCCEEDED).values_list(
            "order_id", flat=True
        )
    )
    # An order paid without a provider's payment was marked paid by the operator
    # (a bank transfer): its move says so, with a reason.
    marked = set(
        OrderTransition.objects.filter(sub_order=None, to_state=states.PAID)
        .exclude(by=None)
        .values_list("order_id", flat=True)
    )
    for number, pk in Order.objects.exclude(
        state__in=[states.PLACED, states.CANCELLED]
    ).values_list("number", "pk"):
        if pk not in paid_orders and pk not in marked:
            problems.append(f"order {number} is past payment with no payment")
    for payment in Payment.objects.filter(state=Payment.State.SUCCEEDED).select_related(
        "order"
    ):
        if payment.order.state == states.PLACED:
            problems.append(f"payment {payment.request_id} succeeded, its order waits")
    refunded = (
        Refund.objects.filter(state=Refund.State.SUCCEEDED)
        .values("payment_id")
        .annotate(total=Sum("amount"))
    )
    amounts = dict(Payment.objects.values_list("pk", "amount"))
    for row in refunded:
        if row["total"] > amounts.get(row["payment_id"], Decimal(0)):
            problems.append(f"payment {row['payment_id']} refunded more than it took")
    # Held for the operator (the provider could not tell, or reported refunded a
    # refund it had failed): listed until the operator decides.
    for request_id, failure in Refund.objects.filter(
        state=Refund.State.HELD
    ).values_list("request_id", "failure"):
        problems.append(f"refund {request_id} held for the operator: {failure}")
    return problems
