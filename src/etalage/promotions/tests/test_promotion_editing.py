"""What may still change in a promotion once it has started, been claimed or
been used (the pure rule and the service that applies it), and pausing one."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from etalage.promotions import editing
from etalage.promotions.models import CouponClaim, Promotion
from etalage.promotions.selectors import coupon_for, live
from etalage.promotions.services import (
    PromotionRefused,
    PromotionTerms,
    promotion_pause,
    promotion_resume,
    promotion_update,
)

NOW = datetime(2030, 5, 1, 12, tzinfo=UTC)
BEFORE = {"name": "A", "kind": "coupon", "amount_off": D("10.00"),
          "threshold": D("100.00"), "budget": D("500.00"), "total_limit": 50,
          "ends_at": NOW + timedelta(days=3), "products": frozenset()}  # fmt: skip


def test_a_scheduled_promotion_changes_everything_but_its_kind():
    after = {**BEFORE, "amount_off": D("20.00"), "budget": D("100.00"),
             "kind": "spend_and_save"}  # fmt: skip
    refusals = editing.change_refusals(
        before=BEFORE, after=after, stage=editing.Stage.SCHEDULED, now=NOW
    )
    assert refusals == {"kind": editing.Refusal.KIND}


def test_a_held_promotion_keeps_its_terms_and_lets_its_budget_only_grow():
    after = {**BEFORE, "amount_off": D("20.00"), "threshold": D("50.00"),
             "budget": D("400.00"), "total_limit": None, "name": "B",
             "products": frozenset({"p"})}  # fmt: skip
    refusals = editing.change_refusals(
        before=BEFORE, after=after, stage=editing.Stage.HELD, now=NOW
    )
    assert refusals == {
        "amount_off": editing.Refusal.HELD,
        "threshold": editing.Refusal.HELD,
        "products": editing.Refusal.HELD,
        "budget": editing.Refusal.SHRINK,
    }
    grown = {**BEFORE, "budget": D("900.00"), "total_limit": 80, "name": "B",
             "ends_at": NOW + timedelta(days=9)}  # fmt: skip
    assert not editing.change_refusals(
        before=BEFORE, after=grown, stage=editing.Stage.HELD, now=NOW
    )


def test_a_held_promotions_end_never_moves_into_the_past():
    after = {**BEFORE, "ends_at": NOW - timedelta(minutes=1)}
    assert editing.change_refusals(
        before=BEFORE, after=after, stage=editing.Stage.HELD, now=NOW
    ) == {"ends_at": editing.Refusal.PAST}


def test_an_ended_promotion_changes_no_more():
    after = {**BEFORE, "name": "B", "budget": D("900.00")}
    assert editing.change_refusals(
        before=BEFORE, after=after, stage=editing.Stage.ENDED, now=NOW
    ) == {"name": editing.Refusal.ENDED, "budget": editing.Refusal.ENDED}


def test_a_claimed_promotion_is_held_before_it_starts():
    later = NOW + timedelta(days=1)
    kwargs = {"starts_at": later, "ends_at": later + timedelta(days=1),
              "ended_at": None, "used": 0, "now": NOW}  # fmt: skip
    assert editing.stage_of(claimed=False, **kwargs) == editing.Stage.SCHEDULED
    assert editing.stage_of(claimed=True, **kwargs) == editing.Stage.HELD


def _terms(promotion: Promotion, **changes) -> PromotionTerms:
    values = {name: getattr(promotion, name) for name in (
        "kind", "name", "starts_at", "ends_at", "budget", "amount_off",
        "percent_off", "cap", "threshold", "code", "claimable", "total_limit",
        "per_buyer_limit")}  # fmt: skip
    return replace(PromotionTerms(**values), **changes)


def test_the_service_refuses_a_running_coupons_new_amount_and_changes_nothing(
    promotions, catalogue, db
):
    merchant = catalogue.merchant()
    coupon = promotions.make(merchant=merchant, code="SPRING", amount_off=D("10.00"))
    with pytest.raises(PromotionRefused) as refused:
        promotion_update(
            promotion=coupon,
            terms=_terms(coupon, amount_off=D("30.00"), budget=D("20000.00")),
        )
    assert set(refused.value.message_dict) == {"amount_off"}
    coupon.refresh_from_db()
    assert (coupon.amount_off, coupon.budget) == (D("10.00"), D("10000.00"))
    grown = promotion_update(
        promotion=coupon, terms=_terms(coupon, budget=D("20000.00"), name="More")
    )
    assert (grown.budget, grown.name) == (D("20000.00"), "More")


def test_a_coupon_claimed_before_it_starts_keeps_its_terms(
    promotions, catalogue, django_user_model
):
    merchant = catalogue.merchant()
    start = timezone.now() + timedelta(days=2)
    coupon = promotions.make(
        merchant=merchant, amount_off=D("10.00"), claimable=True,
        starts_at=start, ends_at=start + timedelta(days=1),
    )  # fmt: skip
    assert promotion_update(
        promotion=coupon, terms=_terms(coupon, amount_off=D("12.00"))
    ).amount_off == D("12.00")
    CouponClaim.objects.create(
        promotion=coupon, buyer=django_user_model.objects.create_user("b")
    )
    with pytest.raises(PromotionRefused) as refused:
        promotion_update(promotion=coupon, terms=_terms(coupon, amount_off=D("5.00")))
    assert "claimed" in refused.value.message_dict["amount_off"][0]


def test_a_paused_promotion_is_not_live_and_its_coupon_says_so(promotions, catalogue):
    merchant = catalogue.merchant()
    coupon = promotions.make(merchant=merchant, code="PAUSE1", amount_off=D("5.00"))
    now = timezone.now()
    promotion_pause(promotion=coupon)
    assert not Promotion.objects.filter(live(now), pk=coupon.pk).exists()
    assert coupon_for(code="PAUSE1", buyer_id=None, now=now).refusal == "paused"
    promotion_resume(promotion=coupon)
    assert Promotion.objects.filter(live(now), pk=coupon.pk).exists()


@pytest.mark.parametrize("role", ["finance", "fulfilment"])
def test_only_the_catalogues_roles_run_a_shops_promotions_whatever_the_door(
    promotions, catalogue, django_user_model, role
):
    from django.core.exceptions import PermissionDenied

    from etalage.merchants.models import MerchantMember

    merchant = catalogue.merchant()
    clerk = django_user_model.objects.create_user(f"clerk-{role}")
    MerchantMember.objects.create(merchant=merchant, user=clerk, role=role)
    with pytest.raises(PermissionDenied):
        promotions.make(merchant=merchant, by=clerk, amount_off=D("5.00"))
    coupon = promotions.make(merchant=merchant, amount_off=D("5.00"))
    with pytest.raises(PermissionDenied):
        promotion_pause(promotion=coupon, by=clerk)
    with pytest.raises(PermissionDenied):
        promotion_update(promotion=coupon, terms=_terms(coupon, name="X"), by=clerk)
    coupon.refresh_from_db()
    assert (coupon.paused_at, coupon.name) == (None, "Test promotion")
