"""The demo's promotions, made through the promotions services after the demo's
orders (which were placed at full price): a platform coupon to type or claim
(¥20 off from ¥199), Maison Verhaeghe's spend-and-save (¥30 off every ¥300) and a
coupon of its own to claim, Brasserie du Val d'Ourthe's free shipping from ¥199,
and a week's flash sale on a box of Pralines Lemaire. Their windows start the day
before the demo is loaded, so ``make run`` shows them at once."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from etalage.catalog.models import Variant
from etalage.merchants.models import Merchant
from etalage.promotions.services import PromotionTerms, promotion_create, sale_price_set

PLATFORM_CODE = "BELGIQUE20"


def demo_promotions(log) -> None:
    operator = get_user_model().objects.get(username="operator")
    now = timezone.now()
    window = {"starts_at": now - timedelta(days=1), "ends_at": now + timedelta(days=90)}
    merchants = {m.slug: m for m in Merchant.objects.all()}
    verhaeghe = merchants["maison-verhaeghe"]
    promotion_create(
        terms=PromotionTerms(
            kind="coupon", name="Belgium pavilion: welcome", code=PLATFORM_CODE,
            amount_off=Decimal("20.00"), threshold=Decimal("199.00"),
            claimable=True, budget=Decimal("20000.00"), **window,
        ),
        by=operator,
    )  # fmt: skip
    promotion_create(
        terms=PromotionTerms(
            kind="spend_and_save", name="¥30 off every ¥300",
            amount_off=Decimal("30.00"), threshold=Decimal("300.00"),
            budget=Decimal("10000.00"), **window,
        ),
        merchant=verhaeghe, by=operator,
    )  # fmt: skip
    promotion_create(
        terms=PromotionTerms(
            kind="coupon", name="Verhaeghe: ¥15 off", amount_off=Decimal("15.00"),
            threshold=Decimal("150.00"), claimable=True, budget=Decimal("3000.00"),
            **window,
        ),
        merchant=verhaeghe, by=operator,
    )  # fmt: skip
    promotion_create(
        terms=PromotionTerms(
            kind="free_shipping", name="Free shipping from ¥199",
            threshold=Decimal("199.00"), budget=Decimal("5000.00"), **window,
        ),
        merchant=merchants["brasserie-val-ourthe"], by=operator,
    )  # fmt: skip
    on_sale = (
        Variant.objects.filter(
            product__merchant__slug="pralines-lemaire", is_active=True,
            product__status="live",
        )
        .order_by("sku")
        .first()
    )  # fmt: skip
    if on_sale is not None:
        sale_price_set(
            variant=on_sale,
            price_eur=(on_sale.price_eur * Decimal("0.8")).quantize(
                Decimal("0.01"), ROUND_HALF_UP
            ),
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=7),
        )
    log(
        f"Promotions: the platform's coupon {PLATFORM_CODE} (¥20 off from ¥199), "
        "Maison Verhaeghe's ¥30 off every ¥300 and its ¥15 coupon, free shipping "
        "from ¥199 at Brasserie du Val d'Ourthe, a week's flash sale at Pralines "
        "Lemaire (-20 %)."
    )
