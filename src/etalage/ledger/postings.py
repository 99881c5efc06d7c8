"""The ledger's side of each business event: read the facts, let ``posting`` decide
the legs, post them (``journal.post``) and keep each sub-order's figures
(``SubOrderBook``) in step, in the caller's transaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from etalage.ledger import chart, daily
from etalage.ledger.chart import account_key
from etalage.ledger.journal import post
from etalage.ledger.models import CommissionCharge, SubOrderBook, Transaction
from etalage.ledger.posting import (
    Leg,
    SubOrderFigures,
    capture_legs,
    commission_legs,
    debt_paid_legs,
    maturity_legs,
    refund_legs,
    refund_shares,
    settlement_legs,
    tax_assessed_legs,
    transfer_legs,
)
from etalage.money import Money
from etalage.orders.models import Order, SubOrder
from etalage.payments.models import Payment, Refund, SettlementLine
from etalage.promotions.selectors import parcel_discounts


def figures(book: SubOrderBook) -> SubOrderFigures:
    return SubOrderFigures(
        key=str(book.sub_order_id),
        merchant=str(book.merchant_id),
        goods_paid=book.goods_paid,
        freight_paid=book.freight_paid,
        tax_paid=book.tax_paid,
        goods_eur=book.goods_eur,
        commission_percent=book.commission_percent,
        vat_percent=book.vat_percent,
        refunded_goods_paid=book.refunded_goods_paid,
        refunded_freight_paid=book.refunded_freight_paid,
        refunded_tax_paid=book.refunded_tax_paid,
        refunded_goods_eur=book.refunded_goods_eur,
        commission_posted=book.delivered_at is not None,
        matured=book.matured_at is not None,
        discount_paid=book.discount_paid,
        refunded_discount_paid=book.refunded_discount_paid,
    )


def _keep(book: SubOrderBook, after: SubOrderFigures, **also: Any) -> None:
    """Save what a posting changed of the sub-order's figures."""
    values = {
        "refunded_goods_paid": after.refunded_goods_paid,
        "refunded_freight_paid": after.refunded_freight_paid,
        "refunded_tax_paid": after.refunded_tax_paid,
        "refunded_goods_eur": after.refunded_goods_eur,
        "refunded_discount_paid": after.refunded_discount_paid,
        "commission_eur": after.commission_eur,
        "commission_vat_eur": after.commission_vat_eur,
        "net_eur": after.net_eur,
        **also,
    }
    SubOrderBook.objects.filter(pk=book.pk).update(**values)
    for name, value in values.items():
        setattr(book, name, value)


def _receivable(payment: Payment | None) -> str:
    if payment is None:
        return chart.MANUAL_RECEIPTS
    return account_key(chart.PROVIDER_RECEIVABLE, payment.provider)


def capture_post(*, order_id: UUID, sub_order_ids: tuple[UUID, ...]) -> None:
    """The order's payment received: what the buyer paid is owed on to customs, the
    carrier and each merchant (``posting.capture_legs``)."""
    order = Order.objects.get(pk=order_id)
    payment = (
        Payment.objects.filter(order=order, state=Payment.State.SUCCEEDED)
        .order_by("-paid_at")
        .first()
    )
    now = timezone.now()
    subs = list(SubOrder.objects.filter(pk__in=sub_order_ids).order_by("pk"))
    noncash = parcel_discounts([sub.pk for sub in subs])
    books = [
        SubOrderBook(
            sub_order=sub,
            merchant_id=sub.merchant_id,
            paid_at=now,
            goods_paid=Money(sub.goods, order.currency).minor_units(),
            freight_paid=Money(sub.freight, order.currency).minor_units(),
            tax_paid=Money(sub.tax, order.currency).minor_units(),
            goods_eur=Money(sub.goods_eur, "EUR").minor_units(),
            commission_percent=sub.commission_percent,
            vat_percent=settings.ETALAGE_COMMISSION_VAT_PERCENT,
            net_eur=Money(sub.goods_eur, "EUR").minor_units(),
            discount_paid=Money(noncash.get(sub.pk, 0), order.currency).minor_units(),
        )
        for sub in subs
    ]
    via = f"{payment.provider} {payment.request_id}" if payment else "recorded"
    posted = post(
        reference=f"capture:{order.pk}",
        kind="capture",
        legs=capture_legs(
            _receivable(payment), order.currency, [figures(b) for b in books]
        ),
        memo=f"{order.number} paid ({via})",
        order=order,
        at=now,
    )
    if posted is not None:
        SubOrderBook.objects.bulk_create(books)
        daily.books_paid((book, order.currency) for book in books)


