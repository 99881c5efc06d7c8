"""The address form and the delivery promise in a real browser, on a phone (390 px):
an address pasted as one line fills the form in Chinese with the right division
codes; the lists follow each other with JavaScript (htmx) and without; the promise
shows on the product page, the cart, checkout and the order page."""

import os
import re

import pytest

from etalage.web.tests.test_browser import (  # noqa: F401 (fixtures)
    PHONE,
    _end_the_connections_the_test_server_leaves,
    _fits,
)
from etalage.web.tests.test_browser import browser_page as browser_page  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SHOTS = os.environ.get("ETALAGE_SCREENSHOTS", "")
PROMISE = re.compile(r"预计 \d{1,2}月\d{1,2}日–\d{1,2}月\d{1,2}日送达")


def _shot(page, name: str) -> None:
    """Keep a screenshot to look at (ETALAGE_SCREENSHOTS=<folder>)."""
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _settled(page) -> None:
    """Wait until htmx has swapped the lists in and set them up (a list changed
    before then would not ask for the next one, as no person is that quick)."""
    # A selector, not a script: the pages' policy forbids evaluating strings, which
    # Playwright's polling of a function would need.
    page.locator(".htmx-request, .htmx-swapping, .htmx-settling").first.wait_for(
        state="detached"
    )


def _signed_in(page, live_server, buyer, prefix=""):
    buyer.set_password("a decent password")
    buyer.save()
    page.goto(f"{live_server.url}{prefix}/login/?next={prefix}/account/")
    page.fill("#id_username", buyer.username)
    page.fill("#id_password", "a decent password")
    page.click("form:has(#id_password) [type=submit]")
    page.wait_for_url(f"**{prefix}/account/")


def test_an_address_pasted_as_one_line_fills_the_form_with_its_codes_on_a_phone(
    live_server, browser_page, shopping
):
    page = browser_page
    page.set_viewport_size(PHONE)
    buyer = shopping.buyer()
    _signed_in(page, live_server, buyer)
    page.goto(f"{live_server.url}/account/addresses/new/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    _fits(page, "new address")
    page.fill("#id_paste", "张三 13812345678 上海市浦东新区世纪大道100号 200120")
    page.get_by_role("button", name="识别并填写").click()
    page.wait_for_selector("text=已根据粘贴的文字填写")
    values = {
        name: page.input_value(f"#id_{name}")
        for name in ("recipient", "phone", "province", "city", "district", "street",
                     "postcode")
    }  # fmt: skip
    assert values == {
        "recipient": "张三", "phone": "13812345678", "province": "310000",
        "city": "310000", "district": "310115", "street": "世纪大道100号",
        "postcode": "200120",
    }  # fmt: skip
    assert page.locator("#id_district option:checked").inner_text() == "浦东新区"
    _fits(page, "the address filled")
    _shot(page, "address-pasted-390")
    page.locator("button[name=save]:not(.visually-hidden)").click()
    page.wait_for_url("**/account/")
    address = buyer.addresses.get(recipient="张三")
    assert (address.region_code, address.postcode) == ("310115", "200120")
    assert "世纪大道100号" in page.locator("main").inner_text()


def test_the_lists_follow_each_other_with_javascript_and_without(
    live_server, browser_page, shopping
):
    page = browser_page
    page.set_viewport_size(PHONE)
    _signed_in(page, live_server, shopping.buyer(), "/fr")
    page.goto(f"{live_server.url}/fr/account/addresses/new/")
    assert not page.locator("button[name=choose]").is_visible()  # htmx does it
    page.select_option("#id_province", "440000")
    page.wait_for_selector("#id_city option[value='440300']", state="attached")
    _settled(page)
    page.select_option("#id_city", "440300")
    page.wait_for_selector("#id_district option[value='440305']", state="attached")
    _settled(page)
    page.select_option("#id_district", "440305")
    page.select_option("#id_province", "110000")  # another province: city follows
    page.wait_for_selector("#id_district option[value='110105']", state="attached")
    assert page.input_value("#id_city") == "110000"
    _fits(page, "the lists")

    context = page.context.browser.new_context(java_script_enabled=False,
                                               viewport=PHONE)  # fmt: skip
    context.add_cookies(page.context.cookies())
    plain = context.new_page()
    plain.goto(f"{live_server.url}/fr/account/addresses/new/")
    plain.select_option("#id_province", "440000")
    plain.get_by_role("button", name="Afficher la liste suivante").click()
    plain.wait_for_selector("#id_city option[value='440300']", state="attached")
    plain.select_option("#id_city", "441900")  # 东莞市: no districts
    plain.get_by_role("button", name="Afficher la liste suivante").click()
    plain.wait_for_selector("text=Cette ville n'a pas de districts")
    _fits(plain, "the lists without JavaScript")
    context.close()


@pytest.mark.parametrize("language", ["zh-hans", "fr", "nl", "en"])
def test_the_promise_shows_from_the_product_page_to_the_order_page(
    live_server, browser_page, shopping, language
):
    from etalage.orders.models import Order

    page = browser_page
    page.set_viewport_size(PHONE)
    prefix = "" if language == "zh-hans" else f"/{language}"
    buyer = shopping.buyer()
    _signed_in(page, live_server, buyer, prefix)
    page.goto(f"{live_server.url}{prefix}/p/{shopping.products['a'].slug}/")
    promise = page.locator(".summary .promise").inner_text()
    _shot(page, f"product-promise-{language}-390")
    if language == "zh-hans":
        assert PROMISE.search(promise), promise
    page.locator("form:has(#add-variant) button[type=submit]").click()
    page.wait_for_url("**/cart/")
    assert page.locator(".sub-order .promise").count() == 1
    _fits(page, "cart")
    _shot(page, f"cart-promise-{language}-390")
    page.goto(f"{live_server.url}{prefix}/checkout/")
    window = page.locator(".sub-order .promise").first.inner_text()
    assert window.splitlines()[0] == promise.splitlines()[0]
    _fits(page, "checkout")
    page.locator("#checkout button[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/orders/E[^/]+/$"))
    order = Order.objects.get(buyer=buyer)
    assert order.sub_orders.get().promised_by is not None
    assert page.locator(".promise").count() == 1
    _fits(page, "order")
    _shot(page, f"order-promise-{language}-390")
