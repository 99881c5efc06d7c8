"""Reads of promotions: what is in force for a cart, a code, a product, a buyer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from django.db.models import Count, F, Q, QuerySet

from etalage.catalog.models import Product
from etalage.core.prepared import PreparedRead
from etalage.promotions import core, editing
from etalage.promotions.models import (
    CouponClaim,
    LineDiscount,
    ParcelDiscount,
    Promotion,
    Redemption,
    SalePrice,
)


def live(now: datetime) -> Q:
    """In its window, not ended early nor paused, with budget and uses left."""
    return (
        Q(starts_at__lte=now, ends_at__gt=now, ended_at__isnull=True)
        & Q(paused_at__isnull=True)
        & Q(spent__lt=F("budget"))
        & (Q(total_limit__isnull=True) | Q(used__lt=F("total_limit")))
    )


def offer_of(promotion: Promotion) -> core.Offer:
    """The promotion's terms as the pure rules read them."""
    return core.Offer(
        key=str(promotion.pk),
        kind=core.Kind(promotion.kind),
        funder=core.Funder(promotion.funder),
        merchant=str(promotion.merchant_id) if promotion.merchant_id else None,
        amount_off=promotion.amount_off,
        percent_off=promotion.percent_off,
        cap=promotion.cap,
        threshold=promotion.threshold,
        products=frozenset(str(p.pk) for p in promotion.products.all()),
    )


def _with_products(queryset: QuerySet[Promotion]) -> QuerySet[Promotion]:
    return queryset.prefetch_related("products")


def offers_in_force(
    *, merchant_ids: Iterable[UUID], now: datetime
) -> dict[str, tuple[Promotion, core.Offer]]:
    """Spend-and-save and free-shipping offers a cart of these merchants gets."""
    promotions = _with_products(
        Promotion.objects.filter(live(now))
        .filter(kind__in=[Promotion.Kind.SPEND_AND_SAVE, Promotion.Kind.FREE_SHIPPING])
        .filter(Q(merchant__isnull=True) | Q(merchant_id__in=list(merchant_ids)))
        .order_by("pk")
    )
    return {str(p.pk): (p, offer_of(p)) for p in promotions}


@dataclass(frozen=True)
class CouponLookup:
    promotion: Promotion | None
    offer: core.Offer | None
    refusal: core.Refusal | None


def _parse_uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None


def buyer_uses(*, promotion: Promotion, buyer_id: int | None) -> int:
    return Redemption.objects.filter(
        promotion=promotion, buyer_id=buyer_id, released_at__isnull=True
    ).count()


def _used_up(promotion: Promotion, buyer_id: int | None) -> bool:
    if promotion.total_limit is not None and promotion.used >= promotion.total_limit:
        return True
    return buyer_used_up(promotion=promotion, buyer_id=buyer_id)


def coupon_for(*, code: str, buyer_id: int | None, now: datetime) -> CouponLookup:
    """The coupon a buyer typed (its code) or chose (a claimed coupon's key),
    with the reason it cannot be used now, if it cannot."""
    text = (code or "").strip()
    key = _parse_uuid(text)
    coupons = _with_products(Promotion.objects.filter(kind=Promotion.Kind.COUPON))
    if key is not None:
        promotion = coupons.filter(pk=key, claims__buyer_id=buyer_id).first()
    else:
        promotion = coupons.filter(code=text.upper()).first() if text else None
    if promotion is None:
        return CouponLookup(None, None, core.Refusal.UNKNOWN)
    refusal = None
    if promotion.starts_at > now:
        refusal = core.Refusal.NOT_STARTED
    elif promotion.ends_at <= now or promotion.ended_at is not None:
        refusal = core.Refusal.EXPIRED
    elif promotion.paused_at is not None:
        refusal = core.Refusal.PAUSED
    elif promotion.spent >= promotion.budget:
        refusal = core.Refusal.BUDGET_USED
    elif _used_up(promotion, buyer_id):
        refusal = core.Refusal.LIMIT_USED
    return CouponLookup(promotion, offer_of(promotion), refusal)


