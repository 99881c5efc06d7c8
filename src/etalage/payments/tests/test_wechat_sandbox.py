"""Paying with WeChat Pay through the embedded sandbox (API v3: native QR payments,
notifications signed by the platform key with encrypted resources, refunds that
settle later by notification), and what both providers share: refund notices out
of order, payments that went quiet, customs declarations and the payer check,
settlement reports, the notification endpoint's limits."""

from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import translation

from etalage.events.outbox import outbox_deliver
from etalage.orders.models import OrderTransition
from etalage.payments import sandbox_store, sandbox_wechat, wechat
from etalage.payments.models import (
    CustomsDeclaration,
    Notification,
    Payment,
    Refund,
    SandboxPayment,
    SettlementLine,
)
from etalage.payments.notifications import payment_refresh, payments_quiet_queried
from etalage.payments.settlement import ReportRefused, settlement_import


@pytest.fixture
def order(shopping, client):
    buyer = shopping.buyer()
    p = shopping.products
    shopping.cart(buyer, [(p["a"], 1), (p["c"], 1)])  # two merchants: two parcels
    client.force_login(buyer)
    return shopping.place(buyer).order


@pytest.fixture
def over_http(client, monkeypatch):
    """The sandbox posts its notifications to Étalage's endpoint through the test
    client; returns what was sent and how Étalage answered."""
    sent = []

    def transport(method, url, headers, body):
        response = client.post(
            urlsplit(url).path,
            data=body,
            content_type=headers["Content-Type"],
            headers={k: v for k, v in headers.items() if k != "Content-Type"},
        )
        sent.append((url, dict(headers), body.decode(), response.status_code))
        return response.status_code, {}, response.content

    monkeypatch.setattr(sandbox_store, "NOTIFY_TRANSPORT", [transport])
    return sent


def start(client, order, provider="wechat"):
    response = client.post(f"/en/orders/{order.number}/pay/{provider}/")
    assert response.status_code == 302, response.content
    return Payment.objects.get(order=order, provider=provider)


def scan_and_pay(client, payment, capture, **choices):
    with capture(execute=True):
        client.post(urlsplit(payment.qr_code).path, {"decision": "pay", **choices})


def test_the_buyer_scans_the_qr_code_pays_and_the_order_is_paid(
    client, order, over_http, django_capture_on_commit_callbacks
):
    payment = start(client, order)
    assert payment.redirect_url == "" and "/sandbox/wechat/scan/" in payment.qr_code
    page = client.get(f"/en/orders/{order.number}/").content.decode()
    assert 'src="data:image/svg+xml' in page  # the QR code, drawn on the page
    assert "Scan with WeChat to pay" in page and 'hx-trigger="every 1s"' in page
    scan = client.get(urlsplit(payment.qr_code).path).content.decode()
    assert f"{order.total:.2f} CNY" in scan
    scan_and_pay(client, payment, django_capture_on_commit_callbacks)
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.state == "paid" and payment.state == "succeeded"
    assert payment.provider_payment_id.startswith("4200")
    ((_url, headers, body, status),) = over_http
    assert status == 204  # API v3's acknowledgement
    (kept,) = Notification.objects.all()
    assert kept.verdict == "processed" and kept.event_key.startswith("TRANSACTION:")
    assert set(kept.headers) >= {
        "wechatpay-signature",
        "wechatpay-serial",
        "wechatpay-timestamp",
        "wechatpay-nonce",
    }
    # The resource is sealed: the notification says nothing in clear.
    assert "ciphertext" in body and payment.request_id not in body
    history = OrderTransition.objects.filter(order=order, sub_order=None).last()
    assert history.reason.startswith("WeChat Pay payment 4200")


def _deliver(client, url, headers, body):
    response = client.post(
        urlsplit(url).path,
        data=body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )
    assert response.status_code == 204
    return Notification.objects.order_by("-created_at").first()


def _paid_at_sandbox(client, order):
    start(client, order)
    paid = SandboxPayment.objects.get()
    paid.state, paid.paid_at = SandboxPayment.State.PAID, paid.created_at
    paid.save()
    return paid


