"""Promotions on a cart: which apply, how much each takes off, and where it lands.

Pure Python over ``Decimal`` (CNY, whole fen); no Django. The services decide
which offers a buyer may use (windows, limits, budgets, claims) and hand the
applicable ones here; this module decides every cent.

The stacking rules (``docs/promotions.md``):

1. **Sale price first.** A variant's timed sale price *is* its price while the
   sale runs: the lines arrive here already at it (``CartLine.goods``).
2. **Every threshold is read on the goods at the prices shown** (sale prices,
   before any other discount): a coupon's minimum spend, each spend-and-save step
   and the free-shipping threshold. So the order the offers are applied in never
   decides whether one applies.
3. **Spend-and-save (满减)**: at most one per merchant (the merchant's best), then
   at most one across the pavilion (the platform's best) on what is left; "¥30 off
   every ¥300" takes ``floor(base / 300) * 30``.
4. **One coupon per order**, typed or claimed, on what is left of its lines after
   spend-and-save; percent off is rounded down to the fen and capped.
5. **Free shipping** per merchant: when the merchant's goods reach its threshold,
   every parcel of that merchant ships free.

Where a discount lands (``docs/promotions.md`` cites the sources): a discount the
*seller* grants (funded by the merchant) lowers the real transaction price, so it
lowers each line's declared goods (or the declared freight) and the CBEC tax on
it; a discount the *platform* funds pays part of the price on the buyer's behalf,
a non-cash payment that CEB311 declares as ``discount``: the goods value and the
tax stay whole. Every amount is spread over the lines it concerns by the largest
remainder, to the fen, deterministically (ties go to the earlier line).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


class Kind(StrEnum):
    COUPON = "coupon"
    SPEND_AND_SAVE = "spend_and_save"
    FREE_SHIPPING = "free_shipping"


class Funder(StrEnum):
    PLATFORM = "platform"
    MERCHANT = "merchant"


class Refusal(StrEnum):
    """Why a coupon does not apply: the codes the buyer's messages are keyed by."""

    UNKNOWN = "unknown_code"
    NOT_STARTED = "not_started"
    EXPIRED = "expired"
    PAUSED = "paused"
    MINIMUM_NOT_REACHED = "minimum_not_reached"
    LIMIT_USED = "limit_used"
    BUDGET_USED = "budget_used"
    NOT_FOR_THESE_PRODUCTS = "not_for_these_products"


def _whole_cents(name: str, amount: Decimal) -> None:
    if not isinstance(amount, Decimal) or amount < 0 or amount != amount.quantize(CENT):
        raise ValueError(f"{name} must be a non-negative Decimal in whole fen")


@dataclass(frozen=True, slots=True)
class Offer:
    """One promotion as the cart sees it.

    ``threshold`` is a coupon's minimum spend, a spend-and-save step ("every
    ¥300") or the free-shipping threshold; ``amount_off`` a coupon's fixed amount
    or a step's saving; ``percent_off`` (with its ``cap``) a percentage coupon.
    ``merchant`` None means across the pavilion; ``products`` empty means all of
    them (of the merchant, for a merchant's offer).
    """

    key: str
    kind: Kind
    funder: Funder
    merchant: str | None = None
    amount_off: Decimal = ZERO
    percent_off: Decimal = ZERO
    cap: Decimal | None = None
    threshold: Decimal = ZERO
    products: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        _whole_cents("amount_off", self.amount_off)
        _whole_cents("threshold", self.threshold)
        if self.cap is not None:
            _whole_cents("cap", self.cap)
        if self.funder == Funder.MERCHANT and self.merchant is None:
            raise ValueError("a merchant-funded promotion belongs to one merchant")
        if self.kind == Kind.FREE_SHIPPING and self.merchant is None:
            raise ValueError("free shipping is offered by one merchant's parcels")
        if self.kind == Kind.SPEND_AND_SAVE and not (
            ZERO < self.amount_off <= self.threshold
        ):
            raise ValueError("spend-and-save saves an amount up to its step")
        if self.kind == Kind.COUPON:
            percent = self.percent_off
            if (self.amount_off > 0) == (percent > 0):
                raise ValueError("a coupon takes an amount or a percentage off")
            if percent and not ZERO < percent < HUNDRED:
                raise ValueError("a percentage off is between 0 and 100")

    def covers(self, line: CartLine) -> bool:
        """Whether the offer concerns this line (its merchant and products)."""
        if self.merchant is not None and line.merchant != self.merchant:
            return False
        return not self.products or line.product in self.products


