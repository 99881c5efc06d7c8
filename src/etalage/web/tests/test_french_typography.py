"""The buyer's pages in French as French is written: a non-breaking space before
: ; ? ! and inside « », adjectives that agree with their nouns (une commande
payée, un colis payé), and numbers written the reader's way (7,7748); machine
values in forms stay as machines read them."""

import re
from html.parser import HTMLParser

import pytest

from etalage.orders.services import order_pay

ATTRIBUTES = {"placeholder", "aria-label", "title", "alt", "data-confirm"}


class _Text(HTMLParser):
    """The words a reader meets on a page: its text and its spoken attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [v for k, v in attrs if k in ATTRIBUTES and v]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def words(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


# A plain (breakable) space, or none, before : ; ? ! or inside « »; a letter glued
# to its colon ("Total:").
BADLY_SPACED = re.compile(r"(?: [:;?!»]|« |[^\W\d_][:;?!](?=\s))")


def badly_spaced(text: str) -> list[str]:
    return [
        text[max(m.start() - 25, 0) : m.end() + 10] for m in BADLY_SPACED.finditer(text)
    ]


@pytest.fixture
def order(shopping, client):
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 2), (shopping.products["c"], 1)])
    placed = shopping.place(buyer, language="fr").order
    client.force_login(buyer)
    return placed


def test_the_buyer_s_pages_space_french_punctuation_without_a_break(
    client, shopping, order
):
    product = shopping.products["b"]
    shopping.cart(order.buyer, [(product, 1)])
    pages = [
        "/fr/",
        f"/fr/p/{product.slug}/",
        f"/fr/c/{product.category.slug}/",
        "/fr/cart/",
        "/fr/checkout/",
        "/fr/orders/",
        f"/fr/orders/{order.number}/",
        "/fr/account/",
        "/fr/search/?q=zzzz",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert badly_spaced(words(html)) == [], url
    client.logout()
    for url in ("/fr/login/", "/fr/signup/", "/fr/password/"):
        html = client.get(url).content.decode()
        assert badly_spaced(words(html)) == [], url
    refused = client.post("/fr/signup/", {"login": "nope"}).content.decode()
    assert "Identifiant\u00a0: " in words(refused) or "\u00a0: " in words(refused)
    assert badly_spaced(words(refused)) == []


def test_an_order_is_payee_and_its_parcels_paye(client, order):
    order_pay(order=order)
    html = client.get(f"/fr/orders/{order.number}/").content.decode()
    states = re.findall(r'<span class="state">([^<]+)</span>', html)
    assert states == ["Payée", "Payé", "Payé"]  # the order, then each parcel
    assert "\u00a0: Payée" in words(html)  # the history speaks of the order
    assert "Expédiée" not in html and "Livrée" not in html


@pytest.mark.parametrize(
    ("prefix", "rate"),
    [
        ("/fr", "1\u00a0EUR = 7,7748"),
        ("/nl", "1 EUR = 7,7748"),
        ("/en", "1 EUR = 7.7748"),
    ],
)
def test_the_order_s_exchange_rate_is_written_the_reader_s_way(
    client, order, prefix, rate
):
    html = client.get(f"{prefix}/orders/{order.number}/").content.decode()
    assert rate in html
    assert "7.774800" not in html


def test_the_checkout_s_machine_values_are_never_localized(client, order, shopping):
    shopping.cart(order.buyer, [(shopping.products["a"], 1)])
    html = client.get("/fr/checkout/").content.decode()
    total = re.search(r'name="total" value="([^"]*)"', html).group(1)
    assert re.fullmatch(r"\d+\.\d\d", total)
