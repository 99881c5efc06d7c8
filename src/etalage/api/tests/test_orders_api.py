"""Orders over the API: buyers place with an Idempotency-Key, merchants read theirs."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from etalage.merchants.api_keys import api_key_create
from etalage.orders.models import Order


@pytest.fixture
def buyer(shopping, client):
    buyer = shopping.buyer()
    p = shopping.products
    shopping.cart(buyer, [(p["a"], 2), (p["c"], 1)])
    client.force_login(buyer)
    return buyer


def body(buyer, **changes):
    return {
        "identity": str(buyer.identities.get().pk),
        "address": str(buyer.addresses.get().pk),
        "lang": "en",
        **changes,
    }


def place(client, payload, key="k-1"):
    return client.post(
        "/api/v1/orders",
        payload,
        content_type="application/json",
        headers={"Idempotency-Key": key} if key else {},
    )


def test_a_buyer_places_the_cart_once_whatever_the_retries(client, buyer):
    first = place(client, body(buyer))
    assert first.status_code == 201, first.content
    order = first.json()
    assert [s["merchant"] for s in order["sub_orders"]] == ["merchant-1", "merchant-2"]
    assert order["state"] == "placed" and order["pay_before"]
    assert order["id_number_masked"].count("*") == 10
    again = place(client, body(buyer))
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json()["number"] == order["number"] and Order.objects.count() == 1
    other = place(client, body(buyer, lang="fr"))
    assert other.status_code == 409
    assert other.json()["error"]["field"] == "Idempotency-Key"
    listed = client.get("/api/v1/orders").json()
    assert [o["number"] for o in listed["items"]] == [order["number"]]
    assert listed["next"] is None


def test_placing_without_a_key_or_with_bad_choices_names_the_field(client, buyer):
    missing = place(client, body(buyer), key=None)
    assert missing.status_code == 422
    assert missing.json()["error"]["field"] == "Idempotency-Key"
    wrong = place(client, body(buyer, address="nope"), key="k-2")
    assert wrong.status_code == 422
    assert wrong.json()["error"] == {
        "code": "address_required",
        "message": "Choose a delivery address.",
        "field": "address",
    }
    assert not Order.objects.exists()


def test_the_buyer_api_needs_a_signed_in_buyer_and_the_csrf_token(buyer):
    anonymous = Client()
    assert place(anonymous, body(buyer)).status_code == 401
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(buyer)
    assert place(strict, body(buyer)).status_code in (401, 403)
    assert not Order.objects.exists()


def test_a_buyer_cancels_by_api_and_sees_only_their_orders(client, buyer, shopping):
    number = place(client, body(buyer)).json()["number"]
    cancelled = client.post(f"/api/v1/orders/{number}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert client.post(f"/api/v1/orders/{number}/cancel").status_code == 409
    client.force_login(shopping.buyer())
    assert client.get(f"/api/v1/orders/{number}").status_code == 404


def test_merchants_read_only_their_own_sub_orders(client, buyer, shopping):
    number = place(client, body(buyer)).json()["number"]
    owner = get_user_model().objects.create_user("owner")
    first = shopping.products["a"].merchant
    _key, plain = api_key_create(
        merchant=first, name="WMS", scopes=["orders:read"], created_by=owner
    )
    _key, catalogue_only = api_key_create(
        merchant=first, name="PIM", scopes=["catalog:read"], created_by=owner
    )
    merchant = Client()
    auth = {"Authorization": f"Bearer {plain}"}
    listed = merchant.get("/api/v1/merchant/orders", headers=auth).json()
    assert [s["number"] for s in listed["items"]] == [f"{number}-1"]
    sub = listed["items"][0]
    assert sub["order"] == number and sub["delivery"]["city"] == "上海市"
    assert "id_number_masked" not in sub
    assert [line["quantity"] for line in sub["lines"]] == [2]
    assert (
        merchant.get(f"/api/v1/merchant/orders/{number}-2", headers=auth).status_code
        == 404
    )
    assert (
        merchant.get("/api/v1/merchant/orders?state=shipped", headers=auth).json()[
            "count"
        ]
        == 0
    )
    other_key = {"Authorization": f"Bearer {catalogue_only}"}
    denied = merchant.get("/api/v1/merchant/orders", headers=other_key)
    assert denied.status_code == 403


def test_an_unknown_language_is_refused_by_name(client, buyer):
    response = place(client, body(buyer, lang="xx"))
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "lang"


def test_a_buyer_placing_too_fast_is_told_to_slow_down(client, buyer, settings):
    settings.ETALAGE_BUYER_ORDER_WRITES_PER_MINUTE = 2
    from django.core.cache import cache

    cache.clear()
    answers = [place(client, body(buyer), key=f"k-{n}").status_code for n in range(3)]
    assert answers[2] == 429
    assert client.get("/api/v1/orders").status_code == 200  # reading is not counted
    cache.clear()


def test_an_order_whose_total_changed_since_the_quote_is_refused(client, buyer):
    response = place(client, body(buyer, expected_total="1.00"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("total_changed", "expected_total")
    assert not Order.objects.exists()
