"""A buyer searches in a real browser, in each of the storefront's four languages,
and finds products through the index: from the results page and from the
suggestions of the header's box."""

import pytest

from etalage.search.index import search_reindex
from etalage.web.tests.test_browser import browser_page  # noqa: F401  (a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def shelf(catalogue, ecb_rates, today_is_2024_07_01):
    chocolate = catalogue.category(
        "chocolate",
        names={
            "zh-hans": "巧克力",
            "fr": "Chocolat",
            "nl": "Chocolade",
            "en": "Chocolate",
        },
    )
    product = catalogue.product(category=chocolate, name="Ballotin pralines")
    search_reindex()
    return product


@pytest.mark.parametrize(
    ("prefix", "query", "count"),
    [
        ("", "巧克力", "1 件商品"),
        ("/fr", "chocolat", "1 produit"),
        ("/nl", "chocolade", "1 product"),
        ("/en", "qiaokeli", "1 product"),
    ],
)
def test_a_buyer_finds_a_product_from_the_results_and_the_suggestions(
    live_server,
    browser_page,  # noqa: F811  (the fixture imported above)
    shelf,
    prefix,
    query,
    count,
):
    page = browser_page
    page.goto(f"{live_server.url}{prefix}/search/?q={query}")
    assert count in page.locator("main").inner_text()
    page.locator(f"main a[href*='/p/{shelf.slug}/']").first.click()
    page.wait_for_url(f"**/p/{shelf.slug}/")
    page.goto(f"{live_server.url}{prefix}/")
    page.locator("#search-q").click()
    page.keyboard.type("ballo")
    page.wait_for_selector(f"#search-suggest a[href*='/p/{shelf.slug}/']")
