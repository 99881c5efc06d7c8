"""Promotions on the pages: the cart's progress toward an offer, a coupon at
checkout (applied per parcel, or refused naming the coupon and why), claiming a
product's coupon into *My coupons*, and a shop's promotions in its portal."""

import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from etalage.merchants.models import MerchantMember
from etalage.orders.models import Order
from etalage.promotions.models import CouponClaim, ParcelDiscount, Promotion
from etalage.promotions.services import PromotionTerms, promotion_create


def make(merchant=None, **terms):
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
def buyer(shopping, client):
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 2)])
    client.force_login(buyer)
    return buyer


def test_the_cart_says_how_much_more_for_the_next_spend_and_save(
    client, shopping, buyer
):
    make(shopping.products["a"].merchant, kind="spend_and_save",
         amount_off=D("30.00"), threshold=D("300.00"))  # fmt: skip
    html = client.get("/en/cart/").content.decode()
    # Two units at ¥79.30: ¥158.60 of ¥300.
    assert "First: CN¥141.40 more for CN¥30.00 off" in html


def test_a_coupon_applies_at_checkout_and_the_order_keeps_it(client, shopping, buyer):
    make(code="WELCOME", amount_off=D("20.00"), threshold=D("100.00"))
    page = client.get("/en/checkout/?coupon=welcome").content.decode()
    assert "CN¥20.00 off from CN¥100.00" in page and "You save" in page
    token = re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)
    total = re.search(r'name="total" value="([0-9.]*)"', page).group(1)
    placed = client.post("/en/checkout/", {
        "token": token, "total": total, "coupon": "welcome",
        "identity": str(buyer.identities.get().pk),
        "address": str(buyer.addresses.get().pk),
    })  # fmt: skip
    assert placed.status_code == 302
    order = Order.objects.get()
    assert str(order.total) == total
    assert ParcelDiscount.objects.get().noncash == D("20.00")


def test_a_coupon_that_does_not_apply_is_refused_naming_it_and_why(
    client, shopping, buyer
):
    make(code="LATER", amount_off=D("5.00"),
         starts_at=timezone.now() + timedelta(days=1),
         ends_at=timezone.now() + timedelta(days=2))  # fmt: skip
    page = client.get("/en/checkout/?coupon=LATER").content.decode()
    assert "Coupon: This coupon cannot be used yet." in page
    assert 'aria-invalid="true"' in page


def test_a_buyer_claims_a_products_coupon_and_finds_it_in_my_coupons(
    client, shopping, buyer
):
    product = shopping.products["a"]
    coupon = make(product.merchant, amount_off=D("8.00"), claimable=True)
    html = client.get(f"/en/p/{product.slug}/").content.decode()
    assert "CN¥8.00 off" in html and "Claim" in html
    client.post(f"/en/coupons/{coupon.pk}/claim/", {"next": f"/en/p/{product.slug}/"})
    assert CouponClaim.objects.filter(buyer=buyer, promotion=coupon).exists()
    mine = client.get("/en/account/coupons/").content.decode()
    assert "CN¥8.00 off" in mine and "First" in mine


def test_a_shop_creates_its_own_promotion_in_the_portal(client, shopping):
    merchant = shopping.products["a"].merchant
    owner = get_user_model().objects.create_user("owner-promo")
    MerchantMember.objects.create(merchant=merchant, user=owner, role="owner")
    client.force_login(owner)
    answer = client.post("/en/portal/promotions/", {
        "kind": "spend_and_save", "name": "Autumn", "amount_off": "30",
        "threshold": "300", "starts_at": "2030-10-01 00:00",
        "ends_at": "2030-10-31 23:59", "budget": "500", "per_buyer_limit": "1",
    })  # fmt: skip
    assert answer.status_code == 302, answer.content.decode()[:2000]
    saved = Promotion.objects.get()
    assert (saved.funder, saved.merchant) == ("merchant", merchant)
    assert saved.starts_at.utcoffset() is not None
    assert (
        timezone.localtime(saved.starts_at, timezone.get_fixed_timezone(480)).hour == 0
    )
    refused = client.post("/en/portal/promotions/", {
        "kind": "spend_and_save", "name": "Bad", "amount_off": "400",
        "threshold": "300", "starts_at": "2030-10-01 00:00",
        "ends_at": "2030-10-31 23:59", "budget": "500", "per_buyer_limit": "1",
    }).content.decode()  # fmt: skip
    assert "at most the step" in refused
