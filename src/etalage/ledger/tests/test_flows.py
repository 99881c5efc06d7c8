"""The ledger through the providers' sandboxes and the order's whole life: late
payments, refunds before and after settlement, the settlement reaching the bank,
customs refusals; and any sequence of events leaves the books balanced."""

from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from etalage.ledger import bank, sandbox_bank
from etalage.ledger.checks import ledger_problems
from etalage.ledger.models import Payout, SubOrderBook, Transaction
from etalage.ledger.payouts import payout_file_take, payout_run
from etalage.ledger.postings import figures
from etalage.ledger.selectors import monthly_results
from etalage.ledger.tests.conftest import balance
from etalage.merchants.models import Merchant
from etalage.orders import states
from etalage.orders.services import order_cancel
from etalage.payments import sandbox_antom
from etalage.payments.models import Payment, Refund
from etalage.payments.settlement import settlement_import
from etalage.payments.tests.test_alipay_sandbox import (  # noqa: F401  (fixtures)
    _deliver,
    _paid_sandbox_payment,
    over_http,
    start,
)

D = Decimal


def test_a_payment_after_cancellation_is_owed_back_then_refunded(
    books, client, django_capture_on_commit_callbacks
):
    order = books.place([(books.shopping.products["a"], 1)])
    client.force_login(books.buyer)
    paid = _paid_sandbox_payment(client, order)
    order_cancel(order=order, reason="hold ran out")
    with django_capture_on_commit_callbacks(execute=True):
        _deliver(client, *sandbox_antom.payment_notice(paid))
    assert Refund.objects.get().state == "succeeded"
    kinds = list(
        Transaction.objects.order_by("posted_at").values_list("kind", flat=True)
    )
    assert kinds == ["late_payment", "refund"]
    assert (
        balance("refunds_due", "CNY")
        == balance("provider_receivable:alipay", "CNY")
        == 0
    )
    assert not SubOrderBook.objects.exists()  # no merchant is owed anything
    assert ledger_problems() == []


@pytest.mark.usefixtures("over_http")
def test_refunds_before_and_after_settlement_and_the_settlement_in_the_bank(
    books, client, django_capture_on_commit_callbacks
):
    from etalage.money import Money
    from etalage.payments.services import refund_request

    order = books.place([(books.shopping.products["a"], 2)])
    client.force_login(books.buyer)
    cashier = start(client, order)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(urlsplit(cashier).path, {"decision": "pay"})
    payment = Payment.objects.get(order=order, state="succeeded")
    with django_capture_on_commit_callbacks(execute=True):
        refund_request(payment=payment, amount=Money("10.00", "CNY"), reason="dent")
    day = date.today().isoformat()
    client.force_login(
        get_user_model().objects.create_superuser("op", "op@example.com", "pw")
    )
    report_text = client.get(f"/sandbox/alipay/settlement/{day}.csv").content.decode()
    report = settlement_import(
        provider="alipay", name=f"alipay-{day}.csv", text=report_text
    )
    assert report.differences_count == 0
    # The payment and the refund converted: the receivable is empty, the EUR
    # settled less fees waits on the way to the bank.
    assert balance("provider_receivable:alipay", "CNY") == 0
    net = bank.settlement_net(report)
    assert balance("provider_settlement:alipay", "EUR") == D(net) / 100 > 0
    fees = balance("provider_fees", "EUR")
    assert fees > 0
    # A refund after settlement: owed by the provider, netted in its next report.
    with django_capture_on_commit_callbacks(execute=True):
        refund_request(payment=payment, amount=Money("5.00", "CNY"), reason="late dent")
    assert balance("provider_receivable:alipay", "CNY") == D("-5.00")
    # The provider's transfer arrives in the bank: matched to its report by name.
    statement = sandbox_bank.statement(
        iban="BE68539007547034",
        day=date.today(),
        opening=D(0),
        credits=[
            sandbox_bank.Credit(D(net) / 100, "Antom", f"Settlement {report.name}")
        ],
    )
    imported = bank.statement_import(name="camt.xml", data=statement)
    assert imported.unmatched_count == 0
    assert balance("provider_settlement:alipay", "EUR") == 0
    assert balance("bank", "EUR") == D(net) / 100
    assert ledger_problems() == []
    # The month's FX result: the position's EUR side, and its CNY side (tax and
    # freight still owed in yuan) valued at the ECB rate in force (7.7748).
    (month,) = monthly_results()
    eur, cny = balance("fx", "EUR"), balance("fx", "CNY")
    assert month["fx_eur"] == eur and month["fx_cny"] == cny
    assert month["fx_result"] == (-(eur + cny / D("7.7748"))).quantize(D("0.01"))
    assert "commission" not in month  # nothing delivered yet


