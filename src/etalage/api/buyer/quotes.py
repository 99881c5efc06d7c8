"""POST /api/v1/quotes: what a cart costs a buyer, per merchant sub-order."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.utils import translation
from ninja import Field, Router, Schema

from etalage.api.context import MarketQuery, market_context, money_out, pricing_out
from etalage.api.errors import ApiError, ErrorOut, not_found
from etalage.api.schemas import MerchantRef, MoneyOut, PricingOut
from etalage.catalog.models import Variant
from etalage.catalog.selectors import visible_products
from etalage.checkout.info import CheckoutInfo, checkout_info
from etalage.checkout.selectors import RequestedLine
from etalage.customs.models import BuyerIdentity
from etalage.customs.selectors import identities_of, identity_of
from etalage.money import Money
from etalage.orders.transit_times import window_text

router = Router(tags=["quotes"])
ZERO = Decimal("0.00")


class QuoteLineIn(Schema):
    product: str = Field(..., description="The product's slug.")
    sku: str
    quantity: int = Field(..., ge=1, le=99)


class QuoteIn(Schema):
    market: str = "CN"
    lang: str | None = None
    lines: list[QuoteLineIn] = Field(..., min_length=1, max_length=100)
    identity: str | None = Field(
        None,
        description=(
            "Signed-in buyers: the key of the identity the order will use (by "
            "default their first); its yearly allowance and caps are counted."
        ),
    )
    coupon: str = Field(
        "",
        max_length=64,
        description="A coupon's code, or the key of a coupon the buyer claimed "
        "(`GET /me/coupons`); one that does not apply is left out and said why in "
        "`coupon_problem`.",
    )


class QuoteLineOut(Schema):
    product: str
    sku: str
    quantity: int
    unit_price: MoneyOut
    goods: MoneyOut
    regular_unit_price: MoneyOut | None = Field(
        None, description="On sale: the regular price (shown struck through)."
    )


class QuotePromotionOut(Schema):
    label: str = Field(..., description="The promotion, in the reader's language.")
    amount: MoneyOut = Field(..., description="What it takes off this parcel.")


class LimitsOut(Schema):
    verdict: str
    allowed: bool
    counted: Decimal
    over_by: Decimal
    year_remaining: Decimal


class QuoteDeliveryOut(Schema):
    earliest: date = Field(..., description="First day of the window (Beijing).")
    latest: date = Field(..., description="Last day of the window (Beijing).")
    text: str = Field(..., description="The window in the reader's language.")
    parcels_measured: int = Field(
        ...,
        description="Deliveries of the route it is computed from; 0: a "
        "conservative default until the route has history.",
    )


class QuoteSubOrderOut(Schema):
    merchant: MerchantRef
    route: str = Field(
        ..., description="direct_liege (9610), bonded (1210) or domestic"
    )
    customs_mode: str = Field(..., description="9610, 1210, or empty within a country")
    lines: list[QuoteLineOut]
    weight_grams: int
    goods: MoneyOut
    freight: MoneyOut
    consumption_tax: MoneyOut
    vat: MoneyOut
    tariff: MoneyOut
    tax: MoneyOut
    total: MoneyOut
    savings: MoneyOut = Field(
        ..., description="What promotions take off this parcel (goods and freight)."
    )
    discount: MoneyOut = Field(
        ...,
        description="The platform's part of it: customs' non-cash `discount` "
        "(CEB311); the merchant's part is already out of `goods` and `freight`. "
        "`total` = goods + freight + tax - discount.",
    )
    promotions: list[QuotePromotionOut] = Field(default_factory=list)
    limits: LimitsOut | None
    problem: str
    delivery: QuoteDeliveryOut | None = Field(
        None, description="When the parcel should arrive if paid now (China only)."
    )


class QuoteOut(Schema):
    pricing: PricingOut
    allowed: bool
    total: MoneyOut
    sub_orders: list[QuoteSubOrderOut]
    problems: list[str] = Field(
        ..., description="What stops the order (stock, limits, caps), in the language."
    )
    can_place: bool = Field(
        ..., description="Nothing stops it, and an identity and address are chosen."
    )
    coupon_problem: str = Field(
        "", description="Why the coupon sent does not apply, in the language."
    )
    hints: list[str] = Field(
        default_factory=list,
        description='How far the cart is from the next offer ("¥12.00 more for '
        '¥30.00 off"), in the language.',
    )


@router.post(
    "/quotes", response={200: QuoteOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def quote_create(request: HttpRequest, payload: QuoteIn) -> QuoteOut:
    """Quote a cart: goods, freight, CBEC tax and the limits, per merchant sub-order.

    The same checkout as the cart page's and the order's: each line ships from the
    warehouse the order would take it from, and for a signed-in buyer the chosen
    identity's yearly allowance and caps count, so an order placed with this total
    as its ``expected_total`` is placed at it."""
    strategy, language = market_context(
        MarketQuery(market=payload.market, lang=payload.lang)
    )
    wanted = {(line.product, line.sku) for line in payload.lines}
    variants = {
        (v.product.slug, v.sku): v
        for v in Variant.objects.filter(
            is_active=True,
            product__in=visible_products().filter(slug__in=[p for p, _s in wanted]),
        ).select_related("product__merchant")
    }
    lines = []
    for index, line in enumerate(payload.lines):
        variant = variants.get((line.product, line.sku))
        if variant is None:
            raise ApiError(
                422,
                "invalid",
                f"no variant {line.sku!r} of a product {line.product!r} on sale",
                f"lines.{index}.sku",
            )
        lines.append(RequestedLine(variant, line.quantity))
    with translation.override(language):
        info = checkout_info(
            strategy=strategy,
            lines=lines,
            language=language,
            identity=_identity(request, payload.identity),
            coupon_code=payload.coupon,
            buyer_id=request.user.pk if request.user.is_authenticated else None,
        )
    if info.quote is None:
        raise ApiError(422, "not_quotable", info.messages[-1], "lines")
    return quote_out(info, language)


def quote_out(info: CheckoutInfo, language: str) -> QuoteOut:
    """A checkout's quote as the API answers it (quotes and the cart)."""
    strategy, quote = info.strategy, info.quote
    assert quote is not None

    def money(amount: Decimal | int) -> MoneyOut:
        return money_out(Money(amount, quote.currency), language)

    sub_orders = []
    for sub in quote.sub_orders:
        tax = sub.tax
        sub_orders.append(
            QuoteSubOrderOut(
                merchant=MerchantRef(slug=sub.merchant_slug, name=sub.merchant_name),
                route=sub.placement.route.value,
                customs_mode=sub.placement.route.customs_mode,
                lines=[
                    QuoteLineOut(
                        product=ql.variant.product.slug,
                        sku=ql.variant.sku,
                        quantity=ql.quantity,
                        unit_price=money_out(ql.unit_price, language),
                        goods=money_out(ql.unit_price * ql.quantity, language),
                        regular_unit_price=money_out(ql.regular_price, language),
                    )
                    for ql in sub.lines
                ],
                weight_grams=sub.weight_grams,
                goods=money_out(sub.goods, language),
                freight=money_out(sub.freight, language),
                consumption_tax=money(tax.consumption_tax if tax else 0),
                vat=money(tax.vat if tax else 0),
                tariff=money(tax.tariff if tax else 0),
                tax=money(tax.tax if tax else 0),
                total=money_out(sub.total, language),
                savings=money(sub.savings.amount if sub.savings else ZERO),
                discount=money(sub.discount.amount if sub.discount else ZERO),
                promotions=[
                    QuotePromotionOut(label=label, amount=money_out(amount, language))
                    for label, amount in sub.promotions
                ],
                limits=LimitsOut(
                    verdict=tax.limits.verdict,
                    allowed=tax.limits.allowed,
                    counted=tax.limits.counted,
                    over_by=tax.limits.over_by,
                    year_remaining=tax.limits.year_remaining,
                )
                if tax
                else None,
                problem=sub.problem,
                delivery=_delivery(info, sub.placement.route, language),
            )
        )
    return QuoteOut(
        pricing=pricing_out(strategy, language),
        allowed=quote.allowed,
        total=money_out(quote.total, language),
        sub_orders=sub_orders,
        problems=info.messages,
        can_place=info.can_place,
        coupon_problem=info.coupon_problem.message if info.coupon_problem else "",
        hints=list(quote.hints),
    )


def _identity(request: HttpRequest, key: str | None) -> BuyerIdentity | None:
    """The signed-in buyer's identity ``key`` (their first when none is given)."""
    user = request.user
    if not user.is_authenticated:
        if key:
            raise ApiError(401, "unauthorized", "sign in to quote for an identity")
        return None
    if not key:
        identities = identities_of(user=user)
        return identities[0] if identities else None
    identity = identity_of(user=user, key=key)
    if identity is None:
        raise not_found("identity", "identity")
    return identity


def _delivery(info: CheckoutInfo, route: str, language: str) -> QuoteDeliveryOut | None:
    window = info.promises.get(route)
    if window is None or not info.strategy.takes_orders:
        return None
    with translation.override(language):
        text = window_text(window)
    return QuoteDeliveryOut(earliest=window.earliest, latest=window.latest, text=text,
                       parcels_measured=window.parcels)  # fmt: skip
