"""What may still change in a promotion, by where it stands. Pure.

Before it starts (and before anyone claimed or used it) a promotion is a draft:
all its terms may change but its kind. Once it has started, been claimed or been
used, buyers hold it on its terms: what it takes off, its minimum spend or step,
its cap, code, products, start and uses per buyer stay as they are; its budget and
its uses in all may grow (never shrink), its name may change, and its end may
move, but not into the past (ending it now is *End now*). An ended promotion
changes no more.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class Stage(StrEnum):
    SCHEDULED = "scheduled"  # not started, never claimed nor used
    HELD = "held"  # started, claimed or used: buyers hold it on its terms
    ENDED = "ended"


class Refusal(StrEnum):
    """Why a change is refused, per field."""

    KIND = "kind"  # a promotion keeps its kind
    HELD = "held"  # buyers hold it on these terms
    SHRINK = "shrink"  # a budget or a limit may grow, not shrink
    PAST = "past"  # an end in the past
    ENDED = "ended"  # an ended promotion changes no more


# The terms a buyer who claimed or used the promotion holds it on.
HELD_TERMS = (
    "amount_off",
    "percent_off",
    "cap",
    "threshold",
    "code",
    "products",
    "starts_at",
    "per_buyer_limit",
)
# What may only grow once it is held.
GROWING = ("budget", "total_limit")

# The terms of each kind besides those every promotion has (name, window, budget,
# uses, products): a form shows only the chosen kind's, and what was typed in
# another kind's (before the kind was changed) is not the promotion's.
KIND_TERMS: Mapping[str, tuple[str, ...]] = {
    "coupon": ("amount_off", "percent_off", "cap", "threshold", "code", "claimable"),
    "spend_and_save": ("amount_off", "threshold"),
    "free_shipping": ("threshold",),
}
# What a term not of the kind stands at: none.
_NONE: Mapping[str, object] = {
    "amount_off": Decimal("0.00"),
    "percent_off": Decimal("0.00"),
    "cap": None,
    "threshold": Decimal("0.00"),
    "code": "",
    "claimable": False,
}


def kinds_of(term: str) -> tuple[str, ...]:
    """The kinds ``term`` belongs to (none: every promotion has it)."""
    return tuple(kind for kind, terms in KIND_TERMS.items() if term in terms)


def kind_terms_only(kind: str, values: Mapping[str, object]) -> dict[str, object]:
    """``values`` with the terms of other kinds than ``kind`` at none."""
    own = KIND_TERMS.get(kind, ())
    return {
        name: value if name in own or name not in _NONE else _NONE[name]
        for name, value in values.items()
    }


def stage_of(
    *,
    starts_at: datetime,
    ends_at: datetime,
    ended_at: datetime | None,
    used: int,
    claimed: bool,
    now: datetime,
) -> Stage:
    """Where a promotion stands at ``now``."""
    if ended_at is not None or ends_at <= now:
        return Stage.ENDED
    if starts_at <= now or used > 0 or claimed:
        return Stage.HELD
    return Stage.SCHEDULED


def _grows(before: object, after: object) -> bool:
    """A limit is not lowered (None is no limit: the largest)."""
    if after is None:
        return True
    if not isinstance(before, Decimal | int) or not isinstance(after, Decimal | int):
        return False
    return after >= before


def change_refusals(
    *,
    before: Mapping[str, object],
    after: Mapping[str, object],
    stage: Stage,
    now: datetime,
) -> dict[str, Refusal]:
    """Each field whose change is refused, with why; empty: the change may go."""
    changed = [name for name in after if after[name] != before.get(name)]
    refusals: dict[str, Refusal] = {}
    if "kind" in changed:
        refusals["kind"] = Refusal.KIND
    if stage == Stage.ENDED:
        refusals.update({name: Refusal.ENDED for name in changed})
        return refusals
    if stage == Stage.SCHEDULED:
        return refusals
    for name in changed:
        if name in HELD_TERMS:
            refusals[name] = Refusal.HELD
        elif name in GROWING and not _grows(before.get(name), after[name]):
            refusals[name] = Refusal.SHRINK
    ends_at = after.get("ends_at")
    if "ends_at" in changed and isinstance(ends_at, datetime) and ends_at <= now:
        refusals["ends_at"] = Refusal.PAST
    return refusals


def held_fields(stage: Stage) -> tuple[str, ...]:
    """The fields that cannot change at this stage (a form greys them out)."""
    if stage == Stage.SCHEDULED:
        return ("kind",)
    if stage == Stage.HELD:
        return ("kind", *HELD_TERMS)
    return ("kind", *HELD_TERMS, *GROWING, "name", "ends_at", "claimable")
