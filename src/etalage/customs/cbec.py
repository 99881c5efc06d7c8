"""China cross-border e-commerce (CBEC) retail import: tax and limits. Pure Python.

The rules (Caiguanshui [2016] No. 18 and [2018] No. 49; see
``shared/domain/cross-border-rules.md``):

* Within the limits — 5,000 CNY per transaction, 26,000 CNY per person per calendar
  year — the tariff is 0 % and import VAT and consumption tax are due at 70 % of the
  statutory amount. The dutiable value is the real transaction price: goods + freight
  + insurance; coupons and points are *not* deducted.
* Statutory taxes on a dutiable value ``P`` with VAT rate ``v`` and ad-valorem
  consumption-tax rate ``c``: ``CT = P / (1 - c) * c`` and ``VAT = (P + CT) * v``.
  Beer's consumption tax is per tonne, not ad valorem: 250 CNY a tonne when the
  dutiable value and duty come to 3,000 CNY a tonne or more (class A), 220 below;
  litres convert to tonnes at 988 L a tonne.
* An order over 5,000 CNY whose only item is one indivisible unit may still go through
  CBEC if the year stays within 26,000 CNY, but at the full statutory tariff, VAT and
  consumption tax (the general-trade formula): ``duty = P * t``,
  ``CT = (P + duty) / (1 - c) * c``, ``VAT = (P + duty + CT) * v``.
* Any other order over a limit cannot be sold under CBEC.

Étalage's rounding rule (customs does not publish its own): compute exactly in
``Decimal``; allocate freight (and insurance) to lines in proportion to their goods
value, the remainder cent going to the largest line; compute each tax of each line
and round it once, half-up, to 0.01 CNY; the order's tax is the sum of those rounded
amounts. So ``paid = goods + freight + insurance + tax - discount`` holds to the cent.

Étalage's rule for the limits: the amount that counts toward them is the order's
dutiable value (goods + freight + insurance), before any discount.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from etalage.money import Money

CNY = "CNY"
CENT = Decimal("0.01")
ZERO = Decimal("0")
ONE = Decimal("1")
WITHIN_LIMITS_SHARE = Decimal("0.7")
ORDER_LIMIT = Decimal("5000")
ANNUAL_LIMIT = Decimal("26000")
GRAMS_PER_TONNE = Decimal("1000000")
# The consumption-tax rules' conversion table: a tonne of beer is 988 litres.
BEER_LITRES_PER_TONNE = Decimal("988")
MILLILITRES_PER_LITRE = Decimal("1000")


def _cents(amount: Decimal) -> Decimal:
    """Round to the fen, half-up: Money's one rounding rule."""
    return Money(amount, CNY).rounded().amount


class ConsumptionBasis(StrEnum):
    NONE = "none"
    AD_VALOREM = "ad_valorem"
    PER_TONNE = "per_tonne"


class NetUnit(StrEnum):
    """How a unit's net content is measured: weight, volume or pieces."""

    GRAM = "g"
    MILLILITRE = "ml"
    PIECE = "piece"


@dataclass(frozen=True, slots=True)
class NetContent:
    """What one unit sold holds: 330 ml of beer, 250 g of pralines, 10 face masks."""

    amount: int
    unit: NetUnit

    def __post_init__(self) -> None:
        if not isinstance(self.amount, int) or self.amount < 1:
            raise ValueError("a net content is a whole number above 0")
        object.__setattr__(self, "unit", NetUnit(self.unit))

    def tonnes(self) -> Decimal | None:
        """Its weight in tonnes as the per-tonne consumption tax counts it (a volume
        at 988 L per tonne, the beer conversion); None for a count of pieces."""
        if self.unit == NetUnit.GRAM:
            return Decimal(self.amount) / GRAMS_PER_TONNE
        if self.unit == NetUnit.MILLILITRE:
            litres = Decimal(self.amount) / MILLILITRES_PER_LITRE
            return litres / BEER_LITRES_PER_TONNE
        return None


