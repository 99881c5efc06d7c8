"""POST /api/v1/quotes: what a cart costs a buyer, per merchant sub-order."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from django.utils import translation
from ninja import Field, Router, Schema

from etalage.api.errors import ApiError, ErrorOut
from etalage.api.schemas import MerchantRef, MoneyOut, PricingOut
from etalage.catalog.models import Variant
from etalage.catalog.selectors import visible_products
from etalage.money import Money
from etalage.pricing.quote import QuoteRefused, cart_quote

router = Router(tags=["quotes"])


class QuoteLineIn(Schema):
    product: str = Field(..., description="The product's slug.")
    sku: str
    quantity: int = Field(..., ge=1, le=99)


class QuoteIn(Schema):
    market: str = "CN"
    lang: str | None = None
    lines: list[QuoteLineIn] = Field(..., min_length=1, max_length=100)


class QuoteLineOut(Schema):
    product: str
    sku: str
    quantity: int
    unit_price: MoneyOut
    goods: MoneyOut


class LimitsOut(Schema):
    verdict: str
    allowed: bool
    counted: Decimal
    over_by: Decimal
    year_remaining: Decimal


class SubOrderOut(Schema):
    merchant: MerchantRef
    lines: list[QuoteLineOut]
    weight_grams: int
    goods: MoneyOut
    freight: MoneyOut
    consumption_tax: MoneyOut
    vat: MoneyOut
    tariff: MoneyOut
    tax: MoneyOut
    total: MoneyOut
    limits: LimitsOut | None
    problem: str


class QuoteOut(Schema):
    pricing: PricingOut
    allowed: bool
    total: MoneyOut
    sub_orders: list[SubOrderOut]


@router.post("/quotes", response={200: QuoteOut, 404: ErrorOut, 422: ErrorOut})
def quote_create(request: HttpRequest, payload: QuoteIn):
    """Quote a cart: goods, freight, CBEC tax and the limits, per merchant sub-order."""
    from etalage.api.api import MarketQuery, _context, _money, _pricing_out

    pricing, language = _context(MarketQuery(market=payload.market, lang=payload.lang))
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
        lines.append((variant, line.quantity))
    try:
        with translation.override(language):
            quote = cart_quote(pricing=pricing, lines=lines, language=language)
    except QuoteRefused as refused:
        raise ApiError(422, "not_quotable", str(refused), "lines") from None

    def money(amount) -> MoneyOut:
        return _money(Money(amount, quote.currency), language)

    sub_orders = []
    for sub in quote.sub_orders:
        tax = sub.tax
        sub_orders.append(
            SubOrderOut(
                merchant=MerchantRef(slug=sub.merchant_slug, name=sub.merchant_name),
                lines=[
                    QuoteLineOut(
                        product=ql.variant.product.slug,
                        sku=ql.variant.sku,
                        quantity=ql.quantity,
                        unit_price=_money(ql.unit_price, language),
                        goods=_money(ql.unit_price * ql.quantity, language),
                    )
                    for ql in sub.lines
                ],
                weight_grams=sub.weight_grams,
                goods=_money(sub.goods, language),
                freight=_money(sub.freight, language),
                consumption_tax=money(tax.consumption_tax if tax else 0),
                vat=money(tax.vat if tax else 0),
                tariff=money(tax.tariff if tax else 0),
                tax=money(tax.tax if tax else 0),
                total=_money(sub.total, language),
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
            )
        )
    return QuoteOut(
        pricing=_pricing_out(pricing, language),
        allowed=quote.allowed,
        total=_money(quote.total, language),
        sub_orders=sub_orders,
    )
