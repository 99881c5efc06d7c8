"""Buyers racing for the last uses of a coupon: never more uses, never more spent,
than its limits allow. Real threads with their own database connections; on
PostgreSQL every buyer gets a clear answer (the promotion's row lock), SQLite's
shared test database may answer "locked" instead, which must still never overspend.
"""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from etalage.checkout.tests.test_placement_concurrency import run_together
from etalage.orders.models import Order
from etalage.promotions.checks import promotion_problems
from etalage.promotions.models import Promotion, Redemption
from etalage.promotions.services import PromotionTerms, promotion_create

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_buyers_racing_for_a_coupons_last_uses_never_exceed_its_limit(shopping):
    operator = get_user_model().objects.create_user("operator", is_staff=True)
    now = timezone.now()
    promotion_create(
        terms=PromotionTerms(kind="coupon", name="Few", code="FEW", total_limit=3,
                             amount_off=D("5.00"), budget=D("100.00"),
                             starts_at=now - timedelta(days=1),
                             ends_at=now + timedelta(days=1)),
        by=operator,
    )  # fmt: skip
    buyers = [shopping.buyer() for _ in range(8)]
    for buyer in buyers:
        shopping.cart(buyer, [(shopping.products["a"], 1)])
    results = run_together(
        [lambda b=b: shopping.place(b, coupon_code="FEW") for b in buyers]
    )
    placed = [r for r in results if not isinstance(r, str)]
    promotion = Promotion.objects.get()
    assert promotion.used == Redemption.objects.count() == len(placed) <= 3
    assert promotion.spent == D("5.00") * len(placed)
    assert Order.objects.count() == len(placed)
    if connection.vendor == "postgresql":
        refusals = [r for r in results if isinstance(r, str)]
        assert len(placed) == 3 and len(refusals) == 5
        assert all("used as many times" in r for r in refusals)
    assert promotion_problems() == []
