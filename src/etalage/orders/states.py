"""The life of an order and of each sub-order: states and legal transitions. Pure.

A sub-order (one merchant's parcel from one warehouse) moves on its own through
customs and delivery; the order's state follows its sub-orders: it is the least
advanced state among those not cancelled (cancelled or refunded when all are).
"""

from __future__ import annotations

PLACED = "placed"
PAID = "paid"
CUSTOMS_DECLARED = "customs_declared"
RELEASED = "released"
SHIPPED = "shipped"
DELIVERED = "delivered"
COMPLETED = "completed"
CANCELLED = "cancelled"
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
    CUSTOMS_DECLARED: frozenset({RELEASED, CANCELLED}),
    RELEASED: frozenset({SHIPPED, CANCELLED}),
    SHIPPED: frozenset({DELIVERED}),
    DELIVERED: frozenset({COMPLETED, REFUNDED_PART, REFUNDED}),
    COMPLETED: frozenset({REFUNDED_PART, REFUNDED}),
    REFUNDED_PART: frozenset({REFUNDED_PART, REFUNDED, COMPLETED}),
    CANCELLED: frozenset({REFUNDED}),  # a paid order cancelled, then refunded
    REFUNDED: frozenset(),
}

# Before shipping the buyer may still cancel.
CANCELLABLE = frozenset({PLACED, PAID, CUSTOMS_DECLARED, RELEASED})
# States in which the order still holds its stock (allocated, not yet shipped).
HOLDING_STOCK = CANCELLABLE
# States in which the order's CBEC value counts toward the buyer's year.
COUNTING_USAGE = frozenset(
    {
        PLACED,
        PAID,
        CUSTOMS_DECLARED,
        RELEASED,
        SHIPPED,
        DELIVERED,
        COMPLETED,
        REFUNDED_PART,
    }
)


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
    live = [state for state in sub_order_states if state not in (CANCELLED, REFUNDED)]
    if not live:
        return REFUNDED if REFUNDED in sub_order_states else CANCELLED
    return min(live, key=PROGRESS.index)