def late_payment_post(*, payment_id: UUID) -> None:
    """A payment after its order was cancelled is the buyer's: owed back in full."""
    payment = Payment.objects.select_related("order").get(pk=payment_id)
    post(
        reference=f"late-payment:{payment.pk}",
        kind="late_payment",
        legs=transfer_legs(
            _receivable(payment),
            chart.REFUNDS_DUE,
            payment.currency,
            Money(payment.amount, payment.currency).minor_units(),
        ),
        memo=f"{payment.order.number}: paid after cancellation ({payment.request_id})",
        order=payment.order,
    )


def refund_post(*, refund_id: UUID) -> None:
    """The provider refunded the buyer: the refund falls on the parcels it names,
    then the others (``posting.refund_shares``), with the platform's discount it
    carries; each merchant gives back its goods in EUR and gets its commission on
    them back."""
    refund = Refund.objects.select_related("payment__order").get(pk=refund_id)
    payment, order = refund.payment, refund.payment.order
    receivable = _receivable(payment)
    amount = Money(refund.amount, refund.currency).minor_units()
    reference = f"refund:{refund.pk}"
    if Transaction.objects.filter(reference=reference).exists():
        return
    if Transaction.objects.filter(reference=f"late-payment:{payment.pk}").exists():
        post(
            reference=reference,
            kind="refund",
            order=order,
            legs=transfer_legs(chart.REFUNDS_DUE, receivable, refund.currency, amount),
            memo=f"{order.number}: refund {refund.request_id}",
        )
        return
    books = {
        str(b.sub_order_id): b
        for b in SubOrderBook.objects.select_for_update(of=("self",))
        .filter(sub_order__order=order)
        .order_by("sub_order_id")
    }
    if not books:
        return  # paid before the ledger was kept: nothing of the order is in it
    subs = [figures(b) for b in books.values()]
    legs: list[Leg] = []
    afters: list[SubOrderFigures] = []
    tax = Money(refund.tax_part, refund.currency).minor_units()
    named = frozenset(map(str, refund.parcels))
    # The platform's discount the refund carries (a return's units' own share, a
    # parcel given back whole); a refund recorded without one (before refunds
    # carried it, or the operator's by hand) has it spread by the cash refunded.
    discount = (
        None
        if refund.discount_part is None
        else Money(refund.discount_part, refund.currency).minor_units()
    )
    for share in refund_shares(amount, subs, named, tax, discount):
        sub = next(s for s in subs if s.key == share.key)
        share_legs, after = refund_legs(receivable, refund.currency, sub, share)
        legs += share_legs
        afters.append(after)
    posted = post(
        reference=reference,
        kind="refund",
        legs=legs,
        order=order,
        memo=f"{order.number}: refund {refund.request_id}",
    )
    if posted is None:
        return
    for after in afters:
        book = books[after.key]
        _charged(book, figures(book), after, posted)
        daily.book_refunded(
            book,
            order.currency,
            after.refunded_goods_paid - book.refunded_goods_paid,
            after.refunded_goods_eur - book.refunded_goods_eur,
        )
        _keep(book, after)


def commission_post(*, sub_order_id: UUID) -> None:
    """Delivered: the commission recorded at placement (and Belgian VAT on it) on
    the goods that stay sold; the return window starts."""
    book = (
        SubOrderBook.objects.select_for_update(of=("self",))
        .select_related("sub_order__order")
        .filter(pk=sub_order_id)
        .first()
    )
    if book is None or book.delivered_at is not None:
        return  # never paid through the ledger, or delivered before
    legs, after = commission_legs(figures(book))
    now = timezone.now()
    posted = post(
        reference=f"commission:{book.pk}",
        kind="commission",
        legs=legs,
        order=book.sub_order.order,
        merchant=book.merchant,
        memo=f"{book.sub_order.number}: commission {book.commission_percent}%",
    )
    if posted is not None:
        _charged(book, figures(book), after, posted)
    window = timedelta(days=settings.ETALAGE_RETURN_WINDOW_DAYS)
    _keep(book, after, delivered_at=now, available_at=now + window)


def _charged(
    book: SubOrderBook,
    before: SubOrderFigures,
    after: SubOrderFigures,
    posted: Transaction,
) -> None:
    """Record what a posting changed of the commission charged to the merchant
    (the lines of its monthly commission invoice)."""
    commission = after.commission_eur - before.commission_eur
    vat = after.commission_vat_eur - before.commission_vat_eur
    if not (commission or vat):
        return
    base = (
        after.net_goods_eur
        if not before.commission_posted
        else (after.net_goods_eur - before.net_goods_eur)
    )
    CommissionCharge.objects.create(
        merchant_id=book.merchant_id,
        sub_order_id=book.sub_order_id,
        transaction=posted,
        at=posted.posted_at,
        goods_minor=base,
        commission_minor=commission,
        vat_minor=vat,
    )


