"""Promotions made through the services, for the placement and API tests."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone


class PromotionFactory:
    def __init__(self, operator):
        self.operator = operator

    def make(self, *, merchant=None, by=None, **terms):
        from etalage.promotions.services import PromotionTerms, promotion_create

        now = timezone.now()
        values = {
            "kind": "coupon",
            "name": "Test promotion",
            "starts_at": now - timedelta(days=1),
            "ends_at": now + timedelta(days=1),
            "budget": Decimal("10000.00"),
        }
        values.update(terms)
        return promotion_create(
            terms=PromotionTerms(**values), merchant=merchant, by=by or self.operator
        )


@pytest.fixture
def promotions(db):
    from django.contrib.auth import get_user_model

    operator = get_user_model().objects.create_user(
        "operator", email="op@example.be", is_staff=True
    )
    return PromotionFactory(operator)
