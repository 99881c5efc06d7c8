"""Paying with Alipay through the embedded Antom sandbox: the buyer's journey, and
every kind of notification (duplicate, forged, replayed, wrong amount, unknown)."""

from urllib.parse import urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core import mail
from django.utils import translation

from etalage.orders.models import Order, OrderTransition
from etalage.payments import adapters, antom, sandbox, sandbox_antom, sandbox_store
from etalage.payments.models import Notification, Payment, SandboxPayment
from etalage.payments.notifications import notification_process


@pytest.fixture
def order(shopping, client):
    buyer = shopping.buyer()
    p = shopping.products
    shopping.cart(buyer, [(p["a"], 1)])
    client.force_login(buyer)
    return shopping.place(buyer).order


@pytest.fixture
def over_http(client, monkeypatch):
    """The sandbox sends its notifications to Étalage's endpoint as HTTP requests
    (through the test client instead of a socket); returns what it sent."""
    sent = []

    def transport(method, url, headers, body):
        sent.append((url, dict(headers), body))
        response = client.post(
            urlsplit(url).path,
            data=body,
            content_type=headers["Content-Type"],
            headers={k: v for k, v in headers.items() if k != "Content-Type"},
        )
        return response.status_code, {}, response.content

    monkeypatch.setattr(sandbox_store, "NOTIFY_TRANSPORT", [transport])
    return sent


def start(client, order):
    response = client.post(f"/en/orders/{order.number}/pay/alipay/")
    assert response.status_code == 302, response.content
    return response["Location"]


def test_the_buyer_pays_at_the_sandbox_cashier_and_the_order_is_paid(
    client, order, over_http, django_capture_on_commit_callbacks
):
    cashier = start(client, order)
    payment = Payment.objects.get(order=order)
    assert cashier.endswith(f"/sandbox/antom/cashier/{payment.provider_payment_id}/")
    page = client.get(urlsplit(cashier).path).content.decode()
    assert "no money moves" in page  # (the page the buyer paid from: English)
    assert f"{order.total:.2f} CNY" in page
    with django_capture_on_commit_callbacks(execute=True):
        back = client.post(urlsplit(cashier).path, {"decision": "pay"})
    assert back["Location"].endswith(f"/orders/{order.number}/")
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.state == "paid"
    assert payment.state == "succeeded" and payment.paid_at is not None
    (notification,) = Notification.objects.all()
    assert notification.verdict == "processed"
    assert notification.headers["signature"].startswith("algorithm=RSA256,")
    assert "paymentRequestId" in notification.body  # kept as it came
    # Asking to pay again starts nothing new: the order is paid.
    assert client.post(f"/en/orders/{order.number}/pay/alipay/").status_code == 302
    assert Payment.objects.count() == 1


def test_a_second_start_reuses_the_payment_waiting(client, order):
    first, second = start(client, order), start(client, order)
    assert first == second and Payment.objects.count() == 1
    assert SandboxPayment.objects.count() == 1


def _deliver(client, url, headers, body):
    response = client.post(
        urlsplit(url).path,
        data=body,
        content_type=headers["Content-Type"],
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )
    assert response.json()["result"]["resultStatus"] == "S"  # always acknowledged
    return Notification.objects.order_by("-created_at").first()


def _paid_sandbox_payment(client, order):
    start(client, order)
    payment = SandboxPayment.objects.get()
    payment.state = SandboxPayment.State.PAID
    payment.save()
    return payment


def test_a_duplicate_notification_pays_once(
    client, order, django_capture_on_commit_callbacks
):
    paid = _paid_sandbox_payment(client, order)
    message = sandbox_antom.payment_notice(paid)
    with django_capture_on_commit_callbacks(execute=True):
        first = _deliver(client, *message)
        again = _deliver(client, *sandbox_antom.payment_notice(paid))
    first.refresh_from_db()
    again.refresh_from_db()
    assert (first.verdict, again.verdict) == ("processed", "duplicate")
    moves = OrderTransition.objects.filter(order=order, to_state="paid", sub_order=None)
    assert moves.count() == 1


def test_a_forged_signature_changes_nothing(
    client, order, django_capture_on_commit_callbacks
):
    paid = _paid_sandbox_payment(client, order)
    with django_capture_on_commit_callbacks(execute=True):
        forged = _deliver(client, *sandbox_antom.payment_notice(paid, corrupt=True))
    forged.refresh_from_db()
    order.refresh_from_db()
    assert forged.verdict == "forged" and order.state == "placed"


def test_a_replayed_notification_is_refused(
    client, order, monkeypatch, django_capture_on_commit_callbacks
):
    paid = _paid_sandbox_payment(client, order)
    monkeypatch.setattr(antom, "now_text", lambda: "2026-01-01T00:00:00+00:00")
    old = sandbox_antom.payment_notice(paid)  # validly signed, long ago
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        replayed = _deliver(client, *old)
    replayed.refresh_from_db()
    order.refresh_from_db()
    assert replayed.verdict == "stale" and order.state == "placed"


