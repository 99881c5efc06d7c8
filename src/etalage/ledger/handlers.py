"""What the ledger posts when money moves: each subscriber runs inside the
transaction that records its event (``events.outbox.within``), so a posting
commits with its cause or not at all."""

from __future__ import annotations

from etalage.events.outbox import within
from etalage.events.types import (
    CustomsTaxAssessed,
    CustomsTaxPaid,
    CustomsTaxReturned,
    OrderPaid,
    PaymentReceivedLate,
    RefundSucceeded,
    SettlementImported,
    SubOrderMoved,
)
from etalage.ledger import postings
from etalage.orders import states
from etalage.orders.models import SubOrder


@within(OrderPaid)
def capture_posted(event: OrderPaid) -> None:
    postings.capture_post(order_id=event.order_id, sub_order_ids=event.sub_order_ids)


@within(PaymentReceivedLate)
def late_payment_posted(event: PaymentReceivedLate) -> None:
    postings.late_payment_post(payment_id=event.payment_id)


@within(RefundSucceeded)
def refund_posted(event: RefundSucceeded) -> None:
    postings.refund_post(refund_id=event.refund_id)


@within(SubOrderMoved)
def delivery_posted(event: SubOrderMoved) -> None:
    if event.to_state == states.DELIVERED:
        postings.commission_post(sub_order_id=event.sub_order_id)


@within(SettlementImported)
def settlement_posted(event: SettlementImported) -> None:
    postings.settlement_post(report_id=event.report_id)


@within(CustomsTaxAssessed)
def tax_assessed_posted(event: CustomsTaxAssessed) -> None:
    postings.tax_assessed_post(
        sub_order_id=event.sub_order_id,
        reference=event.tax_no,
        assessed=event.amount,
        currency=event.currency,
    )


@within(CustomsTaxPaid)
def tax_paid_posted(event: CustomsTaxPaid) -> None:
    sub = SubOrder.objects.select_related("order").get(pk=event.sub_order_id)
    postings.tax_paid_post(
        reference=event.tax_no,
        amount=event.amount,
        currency=event.currency,
        order=sub.order,
    )


@within(CustomsTaxReturned)
def tax_returned_posted(event: CustomsTaxReturned) -> None:
    sub = SubOrder.objects.select_related("order").get(pk=event.sub_order_id)
    postings.tax_returned_post(
        reference=event.reference,
        amount=event.amount,
        currency=event.currency,
        order=sub.order,
    )