def test_forged_stale_and_unsealed_notifications_change_nothing(
    client, order, monkeypatch, django_capture_on_commit_callbacks
):
    paid = _paid_at_sandbox(client, order)
    with django_capture_on_commit_callbacks(execute=True):
        forged = _deliver(client, *sandbox_wechat.payment_notice(paid, corrupt=True))
    url, headers, body = sandbox_wechat.payment_notice(paid)
    with django_capture_on_commit_callbacks(execute=True):
        other_key = _deliver(
            client, url, {**headers, "Wechatpay-Serial": "0" * 40}, body
        )
    # Validly signed, but the resource was sealed with another key.
    sealed_otherwise = body.replace('"ciphertext":"', '"ciphertext":"AAAA')
    serial = sandbox_wechat.platform_serial()
    signed = wechat.signed_answer_headers(
        sandbox_wechat.platform_private_key(serial), serial, sealed_otherwise
    )
    with django_capture_on_commit_callbacks(execute=True):
        unsealed = _deliver(client, url, signed, sealed_otherwise)
    monkeypatch.setattr(wechat.time, "time", lambda: 1_700_000_000)
    old = sandbox_wechat.payment_notice(paid)  # validly signed in 2023
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        replayed = _deliver(client, *old)
    verdicts = [n.verdict for n in (forged, other_key, unsealed, replayed)]
    for n in (forged, other_key, unsealed, replayed):
        n.refresh_from_db()
    assert [n.verdict for n in (forged, other_key, unsealed, replayed)] == [
        "forged",
        "forged",
        "forged",
        "stale",
    ]
    assert verdicts  # (read before processing: all were kept first)
    assert "platform key" in other_key.reason and "decrypt" in unsealed.reason
    order.refresh_from_db()
    assert order.state == "placed"
    assert Payment.objects.get().state == "pending"


def test_a_duplicate_pays_once_and_a_wrong_amount_holds(
    client, order, django_capture_on_commit_callbacks
):
    paid = _paid_at_sandbox(client, order)
    with django_capture_on_commit_callbacks(execute=True):
        first = _deliver(client, *sandbox_wechat.payment_notice(paid))
        again = _deliver(client, *sandbox_wechat.payment_notice(paid))
    first.refresh_from_db()
    again.refresh_from_db()
    assert (first.verdict, again.verdict) == ("processed", "duplicate")
    assert (
        OrderTransition.objects.filter(
            order=order, to_state="paid", sub_order=None
        ).count()
        == 1
    )


def test_a_wrong_amount_is_held_and_never_pays(
    client, order, django_capture_on_commit_callbacks
):
    paid = _paid_at_sandbox(client, order)
    paid.amount_minor += 100
    with django_capture_on_commit_callbacks(execute=True):
        held = _deliver(client, *sandbox_wechat.payment_notice(paid))
    held.refresh_from_db()
    order.refresh_from_db()
    assert held.verdict == "held" and order.state == "placed"
    assert Payment.objects.get().state == "held"


def _paid(client, order, over_http, capture, **choices):
    payment = start(client, order)
    scan_and_pay(client, payment, capture, **choices)
    order.refresh_from_db()
    assert order.state == "paid"
    return Payment.objects.get(pk=payment.pk)