def test_a_wrong_amount_holds_the_payment_and_never_pays_the_order(
    client, order, django_capture_on_commit_callbacks
):
    paid = _paid_sandbox_payment(client, order)
    paid.amount_minor -= 1  # the sandbox reports one fen less, signed properly
    with django_capture_on_commit_callbacks(execute=True):
        held = _deliver(client, *sandbox_antom.payment_notice(paid))
    held.refresh_from_db()
    order.refresh_from_db()
    assert held.verdict == "held" and order.state == "placed"
    assert Payment.objects.get().state == "held"


def test_an_unknown_payment_is_recorded_and_ignored(
    client, order, django_capture_on_commit_callbacks
):
    paid = _paid_sandbox_payment(client, order)
    paid.request_id = "E0000-NOPE-P1"
    with django_capture_on_commit_callbacks(execute=True):
        unknown = _deliver(client, *sandbox_antom.payment_notice(paid))
    unknown.refresh_from_db()
    assert unknown.verdict == "unknown"


def test_a_declined_payment_leaves_the_order_waiting(
    client, order, over_http, django_capture_on_commit_callbacks
):
    cashier = start(client, order)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(urlsplit(cashier).path, {"decision": "decline"})
    order.refresh_from_db()
    assert order.state == "placed"
    assert Payment.objects.get().state == "failed"


def test_the_adapter_refuses_an_answer_that_does_not_verify(client, order, monkeypatch):
    honest = sandbox.sandbox_transport

    def tampered(method, url, headers, body):
        status, answer_headers, answer = honest(method, url, headers, body)
        return status, answer_headers, answer.replace(b"PAYMENT_IN_PROCESS", b"X")

    monkeypatch.setattr(sandbox, "sandbox_transport", tampered)
    response = client.post(f"/en/orders/{order.number}/pay/alipay/", follow=True)
    assert "Alipay cannot take this payment now" in response.content.decode()
    assert Payment.objects.get().state == "failed"


def test_processing_a_notification_twice_applies_it_once(
    client, order, django_capture_on_commit_callbacks
):
    paid = _paid_sandbox_payment(client, order)
    with django_capture_on_commit_callbacks(execute=True):
        kept = _deliver(client, *sandbox_antom.payment_notice(paid))
    assert notification_process(kept).verdict == "processed"  # a task run twice
    assert (
        OrderTransition.objects.filter(
            order=order, to_state="paid", sub_order=None
        ).count()
        == 1
    )


def test_anything_posted_is_kept_raw_and_a_stranger_gets_nowhere(
    client, order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/payments/notify/alipay/", data="not json", content_type="text/plain"
        )
    assert response.status_code == 200
    (kept,) = Notification.objects.all()
    assert kept.body == "not json" and kept.verdict == "forged"  # no signature
    order.refresh_from_db()
    assert order.state == "placed"


def _pay(client, order, over_http, capture):
    cashier = start(client, order)
    with capture(execute=True):
        client.post(urlsplit(cashier).path, {"decision": "pay"})
    order.refresh_from_db()
    assert order.state == "paid"
    return Payment.objects.get(order=order)


