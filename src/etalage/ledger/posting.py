"""What each business event posts: the legs of its journal transaction. Pure.

Amounts are integers in minor units (cents, fen): sums are exact and the database
checks them exactly. ``*_paid`` amounts are in the currency the buyer paid (CNY for
the Chinese market), ``*_eur`` in euros. A leg is an account key, a currency and a
signed amount (debit positive). The services read the facts (``SubOrderFigures``)
and write the legs these functions return; these functions decide every cent.

How a euro flows (the walk-through in docs/money.md follows these functions):

- **Capture**: the provider owes the order's total (in CNY). Of it, the CBEC tax is
  owed to customs and the freight to the carrier; the goods paid enter the FX
  position, and the merchant's goods in EUR (the prices it listed) come out of it
  as the merchant's pending payable.
- **Commission at delivery**: the rate recorded on the sub-order at placement, on
  the goods not refunded; Belgian VAT on it. Both come off the pending payable.
- **Return window over**: what is pending for the sub-order becomes available.
- **Promotions**: a merchant-funded discount is already out of the goods paid and
  of the merchant's EUR; a platform-funded one (``discount_paid``, CEB311's
  non-cash discount) is paid by the platform: the provider owes the rest, and the
  promotions expense the discount. A refund gives the buyer back cash, and the
  platform its part of the discount on what is refunded.
- **Refund**: allocated to the parcels it names first, then over the others in
  proportion; within a parcel goods first, then freight, then tax. The goods part
  is charged to the merchant in EUR at the sub-order's own rate (the last cent of
  its goods exactly what is left); commission and its VAT follow the goods that
  stay sold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

import etalage.ledger.chart as chart
from etalage.ledger.chart import account_key


class PostingError(ValueError):
    """Legs that cannot be posted (they do not balance, or ask for too much)."""


@dataclass(frozen=True, slots=True)
class Leg:
    account: str
    currency: str
    amount: int  # minor units, debit positive


def legs_merged(legs: Iterable[Leg]) -> tuple[Leg, ...]:
    """One leg per account and currency, zero legs dropped, in a stable order;
    refuse legs that do not sum to zero in each currency."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for leg in legs:
        totals[leg.account, leg.currency] += leg.amount
    by_currency: dict[str, int] = defaultdict(int)
    for (_account, currency), amount in totals.items():
        by_currency[currency] += amount
    unbalanced = {c: a for c, a in by_currency.items() if a}
    if unbalanced:
        raise PostingError(f"legs do not balance: {unbalanced}")
    return tuple(
        Leg(account, currency, amount)
        for (account, currency), amount in sorted(totals.items())
        if amount
    )


def percent_of(amount: int, percent: Decimal) -> int:
    """``percent`` % of ``amount`` minor units, rounded half up to the unit."""
    value = (Decimal(amount) * percent / 100).quantize(Decimal(1), ROUND_HALF_UP)
    return int(value)


@dataclass(frozen=True, slots=True)
class SubOrderFigures:
    """One sub-order as the ledger sees it, in minor units."""

    key: str  # the sub-order's id
    merchant: str  # the merchant's id
    goods_paid: int
    freight_paid: int
    tax_paid: int
    goods_eur: int  # the merchant's prices of the goods
    commission_percent: Decimal
    vat_percent: Decimal
    refunded_goods_paid: int = 0
    refunded_freight_paid: int = 0
    refunded_tax_paid: int = 0
    refunded_goods_eur: int = 0
    commission_posted: bool = False
    matured: bool = False
    discount_paid: int = 0  # the platform's non-cash part of goods and freight
    refunded_discount_paid: int = 0

    @property
    def total_paid(self) -> int:
        """The value paid: goods, freight and tax, the platform's discount in."""
        return self.goods_paid + self.freight_paid + self.tax_paid

    @property
    def cash_paid(self) -> int:
        """What the buyer paid (the payment's and CEB311's acturalPaid)."""
        return self.total_paid - self.discount_paid

    @property
    def left_cash(self) -> int:
        return self.left_paid - (self.discount_paid - self.refunded_discount_paid)

    @property
    def left_paid(self) -> int:
        refunded = (
            self.refunded_goods_paid
            + self.refunded_freight_paid
            + self.refunded_tax_paid
        )
        return self.total_paid - refunded

    @property
    def net_goods_eur(self) -> int:
        return self.goods_eur - self.refunded_goods_eur

    @property
    def commission_eur(self) -> int:
        """The commission on the goods that stay sold, once delivered."""
        if not self.commission_posted:
            return 0
        return percent_of(self.net_goods_eur, self.commission_percent)

    @property
    def commission_vat_eur(self) -> int:
        return percent_of(self.commission_eur, self.vat_percent)

    @property
    def net_eur(self) -> int:
        """What the merchant is owed for this sub-order."""
        return self.net_goods_eur - self.commission_eur - self.commission_vat_eur

    @property
    def bucket(self) -> str:
        name = chart.MERCHANT_AVAILABLE if self.matured else chart.MERCHANT_PENDING
        return account_key(name, self.merchant)


