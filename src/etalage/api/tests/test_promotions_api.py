"""Promotions over the API: a quote with a coupon and a spend-and-save, claiming a
coupon, and a merchant's promotions by key."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from etalage.merchants.api_keys import api_key_create
from etalage.promotions.models import CouponClaim, Promotion
from etalage.promotions.services import PromotionTerms, promotion_create

pytestmark = pytest.mark.usefixtures("ecb_rates", "today_is_2024_07_01")


def promotion(merchant=None, **terms):
    operator = get_user_model().objects.get_or_create(
        username="operator", defaults={"is_staff": True}
    )[0]
    now = timezone.now()
    values = {"kind": "coupon", "name": "Test", "budget": D("1000.00"),
              "starts_at": now - timedelta(days=1),
              "ends_at": now + timedelta(days=1), **terms}  # fmt: skip
    return promotion_create(
        terms=PromotionTerms(**values), merchant=merchant, by=operator
    )


@pytest.fixture
def shop(shopping):
    return shopping


@pytest.fixture
def client():
    """A client that asks for English: the labels and reasons below are read in it
    (without the header the API answers in the storefront's first language)."""
    from django.test import Client

    return Client(headers={"Accept-Language": "en"})


def line(product, quantity=1):
    return {"product": product.slug, "sku": product.variants.get().sku,
            "quantity": quantity}  # fmt: skip


def quote(client, body):
    """A quote read in English (a quote's language is its ``lang``, else the
    market's first language)."""
    return client.post(
        "/api/v1/quotes", {"lang": "en", **body}, content_type="application/json"
    )


def test_a_quote_with_a_coupon_and_a_spend_and_save_shows_both_and_the_total(
    client, shop
):
    first = shop.products["a"].merchant
    promotion(first, kind="spend_and_save", amount_off=D("30.00"),
              threshold=D("300.00"))  # fmt: skip
    promotion(code="HELLO", amount_off=D("10.00"))
    body = quote(client, {"lines": [line(shop.products["b"], 2)],
                          "coupon": "hello"}).json()  # fmt: skip
    (sub,) = body["sub_orders"]
    assert sub["savings"]["amount"] == "40.00"
    assert sub["discount"]["amount"] == "10.00"  # the platform's coupon, non-cash
    assert [p["amount"]["amount"] for p in sub["promotions"]] == ["30.00", "10.00"]
    assert sub["promotions"][0]["label"] == "CN¥30.00 off every CN¥300.00"
    shown = D(sub["lines"][0]["goods"]["amount"])  # at the price shown
    assert D(sub["goods"]["amount"]) == shown - 30  # the merchant's, declared
    assert D(sub["total"]["amount"]) == (
        D(sub["goods"]["amount"]) + D(sub["freight"]["amount"])
        + D(sub["tax"]["amount"]) - D(sub["discount"]["amount"])
    )  # fmt: skip
    assert body["coupon_problem"] == ""


def test_a_coupon_under_its_minimum_is_said_why_and_left_out(client, shop):
    promotion(code="BIG", amount_off=D("50.00"), threshold=D("2000.00"))
    body = quote(client, {"lines": [line(shop.products["a"])], "coupon": "BIG"}).json()
    assert body["coupon_problem"] == (
        "This coupon needs CN¥2,000.00 of eligible goods."
    )
    assert body["sub_orders"][0]["savings"]["amount"] == "0.00"


def test_a_buyer_claims_a_coupon_a_product_offers_and_finds_it_in_the_account(
    client, shop
):
    product = shop.products["a"]
    coupon = promotion(product.merchant, amount_off=D("5.00"), claimable=True)
    offered = client.get(f"/api/v1/products/{product.slug}/coupons").json()
    assert [c["key"] for c in offered] == [str(coupon.pk)]
    buyer = shop.buyer()
    client.force_login(buyer)
    claimed = client.post(f"/api/v1/me/coupons/{coupon.pk}")
    assert claimed.status_code == 201
    assert CouponClaim.objects.filter(buyer=buyer).count() == 1
    mine = client.get("/api/v1/me/coupons").json()
    assert [c["label"] for c in mine] == ["CN¥5.00 off"]


def test_a_merchant_creates_and_ends_its_own_promotion_by_key(client, shop):
    merchant = shop.products["a"].merchant
    owner = get_user_model().objects.create_user("owner")
    _key, plain = api_key_create(merchant=merchant, name="ERP",
                                 scopes=["catalog:read", "catalog:write"],
                                 created_by=owner)  # fmt: skip
    now = timezone.now()
    headers = {"Authorization": f"Bearer {plain}"}
    body = {"kind": "spend_and_save", "name": "Autumn", "budget": "500.00",
            "amount_off": "30.00", "threshold": "300.00",
            "starts_at": now.isoformat(),
            "ends_at": (now + timedelta(days=7)).isoformat()}  # fmt: skip
    made = client.post("/api/v1/merchant/promotions", body,
                       content_type="application/json", headers=headers)  # fmt: skip
    assert made.status_code == 201, made.content
    saved = Promotion.objects.get()
    assert (saved.funder, saved.merchant) == ("merchant", merchant)
    bad = client.post("/api/v1/merchant/promotions", {**body, "amount_off": "400.00"},
                      content_type="application/json", headers=headers)  # fmt: skip
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "amount_off"
    started = saved.starts_at.isoformat()
    held = client.put(f"/api/v1/merchant/promotions/{saved.pk}",
                      {**body, "amount_off": "20.00", "starts_at": started},
                      content_type="application/json", headers=headers)  # fmt: skip
    assert held.status_code == 422 and held.json()["error"]["field"] == "amount_off"
    paused = client.post(f"/api/v1/merchant/promotions/{saved.pk}/pause",
                         headers=headers)  # fmt: skip
    assert paused.json()["paused_at"] is not None
    resumed = client.post(f"/api/v1/merchant/promotions/{saved.pk}/resume",
                          headers=headers)  # fmt: skip
    assert resumed.json()["paused_at"] is None
    ended = client.post(f"/api/v1/merchant/promotions/{saved.pk}/end",
                        headers=headers)  # fmt: skip
    assert ended.json()["ended_at"] is not None