@dataclass(frozen=True, slots=True)
class CartLine:
    """A line as quoted: its goods at the prices shown (sale price included)."""

    key: str
    merchant: str
    parcel: str
    product: str
    goods: Decimal

    def __post_init__(self) -> None:
        _whole_cents("goods", self.goods)


@dataclass(frozen=True, slots=True)
class Parcel:
    key: str
    merchant: str
    freight: Decimal

    def __post_init__(self) -> None:
        _whole_cents("freight", self.freight)


@dataclass(frozen=True, slots=True)
class Applied:
    """One offer's effect: its total, and its share on each line and parcel."""

    offer: Offer
    amount: Decimal
    lines: tuple[tuple[str, Decimal], ...] = ()  # goods taken off, by line
    freight: tuple[tuple[str, Decimal], ...] = ()  # freight waived, by parcel


@dataclass(frozen=True, slots=True)
class Share:
    """What the promotions take off one line or parcel, by who pays for it."""

    merchant: Decimal = ZERO  # lowers the price declared to customs
    platform: Decimal = ZERO  # a non-cash payment: CEB311's discount

    @property
    def total(self) -> Decimal:
        return self.merchant + self.platform


@dataclass(frozen=True)
class CartDiscounts:
    applied: tuple[Applied, ...] = ()
    lines: dict[str, Share] = field(default_factory=dict)
    parcels: dict[str, Share] = field(default_factory=dict)  # freight waived
    coupon_refusal: Refusal | None = None

    def line(self, key: str) -> Share:
        return self.lines.get(key, Share())

    def parcel(self, key: str) -> Share:
        return self.parcels.get(key, Share())

    @property
    def total(self) -> Decimal:
        return sum((a.amount for a in self.applied), ZERO)

    @property
    def amounts(self) -> dict[str, Decimal]:
        """What each offer took off the whole cart, by the offer's key."""
        return {a.offer.key: a.amount for a in self.applied}


