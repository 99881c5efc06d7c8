"""In Chromium, on a phone (390 px) and a desktop (1280 px), in the four
languages: a buyer of two shops' products, each shop with its own offer, applies
a platform coupon at checkout, reloads the page (nothing resent: post/redirect/
get), places the order and reads on its page each parcel's own offers by name;
no page is wider than the screen."""

import os
from decimal import Decimal as D

import pytest

from etalage.web.tests.test_browser import (  # noqa: F401 (fixtures)
    _end_the_connections_the_test_server_leaves,
    _fits,
    browser_page,
)
from etalage.web.tests.test_promotion_pages import make

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SHOTS = os.environ.get("ETALAGE_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", ["zh-hans", "fr", "nl", "en"])
def test_two_shops_offers_and_a_coupon_from_checkout_to_the_order_page(
    live_server,
    browser_page,  # noqa: F811
    shopping,
    settings,
    language,
    width,
):
    settings.ETALAGE_SITE_URL = live_server.url
    buyer = shopping.buyer()
    buyer.set_password("a decent password")
    buyer.save()
    shopping.cart(buyer, [(shopping.products["a"], 2), (shopping.products["c"], 1)])
    make(shopping.products["a"].merchant, kind="spend_and_save", name="A's",
         amount_off=D("10.00"), threshold=D("100.00"))  # fmt: skip
    make(shopping.products["c"].merchant, kind="free_shipping", name="C's",
         threshold=D("1.00"))  # fmt: skip
    make(name="Welcome", code="WELCOME", amount_off=D("10.00"))
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    prefix = "" if language == "zh-hans" else f"/{language}"
    page.goto(f"{live_server.url}{prefix}/login/?next={prefix}/checkout/")
    page.fill("#id_username", buyer.username)
    page.fill("#id_password", "a decent password")
    page.click("form:has(#id_password) [type=submit]")
    page.wait_for_url("**/checkout/")
    page.fill("#coupon", "welcome")
    with page.expect_navigation():
        page.click("#coupon-apply")
    methods: list[str] = []
    page.on(
        "request",
        lambda r: r.resource_type == "document" and methods.append(r.method),
    )
    page.reload()
    assert methods == ["GET"]
    assert page.locator("#coupon").input_value() == "welcome"
    assert page.locator("p.savings").count() == 1
    _fits(page, "the checkout after a reload")
    _shot(page, f"checkout-coupon-{language}-{width}")
    with page.expect_navigation():
        page.locator("#checkout button[type=submit]:visible").last.click()
    page.wait_for_url("**/orders/**")
    parcels = page.locator("table.breakdown:not(.offers)")
    assert parcels.count() == 2
    for n in range(2):
        named = parcels.nth(n).locator("tr.promotion")
        assert named.count() == 2, parcels.nth(n).inner_text()  # its offer, the coupon
    _fits(page, "the order's page")
    _shot(page, f"order-offers-{language}-{width}")