def test_a_refund_settles_when_its_notification_comes(
    client, order, over_http, django_capture_on_commit_callbacks
):
    payment = _paid(client, order, over_http, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/orders/{order.number}/cancel/")
    over_http.clear()
    captured = []

    def hold(method, url, headers, body):  # the refund notice waits in the queue
        captured.append((url, headers, body))
        return 503, {}, b""

    sandbox_store.NOTIFY_TRANSPORT[:] = [hold]
    with django_capture_on_commit_callbacks(execute=True):
        outbox_deliver()
    refund = Refund.objects.get()
    assert refund.state == "requested" and refund.amount == payment.amount
    assert refund.provider_refund_id.startswith("SANDBOXR")
    order.refresh_from_db()
    assert order.state == "cancelled"  # refunded only once WeChat Pay says so
    with django_capture_on_commit_callbacks(execute=True):
        told = _deliver(client, *captured[0])
    told.refresh_from_db()
    refund.refresh_from_db()
    order.refresh_from_db()
    assert told.verdict == "processed" and told.event_key.startswith("REFUND:")
    assert refund.state == "succeeded" and order.state == "refunded"
    assert any("WeChat Pay returns it" in m.body for m in mail.outbox)


def test_a_refund_notice_before_the_payment_notice_waits_for_it(
    client, order, django_capture_on_commit_callbacks
):
    paid = _paid_at_sandbox(client, order)
    payment = Payment.objects.get()
    request_id = f"{payment.request_id}-R1"
    sandbox_store.refund_record(
        provider="wechat",
        payment_id=paid.payment_id,
        request_id=request_id,
        value=paid.amount_minor,
        notify_url=paid.notify_url,
    )
    refund = Refund.objects.create(
        payment=payment, request_id=request_id, amount=payment.amount, currency="CNY"
    )
    paid.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        early = _deliver(client, *sandbox_wechat.refund_notice(paid, request_id))
    early.refresh_from_db()
    refund.refresh_from_db()
    assert early.verdict == "deferred" and refund.state == "requested"
    with django_capture_on_commit_callbacks(execute=True):
        _deliver(client, *sandbox_wechat.payment_notice(paid))
    early.refresh_from_db()
    refund.refresh_from_db()
    assert early.verdict == "processed" and refund.state == "succeeded"


def test_a_lost_notice_is_asked_about_and_the_late_notice_is_a_duplicate(
    client, order, over_http, monkeypatch, django_capture_on_commit_callbacks
):
    payment = start(client, order)
    lost = []
    sandbox_store.NOTIFY_TRANSPORT[:] = [lambda *a: lost.append(a) or (204, {}, b"")]
    scan_and_pay(client, payment, django_capture_on_commit_callbacks)
    assert lost and not Notification.objects.exists()
    assert payment_refresh(payment).state == "succeeded"  # WeChat Pay, asked, says so
    order.refresh_from_db()
    assert order.state == "paid"
    assert payments_quiet_queried() == 0  # nothing left waiting
    method, url, headers, body = lost[0]
    with django_capture_on_commit_callbacks(execute=True):
        late = _deliver(client, url, headers, body.decode())
    late.refresh_from_db()
    assert late.verdict == "duplicate"
    assert (
        OrderTransition.objects.filter(
            order=order, to_state="paid", sub_order=None
        ).count()
        == 1
    )


@pytest.mark.parametrize("provider", ["alipay", "wechat"])
def test_each_parcel_is_declared_to_customs_with_the_payers_check(
    provider, client, order, over_http, django_capture_on_commit_callbacks
):
    payment = start(client, order, provider)
    path = urlsplit(payment.redirect_url or payment.qr_code).path
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path, {"decision": "pay"})
    with django_capture_on_commit_callbacks(execute=True):
        outbox_deliver()
    declarations = CustomsDeclaration.objects.order_by("request_id")
    assert [d.sub_order.number for d in declarations] == sorted(
        s.number for s in order.sub_orders.all()
    )
    for d in declarations:
        assert (d.state, d.identity) == ("succeeded", "same")
        assert d.pay_transaction_id and d.verifying_department
        # Each provider's own customs code (WeChat Pay's list has no ZHENGZHOU).
        customs = {"wechat": "ZHENGZHOU_BS"}.get(provider, "ZHENGZHOU")
        assert d.amount == d.sub_order.total and d.customs == customs
    order.refresh_from_db()
    assert order.state == "paid"