@dataclass(frozen=True, slots=True)
class TaxRates:
    """The statutory rates of one tax class (and, for the exception, the tariff)."""

    vat: Decimal
    consumption: Decimal = ZERO  # ad valorem, e.g. 0.10 for wine
    consumption_basis: ConsumptionBasis = ConsumptionBasis.NONE
    # Beer: CNY per tonne, ``consumption_per_tonne`` (class A) when the dutiable
    # value and duty come to ``per_tonne_class_a_from`` CNY a tonne or more, else
    # ``consumption_per_tonne_lower`` (when set).
    consumption_per_tonne: Decimal = ZERO
    consumption_per_tonne_lower: Decimal | None = None
    per_tonne_class_a_from: Decimal | None = None
    # High-end cosmetics: consumption tax only from this unit price per ml or g
    # (or per piece, when the product is sold by the piece).
    threshold_per_gram: Decimal | None = None
    threshold_per_piece: Decimal | None = None
    tariff: Decimal = ZERO  # only the single-item exception pays it

    def __post_init__(self) -> None:
        optional = ("consumption_per_tonne_lower", "per_tonne_class_a_from")
        required = ("vat", "consumption", "consumption_per_tonne", "tariff")
        for name in (*required, *optional):
            value = getattr(self, name)
            if value is None and name in optional:
                continue
            if not isinstance(value, Decimal) or value < 0:
                raise ValueError(f"{name} must be a non-negative Decimal")
        if self.consumption >= ONE:
            raise ValueError("an ad-valorem consumption tax rate must be below 100 %")


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One line of an order: ``quantity`` units at ``unit_price`` CNY each."""

    key: str
    unit_price: Decimal
    quantity: int
    rates: TaxRates
    # What one unit holds: for the cosmetics thresholds (per ml or g, or per piece),
    # beer's per-tonne tax and the positive list's yearly caps.
    net: NetContent | None = None
    indivisible: bool = True  # one unit cannot be split across parcels
    # What the seller took off this line (its share of merchant-funded promotions):
    # it lowers the real transaction price, so the dutiable value and the tax.
    reduction: Decimal = ZERO

    def __post_init__(self) -> None:
        if not isinstance(self.unit_price, Decimal) or self.unit_price < 0:
            raise ValueError("unit_price must be a non-negative Decimal")
        if self.quantity < 1:
            raise ValueError("quantity must be at least 1")
        if not isinstance(self.reduction, Decimal) or not (
            ZERO <= self.reduction <= self.unit_price * self.quantity
        ):
            raise ValueError("reduction must be a Decimal between 0 and the goods")

    @property
    def goods(self) -> Decimal:
        """The line's real transaction price: its units less the seller's reduction."""
        return self.unit_price * self.quantity - self.reduction


@dataclass(frozen=True, slots=True)
class LineTax:
    key: str
    goods: Decimal
    freight: Decimal
    insurance: Decimal
    dutiable: Decimal
    tariff: Decimal
    consumption_tax: Decimal
    vat: Decimal

    @property
    def tax(self) -> Decimal:
        return self.tariff + self.consumption_tax + self.vat


class Verdict(StrEnum):
    WITHIN_LIMITS = "within_limits"
    SINGLE_ITEM_EXCEPTION = "single_item_exception"
    OVER_ORDER_LIMIT = "over_order_limit"
    OVER_ANNUAL_LIMIT = "over_annual_limit"


@dataclass(frozen=True, slots=True)
class LimitCheck:
    verdict: Verdict
    counted: Decimal  # what this order adds to the buyer's year
    over_by: Decimal = ZERO  # how far past the limit that refuses it
    year_remaining: Decimal = (
        ANNUAL_LIMIT  # the year's allowance left before this order
    )

    @property
    def allowed(self) -> bool:
        return self.verdict in (Verdict.WITHIN_LIMITS, Verdict.SINGLE_ITEM_EXCEPTION)


@dataclass(frozen=True, slots=True)
class OrderTax:
    lines: tuple[LineTax, ...]
    goods: Decimal
    freight: Decimal
    insurance: Decimal
    discount: Decimal
    tariff: Decimal
    consumption_tax: Decimal
    vat: Decimal
    limits: LimitCheck
    full_rates: bool = field(default=False)

    @property
    def dutiable(self) -> Decimal:
        return self.goods + self.freight + self.insurance

    @property
    def tax(self) -> Decimal:
        return self.tariff + self.consumption_tax + self.vat

    @property
    def paid(self) -> Decimal:
        """What the buyer pays: goods + freight + insurance + tax - discount."""
        return self.dutiable + self.tax - self.discount


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split ``total`` (whole cents) in proportion to ``weights``, to the cent.

    Each share is rounded down to the cent; the cents left over go to the line with
    the largest weight (the first of equals), so the shares add up to ``total``.
    """
    if total != _cents(total):
        raise ValueError("the amount to allocate must be in whole cents")
    if not weights:
        return []
    whole = sum(weights, ZERO)
    if whole <= 0:
        shares = [ZERO] * len(weights)
        shares[0] = total
        return shares
    shares = [(total * weight / whole).quantize(CENT, rounding="ROUND_FLOOR")
              for weight in weights]  # fmt: skip
    largest = max(range(len(weights)), key=lambda i: (weights[i], -i))
    shares[largest] += total - sum(shares, ZERO)
    return shares


