import io
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from PIL import Image

from etalage.catalog.models import Product, ProductTranslation
from etalage.catalog.selectors import visible_products
from etalage.demo.illustrations import MOTIFS, draw_illustration
from etalage.demo.loader import DEMO_LOGINS, load_demo
from etalage.merchants.models import Merchant
from etalage.pricing.models import ExchangeRate


@pytest.mark.heavy
def test_the_demo_loads_once_through_the_real_services_and_its_logins_work(
    markets, django_capture_on_commit_callbacks
):
    # The load commits as one; what waits for the commit (a refund asked of the
    # provider, never inside the transaction) then runs.
    with django_capture_on_commit_callbacks(execute=True):
        assert load_demo(log=lambda _: None, with_images=False) is True
    assert Merchant.objects.filter(status="approved").count() == 12
    assert Product.objects.count() == 156
    assert visible_products().count() == 152
    # Every live product has its name in the four languages.
    for language in ("zh-hans", "fr", "nl", "en"):
        named = ProductTranslation.objects.filter(
            language=language, product__status="live"
        ).count()
        assert named == 152
    assert ExchangeRate.objects.filter(currency="CNY").count() > 5000
    # Loading again keeps everything as it is.
    before = Product.objects.order_by("pk").values_list("pk", "updated_at")
    assert load_demo(log=lambda _: None, with_images=False) is False
    assert list(Product.objects.order_by("pk").values_list("pk", "updated_at")) == list(
        before
    )
    # The demo logins work and its prices are plausible, in whole cents.
    for _role, username, password in DEMO_LOGINS:
        assert authenticate(username=username, password=password) is not None

    prices = list(Product.objects.values_list("price_from_eur", flat=True))
    assert all(Decimal("1") <= p <= Decimal("2500") for p in prices)
    assert all(p == p.quantize(Decimal("0.01")) for p in prices)
    # The demo buyer's orders, moved through the services, keep the books clean.
    from etalage.inventory.checks import inventory_problems
    from etalage.orders.checks import order_problems
    from etalage.orders.models import Order
    from etalage.reviews.models import ProductRating, Review

    reviewers = Order.objects.filter(buyer__username__startswith="demo-reviewer-")
    assert set(reviewers.values_list("state", flat=True)) == {"delivered"}
    assert Review.objects.filter(hidden_at__isnull=False).count() == 1
    assert Review.objects.exclude(reply="").count() == 1
    assert Review.objects.exclude(photos=None).exists()
    assert set(Review.objects.values_list("language", flat=True)) == {
        "zh-hans", "fr", "nl", "en"
    }  # fmt: skip
    assert ProductRating.objects.filter(count__gt=0).count() >= 4
    # (the history the dashboards show is its own buyers': test_demo_history.py)
    history = Order.objects.filter(buyer__username__startswith="history-buyer-")
    others = Order.objects.exclude(pk__in=reviewers).exclude(pk__in=history)
    assert sorted(others.values_list(
        "state", flat=True)) == [
        "cancelled", "delivered", "delivered", "delivered", "paid", "paid",
        "refunded", "refunded", "refunded",
    ]  # fmt: skip
    # The merchant left to people has one parcel to pack, one at the hub's door.
    from django.conf import settings

    from etalage.analytics.selectors import merchant_work
    from etalage.logistics.models import Parcel

    by_hand = Merchant.objects.get(slug=settings.ETALAGE_DEMO_BY_HAND_MERCHANT)
    work = merchant_work(merchant=by_hand)
    assert (work.to_pack, work.to_hand_over) == (1, 0)
    assert Parcel.objects.filter(state="handed_over").get().sub_order.merchant == (
        by_hand
    )
    # Customs: one parcel released, one refused and refunded, one returned.
    from etalage.declarations.models import Declaration
    from etalage.returns.models import ReturnRequest

    assert sorted(Declaration.objects.filter(kind="621").values_list(
        "state", flat=True)) == ["refused", "released", "released"]  # fmt: skip
    returns = ReturnRequest.objects.exclude(
        sub_order__order__buyer__username__startswith="history-buyer-"
    )
    assert returns.get().state == "received"
    assert Declaration.objects.get(kind="625").state == "accepted"
    # Paid in the payment sandbox, by signed notifications, with either provider.
    from etalage.payments.checks import payment_problems
    from etalage.payments.models import Notification, Payment, Refund

    assert set(Payment.objects.values_list("provider", "state")) == {
        ("alipay", "succeeded"), ("wechat", "succeeded")}  # fmt: skip
    assert set(Notification.objects.values_list("verdict", flat=True)) == {"processed"}
    assert set(Refund.objects.values_list("state", flat=True)) == {"succeeded"}
    assert inventory_problems() + order_problems() + payment_problems() == []
    # Money: merchants with balances, one payout paid, one returned by the bank.
    from etalage.ledger.checks import ledger_problems
    from etalage.ledger.models import Payout

    paid = Payout.objects.filter(
        merchant__slug__in=["brasserie-val-ourthe", "maison-verhaeghe"]
    )
    assert sorted(paid.values_list("merchant__slug", "state")) == [
        ("brasserie-val-ourthe", "settled"), ("maison-verhaeghe", "returned")
    ]  # fmt: skip
    assert ledger_problems() == []
    # The trial balance reads right: no asset with a credit balance (customs debits
    # its tax bills from a guarantee the operator funded from the bank).
    from etalage.ledger.selectors import trial_balance

    assets = {row.name: row for row in trial_balance() if row.kind == "asset"}
    assert assets["customs_guarantee"].debit > 0
    assert [name for name, row in assets.items() if row.credit] == []


