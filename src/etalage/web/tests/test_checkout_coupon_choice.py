"""The checkout's coupon without a GET: "Apply", a claimed coupon chosen from the
list (its own button without JavaScript) and "Update the totals" post the page,
so no CSRF token, identity or address ends up in a URL, and the buyer is sent
back to the page (post/redirect/get, their choices kept in the session); a
used-up coupon's refusal is said once, under its field."""

import re
from decimal import Decimal as D

import pytest
from django.test import Client

from etalage.orders.models import Order
from etalage.promotions.models import CouponClaim
from etalage.web.tests.test_promotion_pages import buyer, make  # noqa: F401

pytestmark = pytest.mark.django_db


def _page_fields(html: str) -> dict[str, str]:
    token = re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)
    total = re.search(r'name="total" value="([0-9.]*)"', html).group(1)
    return {"token": token, "total": total}


def test_no_button_of_the_checkout_sends_the_form_by_get(client, shopping, buyer):  # noqa: F811
    make(code="WELCOME", amount_off=D("20.00"))
    html = client.get("/en/checkout/").content.decode()
    form = re.search(r'<form method="post" id="checkout">.*?</form>', html, re.S)
    assert form is not None
    assert "formmethod" not in form.group(0) and "formaction" not in form.group(0)
    assert "onchange" not in html and "onclick" not in html


def test_apply_posts_the_page_back_with_the_coupon_and_places_nothing(
    client,
    shopping,
    buyer,  # noqa: F811
):
    make(code="WELCOME", amount_off=D("20.00"), threshold=D("100.00"))
    fields = _page_fields(client.get("/en/checkout/").content.decode())
    page = client.post("/en/checkout/", {
        **fields, "coupon": "welcome", "recompute": "coupon",
        "identity": str(buyer.identities.get().pk),
        "address": str(buyer.addresses.get().pk),
    }, follow=True)  # fmt: skip
    html = page.content.decode()
    assert page.redirect_chain == [("/en/checkout/", 303)] and "You save" in html
    assert 'value="welcome"' in html
    assert _page_fields(html)["token"] == fields["token"]
    assert not Order.objects.exists()


def test_a_claimed_coupon_chosen_without_javascript_applies_with_its_button(
    client,
    shopping,
    buyer,  # noqa: F811
):
    coupon = make(amount_off=D("8.00"), claimable=True)
    CouponClaim.objects.create(promotion=coupon, buyer=buyer)
    html = client.get("/en/checkout/").content.decode()
    assert 'id="coupon-use-claimed"' in html and "You save" not in html
    page = client.post("/en/checkout/", {
        **_page_fields(html), "coupon": "", "claimed_coupon": str(coupon.pk),
        "recompute": "claimed",
    }, follow=True).content.decode()  # fmt: skip
    assert "You save" in page and "CN¥8.00" in page
    assert f'<option value="{coupon.pk}" selected>' in page
    placed = client.post("/en/checkout/", {
        **_page_fields(page), "coupon": "", "claimed_coupon": str(coupon.pk),
        "identity": str(buyer.identities.get().pk),
        "address": str(buyer.addresses.get().pk),
    })  # fmt: skip
    assert placed.status_code == 302
    assert Order.objects.get().redemptions.get().promotion == coupon


def test_a_used_up_coupon_is_refused_once_under_its_field(client, shopping, buyer):  # noqa: F811
    make(code="ONCE", amount_off=D("5.00"))
    choices = {"identity": str(buyer.identities.get().pk),
               "address": str(buyer.addresses.get().pk)}  # fmt: skip
    first = client.get("/en/checkout/?coupon=once").content.decode()
    placed = client.post(
        "/en/checkout/", {**_page_fields(first), "coupon": "once", **choices}
    )
    assert placed.status_code == 302
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    again = client.get("/en/checkout/").content.decode()
    page = client.post(
        "/en/checkout/", {**_page_fields(again), "coupon": "once", **choices}
    ).content.decode()
    assert Order.objects.count() == 1
    said = re.findall(r"This coupon has been used as many times as it can be", page)
    assert len(said) == 1, said
    assert 'id="coupon-error"' in page


def test_apply_answers_with_a_redirect_so_a_reload_resends_nothing(
    client,
    shopping,
    buyer,  # noqa: F811
):
    """Post/redirect/get: "Apply" keeps what the buyer chose and typed in their
    session and sends them back to the page, so reloading it (or going back to it)
    asks the browser to resend nothing; the page shows the same coupon, choices
    and token, and placing it still needs the CSRF-protected post."""
    make(code="WELCOME", amount_off=D("20.00"), threshold=D("100.00"))
    second = buyer.addresses.get()
    second.pk, second.street, second.is_default = None, "2 Other Road", False
    second.save()
    fields = _page_fields(client.get("/en/checkout/").content.decode())
    choices = {"identity": str(buyer.identities.get().pk), "address": str(second.pk)}
    applied = client.post("/en/checkout/", {
        **fields, "coupon": "welcome", "recompute": "coupon", **choices,
    })  # fmt: skip
    assert applied.status_code == 303 and applied["Location"] == "/en/checkout/"
    for _reload in range(2):
        html = client.get(applied["Location"]).content.decode()
        assert "You save" in html and 'value="welcome"' in html
        assert f'value="{second.pk}" checked' in html
        assert _page_fields(html)["token"] == fields["token"]
    typo = client.post("/en/checkout/", {
        **fields, "coupon": "welcom", "recompute": "coupon", **choices,
    }, follow=True).content.decode()  # fmt: skip
    assert 'value="welcom"' in typo and 'id="coupon-error"' in typo
    assert not Order.objects.exists()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(buyer)
    assert strict.post("/en/checkout/", {
        **fields, "coupon": "welcome", "recompute": "coupon", **choices,
    }).status_code == 403  # fmt: skip
    placed = client.post("/en/checkout/", {**_page_fields(html), **choices,
                                           "coupon": "welcome"})  # fmt: skip
    assert placed.status_code == 302 and Order.objects.get().redemptions.exists()
    again = client.get("/en/checkout/")  # the cart is empty: kept choices forgotten
    assert again.status_code == 302 and "etalage_checkout" not in client.session