def books_matured(*, now: datetime | None = None, batch: int = 500) -> int:
    """Sub-orders whose return window is over: their net becomes available for
    payout (the clock's chore). Returns how many."""
    now = now or timezone.now()
    done = 0
    while True:
        with transaction.atomic():
            due = list(
                SubOrderBook.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("sub_order")
                .filter(matured_at__isnull=True, available_at__lte=now)
                .order_by("available_at")[:batch]
            )
            for book in due:
                legs, after = maturity_legs(figures(book))
                post(
                    reference=f"available:{book.pk}",
                    kind="available",
                    legs=legs,
                    merchant=book.merchant,
                    at=now,
                    memo=f"{book.sub_order.number}: return window over",
                )
                _keep(book, after, matured_at=now)
        done += len(due)
        if len(due) < batch:
            return done


def settlement_post(*, report_id: UUID) -> None:
    """The provider's report: each payment and refund it converted to EUR at its
    rate, for its fee. Lines that matched nothing, or were settled before, are the
    operator's to look at and post nothing."""
    lines = SettlementLine.objects.filter(report_id=report_id).select_related(
        "payment__order", "refund__payment"
    )
    for line in lines:
        payment = line.payment or (line.refund.payment if line.refund else None)
        if payment is None or line.settlement_currency != "EUR":
            continue
        post(
            reference=f"settlement:{line.kind}:{line.request_id}",
            kind="settlement",
            legs=settlement_legs(
                provider=payment.provider,
                kind=line.kind,
                currency=line.currency,
                amount_paid=Money(line.amount, line.currency).minor_units(),
                settled_eur=Money(line.settlement_amount, "EUR").minor_units(),
                fee_eur=Money(line.fee, "EUR").minor_units(),
            ),
            memo=f"{line.kind} {line.request_id} settled at {line.rate}",
            order=payment.order,
        )


# What the operator pays from the bank in the buyers' currency: the guarantee with
# customs (which customs debits for each tax bill, ``tax_paid_post``) and carriers.
DEBTS = {"guarantee": chart.CUSTOMS_GUARANTEE, "freight": chart.FREIGHT_PAYABLE}


def debt_paid_post(
    *, debt: str, amount: Decimal, currency: str, eur: Decimal, reference: str
) -> Transaction | None:
    """The operator funded its guarantee with customs, or paid a carrier (freight),
    ``amount`` in the buyer's currency, for ``eur`` from the bank: the rate is what
    was paid."""
    if amount <= 0 or eur <= 0:
        raise ValueError("amounts paid are more than nothing")
    return post(
        reference=f"{debt}-paid:{reference}",
        kind=f"{debt}_paid",
        legs=debt_paid_legs(
            DEBTS[debt],
            currency,
            Money(amount, currency).minor_units(),
            Money(eur, "EUR").minor_units(),
        ),
        memo=f"{debt} paid: {amount} {currency} for {eur} EUR ({reference})",
    )


def tax_assessed_post(*, sub_order_id: UUID, reference: str, assessed: Decimal,
                      currency: str) -> Transaction | None:  # fmt: skip
    """Customs' tax bill for a parcel: the tax payable becomes what customs
    assessed (nothing to post when it is what the buyer paid)."""
    book = SubOrderBook.objects.filter(sub_order_id=sub_order_id).first()
    if book is None:
        return None  # paid before the ledger was kept
    legs = tax_assessed_legs(
        currency, book.tax_paid, Money(assessed, currency).minor_units()
    )
    if not legs:
        return None
    return post(
        reference=f"tax-assessed:{reference}",
        kind="tax_assessed",
        legs=legs,
        memo=f"customs tax bill {reference}: {assessed} {currency}",
        order=book.sub_order.order,
    )


def tax_paid_post(*, reference: str, amount: Decimal, currency: str,
                  order: Order) -> Transaction | None:  # fmt: skip
    """Customs debited a tax bill from the operator's guarantee."""
    minor = Money(amount, currency).minor_units()
    if minor == 0:
        return None
    return post(
        reference=f"tax-paid:{reference}",
        kind="tax_paid",
        legs=transfer_legs(
            chart.CBEC_TAX_PAYABLE, chart.CUSTOMS_GUARANTEE, currency, minor
        ),  # fmt: skip
        memo=f"customs tax bill {reference} paid from the guarantee",
        order=order,
    )


def tax_returned_post(*, reference: str, amount: Decimal, currency: str,
                      order: Order) -> Transaction | None:  # fmt: skip
    """Customs accepted a return: the tax of the goods (refunded to the buyer)
    comes back to the operator's guarantee."""
    minor = Money(amount, currency).minor_units()
    if minor == 0:
        return None
    return post(
        reference=f"tax-returned:{reference}",
        kind="tax_returned",
        legs=transfer_legs(
            chart.CUSTOMS_GUARANTEE, chart.CBEC_TAX_PAYABLE, currency, minor
        ),  # fmt: skip
        memo=f"customs accepted return {reference}: tax back to the guarantee",
        order=order,
    )
