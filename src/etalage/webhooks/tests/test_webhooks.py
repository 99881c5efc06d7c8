"""Webhooks to merchants: signed per Standard Webhooks, retried on the schedule,
given up, disabled by a 410 or after days of failure, sent again on request."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks import Webhook

from etalage.events.outbox import outbox_deliver
from etalage.webhooks import delivery as webhooks
from etalage.webhooks.delivery import (
    EndpointRefused,
    delivery_send_again,
    endpoint_create,
    webhooks_sent,
)
from etalage.webhooks.models import Delivery, Endpoint
from etalage.webhooks.schedule import RETRIES, retry_after


class Receiver:
    """A merchant's server: answers what it is told to, keeps what it got."""

    def __init__(self):
        self.answers = []  # status codes, or an exception to raise
        self.got = []

    def __call__(self, method, url, headers, body, timeout):
        self.got.append((url, headers, body))
        answer = self.answers.pop(0) if self.answers else 200
        if isinstance(answer, Exception):
            raise answer
        return answer, {}, b'{"ok": true}'


def _sent_again(delivery):
    """The merchant's "send again" queues it; a worker sends it."""
    delivery_send_again(delivery=delivery)
    webhooks_sent(ids=[str(delivery.pk)])
    return delivery.attempt_log.first()


@pytest.fixture
def receiver(monkeypatch):
    receiver = Receiver()
    monkeypatch.setattr(webhooks, "TRANSPORT", [receiver])
    return receiver


@pytest.fixture
def paid_with_endpoint(shopping, receiver, django_capture_on_commit_callbacks):
    from etalage.orders.services import order_pay

    merchant = shopping.products["a"].merchant
    endpoint, secret = endpoint_create(
        merchant=merchant,
        url="https://shop.example/hooks",
        events=["order.paid", "parcel.delivered"],
    )
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1), (shopping.products["c"], 1)])
    order = shopping.place(buyer).order
    with django_capture_on_commit_callbacks(execute=True):
        order_pay(order=order)
    with django_capture_on_commit_callbacks(execute=True):
        outbox_deliver()
    return endpoint, secret, order


def test_a_paid_parcel_is_told_to_its_merchant_signed(paid_with_endpoint, receiver):
    endpoint, secret, order = paid_with_endpoint
    ((url, headers, body),) = receiver.got  # the other merchant has no endpoint
    assert url == "https://shop.example/hooks"
    payload = Webhook(secret).verify(body, headers)  # raises if the signature is wrong
    assert payload["type"] == "order.paid" and payload["data"]["order"] == order.number
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("succeeded", 1)
    assert headers["webhook-id"] == delivery.message_id
    assert "whsec_" not in endpoint.secret_encrypted  # stored encrypted


def test_failures_are_retried_on_the_schedule_then_given_up(
    paid_with_endpoint, receiver
):
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        state="pending", attempts=0, next_attempt_at=timezone.now()
    )
    receiver.answers = [500, TimeoutError("timed out")] + [503] * (len(RETRIES) - 1)
    waits = []
    for _n in range(len(RETRIES) + 1):
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        before = timezone.now()
        assert webhooks_sent() == 1
        delivery.refresh_from_db()
        if delivery.next_attempt_at:
            waits.append(delivery.next_attempt_at - before)
    assert delivery.state == "gave_up" and delivery.attempts == len(RETRIES) + 1
    for wait, base in zip(waits, RETRIES, strict=True):
        assert base <= wait <= base * 1.1 + timedelta(seconds=1)  # the jitter
    errors = list(delivery.attempt_log.values_list("status", "error"))
    assert (None, "TimeoutError: timed out") in errors or (
        None,
        "timeout: timed out",
    ) in errors
    # Sent again on request, it goes through.
    attempt = _sent_again(delivery)
    delivery.refresh_from_db()
    assert (attempt.status, delivery.state) == (200, "succeeded")


def test_a_410_disables_the_endpoint_at_once(paid_with_endpoint, receiver):
    endpoint, _secret, _order = paid_with_endpoint
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(state="pending")
    receiver.answers = [410]
    _sent_again(delivery)
    endpoint.refresh_from_db()
    assert not endpoint.enabled and "410" in endpoint.disabled_reason
    delivery.refresh_from_db()
    assert delivery.state == "gave_up"


def test_days_of_failure_disable_the_endpoint(paid_with_endpoint, receiver):
    endpoint, _secret, _order = paid_with_endpoint
    Endpoint.objects.filter(pk=endpoint.pk).update(
        failing_since=timezone.now() - timedelta(days=5, minutes=1)
    )
    receiver.answers = [500]
    _sent_again(Delivery.objects.get())
    endpoint.refresh_from_db()
    assert not endpoint.enabled and "5 days" in endpoint.disabled_reason


