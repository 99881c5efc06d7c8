"""The life of an order and of each sub-order: states and legal transitions. Pure.

A sub-order (one merchant's parcel from one warehouse) moves on its own through
customs and delivery; the order's state follows its sub-orders: it is the least
advanced state among those not cancelled (cancelled or refunded when all are),
except that an order with a parcel refused by customs reads so until that parcel
is refunded, and one with a parcel refunded never reads "delivered" or "completed"
but "partly refunded".
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

PLACED = "placed"
PAID = "paid"
CUSTOMS_DECLARED = "customs_declared"
RELEASED = "released"
SHIPPED = "shipped"
DELIVERED = "delivered"
COMPLETED = "completed"
CANCELLED = "cancelled"
CUSTOMS_REFUSED = "customs_refused"
REFUNDED_PART = "refunded_part"
REFUNDED = "refunded"

# In the order they happen; the order's state is the earliest of its sub-orders'.
PROGRESS = (
    PLACED,
    PAID,
    CUSTOMS_DECLARED,
    RELEASED,
    SHIPPED,
    DELIVERED,
    COMPLETED,
    REFUNDED_PART,
)

TRANSITIONS: dict[str, frozenset[str]] = {
    PLACED: frozenset({PAID, CANCELLED}),
    PAID: frozenset({CUSTOMS_DECLARED, CANCELLED}),
    # Customs may refuse a declaration; the buyer may cancel until shipping.
    CUSTOMS_DECLARED: frozenset({RELEASED, CUSTOMS_REFUSED, CANCELLED}),
    RELEASED: frozenset({SHIPPED, CANCELLED}),
    SHIPPED: frozenset({DELIVERED}),
    DELIVERED: frozenset({COMPLETED, REFUNDED_PART, REFUNDED}),
    COMPLETED: frozenset({REFUNDED_PART, REFUNDED}),
    REFUNDED_PART: frozenset({REFUNDED_PART, REFUNDED, COMPLETED}),
    CANCELLED: frozenset({REFUNDED}),  # a paid order cancelled, then refunded
    CUSTOMS_REFUSED: frozenset({REFUNDED}),
    REFUNDED: frozenset(),
}

# Before shipping the buyer may still cancel.
CANCELLABLE = frozenset({PLACED, PAID, CUSTOMS_DECLARED, RELEASED})


# What each state counts in the books ----------------------------------------------
#
# One table says, for every state, where the sub-order's units are, how its CBEC
# value counts toward the buyer's yearly allowance and whether its lines count toward
# positive-list caps. The services apply the difference between two states when a
# sub-order moves (``move_effects``); ``etalage check`` recomputes the books from it.


class Units(enum.Enum):
    ALLOCATED = "allocated"  # promised on the shelf
    SHIPPED = "shipped"  # left the warehouse
    NONE = "none"  # given back, or never taken


class Usage(enum.Enum):
    RESERVED = "reserved"  # counts toward the year until customs release
    CONFIRMED = "confirmed"  # released by customs
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Books:
    units: Units
    usage: Usage
    caps: bool  # the lines count toward positive-list yearly caps


BOOKS: dict[str, Books] = {
    PLACED: Books(Units.ALLOCATED, Usage.RESERVED, caps=True),
    PAID: Books(Units.ALLOCATED, Usage.RESERVED, caps=True),
    CUSTOMS_DECLARED: Books(Units.ALLOCATED, Usage.RESERVED, caps=True),
    RELEASED: Books(Units.ALLOCATED, Usage.CONFIRMED, caps=True),
    SHIPPED: Books(Units.SHIPPED, Usage.CONFIRMED, caps=True),
    DELIVERED: Books(Units.SHIPPED, Usage.CONFIRMED, caps=True),
    COMPLETED: Books(Units.SHIPPED, Usage.CONFIRMED, caps=True),
    REFUNDED_PART: Books(Units.SHIPPED, Usage.CONFIRMED, caps=True),
    CANCELLED: Books(Units.NONE, Usage.NONE, caps=False),
    # Refused by customs before release: the goods go back to the warehouse they
    # were declared from, and the refused value does not count toward the year.
    CUSTOMS_REFUSED: Books(Units.NONE, Usage.NONE, caps=False),
    # A refunded parcel was cancelled first (its units given back) or delivered
    # (its units gone); returns will bring units back on their own.
    REFUNDED: Books(Units.NONE, Usage.NONE, caps=False),
}


def states_where(
    *, units: Units | None = None, usage: Usage | None = None, caps: bool | None = None
) -> frozenset[str]:
    """The states whose books say so."""
    return frozenset(
        state
        for state, books in BOOKS.items()
        if (units is None or books.units == units)
        and (usage is None or books.usage == usage)
        and (caps is None or books.caps == caps)
    )


# States in which the order still holds its stock (allocated, not yet shipped).
HOLDING_STOCK = states_where(units=Units.ALLOCATED)
USAGE_RESERVED = states_where(usage=Usage.RESERVED)
USAGE_CONFIRMED = states_where(usage=Usage.CONFIRMED)
# States in which the order's CBEC value counts toward the buyer's year.
COUNTING_USAGE = USAGE_RESERVED | USAGE_CONFIRMED
COUNTING_CAPS = states_where(caps=True)


class StockEffect(enum.Enum):
    RELEASE = "release"  # allocated units go back on the shelf
    SHIP = "ship"  # allocated units leave the warehouse


class UsageEffect(enum.Enum):
    CONFIRM = "confirm"  # reserved becomes confirmed
    GIVE_BACK_RESERVED = "give_back_reserved"
    GIVE_BACK_CONFIRMED = "give_back_confirmed"


@dataclass(frozen=True, slots=True)
class MoveEffects:
    """What a move does to the books."""

    stock: StockEffect | None
    usage: UsageEffect | None
    caps_given_back: bool


def move_effects(current: str, wanted: str) -> MoveEffects:
    """The difference between the books of ``current`` and ``wanted``."""
    before, after = BOOKS[current], BOOKS[wanted]
    stock = None
    if before.units == Units.ALLOCATED and after.units == Units.SHIPPED:
        stock = StockEffect.SHIP
    elif before.units == Units.ALLOCATED and after.units == Units.NONE:
        stock = StockEffect.RELEASE
    usage = {
        (Usage.RESERVED, Usage.CONFIRMED): UsageEffect.CONFIRM,
        (Usage.RESERVED, Usage.NONE): UsageEffect.GIVE_BACK_RESERVED,
        (Usage.CONFIRMED, Usage.NONE): UsageEffect.GIVE_BACK_CONFIRMED,
    }.get((before.usage, after.usage))
    return MoveEffects(stock, usage, caps_given_back=before.caps and not after.caps)


class IllegalTransition(ValueError):
    """A move the state machine does not allow."""

    def __init__(self, current: str, wanted: str):
        super().__init__(f"cannot go from {current} to {wanted}")
        self.current = current
        self.wanted = wanted


def check_transition(current: str, wanted: str) -> None:
    if wanted not in TRANSITIONS.get(current, frozenset()):
        raise IllegalTransition(current, wanted)


def order_state(sub_order_states: list[str]) -> str:
    """The order's state from its sub-orders' states."""
    if not sub_order_states:
        raise ValueError("an order has at least one sub-order")
    if CUSTOMS_REFUSED in sub_order_states:
        return CUSTOMS_REFUSED  # until its parcel is refunded
    live = [state for state in sub_order_states if state not in (CANCELLED, REFUNDED)]
    if not live:
        return REFUNDED if REFUNDED in sub_order_states else CANCELLED
    state = min(live, key=PROGRESS.index)
    if REFUNDED in sub_order_states and state in (DELIVERED, COMPLETED):
        return REFUNDED_PART
    return state
