"""A new visitor goes from nothing to a placed order through the API alone."""

import re
import uuid
from urllib.parse import urlsplit

import pytest
from django.test import Client

from etalage.accounts import sms
from etalage.orders.models import Order


@pytest.fixture(autouse=True)
def _texts_leave_at_commit(monkeypatch):
    from django.db import transaction

    sms.outbox.clear()
    monkeypatch.setattr(transaction, "on_commit", lambda callback, *a, **k: callback())


class Recorded(Client):
    """A client of the API that keeps each call it makes (method, path)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls = []

    def generic(self, method, path, *args, **kwargs):
        self.calls.append((method.lower(), urlsplit(path).path))
        return super().generic(method, path, *args, **kwargs)


def test_a_visitor_goes_to_a_delivered_parcel_s_timeline_and_a_return(
    shopping, settings, monkeypatch, mailoutbox
):
    """From nothing to an order, paid, delivered, its timeline read and a return
    asked for with photos: every step a call of the API (the merchant, the hub,
    customs and the carrier play their parts through the demo's clock and the
    sandboxes), and every call one the OpenAPI document describes."""
    api = Recorded(enforce_csrf_checks=True)
    token = api.get("/api/v1/auth/csrf").json()["csrf_token"]

    def post(url, body, **headers):
        return api.post(
            url,
            body,
            content_type="application/json",
            headers={"X-CSRFToken": token, **headers},
        )

    product = shopping.products["a"]
    maker = api.get(f"/api/v1/merchants/{product.merchant.slug}?lang=en").json()
    assert product.slug in [p["slug"] for p in maker["products"]["items"]]
    signed_up = post(
        "/api/v1/auth/signup",
        {"login": "13912345678", "password": "a quiet harbour 42", "lang": "en"},
    )
    assert signed_up.status_code == 202
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    assert (
        post("/api/v1/auth/confirm", {"login": "13912345678", "code": code}).status_code
        == 200
    )
    token = api.cookies["csrftoken"].value  # rotated at sign-in
    chosen = api.put(
        "/api/v1/me/preferences",
        {"order_emails": True, "order_texts": True, "language": "en"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert chosen.json()["language"] == "en"
    identity = post(
        "/api/v1/me/identities",
        {
            "real_name": "张伟",
            "id_number": "310115198505120032",
            "mobile": "13912345678",
            "consent": True,
        },
    )
    assert identity.status_code == 201, identity.content
    assert identity.json()["id_number_masked"] == "3101**********0032"
    assert "310115198505120032" not in identity.content.decode()
    address = post(
        "/api/v1/me/addresses",
        {
            "recipient": "张伟",
            "phone": "13912345678",
            "province": "上海市",
            "city": "上海市",
            "district": "浦东新区",
            "street": "世纪大道 100 号",
        },
    )
    assert address.status_code == 201, address.content
    added = post(
        "/api/v1/cart/lines",
        {"product": product.slug, "sku": product.variants.get().sku, "quantity": 2},
    )
    assert added.status_code == 201, added.content
    cart = added.json()
    assert cart["lines"][0]["quantity"] == 2 and cart["quote"]["can_place"]
    total = cart["quote"]["total"]["amount"]
    placed = post(
        "/api/v1/orders",
        {
            "identity": identity.json()["id"],
            "address": address.json()["id"],
            "lang": "en",
            "expected_total": total,
        },
        **{"Idempotency-Key": uuid.uuid4().hex},
    )
    assert placed.status_code == 201, placed.content
    number = placed.json()["number"]
    assert str(Order.objects.get().total) == total
    assert api.get("/api/v1/cart").json()["lines"] == []
    # An email address for the order emails, confirmed by its link's token.
    assert post("/api/v1/me/email", {"email": "zhang@example.cn"}).status_code == 202
    link = re.search(r"/account/email/confirm/([^/\s]+)/", mailoutbox[-1].body)
    confirmed = post("/api/v1/auth/email/confirm", {"token": link.group(1)})
    assert confirmed.json() == {"email": "zhang@example.cn"}
    assert api.get("/api/v1/me").json()["email"] == "zhang@example.cn"

    _pay(api, post, number, monkeypatch)
    _deliver(settings, monkeypatch)

    order = api.get(f"/api/v1/orders/{number}").json()
    assert (order["state"], order["state_label"]) == ("delivered", "Delivered")
    assert [h["state"] for h in order["history"]][:2] == ["placed", "paid"]
    assert order["history"][-1]["state_label"] == "Delivered"
    (parcel,) = order["sub_orders"]
    timeline = parcel["parcel"]["tracking"]
    assert timeline[0]["step"] == "delivered" and timeline[0]["label"] == "Delivered"
    assert [s["step"] for s in reversed(timeline)][:5] == [
        "info_received",
        "received_at_hub",
        "departed_liege",
        "arrived_in_china",
        "customs_released",
    ]
    assert parcel["parcel"]["waybill"] and parcel["returns"]["returnable"]
    in_chinese = api.get(
        f"/api/v1/orders/{number}", headers={"Accept-Language": "zh-CN"}
    ).json()
    assert in_chinese["sub_orders"][0]["parcel"]["tracking"][0]["label"] == "已送达"
    (paid,) = api.get(order["links"]["payments"]).json()["items"]
    assert paid["state"] == "succeeded"

    sku = parcel["lines"][0]["sku"]
    asked = api.post(
        parcel["returns"]["ask_url"],
        {
            "reason": "damaged",
            "details": "The box arrived crushed.",
            "items": [f"{sku}:1"],
            "photos": [_photo("one"), _photo("two")],
        },
        headers={"X-CSRFToken": token},
    )
    assert asked.status_code == 201, asked.content
    made = asked.json()
    assert (made["state"], made["state_label"]) == (
        "requested",
        "asked, awaiting the seller",
    )
    assert made["lines"] == [
        {
            "sku": sku,
            "name_zh": parcel["lines"][0]["name_zh"],
            "quantity": 1,
            "outcome": "",
        }
    ]
    assert len(made["photos"]) == 2 and made["label_url"] is None
    photo = api.get(made["photos"][0])
    assert photo["Content-Type"] == "image/webp" and photo.content[:4] == b"RIFF"
    (listed,) = api.get("/api/v1/returns").json()["items"]
    assert listed["number"] == made["number"]
    again = api.get(f"/api/v1/orders/{number}").json()["sub_orders"][0]["returns"]
    assert again["returns"][0]["number"] == made["number"]
    assert not again["returnable"]  # one return at a time
    # The seller approves: the label is there to print. The return warehouse
    # receives the box: the buyer is refunded.
    _seller_decides(made["number"])
    approved = api.get(f"/api/v1/returns/{made['number']}").json()
    label = api.get(approved["label_url"])
    assert label["Content-Type"] == "application/pdf" and label.content[:4] == b"%PDF"
    _warehouse_receives(made["number"])
    received = api.get(f"/api/v1/returns/{made['number']}").json()
    assert received["state"] == "received" and received["goods_refunded"]
    (refund,) = api.get(order["links"]["refunds"]).json()["items"]
    assert refund["return_number"] == made["number"]
    assert refund["parcels"] == [parcel["number"]] and refund["provider"] == "alipay"

    _every_call_is_documented(api)


def _seller_decides(number):
    """The seller approves the return (the portal's service)."""
    from django.contrib.auth import get_user_model

    from etalage.returns.models import ReturnRequest
    from etalage.returns.services import return_decide

    seller = get_user_model().objects.create_user("seller")
    return_decide(
        request=ReturnRequest.objects.get(number=number), approve=True, by=seller
    )


def _warehouse_receives(number):
    """The return warehouse receives the box and puts it back on the shelf (the
    hub's service)."""
    from django.contrib.auth import get_user_model

    from etalage.returns.models import ReturnRequest
    from etalage.returns.services import return_receive

    made = ReturnRequest.objects.get(number=number)
    shelved = {item.pk: ("restocked", "") for item in made.lines.all()}
    hub = get_user_model().objects.create_user("hub")
    return_receive(request=made, outcomes=shelved, by=hub)


def _photo(name):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 120, 40)).save(buffer, "PNG")
    return SimpleUploadedFile(f"{name}.png", buffer.getvalue(), "image/png")