def test_a_declaration_lost_or_failed_is_made_by_the_clock(
    client, order, over_http, monkeypatch, django_capture_on_commit_callbacks
):
    from datetime import timedelta
    from types import SimpleNamespace

    from django.core.cache import cache
    from django.utils import timezone

    from etalage.payments import declarations, handlers
    from etalage.payments.provider import ProviderError

    payment = start(client, order, "alipay")
    path = urlsplit(payment.redirect_url).path
    # The worker dies after the commit, before the declaring task is queued.
    lost = SimpleNamespace(enqueue=lambda *args: None)
    monkeypatch.setattr(handlers, "order_payment_declare_task", lost)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path, {"decision": "pay"})
    with django_capture_on_commit_callbacks(execute=True):
        outbox_deliver()
    order.refresh_from_db()
    assert order.state == "paid"
    # Recorded with the delivery of the payment, to be made.
    assert set(CustomsDeclaration.objects.values_list("state", flat=True)) == {
        "pending"
    }
    chore = declarations.payments_declared_late
    assert chore() == 0  # paid a moment ago: its task may still come
    later = timezone.now() + timedelta(seconds=61)

    def down(self, declaration):
        raise ProviderError("the provider did not answer")

    speaker = type(declarations.adapter("alipay"))
    monkeypatch.setattr(speaker, "customs_declare", down)
    assert chore(now=later) == 0
    assert set(CustomsDeclaration.objects.values_list("state", flat=True)) == {"failed"}
    monkeypatch.undo()
    assert chore(now=later) == 0  # tried a moment ago: not before five minutes
    cache.delete(f"etalage:try:payment-declare:{order.pk}")  # five minutes later
    assert chore(now=later) == 1
    for d in CustomsDeclaration.objects.all():
        assert (d.state, d.identity) == ("succeeded", "same") and d.pay_transaction_id
    cache.delete(f"etalage:try:payment-declare:{order.pk}")
    assert chore(now=later) == 0  # each parcel declared once


def test_a_parcel_cancelled_before_its_declaration_is_made_has_none_to_make(
    client, order, over_http, monkeypatch, django_capture_on_commit_callbacks
):
    from types import SimpleNamespace

    from etalage.orders.services import order_cancel
    from etalage.payments import declarations, handlers

    payment = start(client, order, "alipay")
    lost = SimpleNamespace(enqueue=lambda *args: None)  # the worker is behind
    monkeypatch.setattr(handlers, "order_payment_declare_task", lost)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(urlsplit(payment.redirect_url).path, {"decision": "pay"})
    with django_capture_on_commit_callbacks(execute=True):
        outbox_deliver()
    assert CustomsDeclaration.objects.filter(state="pending").count() == 2
    order_cancel(order=order, reason="the buyer changed their mind")
    declarations.order_payment_declare_task.call(str(order.pk))  # the worker
    assert not CustomsDeclaration.objects.exists()


def test_a_payer_who_is_someone_else_cancels_and_refunds_the_order(
    client, order, over_http, django_capture_on_commit_callbacks
):
    payment = start(client, order)
    # (the events may be delivered at once, or by the rounds below)
    scan_and_pay(client, payment, django_capture_on_commit_callbacks, payer="other")
    for _round in range(3):  # paid → declared → cancelled → refunded
        with django_capture_on_commit_callbacks(execute=True):
            outbox_deliver()
    assert set(CustomsDeclaration.objects.values_list("identity", flat=True)) == {
        "different"
    }
    order.refresh_from_db()
    assert order.state == "refunded"
    assert Refund.objects.get().state == "succeeded"
    page = client.get(f"/en/orders/{order.number}/").content.decode()
    assert "The account that paid is not" in page and "from their own account" in page


