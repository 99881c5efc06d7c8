"""In Chromium, on a phone (390 px) and a desktop (1280 px), in the four
languages: a search result's card counts a product's reviews from the index, and
when the operator hides one its stars and count change on the card once the
index has followed (the review's change is its product's: one rule)."""

import os

import pytest
from django.contrib.auth import get_user_model

from etalage.events.outbox import outbox_deliver
from etalage.reviews.moderation import review_hide
from etalage.reviews.services import review_write
from etalage.reviews.tests.conftest import delivered_order, line_of
from etalage.search.feed import search_follow
from etalage.search.index import search_reindex
from etalage.web.tests.test_browser import (  # noqa: F401 (fixtures)
    _end_the_connections_the_test_server_leaves,
    _fits,
    browser_page,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SHOTS = os.environ.get("ETALAGE_SCREENSHOTS", "")


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", ["zh-hans", "fr", "nl", "en"])
def test_a_hidden_review_leaves_the_cards_stars(
    live_server,
    browser_page,  # noqa: F811
    shopping,
    language,
    width,
):
    product = shopping.products["a"]
    reviews = []
    for stars in (5, 1):
        buyer = shopping.buyer()
        line = line_of(delivered_order(shopping, buyer), product)
        reviews.append(review_write(line=line, buyer=buyer, stars=stars, text="",
                                    language="en"))  # fmt: skip
    search_reindex()
    name = product.translations.get(language=language).name
    prefix = "" if language == "zh-hans" else f"/{language}"
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})

    def card_text(shot: str) -> str:
        page.goto(f"{live_server.url}{prefix}/search/?q={name}")
        card = page.locator(".card", has_text=name).first
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/{shot}-{language}-{width}.png")
        _fits(page, "the search results")
        return card.inner_text()

    assert "(2)" in card_text("card-two-reviews")
    operator = get_user_model().objects.create_user("op", is_staff=True)
    review_hide(review=reviews[1], by=operator, reason="Not about the product")
    outbox_deliver()
    assert search_follow() >= 1
    shown = card_text("card-one-hidden")
    assert "(1)" in shown and "(2)" not in shown
    assert "5" in shown.split("(1)")[0]  # the five stars left
