"""Everything a checkout needs, fetched once: the one place a cart becomes a price.

``checkout_info`` builds a frozen ``CheckoutInfo`` from the lines, the market's
strategy and the buyer's chosen identity: where each line ships from (the
fulfilment plan per warehouse and route), the quote per merchant sub-order, the
identity's yearly CBEC usage and positive-list caps, every problem that stops the
order and whether it can be placed. The cart page, the checkout page,
``POST /api/v1/quotes`` and order placement all call it, so the total a buyer is
quoted is the total the order is placed at.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from django.utils import timezone
from django.utils.translation import gettext as _

from etalage.checkout.quote import CartQuote, QuoteRefused, cart_quote
from etalage.checkout.selectors import (
    CheckoutLine,
    FulfilmentPlan,
    cap_items,
    fulfilment_plan,
)
from etalage.customs.cbec import ANNUAL_LIMIT
from etalage.customs.models import BuyerIdentity, DeliveryAddress
from etalage.customs.services import caps_check, caps_wanted, cbec_year, yearly_used
from etalage.inventory.models import Stock
from etalage.money import Money
from etalage.orders.promise import DeliveryWindow
from etalage.orders.transit_times import delivery_windows
from etalage.pricing.strategy import MarketStrategy
from etalage.promotions.selectors import CartPromotions, cart_promotions
from etalage.promotions.texts import refusal_message


@dataclass(frozen=True, slots=True)
class Problem:
    """Why the order cannot be placed: a stable code and a message in the buyer's
    language."""

    code: str  # out_of_stock, not_quotable, cbec_limit, yearly_cap
    message: str


@dataclass(frozen=True)
class CheckoutInfo:
    strategy: MarketStrategy
    lines: tuple[CheckoutLine, ...]
    identity: BuyerIdentity | None
    address: DeliveryAddress | None
    year: int  # the calendar year (Beijing time) the order counts toward
    year_used: Decimal  # what the identity's person used this year before this order
    plan: FulfilmentPlan
    quote: CartQuote | None  # None: it could not be quoted (see problems)
    # What each line counts toward a positive-list yearly cap (variant key -> amount)
    # and the same per HS code.
    caps_by_line: dict[UUID, Decimal] = field(default_factory=dict)
    caps_by_code: dict[str, Decimal] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    # The delivery window of each route the quote's parcels take, paid now.
    promises: dict[str, DeliveryWindow] = field(default_factory=dict)
    # The sale prices, offers and coupon the quote used; why a coupon typed was not
    # (it does not stop the order: the cart is quoted without it).
    promotions: CartPromotions | None = None
    coupon_problem: Problem | None = None

    @property
    def messages(self) -> list[str]:
        return [problem.message for problem in self.problems]

    @property
    def year_left(self) -> Money:
        """What is left of the person's yearly allowance before this order."""
        left = max(ANNUAL_LIMIT - self.year_used, Decimal("0.00"))
        return Money(left, "CNY")

    @property
    def can_place(self) -> bool:
        """Nothing stops the order and the buyer chose an identity and an address."""
        return bool(
            self.strategy.takes_orders
            and self.quote is not None
            and not self.problems
            and self.identity is not None
            and self.address is not None
        )


def checkout_info(
    *,
    strategy: MarketStrategy,
    lines: Sequence[CheckoutLine],
    language: str,
    identity: BuyerIdentity | None = None,
    address: DeliveryAddress | None = None,
    year: int | None = None,
    year_used: Decimal | None = None,
    stocks: list[Stock] | None = None,
    coupon_code: str = "",
    buyer_id: int | None = None,
    now: datetime | None = None,
) -> CheckoutInfo:
    """Build the checkout of ``lines`` for the market of ``strategy``.

    Pages pass nothing more than the buyer's choices; placement passes the stock rows
    and the yearly usage it has locked (``stocks``, ``year_used``), so the plan and
    the limits are decided on what no one else can change before it commits.
    ``coupon_code`` is the coupon the buyer typed (or a claimed coupon's key),
    checked against ``buyer_id``'s own uses.
    """
    lines = tuple(lines)
    year = year if year is not None else cbec_year()
    problems: list[Problem] = []
    plan = fulfilment_plan(strategy=strategy, lines=lines, stocks=stocks)
    problems += [Problem("out_of_stock", m) for m in plan.shortage_messages(lines)]
    for hs_code in dict.fromkeys(line.variant.product.hs_code for line in lines):
        problems += [
            Problem("not_sellable", message)
            for message in strategy.line_problems(hs_code=hs_code)
        ]

    caps_by_line: dict[UUID, Decimal] = {}
    caps_by_code: dict[str, Decimal] = {}
    if identity is not None and strategy.has_personal_limits:
        if year_used is None:
            year_used = yearly_used(id_number_hmac=identity.id_number_hmac, year=year)
        caps_by_line, caps_by_code = caps_wanted(cap_items(lines))
        problems += [
            Problem("yearly_cap", message)
            for message in caps_check(
                id_number_hmac=identity.id_number_hmac, year=year, wanted=caps_by_code
            )
        ]
    year_used = year_used if year_used is not None else Decimal("0.00")

    promotions = cart_promotions(
        merchant_ids={line.variant.product.merchant_id for line in lines},
        variant_ids=[line.variant.pk for line in lines],
        coupon_code=coupon_code,
        buyer_id=buyer_id,
        now=now or timezone.now(),
    )
    quote = None
    try:
        quote = cart_quote(
            pricing=strategy,
            lines=[(line.variant, line.quantity) for line in lines],
            year_used=year_used,
            language=language,
            placements=plan.placements,
            promotions=promotions,
        )
    except QuoteRefused as refused:
        problems.append(Problem("not_quotable", str(refused)))
    else:
        problems += [
            Problem(sub.problem_code, sub.problem)
            for sub in quote.sub_orders
            if sub.problem
        ]
    if not lines:
        problems.append(Problem("empty_cart", _("Your cart is empty.")))
    routes = {sub.placement.route for sub in quote.sub_orders} if quote else set()
    return CheckoutInfo(
        strategy=strategy,
        lines=lines,
        identity=identity,
        address=address,
        year=year,
        year_used=year_used,
        plan=plan,
        quote=quote,
        caps_by_line=caps_by_line,
        caps_by_code=caps_by_code,
        problems=tuple(problems),
        promises=delivery_windows(routes) if routes else {},
        promotions=promotions,
        coupon_problem=_coupon_problem(promotions, quote, language),
    )


def _coupon_problem(
    promotions: CartPromotions, quote: CartQuote | None, language: str
) -> Problem | None:
    """Why the coupon typed was not applied: unknown, expired, used up, or (once
    quoted) under its minimum or for none of these products."""
    refusal = promotions.coupon_refusal
    if refusal is None and quote is not None and quote.discounts is not None:
        refusal = quote.discounts.coupon_refusal
    if refusal is None:
        return None
    return Problem(str(refusal), refusal_message(refusal, promotions.coupon, language))