def _pay(api, post, number, monkeypatch):
    """Pay with Alipay: the API starts it, the buyer pays at the sandbox's
    cashier, whose signed notification comes back to Étalage."""
    from etalage.payments import sandbox_store

    started = post(
        f"/api/v1/orders/{number}/payments",
        {"provider": "alipay"},
        **{"Idempotency-Key": uuid.uuid4().hex},
    )
    assert started.status_code == 201, started.content
    cashier = Client()

    def transport(method, url, headers, sent):
        answer = cashier.post(
            urlsplit(url).path,
            data=sent,
            content_type=headers["Content-Type"],
            headers={k: v for k, v in headers.items() if k != "Content-Type"},
        )
        return answer.status_code, {}, answer.content

    monkeypatch.setattr(sandbox_store, "NOTIFY_TRANSPORT", [transport])
    cashier.post(urlsplit(started.json()["redirect_url"]).path, {"decision": "pay"})
    assert api.get(f"/api/v1/orders/{number}").json()["state"] == "paid"


def _deliver(settings, monkeypatch):
    """The demo's clock packs, hands over, receives, flies and lands the parcel;
    the simulated single window releases it; the sandbox carrier's signed pushes
    (through Étalage's own endpoint) deliver it."""
    from datetime import timedelta

    from django.utils import timezone

    from etalage.core.clock import clock_round
    from etalage.demo.clock import demo_parcels_moved
    from etalage.events.outbox import outbox_deliver
    from etalage.logistics import sandbox_carrier

    settings.ETALAGE_DEMO_CLOCK, settings.ETALAGE_DEMO_STEP_SECONDS = True, 30
    settings.ETALAGE_CUSTOMS_SANDBOX_STEP_SECONDS = 0
    settings.ETALAGE_CARRIER_SANDBOX_STEP_SECONDS = 10
    carrier = Client()

    def pushed(method, url, headers, body):
        answer = carrier.post(
            urlsplit(url).path,
            data=body,
            content_type=headers["Content-Type"],
            headers={k: v for k, v in headers.items() if k != "Content-Type"},
        )
        return answer.status_code, {}, answer.content

    monkeypatch.setattr(sandbox_carrier, "PUSH_TRANSPORT", [pushed])
    later = timezone.now()
    for _step in range(6):
        later += timedelta(seconds=31)
        demo_parcels_moved(now=later)
        clock_round()  # the worker's chores: customs declares and answers
        outbox_deliver()
    for _step in range(8):
        later += timedelta(seconds=11)
        sandbox_carrier.sandbox_carrier_advanced(now=later)
    outbox_deliver()


