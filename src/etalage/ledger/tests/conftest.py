"""Orders paid, refunded and delivered through the same services as in production;
the providers' side is the embedded sandbox or, where only the ledger is under
test, the payment and refund records a provider's notification would leave."""

import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from etalage.ledger.models import Account
from etalage.money import Money
from etalage.orders import states
from etalage.orders.services import sub_order_move
from etalage.payments.daily import payments_paid
from etalage.payments.models import Payment, Refund


def balance(key: str, currency: str) -> Decimal:
    account = Account.objects.filter(key=key, currency=currency).first()
    return account.balance if account else Decimal("0.00")


class Books:
    """Moves orders as the providers, customs and carriers would."""

    def __init__(self, shopping, buyer):
        self.shopping, self.buyer = shopping, buyer
        self.count = 0

    def place(self, lines):
        self.count += 1
        self.shopping.cart(self.buyer, lines)
        return self.shopping.place(self.buyer, key=f"k{self.count}").order

    def pay(self, order, provider="alipay"):
        """The provider's notification of a payment, as ``notifications`` applies it."""
        from etalage.orders.services import order_pay

        payment = Payment.objects.create(
            order=order,
            provider=provider,
            request_id=f"{order.number}-P1",
            amount=order.total,
            currency=order.currency,
            state=Payment.State.SUCCEEDED,
            paid_at=timezone.now(),
        )
        payments_paid([payment])  # the day's totals, as the notification adds
        order_pay(order=order, reason="paid")
        order.refresh_from_db()
        return order

    def refund(self, order, amount, parcels=()):
        """A refund the provider made (``refund_settled`` as its notice applies it)."""
        from etalage.payments.services import refund_settled

        payment = Payment.objects.get(order=order, state=Payment.State.SUCCEEDED)
        refund = Refund.objects.create(
            payment=payment,
            request_id=f"{payment.request_id}-R{payment.refunds.count() + 1}",
            amount=Money(amount, order.currency).amount,
            currency=order.currency,
            parcels=[str(p.pk) for p in parcels],
        )
        return refund_settled(refund, provider_refund_id=f"R{refund.pk.hex[:8]}")

    def move(self, sub, *to):
        for state in to:
            sub = sub_order_move(sub_order=sub, to=state, reason="test")
        return sub

    def deliver(self, sub):
        return self.move(
            sub,
            states.CUSTOMS_DECLARED,
            states.RELEASED,
            states.SHIPPED,
            states.DELIVERED,
        )

    @staticmethod
    def mature(days=31):
        from etalage.ledger.postings import books_matured

        return books_matured(now=timezone.now() + timedelta(days=days))


@pytest.fixture
def books(shopping):
    return Books(shopping, shopping.buyer())


@pytest.fixture
def run(books, settings):
    """A run of two payouts (First's and Second's), its file taken for the bank."""
    from etalage.ledger.payouts import payout_file_take, payout_run
    from etalage.merchants.models import Merchant

    settings.ETALAGE_PAYOUT_MINIMUM_EUR = Decimal("1")
    for n, merchant in enumerate(Merchant.objects.order_by("name")):
        merchant.iban = ["BE71096123456769", "BE25068249751482"][n]
        merchant.save()
    p = books.shopping.products
    order = books.pay(books.place([(p["a"], 1), (p["c"], 1)]))
    for sub in order.sub_orders.all():
        books.deliver(sub)
    books.mature()
    run = payout_run(by="operator", today=datetime.date(2024, 8, 2))
    payout_file_take(run=run, by="operator")
    return run