def test_the_settlement_report_matches_every_payment_and_refund(
    client, order, over_http, django_capture_on_commit_callbacks
):
    from datetime import date

    from etalage.money import Money
    from etalage.payments.services import refund_request

    payment = _paid(client, order, over_http, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        refund = refund_request(
            payment=payment, amount=Money("10.00", "CNY"), reason="goodwill"
        )
    refund.refresh_from_db()
    assert refund.state == "succeeded"
    day = date.today().isoformat()
    from django.contrib.auth import get_user_model

    client.force_login(
        get_user_model().objects.create_superuser("op", "op@example.com", "pw")
    )
    report = client.get(f"/sandbox/wechat/settlement/{day}.csv").content.decode()
    assert report.startswith("Transaction time,") and "`" in report
    imported = settlement_import(
        provider="wechat", name=f"wechat-{day}.csv", text=report
    )
    assert (imported.lines_count, imported.differences_count) == (2, 0)
    payment.refresh_from_db()
    line = SettlementLine.objects.get(kind="payment")
    assert line.payment == payment and line.settlement_currency == "EUR"
    assert payment.settlement_amount == line.settlement_amount > 0
    assert SettlementLine.objects.get(kind="refund").refund == refund
    with translation.override("en"), pytest.raises(ReportRefused, match="already"):
        settlement_import(provider="wechat", name="again.csv", text=report)
    # A report that disagrees is imported with its differences listed.
    wrong = report.replace(f"`{payment.amount}", f"`{payment.amount + 1}", 1)
    differing = settlement_import(provider="wechat", name="wrong.csv", text=wrong)
    assert differing.differences_count == 2  # settled twice, and another amount
    texts = [line.difference for line in differing.lines.all() if line.difference]
    assert any("settled twice" in t for t in texts)


def test_a_report_in_another_format_is_refused(db):
    with pytest.raises(ReportRefused, match="lacks the columns"):
        settlement_import(provider="alipay", name="x.csv", text="a,b\n1,2\n")


def test_the_notify_endpoint_caps_bodies_and_senders(client, markets, settings):
    settings.ETALAGE_NOTIFY_MAX_BYTES = 100
    settings.ETALAGE_NOTIFY_PER_MINUTE = 3
    big = client.post(
        "/payments/notify/wechat/", data="x" * 101, content_type="application/json"
    )
    assert big.status_code == 413
    answers = [
        client.post(
            "/payments/notify/wechat/", data="{}", content_type="application/json"
        ).status_code
        for _ in range(3)
    ]
    assert answers == [204, 204, 429]  # three a minute, the refused one counted
    assert Notification.objects.count() == 2
    assert (
        client.post(
            "/payments/notify/nobody/", data="{}", content_type="application/json"
        ).status_code
        == 404
    )


def test_a_refund_whose_answer_was_lost_is_asked_for_again_and_made_once(
    client, order, over_http, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from etalage.payments import sandbox
    from etalage.payments.notifications import refunds_quiet_asked_again

    _paid(client, order, over_http, django_capture_on_commit_callbacks)
    sandbox_store.NOTIFY_TRANSPORT[:] = [lambda *a: (503, {}, b"")]  # notices lost
    honest = sandbox.sandbox_transport

    def cut(method, url, headers, body):  # the refund is made, its answer lost
        answer = honest(method, url, headers, body)
        if "refunds" in url:
            raise OSError("connection reset")
        return answer

    monkeypatch.setattr(sandbox, "sandbox_transport", cut)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/orders/{order.number}/cancel/")
    with django_capture_on_commit_callbacks(execute=True):
        outbox_deliver()
    refund = Refund.objects.get()
    assert refund.state == "requested" and "connection reset" in refund.failure
    monkeypatch.setattr(sandbox, "sandbox_transport", honest)
    settings.ETALAGE_PAYMENT_ASK_AFTER = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert refunds_quiet_asked_again() == 1
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.state == "succeeded" and order.state == "refunded"
    assert len(SandboxPayment.objects.get().refunds) == 1  # made once


def test_the_sandbox_settlement_report_needs_the_operators_login(client, markets):
    from datetime import date

    from django.contrib.auth import get_user_model

    url = f"/sandbox/wechat/settlement/{date.today().isoformat()}.csv"
    assert client.get(url).status_code == 302  # to the operator's sign-in
    buyer = get_user_model().objects.create_user("buyer", "b@example.com", "pw")
    client.force_login(buyer)
    assert client.get(url).status_code == 302
    operator = get_user_model().objects.create_superuser("op", "op@example.com", "pw")
    client.force_login(operator)
    answer = client.get(url)
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