def _every_call_is_documented(api):
    document = api.get("/api/v1/openapi.json").json()
    templates = [
        (re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), set(ops))
        for path, ops in document["paths"].items()
    ]
    undocumented = [
        (method, path)
        for method, path in set(api.calls)
        if path != "/api/v1/openapi.json"
        and not any(t.match(path) and method in ops for t, ops in templates)
    ]
    assert len(set(api.calls)) > 20, api.calls
    assert undocumented == []


def test_without_a_csrf_token_the_api_refuses_to_sign_up(markets):
    api = Client(enforce_csrf_checks=True)
    body = {"login": "a@example.cn", "password": "a quiet harbour 42"}
    refused = api.post("/api/v1/auth/signup", body, content_type="application/json")
    assert refused.status_code == 403


def test_a_signed_in_session_without_its_csrf_token_is_told_which_header(shopping):
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    api = Client(enforce_csrf_checks=True)
    api.force_login(buyer)
    body = {"identity": str(buyer.identities.get().pk), "lang": "en"}
    for language, words in (("en", "csrftoken cookie"), ("zh-CN", "请在")):
        refused = api.post(
            "/api/v1/orders",
            body,
            content_type="application/json",
            headers={"Idempotency-Key": uuid.uuid4().hex, "Accept-Language": language},
        )
        assert refused.status_code == 403
        error = refused.json()["error"]
        assert error["code"] == "csrf_failed" and error["field"] == "X-CSRFToken"
        assert words in error["message"]
    assert not Order.objects.exists()


def test_another_buyer_s_cart_line_and_identity_are_not_found(client, shopping):
    owner, stranger = shopping.buyer(), shopping.buyer()
    shopping.cart(owner, [(shopping.products["a"], 1)])
    line = owner.carts.get().lines.get()
    client.force_login(stranger)
    assert client.delete(f"/api/v1/cart/lines/{line.pk}").status_code == 404
    identity = owner.identities.get()
    assert client.delete(f"/api/v1/me/identities/{identity.pk}").status_code == 404
    assert owner.carts.get().lines.exists()


def test_a_wrong_identity_names_its_field(client, shopping):
    client.force_login(shopping.buyer())
    refused = client.post(
        "/api/v1/me/identities",
        {
            "real_name": "张伟",
            "id_number": "310115198505120033",
            "mobile": "13912345678",
            "consent": True,
        },
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "id_number"
    assert "check digit" in refused.json()["error"]["message"]


def test_an_order_is_paid_through_the_api_and_the_sandbox(shopping, monkeypatch):
    from urllib.parse import urlsplit

    from etalage.payments import sandbox_store

    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    order = shopping.place(buyer).order
    api = Client(enforce_csrf_checks=True)
    api.force_login(buyer)
    token = api.get("/api/v1/auth/csrf").json()["csrf_token"]
    path = f"/api/v1/orders/{order.number}/payments"
    body = {"provider": "alipay"}
    without_key = api.post(
        path, body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert without_key.status_code == 422
    key = {"X-CSRFToken": token, "Idempotency-Key": uuid.uuid4().hex}
    started = api.post(path, body, content_type="application/json", headers=key)
    assert started.status_code == 201, started.content
    payment = started.json()
    assert (
        payment["state"] == "pending"
        and "/sandbox/antom/cashier/" in (payment["redirect_url"])
        and payment["qr_code"] == ""
    )
    again = api.post(path, body, content_type="application/json", headers=key)
    assert again.json()["request_id"] == payment["request_id"]
    # The buyer pays at the cashier; the sandbox's notification comes back.
    cashier = Client()

    def transport(method, url, headers, sent):
        answer = cashier.post(
            urlsplit(url).path,
            data=sent,
            content_type=headers["Content-Type"],
            headers={k: v for k, v in headers.items() if k != "Content-Type"},
        )
        return answer.status_code, {}, answer.content

    monkeypatch.setattr(sandbox_store, "NOTIFY_TRANSPORT", [transport])
    cashier.post(urlsplit(payment["redirect_url"]).path, {"decision": "pay"})
    (paid,) = api.get(path).json()["items"]
    assert paid["state"] == "succeeded" and paid["paid_at"]
    assert api.get(f"/api/v1/orders/{order.number}").json()["state"] == "paid"
    other = shopping.buyer()
    stranger = Client()
    stranger.force_login(other)
    assert stranger.get(path).status_code == 404