def check_limits(
    *, lines: list[OrderLine], dutiable: Decimal, year_used: Decimal
) -> LimitCheck:
    """Decide whether an order may go through CBEC, and at which rates."""
    remaining = max(ANNUAL_LIMIT - year_used, ZERO)
    single_unit = len(lines) == 1 and lines[0].quantity == 1 and lines[0].indivisible
    if dutiable > ORDER_LIMIT and not single_unit:
        return LimitCheck(
            Verdict.OVER_ORDER_LIMIT, dutiable, dutiable - ORDER_LIMIT, remaining
        )
    if year_used + dutiable > ANNUAL_LIMIT:
        over = year_used + dutiable - ANNUAL_LIMIT
        return LimitCheck(Verdict.OVER_ANNUAL_LIMIT, dutiable, over, remaining)
    if dutiable > ORDER_LIMIT:
        return LimitCheck(Verdict.SINGLE_ITEM_EXCEPTION, dutiable, ZERO, remaining)
    return LimitCheck(Verdict.WITHIN_LIMITS, dutiable, ZERO, remaining)


def _consumption_applies(line: OrderLine) -> bool:
    """High-end cosmetics pay consumption tax from 10 CNY per ml or g, or 15 CNY per
    piece when sold by the piece; without a net content, the high-end class."""
    rates, net = line.rates, line.net
    if net is None:
        return True
    if net.unit == NetUnit.PIECE:
        threshold = rates.threshold_per_piece
    else:
        threshold = rates.threshold_per_gram
    if threshold is None:
        return True
    return line.goods / line.quantity / net.amount >= threshold


def _per_tonne(line: OrderLine, taxable: Decimal) -> Decimal:
    """Beer's consumption tax: its tonnes (988 L a tonne) at the rate of its class,
    the class read from ``taxable`` (dutiable value + duty) per tonne."""
    rates = line.rates
    tonnes_each = line.net.tonnes() if line.net is not None else None
    if not tonnes_each:
        raise ValueError(
            f"line {line.key}: a per-tonne tax needs a net content in ml or g"
        )
    tonnes = tonnes_each * line.quantity
    rate = rates.consumption_per_tonne
    lower, class_a_from = (
        rates.consumption_per_tonne_lower,
        rates.per_tonne_class_a_from,
    )
    if (
        lower is not None
        and class_a_from is not None
        and taxable / tonnes < class_a_from
    ):
        rate = lower
    return rate * tonnes