@pytest.mark.heavy
def test_without_the_sandboxes_the_demo_loads_what_it_can_and_says_what_not(
    markets, settings
):
    from etalage.core.books import books_problems
    from etalage.orders.models import Order

    settings.ETALAGE_PAYMENT_SANDBOX = False
    settings.ETALAGE_CARRIER_SANDBOX = False
    said = []
    assert load_demo(log=said.append, with_images=False) is True
    assert any("Skipped the customs demo" in line for line in said)
    assert any("paid by bank transfer" in line for line in said)
    assert Order.objects.filter(state="paid").exists()
    assert books_problems() == []


@pytest.mark.heavy
def test_a_load_that_fails_half_way_leaves_nothing_and_the_next_one_loads(
    markets, monkeypatch
):
    from etalage.demo import loader

    def fails(*args):
        raise KeyboardInterrupt  # Ctrl-C while the demo's orders are placed

    monkeypatch.setattr(loader, "demo_customs", fails)
    with pytest.raises(KeyboardInterrupt):
        load_demo(log=lambda _: None, with_images=False)
    assert not Merchant.objects.exists() and not Product.objects.exists()
    monkeypatch.undo()
    assert load_demo(log=lambda _: None, with_images=False) is True
    assert Product.objects.count() == 156


def test_every_category_has_an_illustration_marked_as_such():
    for category in MOTIFS:
        data = draw_illustration(
            category=category, colour=(90, 50, 30), seed=category, variant=1
        )
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (800, 800)
            # The dark tile in the lower-left corner carries the pencil.
            assert image.getpixel((30, 770)) == (31, 26, 23)


def test_the_illustrations_write_no_words_in_any_language(monkeypatch):
    """The pencil marks a drawing in every language; the pages say "Illustration"
    in the reader's. (The toys' alphabet blocks keep their single letters.)"""
    from PIL import ImageDraw

    written: list[str] = []
    drawn = ImageDraw.ImageDraw.text

    def text(self, xy, words, *args, **kwargs):
        written.append(str(words))
        return drawn(self, xy, words, *args, **kwargs)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", text)
    for category in MOTIFS:
        draw_illustration(category=category, colour=(90, 50, 30), seed="s", variant=2)
    assert all(len(words) == 1 for words in written), written
