"""The review pages as a walk in four languages found them: dates in Beijing time,
languages named and stars counted in the reader's language, labels punctuated as
it writes them, an undelivered or refunded line refused at once, a change said to
be one, the order's lines named in the reader's language."""

from datetime import UTC, datetime

import pytest
from django.test import Client

from etalage.orders.returned import sub_order_returned
from etalage.reviews.models import Review
from etalage.reviews.services import review_reply, review_write
from etalage.reviews.tests.conftest import delivered_order, line_of, paid_order


def _client(user, language="en"):
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


@pytest.fixture
def bought(shopping):
    buyer = shopping.buyer()
    order = delivered_order(shopping, buyer)
    return buyer, order, line_of(order, shopping.products["a"])


def test_review_dates_are_beijing_days_on_the_product_page(shopping, bought):
    buyer, _order, line = bought
    review = review_write(line=line, buyer=buyer, stars=4, text="Bon", language="fr")
    review_reply(review=review, merchant=line.sub_order.merchant, text="Merci",
                 language="fr")  # fmt: skip
    late = datetime(2026, 12, 7, 20, 30, tzinfo=UTC)  # 04:30 on the 8th in Beijing
    Review.objects.filter(pk=review.pk).update(created_at=late, replied_at=late)
    page = Client().get(f"/en/p/{shopping.products['a'].slug}/").content.decode()
    assert page.count(">2026-12-08</time>") == 2
    assert "2026-12-07" not in page


def test_the_form_names_languages_and_counts_stars_in_the_reader_s_language(bought):
    buyer, _order, line = bought
    url = f"{{}}/account/reviews/line/{line.pk}/"
    french = _client(buyer, "fr").get(url.format("/fr")).content.decode()
    assert ">chinois (traditionnel)</option>" in french and ">zh-hant<" not in french
    assert "1 étoile sur 5" in french and "2 étoiles sur 5" in french
    assert "Écrit en\u00a0:</label>" in french
    chinese = _client(buyer, "zh-hans").get(url.format("")).content.decode()
    assert ">中文（繁体）</option>" in chinese
    assert "：</label>" in chinese and ":</label>" not in chinese


def test_an_undelivered_line_says_so_at_once_without_a_form(shopping):
    buyer = shopping.buyer()
    order = paid_order(shopping, buyer)
    line = line_of(order, shopping.products["a"])
    page = _client(buyer, "zh-hans").get(f"/account/reviews/line/{line.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "<form" not in html.split("<main")[-1]
    assert "包裹送达后才能评价商品。" in html
    assert f'href="/orders/{order.number}/"' in html


def test_a_line_refunded_in_full_is_refused_on_the_page_and_the_order_page(bought):
    buyer, order, line = bought
    sub_order_returned(sub_order=line.sub_order, quantities={line.pk: line.quantity})
    client = _client(buyer)
    form = client.get(f"/en/account/reviews/line/{line.pk}/").content.decode()
    assert "refunded in full" in form and 'name="stars"' not in form
    posted = client.post(f"/en/account/reviews/line/{line.pk}/",
                         {"stars": "1", "text": "", "language": "en"})  # fmt: skip
    assert posted.status_code == 200 and not Review.objects.exists()
    listing = client.get(f"/en/orders/{order.number}/").content.decode()
    assert "refunded in full" in listing
    assert f"/en/account/reviews/line/{line.pk}/" not in listing


def test_a_change_says_updated_and_the_order_names_the_line_in_english(
    shopping, bought
):
    buyer, order, line = bought
    review_write(line=line, buyer=buyer, stars=4, text="Good", language="en")
    client = _client(buyer)
    client.post(f"/en/account/reviews/line/{line.pk}/",
                {"stars": "5", "text": "Better", "language": "en"})  # fmt: skip
    page = client.get(f"/en/orders/{order.number}/").content.decode()
    assert "your review has been updated" in page
    assert "your review is published" not in page
    reviews_list = page.split('class="line-reviews"')[1].split("</ul>")[0]
    assert "(en)" in reviews_list and line.name_merchant not in reviews_list
