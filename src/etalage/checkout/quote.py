"""The landed cost of a cart for a buyer: per merchant sub-order, goods, freight,
CBEC tax and the limits' verdict. The same numbers for the API, the cart and checkout.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from uuid import UUID

from django.utils import timezone
from django.utils.translation import gettext as _

from etalage.catalog.models import Variant
from etalage.customs.cbec import (
    OrderLine,
    OrderTax,
    SubOrder,
    Verdict,
    cart_tax,
    order_tax,
)
from etalage.customs.routes import Route, WarehouseKind
from etalage.customs.selectors import NoRatesInForce, tariff_in_force
from etalage.merchants.models import Merchant
from etalage.money import Money, format_money
from etalage.pricing.freight import TooHeavy, parcel_freight
from etalage.pricing.strategy import MarketStrategy
from etalage.promotions import core as promo
from etalage.promotions.declared import LinePaid, declared_sub_order, lines_paid
from etalage.promotions.selectors import CartPromotions
from etalage.promotions.texts import (
    free_shipping_hint,
    offer_label,
    spend_and_save_hint,
)


class QuoteRefused(ValueError):
    """The cart cannot be quoted (no price or no freight for it), with the reason."""


@dataclass(frozen=True)
class QuoteLine:
    variant: Variant
    quantity: int
    unit_price: Money  # the price shown: the sale price while a sale runs
    regular_price: Money | None = None  # the regular price, struck through, on sale
    sale_price_eur: Decimal | None = None  # the merchant's sale price, on sale

    @property
    def unit_price_eur(self) -> Decimal:
        """The merchant's price of a unit sold: its sale price while it runs."""
        if self.sale_price_eur is not None:
            return self.sale_price_eur
        return self.variant.price_eur

    @property
    def goods(self) -> Money:
        return self.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a line ships from: a warehouse, and the route its parcel takes."""

    warehouse_id: UUID | None
    route: Route


@dataclass(frozen=True)
class SubOrderQuote:
    merchant_name: str
    merchant_slug: str
    lines: tuple[QuoteLine, ...]
    weight_grams: int
    tax: OrderTax | None  # None outside the CBEC regime
    currency: str
    goods: Money
    freight: Money
    total: Money
    placement: Placement
    merchant_id: UUID
    problem: str = ""  # why this sub-order cannot be bought, in the buyer's language
    problem_code: str = ""  # cbec_limit, or not_quotable (no duty known for it)
    # With promotions, ``goods`` and ``freight`` are as declared to customs (less
    # the merchant's discounts); these are before any, at the prices shown. The
    # total is goods + freight + tax - ``discount`` (the platform's non-cash part).
    goods_shown: Money | None = None
    freight_shown: Money | None = None
    savings: Money | None = None  # every promotion's part on this parcel
    discount: Money | None = None  # CEB311's non-cash discount
    promotions: tuple[tuple[str, Money], ...] = ()  # (label, amount) applied here
    paid_by_line: tuple[LinePaid, ...] = ()

    @property
    def key(self) -> str:
        """The parcel's key in the promotions' and the tax's reckoning."""
        return f"{self.merchant_id}:{self.placement.warehouse_id}"


@dataclass(frozen=True, slots=True)
class _Built:
    """A sub-order priced and weighed, before its tax."""

    merchant: Merchant
    lines: tuple[QuoteLine, ...]
    weight: int
    freight: Decimal
    placement: Placement


@dataclass(frozen=True)
class CartQuote:
    sub_orders: tuple[SubOrderQuote, ...]
    currency: str
    discounts: promo.CartDiscounts | None = None
    hints: tuple[str, ...] = ()  # "¥12.00 more for ¥30.00 off", in the buyer's words

    @property
    def savings(self) -> Money:
        return sum(
            (s.savings for s in self.sub_orders if s.savings is not None),
            Money.zero(self.currency),
        )

    @property
    def total(self) -> Money:
        return sum((s.total for s in self.sub_orders), Money.zero(self.currency))

    @property
    def allowed(self) -> bool:
        return not any(s.problem for s in self.sub_orders)


def _limit_message(tax: OrderTax, merchant: str, currency: str, language: str) -> str:
    limits = tax.limits

    def money(amount: Decimal) -> str:
        return format_money(Money(amount, currency), language)

    if limits.verdict == Verdict.OVER_ORDER_LIMIT:
        return _(
            "The order from %(merchant)s comes to %(amount)s, %(over)s over China's "
            "limit of 5,000 CNY per order: remove items or split the order."
        ) % {
            "merchant": merchant,
            "amount": money(limits.counted),
            "over": money(limits.over_by),
        }
    if limits.verdict == Verdict.OVER_ANNUAL_LIMIT:
        return _(
            "With the order from %(merchant)s (%(amount)s), your purchases this "
            "year would be %(over)s over China's limit of 26,000 CNY a year; "
            "%(left)s is left this year: remove items or wait until next year."
        ) % {
            "merchant": merchant,
            "amount": money(limits.counted),
            "over": money(limits.over_by),
            "left": money(limits.year_remaining),
        }
    return ""