def claimable_coupons(*, merchant_id: UUID, product_id: UUID, now: datetime) -> list[
    Promotion
]:  # fmt: skip
    """Coupons shown on a product's page: claimable, live, for its merchant (or the
    whole pavilion) and for it (or all products); their products prefetched."""
    return [
        promotion
        for promotion, offer in shop_claimable_coupons(merchant_id=merchant_id, now=now)
        if not offer.products or str(product_id) in offer.products
    ]


def shop_claimable_coupons(
    *, merchant_id: UUID, now: datetime
) -> list[tuple[Promotion, core.Offer]]:
    """The coupons any of a shop's product pages may show (claimable, live, for
    the shop or the whole pavilion), each with its terms, whose ``products`` are
    those it applies to (none: all), by threshold: in two queries, so that a
    storefront may keep them once a shop rather than once a product."""
    coupons = _with_products(
        Promotion.objects.filter(live(now), kind=Promotion.Kind.COUPON, claimable=True)
        .filter(Q(merchant__isnull=True) | Q(merchant_id=merchant_id))
        .order_by("threshold", "pk")
    )
    return [(promotion, offer_of(promotion)) for promotion in coupons]


def buyer_used_up(*, promotion: Promotion, buyer_id: int | None) -> bool:
    """Whether the buyer has used the coupon as many times as it allows them."""
    return (
        buyer_id is not None
        and buyer_uses(promotion=promotion, buyer_id=buyer_id)
        >= promotion.per_buyer_limit
    )