def test_a_bad_endpoint_is_refused_by_field(shopping, settings):
    settings.ETALAGE_PAYMENT_SANDBOX = False
    merchant = shopping.products["a"].merchant
    with pytest.raises(EndpointRefused) as refused:
        endpoint_create(
            merchant=merchant, url="http://plain.example/", events=["order.paid"]
        )
    assert refused.value.field == "url"
    with pytest.raises(EndpointRefused) as refused:
        endpoint_create(merchant=merchant, url="https://x.example/", events=["nope"])
    assert refused.value.field == "events"


def test_the_retry_schedule_is_the_specifications():
    assert [int(d.total_seconds()) for d in RETRIES] == [
        5,
        300,
        1800,
        7200,
        18000,
        36000,
        50400,
        72000,
        86400,
    ]
    assert retry_after(0) is None and retry_after(len(RETRIES) + 1) is None
    rng = random.Random(1)
    assert timedelta(seconds=5) <= retry_after(1, rng) <= timedelta(seconds=5.5)


def test_the_merchant_adds_an_endpoint_sees_its_secret_once_and_sends_again(
    client, paid_with_endpoint, receiver, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    from etalage.merchants.models import MerchantMember

    endpoint, _secret, _order = paid_with_endpoint
    user = get_user_model().objects.create_user("owner")
    MerchantMember.objects.create(merchant=endpoint.merchant, user=user, role="owner")
    client.force_login(user)
    bad = client.post(
        "/en/portal/webhooks/", {"url": "not a url", "events": ["order.paid"]}
    )
    assert "Enter a valid URL." in bad.content.decode()
    client.post(
        "/en/portal/webhooks/",
        {"url": "https://erp.example/in", "events": ["parcel.delivered"]},
    )
    created = Endpoint.objects.get(url="https://erp.example/in")
    page = client.get("/en/portal/webhooks/").content.decode()
    assert "shown this once" in page and "whsec_" in page
    assert "whsec_" not in client.get("/en/portal/webhooks/").content.decode()
    assert "order.paid" in page and "msg_" in page
    delivery = Delivery.objects.get()
    receiver.answers = [502]
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            f"/en/portal/webhooks/deliveries/{delivery.pk}/send-again/", follow=True
        )
    assert "Queued to be sent again" in done.content.decode()
    assert delivery.attempt_log.first().status == 502  # sent by the worker
    assert created.events == ["parcel.delivered"]


def test_deliveries_are_sent_with_no_transaction_open_and_send_again_queues(
    paid_with_endpoint,
    receiver,
    no_call_in_transaction,
    client,
    django_capture_on_commit_callbacks,
):
    from django.contrib.auth import get_user_model
    from django.core import mail

    from etalage.merchants.models import MerchantMember

    endpoint, _secret, _order = paid_with_endpoint
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        state="pending", next_attempt_at=timezone.now()
    )
    receiver.answers = [500]
    no_call_in_transaction.clear()
    assert webhooks_sent() == 1
    assert no_call_in_transaction == ["https://shop.example/hooks"]
    delivery.refresh_from_db()
    assert delivery.next_attempt_at > timezone.now()  # not picked again this pass
    # "Send again" in the portal queues: the merchant's request calls no one.
    owner = get_user_model().objects.create_user("owner", email="owner@shop.example")
    MerchantMember.objects.create(merchant=endpoint.merchant, user=owner, role="owner")
    client.force_login(owner)
    sent = len(receiver.got)
    receiver.answers = [410]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(f"/en/portal/webhooks/deliveries/{delivery.pk}/send-again/")
    assert len(receiver.got) == sent and queued  # sent once it commits
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
    assert len(receiver.got) == sent + 1
    endpoint.refresh_from_db()
    assert not endpoint.enabled  # 410: disabled, and every owner told
    told = [m for m in mail.outbox if endpoint.url in m.body]  # merchant's language
    assert "owner@shop.example" in {r for m in told for r in m.to}


def test_an_endpoint_s_secret_outlives_a_rotation_of_the_secret_key(shopping, settings):
    from etalage.webhooks.delivery import endpoint_secret

    merchant = shopping.products["a"].merchant
    settings.SECRET_KEY = "the key of last year " * 3
    endpoint, secret = endpoint_create(
        merchant=merchant, url="https://shop.example/hooks", events=["order.paid"]
    )
    settings.SECRET_KEY = "the key of this year " * 3
    settings.SECRET_KEY_FALLBACKS = ["the key of last year " * 3]
    assert endpoint_secret(endpoint) == secret
