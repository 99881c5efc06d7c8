"""One unit price for one thing: the card, the product page, the cart and the order
give the same figure for a unit with its tax, or say why theirs differs."""

import re

import pytest

LANGUAGES = {"en": "/en", "fr": "/fr", "nl": "/nl", "zh-hans": ""}
# How each page names a price with the tax of one unit shipped alone.
ALONE = {
    "en": "with tax, shipped alone",
    "fr": "taxes comprises, envoi à l’unité",
    "nl": "incl. belasting, los verzonden",
    "zh-hans": "含税，单件寄送",
}
IN_PARCEL = {
    "en": "Unit price, tax incl.",
    "fr": "Prix unitaire, taxes comprises",
    "nl": "Eenheidsprijs, incl. belasting",
    "zh-hans": "单价（含税）",
}


def _card_price(html: str, slug: str) -> tuple[str, str]:
    card = re.search(rf'<li class="card">(?:(?!</li>).)*/p/{slug}/.*?</li>', html, re.S)
    assert card, "no card for the product"
    price = re.search(
        r'<span class="price">([^<]+?) <small class="price-note">([^<]+)</small>',
        card.group(0),
    )
    assert price, card.group(0)
    return price.group(1), price.group(2)


def _rows(html: str) -> list[list[str]]:
    """The product lines of the first table of lines: its cells' first texts."""
    table = re.search(r'<table class="variants[^"]*">.*?</table>', html, re.S).group(0)
    body = table.split("<tbody>")[1]
    return [
        re.findall(r"<td[^>]*>([^<]+)", row)
        for row in re.findall(r"<tr>.*?</tr>", body, re.S)
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_card_product_page_cart_and_order_agree_on_a_unit_s_price_with_tax(
    client, shopping, language
):
    prefix = LANGUAGES[language]
    product = shopping.products["c"]
    buyer = shopping.buyer()
    shopping.cart(buyer, [(product, 1)])
    client.force_login(buyer)

    listing = client.get(f"{prefix}/c/{product.category.slug}/").content.decode()
    card, card_note = _card_price(listing, product.slug)
    page = client.get(f"{prefix}/p/{product.slug}/").content.decode()
    big = re.search(r'<p class="price big">([^<]+?) <small class="price-note">', page)
    in_table = re.search(r'<td class="price">([^<]+)</td>', page).group(1)
    with_tax_row = re.search(
        r'<tr class="subtotal"><th scope="row">[^<]+</th><td>([^<]+)', page
    )
    cart = client.get(f"{prefix}/cart/").content.decode()
    [[cart_unit, cart_subtotal]] = _rows(cart)
    order = shopping.place(buyer, language=language).order
    order_page = client.get(f"{prefix}/orders/{order.number}/").content.decode()
    [[order_unit, order_quantity, order_subtotal]] = _rows(order_page)

    # One unit alone in its parcel: one figure everywhere.
    assert card == big.group(1) == in_table == with_tax_row.group(1)
    assert card == cart_unit == cart_subtotal == order_unit == order_subtotal
    assert order_quantity.strip() == "1"
    # Each page says what the figure holds, in the reader's language.
    assert card_note == ALONE[language]
    assert page.count(ALONE[language]) >= 2  # the price and the versions' column
    assert IN_PARCEL[language] in cart and IN_PARCEL[language] in order_page
    assert "price-note" not in cart.split("<tbody>")[1].split("</table>")[0]


def test_units_sharing_a_parcel_s_shipping_say_their_price_shipped_alone(
    client, shopping
):
    """Three units share one parcel's freight: each pays less tax than one shipped
    alone. The cart and the order agree on it; the cart names the product page's
    figure as the price shipped alone, and says why they differ."""
    product = shopping.products["c"]
    buyer = shopping.buyer()
    shopping.cart(buyer, [(product, 3)])
    client.force_login(buyer)
    page = client.get(f"/en/p/{product.slug}/").content.decode()
    alone = re.search(r'<td class="price">([^<]+)</td>', page).group(1)

    cart = client.get("/en/cart/").content.decode()
    [[cart_unit, cart_subtotal]] = _rows(cart)
    assert cart_unit != alone
    assert f"shipped alone: {alone}" in cart
    assert "its price with tax differs from its price shipped alone" in cart
    checkout = client.get("/en/checkout/").content.decode()
    assert f"shipped alone: {alone}" in checkout

    order = shopping.place(buyer).order
    order_page = client.get(f"/en/orders/{order.number}/").content.decode()
    [[order_unit, _quantity, order_subtotal]] = _rows(order_page)
    assert (order_unit, order_subtotal) == (cart_unit, cart_subtotal)
    line = order.sub_orders.get().lines.get()
    taxed = line.goods + line.tariff + line.consumption_tax + line.vat
    assert order_subtotal == f"CN¥{taxed:,.2f}"
