"""A new visitor goes from nothing to a placed order through the API alone."""

import re
import uuid

import pytest
from django.test import Client

from etalage.accounts import sms
from etalage.orders.models import Order


@pytest.fixture(autouse=True)
def _texts_leave_at_commit(monkeypatch):
    from django.db import transaction

    sms.outbox.clear()
    monkeypatch.setattr(transaction, "on_commit", lambda callback, *a, **k: callback())


def test_sign_up_identity_address_cart_quote_and_order_over_the_api(shopping):
    api = Client(enforce_csrf_checks=True)
    token = api.get("/api/v1/auth/csrf").json()["csrf_token"]

    def post(url, body, **headers):
        return api.post(url, body, content_type="application/json",
                        headers={"X-CSRFToken": token, **headers})  # fmt: skip

    signed_up = post("/api/v1/auth/signup", {"login": "13912345678",
                     "password": "a quiet harbour 42", "lang": "en"})  # fmt: skip
    assert signed_up.status_code == 202
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    assert post("/api/v1/auth/confirm", {"login": "13912345678",
                "code": code}).status_code == 200  # fmt: skip
    token = api.cookies["csrftoken"].value  # rotated at sign-in
    identity = post("/api/v1/me/identities", {"real_name": "张伟",
                    "id_number": "310115198505120032", "mobile": "13912345678",
                    "consent": True})  # fmt: skip
    assert identity.status_code == 201, identity.content
    assert identity.json()["id_number_masked"] == "3101**********0032"
    assert "310115198505120032" not in identity.content.decode()
    address = post("/api/v1/me/addresses", {"recipient": "张伟",
                   "phone": "13912345678", "province": "上海市", "city": "上海市",
                   "district": "浦东新区", "street": "世纪大道 100 号"})  # fmt: skip
    assert address.status_code == 201, address.content
    product = shopping.products["a"]
    added = post("/api/v1/cart/lines", {"product": product.slug,
                 "sku": product.variants.get().sku, "quantity": 2})  # fmt: skip
    assert added.status_code == 201, added.content
    cart = added.json()
    assert cart["lines"][0]["quantity"] == 2 and cart["quote"]["can_place"]
    total = cart["quote"]["total"]["amount"]
    placed = post("/api/v1/orders", {"identity": identity.json()["id"],
                  "address": address.json()["id"], "lang": "en",
                  "expected_total": total},
                  **{"Idempotency-Key": uuid.uuid4().hex})  # fmt: skip
    assert placed.status_code == 201, placed.content
    assert str(Order.objects.get().total) == total
    assert api.get("/api/v1/cart").json()["lines"] == []


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
        refused = api.post("/api/v1/orders", body, content_type="application/json",
                           headers={"Idempotency-Key": uuid.uuid4().hex,
                                    "Accept-Language": language})  # fmt: skip
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
    refused = client.post("/api/v1/me/identities", {"real_name": "张伟",
                          "id_number": "310115198505120033", "mobile": "13912345678",
                          "consent": True}, content_type="application/json",
                          headers={"Accept-Language": "en"})  # fmt: skip
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
    without_key = api.post(path, body, content_type="application/json",
                           headers={"X-CSRFToken": token})  # fmt: skip
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
        answer = cashier.post(urlsplit(url).path, data=sent,
                              content_type=headers["Content-Type"],
                              headers={k: v for k, v in headers.items()
                                       if k != "Content-Type"})  # fmt: skip
        return answer.status_code, {}, answer.content

    monkeypatch.setattr(sandbox_store, "NOTIFY_TRANSPORT", [transport])
    cashier.post(urlsplit(payment["redirect_url"]).path, {"decision": "pay"})
    (paid,) = api.get(path).json()
    assert paid["state"] == "succeeded" and paid["paid_at"]
    assert api.get(f"/api/v1/orders/{order.number}").json()["state"] == "paid"
    other = shopping.buyer()
    stranger = Client()
    stranger.force_login(other)
    assert stranger.get(path).status_code == 404
