"""What pages read: a page of cards' ratings and sales in one query whatever its
size, the product page's summary in one, reviews paged in the reader's language
first."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from etalage.orders.models import SubOrder
from etalage.reviews.selectors import (
    card_stats,
    product_reviews,
    product_summary,
)
from etalage.reviews.services import review_write
from etalage.reviews.tests.conftest import delivered_order, line_of, paid_order


def test_a_page_of_24_cards_reads_ratings_and_sales_in_one_query(
    shopping, catalogue, django_assert_num_queries
):
    merchant = shopping.products["a"].merchant
    others = [catalogue.product(merchant=merchant, prices=("5",)) for _ in range(21)]
    buyer = shopping.buyer()
    order = delivered_order(shopping, buyer, products=("a", "b"), quantity=3)
    review_write(line=line_of(order, shopping.products["a"]), buyer=buyer, stars=4,
                 text="", language="en")  # fmt: skip
    ids = [p.pk for p in shopping.products.values()] + [p.pk for p in others]
    assert len(ids) == 24
    with django_assert_num_queries(1):
        stats = card_stats(ids)
    a, b = stats[shopping.products["a"].pk], stats[shopping.products["b"].pk]
    assert (a.average, a.count, a.sold_month) == (Decimal("4.0"), 1, 3)
    assert (b.average, b.count, b.sold_month) == (None, 0, 3)
    assert shopping.products["c"].pk not in stats


def test_sold_this_month_counts_paid_lines_of_the_last_30_days_only(shopping):
    product = shopping.products["a"]
    paid_order(shopping, shopping.buyer(), quantity=2)
    old = paid_order(shopping, shopping.buyer(), quantity=5)
    SubOrder.objects.filter(order=old).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    unpaid_buyer = shopping.buyer()
    shopping.cart(unpaid_buyer, [(product, 4)])
    shopping.place(unpaid_buyer, key="unpaid")
    cancelled = paid_order(shopping, shopping.buyer(), quantity=1)
    SubOrder.objects.filter(order=cancelled).update(state="cancelled")
    assert card_stats([product.pk])[product.pk].sold_month == 2


def test_the_product_page_summary_is_one_query(shopping, django_assert_num_queries):
    buyer = shopping.buyer()
    line = line_of(delivered_order(shopping, buyer), shopping.products["a"])
    review_write(line=line, buyer=buyer, stars=5, text="", language="en")
    with django_assert_num_queries(1):
        rating, sold = product_summary(shopping.products["a"].pk)
    assert rating.distribution == (0, 0, 0, 0, 1) and sold == 2


def test_reviews_are_paged_reader_s_language_first(shopping):
    product = shopping.products["a"]
    for n, language in enumerate(["fr", "en", "fr", "zh-hans", "fr"]):
        buyer = shopping.buyer()
        line = line_of(delivered_order(shopping, buyer), product)
        review_write(line=line, buyer=buyer, stars=5, text=f"{language} {n}",
                     language=language)  # fmt: skip
    first = product_reviews(product_id=product.pk, reader="fr", per_page=2)
    assert [r.text for r in first.reviews] == ["fr 4", "fr 2"]
    assert first.pages == 3 and first.has_next and first.total == 5
    last = product_reviews(product_id=product.pk, reader="fr", page=9, per_page=2)
    assert last.number == 3 and [r.language for r in last.reviews] == ["en"]
    assert last.reviews[0].language_name == "anglais"


def test_a_regional_or_chinese_code_counts_as_the_reader_s_language(shopping):
    product = shopping.products["a"]
    for n, language in enumerate(["fr", "en-gb", "zh-cn", "zh-tw", "fr"]):
        buyer = shopping.buyer()
        line = line_of(delivered_order(shopping, buyer), product)
        review_write(line=line, buyer=buyer, stars=5, text=f"{language} {n}",
                     language=language)  # fmt: skip
    english = product_reviews(product_id=product.pk, reader="en")
    assert english.reviews[0].text == "en-gb 1"
    assert english.reviews[0].in_reader_language
    chinese = product_reviews(product_id=product.pk, reader="zh-hans")
    assert [r.text for r in chinese.reviews][:1] == ["zh-cn 2"]
    assert chinese.reviews[0].language == "zh-hans"  # recorded by its script
    traditional = next(r for r in chinese.reviews if r.text == "zh-tw 3")
    assert traditional.language == "zh-hant" and not traditional.in_reader_language
    assert traditional.language_name == "中文（繁体）"  # full-width brackets in Chinese
