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


class QuoteRefused(ValueError):
    """The cart cannot be quoted (no price or no freight for it), with the reason."""


@dataclass(frozen=True)
class QuoteLine:
    variant: Variant
    quantity: int
    unit_price: Money


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
    return order_tax(lines=[line], freight=sub_order.freight, year_used=used)


def cart_quote(
    *,
    pricing: MarketStrategy,
    lines: list[tuple[Variant, int]],
    year_used: Decimal = Decimal("0"),
    language: str = "zh-hans",
    placements: Mapping[UUID, Placement] | None = None,
) -> CartQuote:
    """Quote a cart: one sub-order (one parcel) per merchant and warehouse, in the
    cart's order. ``placements`` maps a variant's key to where it ships from (by
    default, direct mail from the merchant through the Liège hub)."""
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
            price = pricing.price(variant.price_eur)
            if price is None:
                raise QuoteRefused(_("No exchange rate is in force for this market."))
            priced.append(QuoteLine(variant, quantity, price))
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

    taxes: list[OrderTax | None] = [None] * len(built)
    unquotable: dict[int, str] = {}
    if pricing.has_cbec_tax:
        sub_orders = [
            SubOrder(
                key=f"{b.merchant.pk}:{b.placement.warehouse_id}",
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
        goods = sum(
            (ql.unit_price * ql.quantity for ql in b.lines), Money.zero(currency)
        )
        freight_money = Money(b.freight, currency)
        tax_money = Money(tax.tax, currency) if tax else Money.zero(currency)
        problem, code = unquotable.get(index, ""), "not_quotable"
        if not problem and tax is not None and not tax.limits.allowed:
            problem = _limit_message(tax, merchant.name, currency, language)
            code = "cbec_limit"
        quotes.append(
            SubOrderQuote(
                merchant_name=merchant.name,
                merchant_slug=merchant.slug,
                lines=b.lines,
                weight_grams=b.weight,
                tax=tax,
                currency=currency,
                goods=goods,
                freight=freight_money,
                total=goods + freight_money + tax_money,
                problem=problem,
                problem_code=code if problem else "",
                placement=b.placement,
                merchant_id=merchant.pk,
            )
        )
    return CartQuote(sub_orders=tuple(quotes), currency=currency)
