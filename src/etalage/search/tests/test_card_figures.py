"""A card's stars and "sold N this month" come from the index (no query for a
page of cards) and follow the reviews and the orders: a review written, edited or
hidden, an order paid, a parcel cancelled reach the card once the follower has
applied the log; a sale leaves "this month" as days pass, by the daily chore."""

from datetime import timedelta
from decimal import Decimal

from django.core.cache import caches
from django.utils import timezone

from etalage.events.outbox import outbox_deliver
from etalage.orders.models import SubOrder
from etalage.reviews.moderation import review_show
from etalage.reviews.selectors import NO_STATS, SOLD_DAYS, card_stats
from etalage.reviews.services import review_hide, review_write
from etalage.reviews.tests.conftest import delivered_order, line_of, paid_order
from etalage.search.feed import search_follow
from etalage.search.handlers import sold_month_window_moved
from etalage.search.index import search_reindex
from etalage.search.models import IndexChange
from etalage.search.selectors import products_listed


def _stats(product):
    listing = products_listed(market_code="CN", cards=True, limit=100)
    assert listing is not None and listing.cards and not listing.products
    return {card.id: card.stats for card in listing.cards}.get(product.pk)


def _delivered(capture):
    with capture(execute=True):
        outbox_deliver()
    return search_follow()


def test_a_review_and_a_paid_order_reach_the_card_once_followed(
    shopping, django_capture_on_commit_callbacks, django_user_model
):
    operator = django_user_model.objects.create_superuser("op", "op@example.com", "p")
    product = shopping.products["a"]
    search_reindex()
    assert _stats(product) == NO_STATS
    buyer = shopping.buyer()
    with django_capture_on_commit_callbacks(execute=True):
        order = delivered_order(shopping, buyer, quantity=3)
        review = review_write(line=line_of(order, product), buyer=buyer, stars=4,
                              text="", language="en")  # fmt: skip
    assert _stats(product) == NO_STATS  # logged, not yet followed
    assert _delivered(django_capture_on_commit_callbacks) >= 1
    stats = _stats(product)
    assert (stats.average, stats.count, stats.sold_month) == (Decimal("4.0"), 1, 3)
    assert str(stats.average) == "4.0"  # shown as the database keeps it
    assert stats == card_stats([product.pk])[product.pk]
    with django_capture_on_commit_callbacks(execute=True):
        paid_order(shopping, shopping.buyer(), quantity=2)
    _delivered(django_capture_on_commit_callbacks)
    assert _stats(product).sold_month == 5
    with django_capture_on_commit_callbacks(execute=True):
        review_hide(review=review, by=operator, reason="spam")
    _delivered(django_capture_on_commit_callbacks)
    assert _stats(product) == card_stats([product.pk])[product.pk]
    assert (_stats(product).count, _stats(product).sold_month) == (0, 5)


def test_a_sale_leaves_this_month_as_days_pass(
    shopping, django_capture_on_commit_callbacks
):
    product = shopping.products["a"]
    with django_capture_on_commit_callbacks(execute=True):
        old = paid_order(shopping, shopping.buyer(), quantity=5)
    search_reindex()
    assert _stats(product).sold_month == 5
    SubOrder.objects.filter(order=old).update(
        created_at=timezone.now() - timedelta(days=SOLD_DAYS, hours=1)
    )
    caches["default"].clear()
    assert _stats(product).sold_month == 5  # what the index last took
    assert sold_month_window_moved() == 1
    assert sold_month_window_moved() == 0  # once a day
    search_follow()
    assert (
        _stats(product)
        == NO_STATS
        == card_stats([product.pk]).get(product.pk, NO_STATS)
    )


def test_a_review_hidden_or_shown_again_is_one_change_of_its_product(
    shopping, django_capture_on_commit_callbacks, django_user_model
):
    """One rule, in one place: a review's change is a change of its product
    (``ProductsChanged``, which also expires the product's cached fragments),
    whose listing row rewrites the whole document, stars included. No second
    row for the same product from a review's own event."""
    operator = django_user_model.objects.create_superuser("op", "op@example.com", "p")
    product = shopping.products["a"]
    buyer = shopping.buyer()
    with django_capture_on_commit_callbacks(execute=True):
        order = delivered_order(shopping, buyer, quantity=1)
        review = review_write(line=line_of(order, product), buyer=buyer, stars=2,
                              text="", language="en")  # fmt: skip
    search_reindex()
    _delivered(django_capture_on_commit_callbacks)
    assert (_stats(product).average, _stats(product).count) == (Decimal("2.0"), 1)
    for decide, count in ((review_hide, 0), (review_show, 1)):
        start = IndexChange.objects.order_by("-seq").values_list("seq", flat=True)
        first = start.first() or 0
        with django_capture_on_commit_callbacks(execute=True):
            decide(review=review, by=operator, reason="spam")
        with django_capture_on_commit_callbacks(execute=True):
            outbox_deliver()
        rows = IndexChange.objects.filter(seq__gt=first, product_id=product.pk)
        assert list(rows.values_list("reason", flat=True)) == ["listing"]
        search_follow()
        assert _stats(product).count == count
        assert _stats(product) == card_stats([product.pk]).get(product.pk, NO_STATS)
