"""A product page's coupons say, per buyer, "Claimed" or "Used" (disabled) instead
of "Claim", filled per request around the shared cache: one buyer's standing never
shows on another's page; claiming a used-up coupon again is refused, saying why."""

from decimal import Decimal as D

import pytest
from django.test import Client

from etalage.orders.models import Order
from etalage.promotions.models import CouponClaim
from etalage.promotions.services import PromotionRefused, coupon_claim
from etalage.web.tests.test_checkout_coupon_choice import _page_fields
from etalage.web.tests.test_promotion_pages import make

pytestmark = pytest.mark.django_db


def _button(html: str) -> str:
    coupons = html.split('class="coupon-label"', 1)[1].split("</form>", 1)[0]
    return coupons.split("<button", 1)[1].split("</button>", 1)[0]


def test_each_buyer_sees_their_own_standing_of_a_coupon(shopping):
    product = shopping.products["a"]
    coupon = make(product.merchant, amount_off=D("8.00"), claimable=True)
    claimer, other = shopping.buyer(), shopping.buyer()
    CouponClaim.objects.create(promotion=coupon, buyer=claimer)
    url = f"/en/p/{product.slug}/"
    as_other, as_claimer = Client(), Client()
    as_other.force_login(other)
    as_claimer.force_login(claimer)
    assert ">Claim" in _button(as_other.get(url).content.decode())
    mine = _button(as_claimer.get(url).content.decode())
    assert "disabled" in mine and ">Claimed" in mine
    theirs = _button(as_other.get(url).content.decode())  # after the claimer's view
    assert "disabled" not in theirs and ">Claim" in theirs
    assert "Sign in to claim" in Client().get(url).content.decode()


def test_a_used_coupon_says_used_and_cannot_be_claimed_again(shopping, client):
    product = shopping.products["a"]
    coupon = make(product.merchant, amount_off=D("8.00"), claimable=True)
    buyer = shopping.buyer()
    CouponClaim.objects.create(promotion=coupon, buyer=buyer)
    shopping.cart(buyer, [(product, 1)])
    client.force_login(buyer)
    page = client.get(f"/en/checkout/?coupon={coupon.pk}").content.decode()
    placed = client.post("/en/checkout/", {
        **_page_fields(page), "claimed_coupon": str(coupon.pk),
        "identity": str(buyer.identities.get().pk),
        "address": str(buyer.addresses.get().pk),
    })  # fmt: skip
    assert placed.status_code == 302 and Order.objects.get().redemptions.exists()
    html = client.get(f"/en/p/{product.slug}/").content.decode()
    assert ">Used" in _button(html) and "disabled" in _button(html)
    with pytest.raises(PromotionRefused) as refused:
        coupon_claim(promotion_id=coupon.pk, buyer=buyer)
    assert "already used this coupon" in refused.value.messages[0]
    back = client.post(
        f"/en/coupons/{coupon.pk}/claim/", {"next": f"/en/p/{product.slug}/"},
        follow=True,
    ).content.decode()  # fmt: skip
    assert "already used this coupon" in back and "The coupon is yours" not in back
