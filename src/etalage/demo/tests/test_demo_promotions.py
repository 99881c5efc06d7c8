"""The demo's promotions: there once the demo is loaded, and a cart of Maison
Verhaeghe's over ¥300 with the platform's code gets both."""

import pytest

from etalage.demo.loader import load_demo
from etalage.demo.promotions import PLATFORM_CODE
from etalage.promotions.checks import promotion_problems
from etalage.promotions.models import Promotion, SalePrice


@pytest.mark.heavy
def test_the_demo_shows_a_coupon_a_spend_and_save_free_shipping_and_a_sale(
    markets, django_capture_on_commit_callbacks
):
    from etalage.catalog.models import Variant
    from etalage.checkout.info import checkout_info
    from etalage.checkout.selectors import RequestedLine
    from etalage.pricing.models import Market
    from etalage.pricing.selectors import market_strategy

    with django_capture_on_commit_callbacks(execute=True):
        assert load_demo(log=lambda _: None, with_images=False) is True
    kinds = sorted(Promotion.objects.values_list("kind", flat=True))
    assert kinds == ["coupon", "coupon", "free_shipping", "spend_and_save"]
    assert SalePrice.objects.count() == 1
    assert promotion_problems() == []
    variant = (
        Variant.objects.filter(product__merchant__slug="maison-verhaeghe",
                               product__status="live", is_active=True)
        .order_by("-price_eur")
        .first()
    )  # fmt: skip
    quantity = 1
    while variant.price_eur * quantity * 7 < 320:  # over ¥300 at any rate near 7.8
        quantity += 1
    strategy = market_strategy(market=Market.objects.get(code="CN"))
    info = checkout_info(strategy=strategy, lines=[RequestedLine(variant, quantity)],
                         language="en", coupon_code=PLATFORM_CODE)  # fmt: skip
    (sub,) = info.quote.sub_orders
    labels = [label for label, _amount in sub.promotions]
    assert labels == ["CN¥30.00 off every CN¥300.00", "CN¥20.00 off from CN¥199.00"]
    assert info.coupon_problem is None
