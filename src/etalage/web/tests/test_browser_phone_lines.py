"""On a phone (390 px), the cart's lines and My orders read as blocks, one per line
or order, each figure under its name: no product name wrapped a character a line,
no column squeezed, and no page wider than the screen."""

import pytest

from etalage.web.tests.test_browser import (  # noqa: F401 (fixtures)
    _end_the_connections_the_test_server_leaves,
    _fits,
    browser_page,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}


def _signed_in(live_server, page, django_user_model, shopping):
    buyer = shopping.buyer()
    buyer.set_password("a quiet harbour 42")
    buyer.save()
    page.goto(f"{live_server.url}/fr/login/")
    page.fill("input[name=username]", buyer.username)
    page.fill("input[name=password]", "a quiet harbour 42")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/fr/**")
    return buyer


@pytest.mark.parametrize("language", ["fr", "zh-hans"])
def test_cart_lines_and_my_orders_read_as_blocks_on_a_phone(
    live_server,
    browser_page,  # noqa: F811 (the fixture)
    django_user_model,
    shopping,
    language,
):
    page = browser_page
    page.set_viewport_size(PHONE)
    buyer = _signed_in(live_server, page, django_user_model, shopping)
    products = shopping.products
    shopping.cart(buyer, [(products["a"], 2), (products["c"], 1)])
    shopping.place(buyer)
    shopping.cart(buyer, [(products["b"], 3), (products["c"], 1)])
    prefix = "" if language == "zh-hans" else f"/{language}"

    page.goto(f"{live_server.url}{prefix}/cart/")
    _fits(page, "cart")
    lines = page.locator("table.lines th.cart-product")
    assert lines.count() == 2
    for i in range(lines.count()):
        line = lines.nth(i).bounding_box()
        name = lines.nth(i).locator("a").bounding_box()
        assert line["width"] > 300, f"a product squeezed to {line['width']} px"
        assert name["height"] < 50, f"a product name {name['height']} px high"
    # Each figure is said with its column's name, the line's full width.
    price = page.locator("table.lines td[data-label]").first
    assert price.bounding_box()["width"] > 300
    assert page.evaluate(
        "getComputedStyle(document.querySelector('table.lines td[data-label]'),"
        " '::before').content"
    ) not in ("", "none")

    page.goto(f"{live_server.url}{prefix}/orders/")
    _fits(page, "my orders")
    total = page.locator("table.lines td[data-label]").last
    assert total.bounding_box()["width"] > 300
    number = page.locator("table.lines tbody th a").first.bounding_box()
    assert number["height"] < 40  # the order's number on one line
