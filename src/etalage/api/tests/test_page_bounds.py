"""A page number past any page, or too large for the database, is answered (the
last page, or a refusal naming ``page``), never with a server error: on the pages
and on every API operation that takes ``page``."""

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
        merchant=product.merchant, name="pages", scopes=list(ApiKey.Scope.values),
        created_by=shopping.buyer("keyholder"),
    )  # fmt: skip
    return product, secret


def api_operations_with_a_page(client):
    document = client.get("/api/v1/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            names = {p["name"] for p in operation.get("parameters", [])}
            if method == "get" and "page" in names and "{" not in path:
                yield path


@pytest.mark.parametrize("number", NUMBERS)
def test_every_api_listing_bounds_its_page(shopping, keyed, number):
    _product, secret = keyed
    buyer = Client()
    buyer.force_login(shopping.buyer("paging"))
    paths = list(api_operations_with_a_page(buyer))
    assert len(paths) >= 4, paths
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
