"""A page number past any page, or too large for the database, is answered (the
last page, or a refusal naming ``page``), never with a server error: on the pages
and on every API operation that takes ``page``; and every cursor-paged list of the
API refuses a cursor it did not give and a page size out of bounds, naming them."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from etalage.logistics.services import hub_staff_add

HUGE = "99999999999999999999"
NUMBERS = [HUGE, "-" + HUGE, "1e9", "0", "2147483648", "9223372036854775808"]


@pytest.fixture
def keyed(shopping):
    from etalage.merchants.api_keys import api_key_create
    from etalage.merchants.models import ApiKey

    product = shopping.products["a"]
    _key, secret = api_key_create(
        merchant=product.merchant,
        name="pages",
        scopes=list(ApiKey.Scope.values),
        created_by=shopping.buyer("keyholder"),
    )
    return product, secret


def api_operations_with_a_page(client, name="page"):
    document = client.get("/api/v1/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            names = {p["name"] for p in operation.get("parameters", [])}
            if method == "get" and name in names and "{" not in path:
                yield path


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"cursor": "nonsense"}, "cursor"),
        ({"cursor": "W10:1a2b:3c4d"}, "cursor"),
        ({"cursor": "x" * 501}, "cursor"),
        ({"limit": "0"}, "limit"),
        ({"limit": HUGE}, "limit"),
        ({"limit": "101"}, "limit"),
    ],
)
def test_every_cursor_list_refuses_a_cursor_it_did_not_give(shopping, query, field):
    buyer = Client(headers={"Accept-Language": "fr"})
    buyer.force_login(shopping.buyer("paging"))
    paths = list(api_operations_with_a_page(buyer, "cursor"))
    assert {"/api/v1/orders", "/api/v1/returns"} <= set(paths), paths
    for path in paths:
        answer = buyer.get(path, query)
        assert answer.status_code == 422, (path, answer.status_code)
        error = answer.json()["error"]
        assert error["field"] == field, (path, error)
        # Said in the reader's language.
        assert "curseur" in error["message"] or "valeur" in error["message"], error


@pytest.mark.parametrize("number", NUMBERS)
def test_every_api_listing_bounds_its_page(shopping, keyed, number):
    _product, secret = keyed
    buyer = Client()
    buyer.force_login(shopping.buyer("paging"))
    paths = list(api_operations_with_a_page(buyer))
    assert len(paths) >= 3, paths
    for path in paths:
        answer = buyer.get(
            path,
            {"page": number, "q": "a", "market": "CN"},
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
        assert answer.status_code in (200, 404, 422), (path, answer.status_code)
        if answer.status_code != 200:
            assert answer.json()["error"]["field"] in ("page", None), answer.json()


@pytest.mark.parametrize("number", NUMBERS)
def test_every_listing_page_bounds_its_page(shopping, number):
    product = shopping.products["a"]
    staff = get_user_model().objects.create_user("hubby")
    hub_staff_add(staff)
    browser = Client()
    browser.force_login(staff)
    for url in [
        f"/en/c/{product.category.slug}/",
        f"/en/m/{product.merchant.slug}/",
        "/en/merchants/",
        "/en/search/?q=a",
        "/en/hub/flights/",
    ]:
        joiner = "&" if "?" in url else "?"
        answer = browser.get(f"{url}{joiner}page={number}")
        assert answer.status_code == 200, (url, answer.status_code)
