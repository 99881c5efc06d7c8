"""The reasons Étalage itself gives for an order's moves, translatable: stored in
English, shown in the reader's language. Any other reason is a person's own words
and is shown as written."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

HOLD_RAN_OUT = gettext_noop("Not paid before the hold ran out.")
CANCELLED_BY_BUYER = gettext_noop("Cancelled by the buyer.")

# Including the wording of orders placed before the reasons were translatable.
_SYSTEM = {HOLD_RAN_OUT, CANCELLED_BY_BUYER, "cancelled by the buyer"}


def reason_shown(reason: str) -> str:
    """The reason in the active language when it is one of Étalage's own."""
    if reason == "cancelled by the buyer":
        reason = CANCELLED_BY_BUYER
    return gettext(reason) if reason in _SYSTEM else reason


def is_system_reason(reason: str) -> bool:
    return reason in _SYSTEM