def _line_tax(
    line: OrderLine, freight: Decimal, insurance: Decimal, full: bool
) -> LineTax:
    rates = line.rates
    dutiable = line.goods + freight + insurance
    share = ONE if full else WITHIN_LIMITS_SHARE
    duty = dutiable * rates.tariff if full else ZERO
    consumption = ZERO
    if _consumption_applies(line):
        if rates.consumption_basis == ConsumptionBasis.AD_VALOREM:
            consumption = (
                (dutiable + duty) / (ONE - rates.consumption) * rates.consumption
            )
        elif rates.consumption_basis == ConsumptionBasis.PER_TONNE:
            consumption = _per_tonne(line, dutiable + duty)
    vat = (dutiable + duty + consumption) * rates.vat
    return LineTax(
        key=line.key,
        goods=line.goods,
        freight=freight,
        insurance=insurance,
        dutiable=dutiable,
        tariff=_cents(duty),
        consumption_tax=_cents(consumption * share),
        vat=_cents(vat * share),
    )


def order_tax(
    *,
    lines: list[OrderLine],
    freight: Decimal = ZERO,
    insurance: Decimal = ZERO,
    discount: Decimal = ZERO,
    year_used: Decimal = ZERO,
) -> OrderTax:
    """Compute the CBEC tax of an order and the limits' verdict, in CNY.

    ``discount`` (coupons, points) lowers what the buyer pays but not the dutiable
    value. ``year_used`` is what already counts toward the buyer's calendar year.
    Taxes are computed even for an order the limits refuse, so that a page can show
    what it would have cost.
    """
    if not lines:
        raise ValueError("an order has at least one line")
    for name, amount in (("freight", freight), ("insurance", insurance),
                         ("discount", discount), ("year_used", year_used)):  # fmt: skip
        if not isinstance(amount, Decimal) or amount < 0 or amount != _cents(amount):
            raise ValueError(f"{name} must be a non-negative Decimal in whole cents")
    goods = [line.goods for line in lines]
    freights = allocate(freight, goods)
    insurances = allocate(insurance, goods)
    dutiable = sum(goods, ZERO) + freight + insurance
    limits = check_limits(lines=lines, dutiable=dutiable, year_used=year_used)
    full = limits.verdict == Verdict.SINGLE_ITEM_EXCEPTION
    taxed = tuple(
        _line_tax(line, f, i, full)
        for line, f, i in zip(lines, freights, insurances, strict=True)
    )
    if discount > sum(goods, ZERO) + freight:
        raise ValueError("the discount exceeds the goods and freight")
    return OrderTax(
        lines=taxed,
        goods=sum(goods, ZERO),
        freight=freight,
        insurance=insurance,
        discount=discount,
        tariff=sum((t.tariff for t in taxed), ZERO),
        consumption_tax=sum((t.consumption_tax for t in taxed), ZERO),
        vat=sum((t.vat for t in taxed), ZERO),
        limits=limits,
        full_rates=full,
    )


def composite_rate(rates: TaxRates) -> Decimal:
    """The combined rate within the limits: (v + c) / (1 - c) * 0.7 (ad valorem)."""
    c = (
        rates.consumption
        if rates.consumption_basis == ConsumptionBasis.AD_VALOREM
        else ZERO
    )
    return (rates.vat + c) / (ONE - c) * WITHIN_LIMITS_SHARE


@dataclass(frozen=True, slots=True)
class SubOrder:
    """One customs order: the lines of one merchant, shipped as one parcel."""

    key: str
    lines: tuple[OrderLine, ...]
    freight: Decimal = ZERO
    insurance: Decimal = ZERO
    discount: Decimal = ZERO


def cart_tax(
    *, sub_orders: list[SubOrder], year_used: Decimal = ZERO
) -> list[OrderTax]:
    """Tax each merchant's sub-order: each is a customs order of its own.

    The 5,000 CNY limit applies to each sub-order; the yearly limit to their sum, taken
    in the cart's order, each counting what the ones before it used.
    """
    results = []
    used = year_used
    for sub_order in sub_orders:
        tax = order_tax(
            lines=list(sub_order.lines),
            freight=sub_order.freight,
            insurance=sub_order.insurance,
            discount=sub_order.discount,
            year_used=used,
        )
        results.append(tax)
        if tax.limits.allowed:
            used += tax.limits.counted
    return results
