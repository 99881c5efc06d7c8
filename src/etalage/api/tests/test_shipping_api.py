"""Shipping over the merchant API: pack, label, hand over, read the steps; the scope
is required and another merchant's parcels do not exist."""

import pytest
from django.contrib.auth import get_user_model

from etalage.merchants.api_keys import api_key_create


@pytest.fixture
def paid(shopping):
    from etalage.orders.services import order_pay

    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1), (shopping.products["c"], 1)])
    return order_pay(order=shopping.place(buyer).order)


def key(merchant, scopes):
    user = get_user_model().objects.create_user(f"{merchant.slug}-{len(scopes)}")
    return api_key_create(
        merchant=merchant, name="ERP", scopes=scopes, created_by=user
    )[1]


def call(client, method, path, token, body=None):
    kwargs = {
        "content_type": "application/json",
        "headers": {"Authorization": f"Bearer {token}"},
    }
    if body is not None:
        kwargs["data"] = body
    return getattr(client, method)(f"/api/v1/merchant{path}", **kwargs)


def test_a_merchants_system_packs_prints_and_hands_over(client, paid):
    mine, theirs = paid.sub_orders.order_by("number")
    token = key(mine.merchant, ["orders:read", "orders:write"])
    base = f"/orders/{mine.number}/parcel"
    bad = call(client, "post", base, token, {"grams": 0})
    assert bad.status_code == 422 and "grams" in bad.content.decode()
    packed = call(client, "post", base, token, {"grams": 640})
    assert packed.status_code == 201
    assert packed.json()["code"] == mine.number and packed.json()["state"] == "packed"
    label = call(client, "get", f"{base}/label", token)
    assert label["Content-Type"] == "application/pdf" and label.content.startswith(
        b"%PDF"
    )
    handed = call(client, "post", f"{base}/hand-over", token)
    assert handed.json()["state"] == "handed_over"
    assert [s["step"] for s in call(client, "get", base, token).json()["steps"]] == [
        "info_received"
    ]
    # Another merchant's parcel does not exist; a key without the scope is refused.
    assert (
        call(
            client, "post", f"/orders/{theirs.number}/parcel", token, {"grams": 5}
        ).status_code
        == 404
    )
    read_only = key(mine.merchant, ["orders:read"])
    assert call(client, "get", base, read_only).status_code == 403


def test_the_api_refuses_a_packed_weight_under_the_goods_by_the_same_rule(client, paid):
    mine = paid.sub_orders.order_by("number").first()
    token = key(mine.merchant, ["orders:write"])
    base = f"/orders/{mine.number}/parcel"
    lighter = call(client, "post", base, token, {"grams": mine.weight_grams - 1})
    assert lighter.status_code == 422
    error = lighter.json()["error"]
    assert (error["code"], error["field"]) == ("lighter_than_goods", "grams")
    assert f"{mine.weight_grams} g" in error["message"]
    body = {"grams": mine.weight_grams - 1, "lighter_than_goods_confirmed": True}
    confirmed = call(client, "post", base, token, body)
    assert confirmed.status_code == 201
    assert confirmed.json()["packed_grams"] == mine.weight_grams - 1