def capture_legs(
    receivable: str, currency: str, subs: Sequence[SubOrderFigures]
) -> tuple[Leg, ...]:
    """The order's payment received: the provider (or the operator's record) owes
    the total; tax, freight and each merchant's goods are owed on."""
    legs = []
    for sub in subs:
        legs += [
            Leg(receivable, currency, sub.cash_paid),
            Leg(chart.PROMOTIONS, currency, sub.discount_paid),
            Leg(chart.CBEC_TAX_PAYABLE, currency, -sub.tax_paid),
            Leg(chart.FREIGHT_PAYABLE, currency, -sub.freight_paid),
            Leg(chart.FX, currency, -sub.goods_paid),
            Leg(chart.FX, "EUR", sub.goods_eur),
            Leg(sub.bucket, "EUR", -sub.goods_eur),
        ]
    return legs_merged(legs)


def commission_legs(sub: SubOrderFigures) -> tuple[tuple[Leg, ...], SubOrderFigures]:
    """Commission and its VAT at delivery, on the goods not refunded; the sub-order
    as it is afterwards."""
    if sub.commission_posted:
        raise PostingError(f"{sub.key}: commission posted already")
    after = replace(sub, commission_posted=True)
    commission, vat = after.commission_eur, after.commission_vat_eur
    legs = legs_merged(
        [
            Leg(sub.bucket, "EUR", commission + vat),
            Leg(chart.COMMISSION, "EUR", -commission),
            Leg(chart.COMMISSION_VAT, "EUR", -vat),
        ]
    )
    return legs, after


def maturity_legs(sub: SubOrderFigures) -> tuple[tuple[Leg, ...], SubOrderFigures]:
    """The return window is over: what the sub-order has pending becomes
    available."""
    if sub.matured:
        raise PostingError(f"{sub.key}: matured already")
    after = replace(sub, matured=True)
    return legs_merged(
        [
            Leg(sub.bucket, "EUR", sub.net_eur),
            Leg(after.bucket, "EUR", -sub.net_eur),
        ]
    ), after


@dataclass(frozen=True, slots=True)
class RefundShare:
    key: str
    goods_paid: int
    freight_paid: int
    tax_paid: int
    discount_paid: int = 0  # the platform's part of the goods and freight refunded

    @property
    def total(self) -> int:
        return self.goods_paid + self.freight_paid + self.tax_paid

    @property
    def cash(self) -> int:
        """What goes back to the buyer."""
        return self.total - self.discount_paid


def refund_shares(
    amount: int,
    subs: Sequence[SubOrderFigures],
    named: frozenset[str] = frozenset(),
    tax: int = 0,
    discount: int | None = None,
) -> list[RefundShare]:
    """Where a refund of ``amount`` falls: the parcels it names first, each up
    to what is left of it; the rest over the other parcels in proportion to what is
    left of them (largest remainders get the odd fen); within a parcel goods, then
    freight, then tax — except the ``tax`` a return names (one parcel), which is
    that parcel's tax. ``discount``: the platform's non-cash discount the refund
    carries (the returned units' own share, or the whole of the parcels given back),
    booked back as it is; None (a refund recorded without it): each parcel's
    discount comes back in proportion to the cash refunded (``_discount_share``)."""
    if discount is not None and named:
        return _named_shares(amount, subs, named, tax, discount)
    if tax:
        (key,) = named
        sub = next(s for s in subs if s.key == key)
        _tax_within(sub, amount, tax)
        goods = _within(sub, amount - tax, tax_too=False)
        return [
            RefundShare(
                key, goods.goods_paid, goods.freight_paid, tax, goods.discount_paid
            )
        ]
    left = {sub.key: sub.left_cash for sub in subs}
    if amount <= 0 or amount > sum(left.values()):
        raise PostingError(f"cannot refund {amount} of {sum(left.values())} left")
    take: dict[str, int] = defaultdict(int)
    rest = amount
    for sub in subs:
        if sub.key in named and rest:
            take[sub.key] = min(left[sub.key], rest)
            rest -= take[sub.key]
    others = [s for s in subs if s.key not in named and left[s.key]]
    if rest and not others:
        # Everything named is refunded in full: the rest falls on them too.
        others = [s for s in subs if left[s.key] - take[s.key] > 0]
    pool = sum(left[s.key] - take[s.key] for s in others)
    if rest:
        exact = {
            s.key: Decimal(rest) * (left[s.key] - take[s.key]) / pool for s in others
        }
        floors = {k: int(v) for k, v in exact.items()}
        odd = rest - sum(floors.values())
        for key in sorted(exact, key=lambda k: (floors[k] - exact[k], k))[:odd]:
            floors[key] += 1
        for key, share in floors.items():
            take[key] += share
    return [_within(sub, take[sub.key]) for sub in subs if take.get(sub.key)]