def largest_remainder(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split ``total`` (whole fen) in proportion to ``weights``, to the fen.

    Each share is rounded down; the fen left over go one each to the shares with
    the largest remainders, ties to the earlier one. When ``total`` is at most
    the sum of the weights (themselves whole fen), no share exceeds its weight.
    """
    _whole_cents("total", total)
    if not weights:
        if total:
            raise ValueError("nothing to allocate an amount to")
        return []
    whole = sum(weights, ZERO)
    if whole <= 0:
        raise ValueError("the weights must add up to more than zero")
    exact = [total * weight / whole for weight in weights]
    shares = [share.quantize(CENT, rounding=ROUND_FLOOR) for share in exact]
    left = int((total - sum(shares, ZERO)) / CENT)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for index in order[:left]:
        shares[index] += CENT
    return shares


def spend_and_save_amount(offer: Offer, base: Decimal) -> Decimal:
    """ "¥30 off every ¥300": the saving on ``base``."""
    steps = int(base // offer.threshold)
    return min(offer.amount_off * steps, base)


def spend_and_save_progress(offer: Offer, base: Decimal) -> tuple[Decimal, Decimal]:
    """How much more to spend for the next step, and what that step saves."""
    steps = int(base // offer.threshold)
    more = offer.threshold * (steps + 1) - base
    return more, offer.amount_off * (steps + 1)


def coupon_amount(offer: Offer, left: Decimal) -> Decimal:
    """A coupon's saving on what is left of its lines (never more than that)."""
    if offer.percent_off:
        amount = (left * offer.percent_off / HUNDRED).quantize(CENT, ROUND_FLOOR)
        if offer.cap is not None:
            amount = min(amount, offer.cap)
    else:
        amount = offer.amount_off
    return min(amount, left)


def coupon_refusal(offer: Offer, lines: Iterable[CartLine]) -> Refusal | None:
    """Why the coupon would not apply to these lines, if it would not."""
    covered = [line for line in lines if offer.covers(line)]
    if not covered:
        return Refusal.NOT_FOR_THESE_PRODUCTS
    if sum((line.goods for line in covered), ZERO) < offer.threshold:
        return Refusal.MINIMUM_NOT_REACHED
    return None


def _best(offers: Iterable[Offer], saving: dict[str, Decimal]) -> Offer | None:
    ranked = sorted(offers, key=lambda o: (-saving[o.key], o.key))
    return ranked[0] if ranked and saving[ranked[0].key] > 0 else None


class _Ledger:
    """What is left of each line while the offers take their shares."""

    def __init__(self, lines: Sequence[CartLine]) -> None:
        self.lines = lines
        self.left = {line.key: line.goods for line in lines}
        self.shares: dict[str, dict[Funder, Decimal]] = {}

    def take(self, offer: Offer, amount: Decimal) -> Applied:
        covered = [line for line in self.lines if offer.covers(line)]
        weights = [self.left[line.key] for line in covered]
        if amount <= 0 or sum(weights, ZERO) <= 0:
            return Applied(offer, ZERO)
        parts = largest_remainder(amount, weights)
        for line, part in zip(covered, parts, strict=True):
            self.left[line.key] -= part
            funded = self.shares.setdefault(line.key, {})
            funded[offer.funder] = funded.get(offer.funder, ZERO) + part
        return Applied(
            offer,
            amount,
            lines=tuple(
                (line.key, part)
                for line, part in zip(covered, parts, strict=True)
                if part
            ),
        )

    def base(self, offer: Offer) -> Decimal:
        """The offer's lines at the prices shown."""
        return sum((ln.goods for ln in self.lines if offer.covers(ln)), ZERO)

    def remaining(self, offer: Offer) -> Decimal:
        return sum((self.left[ln.key] for ln in self.lines if offer.covers(ln)), ZERO)


def _spend_and_save(ledger: _Ledger, offers: Sequence[Offer]) -> list[Applied]:
    applied = []
    by_merchant: dict[str | None, list[Offer]] = {}
    for offer in offers:
        if offer.kind == Kind.SPEND_AND_SAVE:
            by_merchant.setdefault(offer.merchant, []).append(offer)
    # The merchants' first (in the order of their keys), the pavilion's last.
    for merchant in sorted(by_merchant, key=lambda m: (m is None, m or "")):
        group = by_merchant[merchant]
        saving = {
            o.key: min(spend_and_save_amount(o, ledger.base(o)), ledger.remaining(o))
            for o in group
        }
        best = _best(group, saving)
        if best is not None:
            applied.append(ledger.take(best, saving[best.key]))
    return applied


def _free_shipping(
    lines: Sequence[CartLine], parcels: Sequence[Parcel], offers: Sequence[Offer]
) -> tuple[list[Applied], dict[str, Share]]:
    applied, waived = [], {}
    for merchant in sorted({p.merchant for p in parcels}):
        goods = sum((ln.goods for ln in lines if ln.merchant == merchant), ZERO)
        mine = [
            o
            for o in offers
            if o.kind == Kind.FREE_SHIPPING
            and o.merchant == merchant
            and goods >= o.threshold
        ]
        if not mine:
            continue
        # The lowest threshold reached; a merchant-funded one before the platform's.
        offer = min(
            mine, key=lambda o: (o.funder != Funder.MERCHANT, o.threshold, o.key)
        )
        theirs = [p for p in parcels if p.merchant == merchant and p.freight > 0]
        for parcel in theirs:
            waived[parcel.key] = (
                Share(merchant=parcel.freight)
                if offer.funder == Funder.MERCHANT
                else Share(platform=parcel.freight)
            )
        amount = sum((p.freight for p in theirs), ZERO)
        if amount:
            applied.append(
                Applied(
                    offer,
                    amount,
                    freight=tuple((p.key, p.freight) for p in theirs),
                )
            )
    return applied, waived


def apply_promotions(
    *,
    lines: Sequence[CartLine],
    parcels: Sequence[Parcel] = (),
    offers: Sequence[Offer] = (),
    coupon: Offer | None = None,
) -> CartDiscounts:
    """Apply the offers (spend-and-save, free shipping) and one coupon to a cart.

    The offers are those the buyer may use now (the services checked windows,
    limits and budgets); a coupon that does not apply is left out with the reason.
    """
    if len({line.key for line in lines}) != len(lines):
        raise ValueError("each line has its own key")
    ledger = _Ledger(lines)
    applied = _spend_and_save(ledger, offers)
    refusal = None
    if coupon is not None:
        refusal = coupon_refusal(coupon, lines)
        if refusal is None:
            amount = coupon_amount(coupon, ledger.remaining(coupon))
            applied.append(ledger.take(coupon, amount))
    shipping, waived = _free_shipping(lines, parcels, offers)
    applied += shipping
    shares = {
        key: Share(
            merchant=funded.get(Funder.MERCHANT, ZERO),
            platform=funded.get(Funder.PLATFORM, ZERO),
        )
        for key, funded in ledger.shares.items()
    }
    return CartDiscounts(
        applied=tuple(a for a in applied if a.amount > 0),
        lines=shares,
        parcels=waived,
        coupon_refusal=refusal,
    )