def test_cancelling_a_paid_order_refunds_it_in_full(
    client, order, over_http, django_capture_on_commit_callbacks
):
    from etalage.events.outbox import outbox_deliver
    from etalage.payments.models import Refund

    payment = _pay(client, order, over_http, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/orders/{order.number}/cancel/")
    with django_capture_on_commit_callbacks(execute=True):
        outbox_deliver()
    refund = Refund.objects.get()
    assert (refund.state, refund.amount) == ("succeeded", payment.amount)
    assert refund.provider_refund_id.startswith("SANDBOXR")
    order.refresh_from_db()
    assert order.state == "refunded"
    sandboxed = SandboxPayment.objects.get()
    assert sum(e[1] for e in sandboxed.refunds.values()) == sandboxed.amount_minor
    # The buyer is told, in the order's language, with the amount as money.
    told = [m for m in mail.outbox if "refunded" in m.subject]
    assert [m.to for m in told] == [[order.buyer.email]]
    assert f"{payment.amount:,.2f}" in told[0].body and "&#" not in told[0].body
    # The event delivered again (the outbox delivers at least once): no second refund.
    from etalage.events.types import OrderCancelled
    from etalage.payments.handlers import cancelled_paid_parcels_refunded

    cancelled_paid_parcels_refunded(
        OrderCancelled(
            order_id=order.pk,
            number=order.number,
            sub_order_ids=tuple(order.sub_orders.values_list("pk", flat=True)),
        )
    )
    assert Refund.objects.count() == 1


def test_the_sandbox_refunds_once_per_request_and_never_more_than_was_paid(
    client, order, over_http, django_capture_on_commit_callbacks
):
    from etalage.money import Money
    from etalage.payments.services import PaymentRefused, refund_request

    payment = _pay(client, order, over_http, django_capture_on_commit_callbacks)
    half = Money(payment.amount, payment.currency) / 2
    first = refund_request(payment=payment, amount=half.rounded(), reason="part")
    with translation.override("en"), pytest.raises(PaymentRefused, match="at most"):
        refund_request(
            payment=payment,
            amount=Money(payment.amount, payment.currency),
            reason="all",
        )
    assert first.state == "succeeded"
    # The sandbox holds the same bound itself, as Antom does.
    over = adapters.adapter("alipay").refund(
        request_id="OTHER-R9",
        payment_request_id=payment.request_id,
        provider_payment_id=payment.provider_payment_id,
        amount=Money(payment.amount, payment.currency),
        paid=Money(payment.amount, payment.currency),
        reason="all",
        notify_url="",
    )
    assert over.state == "failed" and "REFUND_AMOUNT_EXCEED" in over.failure
    # The same refundRequestId asked again gets the same answer, not a second refund.
    again = adapters.adapter("alipay").refund(
        request_id=first.request_id,
        payment_request_id=payment.request_id,
        provider_payment_id=payment.provider_payment_id,
        amount=half.rounded(),
        paid=Money(payment.amount, payment.currency),
        reason="part",
        notify_url="",
    )
    assert again.provider_refund_id == first.provider_refund_id
    assert len(SandboxPayment.objects.get().refunds) == 1


def test_a_payment_after_the_order_was_cancelled_is_refunded(
    client, order, django_capture_on_commit_callbacks
):
    from etalage.orders.services import order_cancel
    from etalage.payments.models import Refund

    paid = _paid_sandbox_payment(client, order)
    order_cancel(order=order, reason="hold ran out")
    with django_capture_on_commit_callbacks(execute=True):
        _deliver(client, *sandbox_antom.payment_notice(paid))
    payment = Payment.objects.get()
    assert payment.state == "succeeded" and "refunded" in payment.reason
    assert Refund.objects.get().state == "succeeded"


def test_a_cancellation_handled_after_a_late_payment_s_refund_refunds_nothing_more(
    client, order, django_capture_on_commit_callbacks
):
    """The buyer cancels before the payment's notice comes; the payment then comes
    late and is refunded in full; the cancellation's event, delivered after (the
    outbox retries, or was behind), finds nothing left to give back, and never fails
    (it used to ask for a refund of nothing and be retried for ever)."""
    from etalage.events.types import OrderCancelled
    from etalage.orders.services import order_cancel
    from etalage.payments.handlers import cancelled_paid_parcels_refunded
    from etalage.payments.models import Refund

    paid = _paid_sandbox_payment(client, order)
    order_cancel(order=order, by_buyer=True)
    with django_capture_on_commit_callbacks(execute=True):
        _deliver(client, *sandbox_antom.payment_notice(paid))
    assert Refund.objects.get().amount == order.total
    subs = tuple(s.pk for s in order.sub_orders.all())
    cancelled_paid_parcels_refunded(
        OrderCancelled(order_id=order.pk, number=order.number, sub_order_ids=subs)
    )
    assert Refund.objects.count() == 1


def test_a_late_payment_s_refund_is_kept_with_it_and_asked_if_its_task_is_lost(
    client, order, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from types import SimpleNamespace

    from etalage.orders.services import order_cancel
    from etalage.payments import notifications
    from etalage.payments.models import Refund
    from etalage.payments.notifications import refunds_quiet_asked_again

    paid = _paid_sandbox_payment(client, order)
    order_cancel(order=order, reason="hold ran out")
    # The worker dies after the commit, before the refund's task is queued.
    lost = SimpleNamespace(enqueue=lambda *args: None)
    monkeypatch.setattr(notifications, "refund_ask_task", lost)
    with django_capture_on_commit_callbacks(execute=True):
        _deliver(client, *sandbox_antom.payment_notice(paid))
    monkeypatch.undo()
    refund = Refund.objects.get()
    assert refund.state == "requested" and refund.amount == order.total
    settings.ETALAGE_PAYMENT_ASK_AFTER = 0  # the clock, once the wait is over
    assert refunds_quiet_asked_again() == 1
    refund.refresh_from_db()
    assert refund.state == "succeeded"


def test_the_sandbox_refuses_a_request_its_merchant_did_not_sign(db):
    body = b'{"paymentRequestId":"X-P1"}'
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    headers = antom.signed_headers(
        other, client_id="SANDBOX_ETALAGE", path=antom.PAY_PATH, body=body.decode()
    )
    status, _headers, answer = sandbox.sandbox_transport(
        "POST", "http://127.0.0.1/sandbox/antom" + antom.PAY_PATH, headers, body
    )
    assert status == 401 and b"INVALID_SIGNATURE" in answer
    assert not SandboxPayment.objects.exists()


def test_the_books_check_finds_payments_that_disagree_with_their_orders(
    client, order, over_http, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from etalage.core.books import books_problems
    from etalage.orders.models import Order
    from etalage.payments.checks import payment_problems
    from etalage.payments.models import Refund

    payment = _pay(client, order, over_http, django_capture_on_commit_callbacks)
    assert payment_problems() == [] and books_problems() == []
    Order.objects.filter(pk=order.pk).update(state="placed")
    assert payment_problems() == [
        f"payment {payment.request_id} succeeded, its order waits"
    ]
    Order.objects.filter(pk=order.pk).update(state="paid")
    too_much = payment.amount + Decimal("0.01")
    Refund.objects.create(
        payment=payment,
        request_id="R-1",
        currency="CNY",
        amount=too_much,
        state="succeeded",
    )
    assert payment_problems() == [f"payment {payment.pk} refunded more than it took"]
    Payment.objects.filter(pk=payment.pk).update(state="failed")
    assert f"order {order.number} is past payment with no payment" in payment_problems()


def test_a_notification_is_judged_by_when_it_came_not_when_it_was_processed(
    client, order, monkeypatch
):
    """A worker an hour behind still accepts a notification that came on time (and
    still refuses one that was stale when it came)."""
    from datetime import UTC, datetime, timedelta

    from etalage.payments import provider
    from etalage.payments.notifications import notification_receive

    paid = _paid_sandbox_payment(client, order)
    _url, headers, body = sandbox_antom.payment_notice(paid)
    kept = notification_receive(
        provider="alipay", headers=headers, body=body, remote_addr="127.0.0.1"
    )

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz or UTC) + timedelta(hours=1)

    monkeypatch.setattr(provider, "datetime", Later)
    assert notification_process(kept).verdict == "processed"
    order.refresh_from_db()
    assert order.state == "paid"


@pytest.mark.parametrize(
    ("misbehaviour", "verdicts"),
    [
        ("duplicate", ["processed", "duplicate"]),
        # The corrupt first try is refused; the provider's retry is processed.
        ("corrupt", ["forged", "processed"]),
    ],
)
def test_the_cashier_can_make_the_sandbox_misbehave(
    misbehaviour, verdicts, client, order, over_http, django_capture_on_commit_callbacks
):
    cashier = start(client, order)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            urlsplit(cashier).path, {"decision": "pay", "misbehaviour": misbehaviour}
        )
    assert [n.verdict for n in Notification.objects.order_by("created_at")] == verdicts
    order.refresh_from_db()
    assert order.state == "paid"
    assert (
        OrderTransition.objects.filter(
            order=order, to_state="paid", sub_order=None
        ).count()
        == 1
    )


def test_a_payment_notice_held_back_is_found_by_asking(
    client, order, over_http, settings, django_capture_on_commit_callbacks
):
    """ "Reorder" holds the payment's notification back until a refund's: Étalage
    asks Antom about the quiet payment and the order is paid."""
    from etalage.payments.notifications import payments_quiet_queried

    cashier = start(client, order)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            urlsplit(cashier).path, {"decision": "pay", "misbehaviour": "reorder"}
        )
    assert not Notification.objects.exists()
    order.refresh_from_db()
    assert order.state == "placed"
    settings.ETALAGE_PAYMENT_ASK_AFTER = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert payments_quiet_queried() == 1
    order.refresh_from_db()
    assert order.state == "paid"


def test_the_order_page_follows_a_payment_until_it_reads_the_order_paid(
    client, order, django_capture_on_commit_callbacks
):
    """A page read between the payment's success and its own look at the order (the
    order read still says placed) keeps following: it never stops short of "paid"."""
    from etalage.payments.selectors import payment_followed

    assert not payment_followed(order)  # nothing started: nothing to follow
    paid = _paid_sandbox_payment(client, order)
    assert payment_followed(order)  # out at the cashier
    stale = Order.objects.get(pk=order.pk)
    with django_capture_on_commit_callbacks(execute=True):
        _deliver(client, *sandbox_antom.payment_notice(paid))
    assert Payment.objects.get().state == "succeeded"
    assert payment_followed(stale)  # read before the notification: keeps looking
    assert not payment_followed(Order.objects.get(pk=order.pk))  # paid: done
    page = client.get(f"/en/orders/{order.number}/").content.decode()
    assert 'hx-trigger="every 1s"' not in page and "Paid" in page