def _tax_within(sub: SubOrderFigures, amount: int, tax: int) -> None:
    """Refuse a return's tax beyond the parcel's, or its goods beyond what is left
    of its goods and freight in cash."""
    tax_left = sub.tax_paid - sub.refunded_tax_paid
    if tax > tax_left or amount - tax > sub.left_cash - tax_left:
        raise PostingError(f"{sub.key}: refund beyond what was paid")


def _named_shares(
    amount: int,
    subs: Sequence[SubOrderFigures],
    named: frozenset[str],
    tax: int,
    discount: int,
) -> list[RefundShare]:
    """A refund that carries its discount, on the parcels it names: a return
    (one parcel, its ``tax`` named) takes goods then freight worth its cash plus
    that discount; parcels given back (cancelled, refused by customs) each take
    what is left of their cash, each one taken whole all of its discount, the one
    taken in part (if any) the rest of ``discount``."""
    if tax:
        (key,) = named
        sub = next(s for s in subs if s.key == key)
        _tax_within(sub, amount, tax)
        goods = _within(sub, amount - tax, tax_too=False, discount=discount)
        return [RefundShare(key, goods.goods_paid, goods.freight_paid, tax, discount)]
    shares, rest, discount_rest = [], amount, discount
    for sub in subs:
        if sub.key not in named or not rest:
            continue
        cash = min(sub.left_cash, rest)
        whole = cash == sub.left_cash
        back = sub.discount_paid - sub.refunded_discount_paid if whole else None
        share = _within(sub, cash, discount=discount_rest if back is None else back)
        shares.append(share)
        rest, discount_rest = rest - cash, discount_rest - share.discount_paid
    if amount <= 0 or rest or discount_rest:
        raise PostingError(
            f"a refund of {amount} with a discount of {discount} is not what is "
            "left of the parcels it names"
        )
    return shares


def _discount_share(sub: SubOrderFigures, cash: int) -> int:
    """The platform's part of the discount that comes back with ``cash`` refunded,
    for a refund that does not carry its own (recorded before refunds did, or the
    operator's by hand): all that is left when the refund takes the last of the
    goods and freight paid in cash, else in proportion to them (half-up)."""
    left = sub.discount_paid - sub.refunded_discount_paid
    if not left:
        return 0
    goods_freight_left = (
        sub.goods_paid - sub.refunded_goods_paid
        + sub.freight_paid - sub.refunded_freight_paid
    )  # fmt: skip
    cash_left = goods_freight_left - left
    if cash >= cash_left or cash_left <= 0:
        return left
    share = (Decimal(cash) * left / cash_left).quantize(Decimal(1), ROUND_HALF_UP)
    return min(int(share), left)


def _within(
    sub: SubOrderFigures,
    amount: int,
    tax_too: bool = True,
    discount: int | None = None,
) -> RefundShare:
    """``amount`` of cash refunded on one parcel: goods, then freight, then tax,
    each with the platform's part of the discount on it back (``discount`` when
    the refund carries it)."""
    if discount is None:
        discount = _discount_share(sub, amount)
    if not 0 <= discount <= sub.discount_paid - sub.refunded_discount_paid:
        raise PostingError(f"{sub.key}: discount back beyond what is left of it")
    value = amount + discount
    goods = min(value, sub.goods_paid - sub.refunded_goods_paid)
    freight = min(value - goods, sub.freight_paid - sub.refunded_freight_paid)
    tax = value - goods - freight
    if tax and not tax_too:
        raise PostingError(f"{sub.key}: refund beyond the goods and freight paid")
    if tax > sub.tax_paid - sub.refunded_tax_paid:
        raise PostingError(f"{sub.key}: refund beyond what was paid")
    return RefundShare(sub.key, goods, freight, tax, discount)


