"""What the ledger posts when money moves: each subscriber runs inside the
transaction that records its event (``events.outbox.within``), so a posting
commits with its cause or not at all."""

from __future__ import annotations

from etalage.events.outbox import within
from etalage.events.types import (
    OrderPaid,
    PaymentReceivedLate,
    RefundSucceeded,
    SettlementImported,
    SubOrderMoved,
)
from etalage.ledger import postings
from etalage.orders import states


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