def _with_tariff(sub_order: SubOrder, built: _Built, used: Decimal) -> OrderTax:
    """Tax the single-item exception again, with the tariff of the item's HS code."""
    (line,) = sub_order.lines
    variant = built.lines[0].variant
    try:
        tariff = tariff_in_force(
            hs_code=variant.product.hs_code, on=timezone.localdate()
        )
    except NoRatesInForce:
        raise QuoteRefused(
            _(
                "One item over 5,000 CNY pays the full import taxes, but the import "
                "duty for HS code %(hs_code)s is not known: this item cannot be "
                "sold yet."
            )
            % {"hs_code": variant.product.hs_code}
        ) from None
    line = replace(line, rates=replace(line.rates, tariff=tariff))
    return order_tax(
        lines=[line],
        freight=sub_order.freight,
        discount=sub_order.discount,
        year_used=used,
    )


def cart_quote(
    *,
    pricing: MarketStrategy,
    lines: list[tuple[Variant, int]],
    year_used: Decimal = Decimal("0"),
    language: str = "zh-hans",
    placements: Mapping[UUID, Placement] | None = None,
    promotions: CartPromotions | None = None,
) -> CartQuote:
    """Quote a cart: one sub-order (one parcel) per merchant and warehouse, in the
    cart's order. ``placements`` maps a variant's key to where it ships from (by
    default, direct mail from the merchant through the Liège hub); ``promotions``
    the sale prices, offers and coupon the cart may use (``docs/promotions.md``)."""
    placements = placements or {}
    # A line no warehouse was chosen for yet ships as the merchant's own would.
    default = Placement(None, pricing.route_for(WarehouseKind.MERCHANT))
    groups: dict[tuple[UUID, Placement], list[tuple[Variant, int]]] = {}
    for variant, quantity in lines:
        placement = placements.get(variant.pk, default)
        key = (variant.product.merchant_id, placement)
        groups.setdefault(key, []).append((variant, quantity))
    currency = pricing.currency
    built: list[_Built] = []
    for (_merchant_id, placement), group in groups.items():
        merchant = group[0][0].product.merchant
        priced: list[QuoteLine] = []
        for variant, quantity in group:
            sale = promotions.sale_price_eur(variant.pk) if promotions else None
            price = pricing.price(sale if sale is not None else variant.price_eur)
            if price is None:
                raise QuoteRefused(_("No exchange rate is in force for this market."))
            regular = pricing.price(variant.price_eur) if sale is not None else None
            priced.append(QuoteLine(variant, quantity, price, regular, sale))
        weight = sum(v.weight_grams * q for v, q in group)
        freight = Decimal("0")
        bands = pricing.bands_for(placement.route)
        if bands:
            try:
                freight = parcel_freight(list(bands), weight)
            except TooHeavy:
                raise QuoteRefused(
                    _(
                        "The parcel from %(merchant)s is too heavy to ship "
                        "(%(grams)d g)."
                    )
                    % {"merchant": merchant.name, "grams": weight}
                ) from None
        built.append(_Built(merchant, tuple(priced), weight, freight, placement))

    discounts = _discounts(built, promotions)
    taxes: list[OrderTax | None] = [None] * len(built)
    unquotable: dict[int, str] = {}
    if pricing.has_cbec_tax:
        sub_orders = [
            SubOrder(
                key=_parcel_key(b),
                lines=tuple(
                    OrderLine(
                        key=str(ql.variant.pk),
                        unit_price=ql.unit_price.amount,
                        quantity=ql.quantity,
                        rates=pricing.tax_rates[ql.variant.product.tax_class],
                        net=ql.variant.net,
                    )
                    for ql in b.lines
                ),
                freight=b.freight,
            )
            for b in built
        ]
        sub_orders = [
            declared_sub_order(sub, discounts, parcel=sub.key) for sub in sub_orders
        ]
        taxes = list(cart_tax(sub_orders=sub_orders, year_used=year_used))
        # One indivisible unit over 5,000 CNY pays the full taxes, tariff included:
        # tax it again with the tariff of its HS code.
        for index, tax in enumerate(taxes):
            if tax is not None and tax.limits.verdict == Verdict.SINGLE_ITEM_EXCEPTION:
                used = year_used + sum(
                    (t.limits.counted for t in taxes[:index] if t and t.limits.allowed),
                    Decimal("0"),
                )
                try:
                    taxes[index] = _with_tariff(sub_orders[index], built[index], used)
                except QuoteRefused as refused:  # this parcel only, not the cart
                    unquotable[index] = str(refused)

    quotes = []
    for index, (b, tax) in enumerate(zip(built, taxes, strict=True)):
        merchant = b.merchant
        problem, code = unquotable.get(index, ""), "not_quotable"
        if not problem and tax is not None and not tax.limits.allowed:
            problem = _limit_message(tax, merchant.name, currency, language)
            code = "cbec_limit"
        quotes.append(
            _sub_order_quote(b, tax, discounts, currency, language, problem, code)
        )
    return CartQuote(
        sub_orders=tuple(quotes),
        currency=currency,
        discounts=discounts,
        hints=_hints(built, promotions, language),
    )


