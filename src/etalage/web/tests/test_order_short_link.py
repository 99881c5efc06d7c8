"""``/o/<number>``, the link in the buyer's text messages: its buyer lands on the
order in the order's language; anyone else on the sign-in page, in their phone's
language, and then on the order; nothing of the order is shown before."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def order(shopping):
    buyer = shopping.buyer()
    buyer.set_password("a quiet harbour 42")
    buyer.save()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    return shopping.place(buyer, language="fr").order


def test_a_visitor_signs_in_in_the_phone_s_language_then_sees_the_order(client, order):
    link = client.get(f"/o/{order.number}", HTTP_ACCEPT_LANGUAGE="nl-BE,nl;q=0.9")
    assert link.status_code == 302
    where = urlsplit(link["Location"])
    assert where.path == "/nl/login/"
    assert parse_qs(where.query)["next"] == [f"/nl/orders/{order.number}/"]
    page = client.get(link["Location"]).content.decode()
    assert f"Meld u aan om uw bestelling {order.number} te zien." in page
    assert order.recipient not in page and str(order.total) not in page

    signed_in = client.post(
        link["Location"],
        {"username": order.buyer.username, "password": "a quiet harbour 42",
         "next": f"/nl/orders/{order.number}/"},
    )  # fmt: skip
    assert signed_in["Location"] == f"/nl/orders/{order.number}/"
    assert order.recipient in client.get(signed_in["Location"]).content.decode()


def test_the_buyer_signed_in_lands_on_the_order_in_its_language(client, order):
    client.force_login(order.buyer)
    link = client.get(f"/o/{order.number.lower()}", HTTP_ACCEPT_LANGUAGE="en")
    assert link["Location"] == f"/fr/orders/{order.number}/"


def test_another_account_is_asked_to_sign_in_as_the_buyer_and_learns_nothing(
    client, order
):
    client.force_login(get_user_model().objects.create_user("someone"))
    link = client.get(f"/o/{order.number}", HTTP_ACCEPT_LANGUAGE="en")
    missing = client.get("/o/E2401-0000-0000-0000", HTTP_ACCEPT_LANGUAGE="en")
    assert urlsplit(link["Location"]).path == "/en/login/"
    # The same answer whether the order exists or not.
    assert link["Location"].replace(order.number, "N") == missing["Location"].replace(
        "E2401-0000-0000-0000", "N"
    )
    page = client.get(link["Location"]).content.decode()
    assert f"No order of this account has the number {order.number}" in page
    assert client.get(f"/en/orders/{order.number}/").status_code == 404


def test_what_is_not_an_order_number_is_not_found(client, markets):
    assert client.get("/o/..%2Fadmin").status_code == 404
    assert client.get("/o/E2401-ILOU-0000-0000").status_code == 404


@pytest.mark.parametrize(
    "outside", ["https://evil.example/", "//evil.example/x", "/\\evil.example"]
)
def test_the_sign_in_page_carries_the_order_and_never_an_outside_address(
    client, order, outside
):
    """What a browser sends: the page's own hidden ``next``, nothing added; an
    outside address in ``next`` is dropped for the default page."""
    import re

    link = client.get(f"/o/{order.number}", HTTP_ACCEPT_LANGUAGE="fr")
    page = client.get(link["Location"]).content.decode()
    form = page.split('<form method="post" class="stacked">')[1].split("</form>")[0]
    carried = re.search(r'name="next" value="([^"]*)"', form).group(1)
    assert carried == f"/fr/orders/{order.number}/"
    signed_in = client.post(
        link["Location"],
        {"username": order.buyer.username, "password": "a quiet harbour 42",
         "next": carried},
    )  # fmt: skip
    assert signed_in["Location"] == f"/fr/orders/{order.number}/"
    client.logout()
    away = client.post(
        f"/fr/login/?next={outside}",
        {"username": order.buyer.username, "password": "a quiet harbour 42",
         "next": outside},
    )  # fmt: skip
    assert away.status_code == 302 and "evil" not in away["Location"]