def refund_legs(
    receivable: str, currency: str, sub: SubOrderFigures, share: RefundShare
) -> tuple[tuple[Leg, ...], SubOrderFigures]:
    """One parcel's share of a refund: the provider owes it back to the buyer; tax
    and freight are no longer owed; the merchant gives back the goods in EUR, and
    the commission on them comes back to it."""
    goods_left_paid = sub.goods_paid - sub.refunded_goods_paid
    if share.goods_paid == goods_left_paid:
        goods_eur = sub.net_goods_eur
    else:
        goods_eur = int(
            (Decimal(share.goods_paid) * sub.goods_eur / sub.goods_paid).quantize(
                Decimal(1), ROUND_HALF_UP
            )
        )
    after = replace(
        sub,
        refunded_goods_paid=sub.refunded_goods_paid + share.goods_paid,
        refunded_freight_paid=sub.refunded_freight_paid + share.freight_paid,
        refunded_tax_paid=sub.refunded_tax_paid + share.tax_paid,
        refunded_goods_eur=sub.refunded_goods_eur + goods_eur,
        refunded_discount_paid=sub.refunded_discount_paid + share.discount_paid,
    )
    commission_back = sub.commission_eur - after.commission_eur
    vat_back = sub.commission_vat_eur - after.commission_vat_eur
    legs = legs_merged(
        [
            Leg(receivable, currency, -share.cash),
            Leg(chart.PROMOTIONS, currency, -share.discount_paid),
            Leg(chart.CBEC_TAX_PAYABLE, currency, share.tax_paid),
            Leg(chart.FREIGHT_PAYABLE, currency, share.freight_paid),
            Leg(chart.FX, currency, share.goods_paid),
            Leg(chart.FX, "EUR", -goods_eur),
            Leg(sub.bucket, "EUR", goods_eur - commission_back - vat_back),
            Leg(chart.COMMISSION, "EUR", commission_back),
            Leg(chart.COMMISSION_VAT, "EUR", vat_back),
        ]
    )
    return legs, after


def settlement_legs(
    *,
    provider: str,
    kind: str,
    currency: str,
    amount_paid: int,
    settled_eur: int,
    fee_eur: int,
) -> tuple[Leg, ...]:
    """The provider converted a payment (or a refund) at its rate: the CNY leaves
    the receivable through the FX position, the EUR arrives on the provider's
    settlement account, less its fee."""
    receivable = account_key(chart.PROVIDER_RECEIVABLE, provider)
    settlement = account_key(chart.PROVIDER_SETTLEMENT, provider)
    sign = 1 if kind == "payment" else -1
    return legs_merged(
        [
            Leg(receivable, currency, -sign * amount_paid),
            Leg(chart.FX, currency, sign * amount_paid),
            Leg(chart.FX, "EUR", -sign * settled_eur),
            Leg(settlement, "EUR", sign * settled_eur - fee_eur),
            Leg(chart.PROVIDER_FEES, "EUR", fee_eur),
        ]
    )


def debt_paid_legs(
    liability: str, currency: str, amount: int, eur: int
) -> tuple[Leg, ...]:
    """A debt in the buyer's currency (freight to a carrier; the guarantee customs
    debits the tax bills from, funded) paid from the EUR bank account: the
    currency bought through the FX position at the rate paid."""
    return legs_merged(
        [
            Leg(liability, currency, amount),
            Leg(chart.FX, currency, -amount),
            Leg(chart.FX, "EUR", eur),
            Leg(chart.BANK, "EUR", -eur),
        ]
    )


def tax_assessed_legs(currency: str, withheld: int, assessed: int) -> tuple[Leg, ...]:
    """Customs assessed ``assessed`` on a parcel whose buyer paid ``withheld``: the
    debt to customs becomes what customs says; the difference is the operator's
    (an expense when customs asks more, a gain back when less)."""
    difference = assessed - withheld
    if difference == 0:
        return ()
    return (
        Leg(chart.CBEC_TAX_PAYABLE, currency, -difference),
        Leg(chart.TAX_DIFFERENCES, currency, difference),
    )


def transfer_legs(
    debit: str, credit: str, currency: str, amount: int
) -> tuple[Leg, ...]:
    """``amount`` from ``credit`` to ``debit`` in one currency."""
    return legs_merged([Leg(debit, currency, amount), Leg(credit, currency, -amount)])