def _parcel_key(built: _Built) -> str:
    return f"{built.merchant.pk}:{built.placement.warehouse_id}"


def _goods(built: _Built) -> Decimal:
    return sum((ql.unit_price.amount * ql.quantity for ql in built.lines), Decimal(0))


def _discounts(
    built: list[_Built], promotions: CartPromotions | None
) -> promo.CartDiscounts:
    """What the cart's promotions take off, line by line and parcel by parcel."""
    if promotions is None or not (promotions.offers or promotions.coupon):
        return promo.CartDiscounts()
    lines = [
        promo.CartLine(
            key=str(ql.variant.pk),
            merchant=str(b.merchant.pk),
            parcel=_parcel_key(b),
            product=str(ql.variant.product_id),
            goods=ql.unit_price.amount * ql.quantity,
        )
        for b in built
        for ql in b.lines
    ]
    parcels = [
        promo.Parcel(_parcel_key(b), str(b.merchant.pk), b.freight) for b in built
    ]
    return promo.apply_promotions(
        lines=lines, parcels=parcels, offers=promotions.offers, coupon=promotions.coupon
    )


def _sub_order_quote(
    b: _Built,
    tax: OrderTax | None,
    discounts: promo.CartDiscounts,
    currency: str,
    language: str,
    problem: str,
    code: str,
) -> SubOrderQuote:
    key = _parcel_key(b)
    shares = [discounts.line(str(ql.variant.pk)) for ql in b.lines]
    waived = discounts.parcel(key)
    goods_shown = Money(_goods(b), currency)
    freight_shown = Money(b.freight, currency)
    goods = goods_shown - Money(sum((s.merchant for s in shares), Decimal(0)), currency)
    freight = freight_shown - Money(waived.merchant, currency)
    noncash = Money(
        sum((s.platform for s in shares), Decimal(0)) + waived.platform, currency
    ).rounded()
    savings = Money(
        sum((s.total for s in shares), Decimal(0)) + waived.total, currency
    ).rounded()
    tax_money = Money(tax.tax, currency) if tax else Money.zero(currency)
    lines = {str(ql.variant.pk) for ql in b.lines}
    applied = tuple(
        (
            offer_label(a.offer, language),
            Money(
                sum((amount for k, amount in a.lines if k in lines), Decimal(0))
                + sum((amount for k, amount in a.freight if k == key), Decimal(0)),
                currency,
            ),
        )
        for a in discounts.applied
    )
    return SubOrderQuote(
        merchant_name=b.merchant.name,
        merchant_slug=b.merchant.slug,
        lines=b.lines,
        weight_grams=b.weight,
        tax=tax,
        currency=currency,
        goods=goods,
        freight=freight,
        total=goods + freight + tax_money - noncash,
        problem=problem,
        problem_code=code if problem else "",
        placement=b.placement,
        merchant_id=b.merchant.pk,
        goods_shown=goods_shown,
        freight_shown=freight_shown,
        savings=savings,
        discount=noncash,
        promotions=tuple((label, m) for label, m in applied if m.amount),
        paid_by_line=lines_paid(tax, discounts, parcel=key) if tax else (),
    )


def _hints(
    built: list[_Built], promotions: CartPromotions | None, language: str
) -> tuple[str, ...]:
    """How far the cart is from the next spend-and-save step or free shipping."""
    if promotions is None:
        return ()
    hints = []
    for offer in promotions.offers:
        mine = [b for b in built if offer.merchant in (None, str(b.merchant.pk))]
        base = sum(
            (
                ql.unit_price.amount * ql.quantity
                for b in mine
                for ql in b.lines
                if not offer.products or str(ql.variant.product_id) in offer.products
            ),
            Decimal(0),
        )
        if not mine or not base:
            continue
        name = mine[0].merchant.name if offer.merchant else ""
        if offer.kind == promo.Kind.SPEND_AND_SAVE:
            hint = spend_and_save_hint(offer, base, language)
        else:
            hint = free_shipping_hint(offer, base, language)
        hints.append(f"{name}: {hint}" if name else hint)
    return tuple(hints)
