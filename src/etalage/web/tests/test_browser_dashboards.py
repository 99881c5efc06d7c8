"""Both dashboards in a real browser, in each language, on a phone and a desktop:
the merchant's first page and the operator's draw their SVG charts, each with its
table, and neither page is wider than the screen."""

import pytest
from django.contrib.auth import get_user_model

from etalage.ledger.tests.conftest import Books
from etalage.merchants.models import MerchantMember
from etalage.search.index import search_reindex
from etalage.web.tests.test_browser import _fits, browser_page  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize(
    ("language", "width"),
    [("zh-hans", 390), ("fr", 390), ("nl", 390), ("nl", 1280), ("en", 1280)],
)
def test_both_dashboards_draw_their_charts_and_fit_the_screen(
    browser_page,  # noqa: F811 (the fixture imported above)
    live_server,
    shopping,
    language,
    width,
):
    books = Books(shopping, shopping.buyer())
    books.pay(books.place([(shopping.products["a"], 2), (shopping.products["c"], 1)]))
    users = get_user_model()
    owner = users.objects.create_user("first-owner", password="pw-owner-123")
    merchant = shopping.products["a"].merchant
    MerchantMember.objects.create(merchant=merchant, user=owner, role="owner")
    users.objects.create_superuser("op", "op@example.com", "pw-op-123")
    search_reindex()  # (the first page's line on the index, its longest in Dutch)
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    # (Chinese, the default, has no prefix: the browser's language says it)
    page.set_extra_http_headers({"Accept-Language": language})
    prefix = "" if language == "zh-hans" else f"/{language}"
    page.goto(f"{live_server.url}{prefix}/login/")
    page.fill("input[name=username]", "first-owner")
    page.fill("input[name=password]", "pw-owner-123")
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}{prefix}/portal/")
    assert page.locator("html").get_attribute("lang").lower() == language
    assert page.locator("#sales svg.chart[role=img]").count() >= 5
    assert page.locator("#sales figure details table").count() >= 5
    _fits(page, "the merchant's dashboard")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/backoffice/login/")
    page.fill("#id_username", "op")
    page.fill("#id_password", "pw-op-123")
    page.click("input[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#operator-dashboard svg.chart[role=img]").count() == 10
    _fits(page, "the operator's dashboard")