def coupon_standings(
    *, buyer_id: int | None, promotion_ids: Iterable[str]
) -> dict[str, str]:
    """Each coupon's standing for the buyer, by key: "used" (as many times as it
    allows them), "claimed" (in *My account*, uses left) or absent (to claim)."""
    keys = list(promotion_ids)
    if buyer_id is None or not keys:
        return {}
    standings = {
        str(pk): "claimed"
        for pk in CouponClaim.objects.filter(
            buyer_id=buyer_id, promotion_id__in=keys
        ).values_list("promotion_id", flat=True)
    }
    used = (
        Redemption.objects.filter(
            buyer_id=buyer_id, promotion_id__in=keys, released_at__isnull=True
        )
        .values("promotion_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=F("promotion__per_buyer_limit"))
        .values_list("promotion_id", flat=True)
    )
    standings.update({str(pk): "used" for pk in used})
    return standings


def claimed_coupons(*, buyer_id: int | None, now: datetime) -> list[Promotion]:
    """The buyer's claimed coupons still usable, soonest to expire first."""
    claimed = CouponClaim.objects.filter(buyer_id=buyer_id).values("promotion_id")
    return list(
        Promotion.objects.filter(live(now), pk__in=claimed)
        .select_related("merchant")
        .exclude(
            pk__in=Redemption.objects.filter(
                buyer_id=buyer_id, released_at__isnull=True
            )
            .values("promotion_id")
            .annotate(n=Count("pk"))
            .filter(n__gte=F("promotion__per_buyer_limit"))
            .values("promotion_id")
        )
        .order_by("ends_at")
    )


def sale_prices_in_force(
    *, variant_ids: Iterable[UUID], now: datetime
) -> dict[UUID, SalePrice]:
    """The sale running on each of these variants (the lowest if two overlap)."""
    return sale_prices_in_force_until(variant_ids=variant_ids, now=now)[0]


# The same SQL for every product page (one per number of variants): compiled
# once (``core.prepared``), run with the variants and the moment.
_SALES_NOT_ENDED = PreparedRead(
    lambda variant_ids, now: SalePrice.objects.filter(
        variant_id__in=variant_ids, ends_at__gt=now, ended_at__isnull=True
    ).order_by("-price_eur"),
    [SalePrice._meta.get_field("variant")],
    SalePrice._meta.get_field("ends_at"),
)


def sale_prices_in_force_until(
    *, variant_ids: Iterable[UUID], now: datetime
) -> tuple[dict[UUID, SalePrice], datetime | None]:
    """The sale running on each of these variants (the lowest if two overlap), and
    until when that answer holds by the clock: the next start or end of one of
    their sales not ended (None: no sale to come). In one query, so that a page
    may keep the answer until then (a sale set or ended early is a change of its
    own: ``ProductsChanged``)."""
    sales = _SALES_NOT_ENDED(list(variant_ids), now)
    running = {sale.variant_id: sale for sale in sales if sale.starts_at <= now}
    moments = [
        sale.starts_at if sale.starts_at > now else sale.ends_at for sale in sales
    ]
    return running, min(moments, default=None)


def merchant_promotions(*, merchant_id: UUID) -> QuerySet[Promotion]:
    return Promotion.objects.filter(merchant_id=merchant_id).order_by("-starts_at")


def parcel_discounts(sub_order_ids: Iterable[UUID]) -> dict[UUID, Decimal]:
    """The non-cash discount of each of these sub-orders that has one."""
    return dict(
        ParcelDiscount.objects.filter(sub_order_id__in=list(sub_order_ids))
        .exclude(noncash=0)
        .values_list("sub_order_id", "noncash")
    )


def line_platform_shares(sub_order_id: UUID) -> dict[UUID, Decimal]:
    """The platform's (non-cash) part of each discounted line of a sub-order, by
    variant: what the buyer did not pay in cash for it."""
    return dict(
        LineDiscount.objects.filter(sub_order_id=sub_order_id)
        .exclude(platform=0)
        .values_list("variant_id", "platform")
    )


def parcel_discount_of(sub_order_id: UUID) -> Decimal:
    """The non-cash discount CEB311 declares for a sub-order (0 without one)."""
    found = (
        ParcelDiscount.objects.filter(sub_order_id=sub_order_id)
        .values_list("noncash", flat=True)
        .first()
    )
    return found if found is not None else Decimal("0.00")


@dataclass(frozen=True)
class CartPromotions:
    """What a cart may use now, fetched once for the quote (``checkout_info``)."""

    promotions: dict[str, Promotion]  # by key: every offer and the coupon
    offers: tuple[core.Offer, ...] = ()
    coupon: core.Offer | None = None
    coupon_refusal: core.Refusal | None = None
    sales: dict[UUID, SalePrice] | None = None

    def sale_price_eur(self, variant_id: UUID) -> Decimal | None:
        sale = (self.sales or {}).get(variant_id)
        return sale.price_eur if sale is not None else None


def cart_promotions(
    *,
    merchant_ids: Iterable[UUID],
    variant_ids: Iterable[UUID],
    coupon_code: str = "",
    buyer_id: int | None = None,
    now: datetime,
) -> CartPromotions:
    """The offers, the coupon (with why not) and the sale prices for a cart."""
    found = offers_in_force(merchant_ids=merchant_ids, now=now)
    promotions = {key: promotion for key, (promotion, _offer) in found.items()}
    coupon = refusal = None
    if coupon_code.strip():
        lookup = coupon_for(code=coupon_code, buyer_id=buyer_id, now=now)
        refusal = lookup.refusal
        if lookup.promotion is not None and lookup.offer is not None and not refusal:
            coupon = lookup.offer
            promotions[coupon.key] = lookup.promotion
    return CartPromotions(
        promotions=promotions,
        offers=tuple(offer for _promotion, offer in found.values()),
        coupon=coupon,
        coupon_refusal=refusal,
        sales=sale_prices_in_force(variant_ids=variant_ids, now=now),
    )


def order_merchant_line_shares(
    sub_order_ids: Iterable[UUID],
) -> dict[tuple[UUID, UUID], Decimal]:
    """What the merchants' promotions took off each line of these sub-orders, by
    (sub-order, variant): the line's price shown is its declared goods plus it."""
    return {
        (sub_order_id, variant_id): merchant
        for sub_order_id, variant_id, merchant in LineDiscount.objects.filter(
            sub_order_id__in=list(sub_order_ids)
        )
        .exclude(merchant=0)
        .values_list("sub_order_id", "variant_id", "merchant")
    }


def order_redemptions(*, order_id: UUID) -> list[Redemption]:
    """Each promotion an order used, with what it took off the whole order."""
    return list(
        Redemption.objects.filter(order_id=order_id, amount__gt=0)
        .select_related("promotion")
        .prefetch_related("promotion__products")
        .order_by("promotion__kind", "pk")
    )


@dataclass(frozen=True)
class ParcelSavings:
    """A placed parcel's goods and freight at the prices shown, and what its
    promotions took off in all (the merchant's and the platform's)."""

    goods_shown: Decimal
    freight_shown: Decimal
    savings: Decimal


def parcel_savings(sub_order_ids: Iterable[UUID]) -> dict[UUID, ParcelSavings]:
    """The discounted ones of these parcels, by key (one query)."""
    found = {}
    for kept in ParcelDiscount.objects.filter(
        sub_order_id__in=list(sub_order_ids)
    ).select_related("sub_order"):
        sub = kept.sub_order
        tax = sub.tariff + sub.consumption_tax + sub.vat
        found[sub.pk] = ParcelSavings(
            goods_shown=kept.goods_shown,
            freight_shown=kept.freight_shown,
            savings=kept.goods_shown + kept.freight_shown + tax - sub.total,
        )
    return found


@dataclass(frozen=True)
class PromotionFigures:
    """What a promotion did so far, for its page."""

    uses: int
    buyers: int
    given: Decimal  # CNY taken off in all
    budget_left: Decimal
    claims: int


def promotion_figures(*, promotion: Promotion) -> PromotionFigures:
    """Its uses and buyers (cancelled orders' given back), what it gave, what is
    left of its budget and how many buyers claimed it."""
    taken = Redemption.objects.filter(promotion=promotion, released_at__isnull=True)
    counted = taken.aggregate(buyers=Count("buyer_id", distinct=True))
    return PromotionFigures(
        uses=promotion.used,
        buyers=counted["buyers"],
        given=promotion.spent,
        budget_left=promotion.budget - promotion.spent,
        claims=CouponClaim.objects.filter(promotion=promotion).count(),
    )


def promotion_stage(*, promotion: Promotion, now: datetime) -> editing.Stage:
    """Where the promotion stands: what may still change follows from it."""
    return editing.stage_of(
        starts_at=promotion.starts_at,
        ends_at=promotion.ends_at,
        ended_at=promotion.ended_at,
        used=promotion.used,
        claimed=CouponClaim.objects.filter(promotion=promotion).exists(),
        now=now,
    )


@dataclass(frozen=True)
class ProductChoice:
    """One of the shop's products as the promotion's picker lists it."""

    pk: UUID
    name: str
    skus: tuple[str, ...]


def promotable_products(
    *, merchant_id: UUID, language: str, fallback: str
) -> list[ProductChoice]:
    """The shop's own products (only its own), named in ``language`` (else the
    shop's ``fallback``, else any), with their SKUs, by name."""
    products = (
        Product.objects.filter(merchant_id=merchant_id)
        .prefetch_related("translations", "variants")
        .order_by("created_at")
    )
    choices = []
    for product in products:
        names = {t.language: t.name for t in product.translations.all() if t.name}
        name = (
            names.get(language)
            or names.get(fallback)
            or next(iter(names.values()), product.slug)
        )
        skus = tuple(v.sku for v in product.variants.all())
        choices.append(ProductChoice(product.pk, name, skus))
    return sorted(choices, key=lambda c: c.name.casefold())


def variant_sales(
    *, variant_ids: Iterable[UUID], now: datetime
) -> dict[UUID, SalePrice]:
    """Each variant's sale running now, else its next one."""
    sales = (
        SalePrice.objects.filter(
            variant_id__in=list(variant_ids), ended_at__isnull=True, ends_at__gt=now
        )
        .select_related("variant")
        .order_by("-starts_at")
    )
    return {sale.variant_id: sale for sale in sales}
