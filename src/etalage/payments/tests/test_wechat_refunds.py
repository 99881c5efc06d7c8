"""Refunds WeChat Pay cannot make: ``ABNORMAL`` is not final and is held for the
operator (never taken as failed), and a refund once failed never becomes refunded
on the provider's word alone (what is left of the payment re-checked, the refund
held for the operator, who decides)."""

from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.core import checks, mail
from django.test import Client

from etalage.money import Money
from etalage.payments import sandbox_store, sandbox_wechat
from etalage.payments.checks import payment_problems
from etalage.payments.models import Payment, Refund, SandboxPayment
from etalage.payments.notifications import refunds_quiet_asked_again
from etalage.payments.services import (
    PaymentRefused,
    refund_held_decide,
    refund_request,
)


@pytest.fixture
def order(shopping, client):
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 2)])
    client.force_login(buyer)
    return shopping.place(buyer).order


@pytest.fixture
def quiet_notices(monkeypatch):
    """The sandbox's own refund notices go nowhere: each test sends its own."""
    monkeypatch.setattr(sandbox_store, "NOTIFY_TRANSPORT", [lambda *a: (503, {}, b"")])


def _deliver(client, url, headers, body):
    response = client.post(
        urlsplit(url).path,
        data=body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )
    assert response.status_code == 204


def _paid(client, order, capture, over_http_notify):
    client.post(f"/en/orders/{order.number}/pay/wechat/")
    paid = SandboxPayment.objects.get()
    paid.state, paid.paid_at = SandboxPayment.State.PAID, paid.created_at
    paid.save()
    with capture(execute=True):
        _deliver(client, *sandbox_wechat.payment_notice(paid))
    payment = Payment.objects.get()
    assert payment.state == "succeeded"
    return payment


def _refund(payment, amount, capture):
    with capture(execute=True):
        refund = refund_request(
            payment=payment, amount=Money(amount, "CNY"), reason="goodwill"
        )
    assert refund.state == "requested"
    return refund


def _reported(client, refund, status, capture):
    paid = SandboxPayment.objects.get()
    with capture(execute=True):
        _deliver(
            client,
            *sandbox_wechat.refund_notice(paid, refund.request_id, status=status),
        )
    refund.refresh_from_db()
    return refund


def test_an_abnormal_refund_is_held_for_the_operator_and_not_failed(
    client, order, quiet_notices, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    payment = _paid(client, order, capture, quiet_notices)
    refund = _refund(payment, "10.00", capture)
    refund = _reported(client, refund, "ABNORMAL", capture)
    assert refund.state == "held" and "ABNORMAL" in refund.failure
    assert any(refund.request_id in p for p in payment_problems())
    # Held money still counts as given back: no second refund of the whole.
    with pytest.raises(PaymentRefused):
        refund_request(
            payment=payment, amount=Money(payment.amount, "CNY"), reason="again"
        )
    # Not asked again by the clock, not failed by a later word either.
    Refund.objects.filter(pk=refund.pk).update(
        updated_at=refund.created_at.replace(year=refund.created_at.year - 1)
    )
    assert refunds_quiet_asked_again() == 0
    refund = _reported(client, refund, "CLOSED", capture)
    assert refund.state == "held"
    # WeChat Pay sends it elsewhere and reports it made: still the operator's call.
    refund = _reported(client, refund, "SUCCESS", capture)
    assert refund.state == "held" and "reported refunded" in refund.failure
    sent = len(mail.outbox)
    with capture(execute=True):
        refund = refund_held_decide(refund=refund, refunded=True, note="checked")
    assert refund.state == "succeeded" and len(mail.outbox) == sent + 1
    assert not payment_problems()


def test_a_failed_refund_reported_refunded_is_held_with_what_is_left_rechecked(
    client, order, quiet_notices, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    payment = _paid(client, order, capture, quiet_notices)
    first = _reported(client, _refund(payment, "10.00", capture), "CLOSED", capture)
    assert first.state == "failed"
    # The operator gives the whole payment back instead (the provider's books
    # had dropped the first); then WeChat Pay reports the first refund made after
    # all: the buyer may have had it twice.
    paid = SandboxPayment.objects.get()
    made_after_all = sandbox_wechat.refund_notice(paid, first.request_id)
    paid.refunds.pop(first.request_id)
    paid.save()
    whole = _refund(payment, payment.amount, capture)
    whole = _reported(client, whole, "SUCCESS", capture)
    assert whole.state == "succeeded"
    with capture(execute=True):
        _deliver(client, *made_after_all)
    first.refresh_from_db()
    assert first.state == "held"  # never silently refunded
    assert "after it was failed" in first.failure
    assert "more than the 0.00 CNY left" in first.failure
    assert any(first.request_id in p for p in payment_problems())
    refunded = Refund.objects.filter(state="succeeded")
    assert sum(r.amount for r in refunded) == payment.amount  # the books hold
    # The operator, having checked with WeChat Pay, says it was not paid twice:
    # the back-office's action fails it (the refunded one selected too is left).
    operator = Client()
    operator.force_login(get_user_model().objects.create_superuser("op", "o@x.be", "p"))
    operator.post(
        "/backoffice/payments/refund/",
        {
            "action": "held_failed",
            ACTION_CHECKBOX_NAME: [str(first.pk), str(whole.pk)],
        },
    )
    first.refresh_from_db()
    whole.refresh_from_db()
    assert first.state == "failed" and "decided by op" in first.failure
    assert whole.state == "succeeded" and not payment_problems()


def test_a_failed_refund_that_fits_what_is_left_is_still_the_operators_call(
    client, order, quiet_notices, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    payment = _paid(client, order, capture, quiet_notices)
    first = _reported(client, _refund(payment, "10.00", capture), "CLOSED", capture)
    first = _reported(client, first, "SUCCESS", capture)
    assert first.state == "held"
    left = Money(payment.amount, "CNY")
    assert f"it fits in the {left} left" in first.failure
    assert first.amount == Decimal("10.00")


def test_a_customs_code_off_wechat_pays_list_is_refused_when_etalage_starts(
    settings,
):
    settings.ETALAGE_WECHAT_CUSTOMS = "ZHENGZHOU"  # Antom's name, not WeChat Pay's
    errors = [m for m in checks.run_checks() if m.id == "payments.E001"]
    assert errors and "ZHENGZHOU_BS" in errors[0].msg
    settings.ETALAGE_WECHAT_CUSTOMS = "ZHENGZHOU_ZH_ZS"
    assert not [m for m in checks.run_checks() if m.id == "payments.E001"]