def test_a_parcel_refused_by_customs_is_refunded_and_owes_nothing(books):
    p = books.shopping.products
    order = books.pay(books.place([(p["a"], 1), (p["c"], 1)]))
    refused, kept = order.sub_orders.order_by("number")
    books.move(refused, states.CUSTOMS_DECLARED, states.CUSTOMS_REFUSED)
    books.refund(order, refused.total, parcels=[refused])
    refused.refresh_from_db()
    assert refused.state == states.REFUNDED
    assert SubOrderBook.objects.get(pk=refused.pk).net_eur == 0
    assert balance("cbec_tax_payable", "CNY") == -kept.tax
    assert balance(f"merchant_pending:{kept.merchant_id}", "EUR") == -kept.goods_eur
    assert ledger_problems() == []


ACTIONS = ["pay", "refund_part", "refuse", "deliver", "mature", "payout", "bounce"]


@pytest.fixture
def paying_merchants(shopping):
    for n, merchant in enumerate(Merchant.objects.all()):
        merchant.iban = ["BE71096123456769", "BE68539007547034"][n % 2]
        merchant.save()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    script=st.lists(
        st.tuples(st.sampled_from(ACTIONS), st.integers(0, 2), st.integers(1, 9000)),
        min_size=1,
        max_size=14,
    )
)
@example(
    script=[
        ("pay", 0, 1),
        ("refund_part", 0, 3000),
        ("deliver", 0, 1),
        ("deliver", 0, 1),
        ("mature", 0, 1),
        ("payout", 0, 1),
        ("bounce", 0, 1),
        ("refund_part", 0, 5000),
        ("payout", 0, 1),
    ]
)
@example(
    script=[
        ("pay", 0, 1),
        ("pay", 1, 1),
        ("refuse", 0, 1),
        ("deliver", 1, 1),
        ("refund_part", 1, 9000),
        ("mature", 0, 1),
        ("payout", 0, 1),
    ]
)
def test_any_sequence_of_events_leaves_the_books_balanced(
    books, paying_merchants, settings, script
):
    settings.ETALAGE_PAYOUT_MINIMUM_EUR = D("1")
    p = books.shopping.products
    with transaction.atomic():
        orders = [
            books.place([(p["a"], 1), (p["c"], 2)]),
            books.place([(p["b"], 1)]),
            books.place([(p["c"], 1)]),
        ]
        for action, index, amount in script:
            _act(books, action, orders[index], amount)
        assert ledger_problems() == []
        for merchant in Merchant.objects.all():
            owed = -(
                balance(f"merchant_pending:{merchant.pk}", "EUR")
                + balance(f"merchant_available:{merchant.pk}", "EUR")
            )
            nets = sum(
                b.net_eur for b in SubOrderBook.objects.filter(merchant=merchant)
            )
            out = sum(
                x.amount_minor
                for x in Payout.objects.filter(merchant=merchant).exclude(
                    state="returned"
                )
            )
            assert owed == D(nets - out) / 100
        transaction.set_rollback(True)


def _act(books, action, order, amount):
    order.refresh_from_db()
    subs = list(order.sub_orders.order_by("number"))
    if action == "pay" and order.state == states.PLACED:
        books.pay(order)
    elif action == "refund_part" and Payment.objects.filter(order=order).exists():
        left = order.total - sum(
            r.amount for r in Refund.objects.filter(payment__order=order)
        )
        share = min(D(amount) / 100, left)
        if share > 0:
            books.refund(order, share)
    elif action == "refuse":
        for sub in subs:
            if sub.state == states.PAID:
                books.move(sub, states.CUSTOMS_DECLARED, states.CUSTOMS_REFUSED)
                left = D(figures(SubOrderBook.objects.get(pk=sub.pk)).left_paid) / 100
                if left > 0:
                    books.refund(order, left, parcels=[sub])
                return
    elif action == "deliver":
        for sub in subs:
            if sub.state == states.PAID:
                books.deliver(sub)
                return
    elif action == "mature":
        books.mature()
    elif action == "payout":
        from etalage.ledger.payouts import PayoutRefused

        try:
            run = payout_run(by="test")
        except PayoutRefused:
            return
        payout_file_take(run=run, by="test")
    elif action == "bounce":
        payout = Payout.objects.filter(state="sent").first()
        if payout is not None:
            statement = sandbox_bank.statement(
                iban="BE68539007547034",
                day=date.today(),
                opening=D(0),
                runs=[payout.run],
                returns={payout.end_to_end_id: "AC01"},
                number=Payout.objects.count() + amount,
            )
            bank.statement_import(name="camt.xml", data=statement)
            payout.refresh_from_db()
            assert (payout.state, payout.return_reason) == ("returned", "AC01")


def test_a_refund_of_an_order_paid_before_the_ledger_posts_nothing(books):
    from django.utils import timezone

    from etalage.orders.models import Order, SubOrder

    order = books.place([(books.shopping.products["a"], 1)])
    # Paid before the ledger was kept: the order moved, no capture was posted.
    Order.objects.filter(pk=order.pk).update(state="paid")
    SubOrder.objects.filter(order=order).update(state="paid")
    Payment.objects.create(
        order=order,
        provider="alipay",
        request_id=f"{order.number}-P1",
        amount=order.total,
        currency=order.currency,
        state="succeeded",
        paid_at=timezone.now(),
    )
    refund = books.refund(order, "5.00")
    assert refund.state == "succeeded"
    assert not Transaction.objects.exists() and ledger_problems() == []
