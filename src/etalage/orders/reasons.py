"""Why an order moved, told twice: the *reason*, a note for the operator and the
merchant as it was written (a provider's or a carrier's reference, customs' words,
an operator's words), and the *explanation*, what the buyer is told, kept as a kind
with its values and said in the reader's language when shown. A move with no
explanation tells the buyer nothing but its new state."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

HOLD_RAN_OUT = gettext_noop("Not paid before the hold ran out.")
CANCELLED_BY_BUYER = gettext_noop("Cancelled by the buyer.")
PAYER_NOT_NAMED = gettext_noop(
    "The account that paid is not %(name)s's, the person named for customs. "
    "Cross-border rules require the buyer to pay from their own account: the "
    "order is cancelled and the payment refunded."
)
CUSTOMS_REFUSED = gettext_noop(
    "Customs refused this parcel (“%(words)s”). It is cancelled and its total "
    "refunded; the amount counts no longer toward your yearly cross-border "
    "allowance."
)
REFUNDED = gettext_noop("Refunded to the account that paid.")
RETURN_RECEIVED = gettext_noop("Return %(number)s is back: its items are refunded.")


class Explanation(models.TextChoices):
    """The kinds of explanation a buyer reads in an order's history."""

    NONE = "", _("none")
    HOLD_RAN_OUT = "hold_ran_out", _("not paid in time")
    CANCELLED_BY_BUYER = "cancelled_by_buyer", _("cancelled by the buyer")
    PAYER_NOT_NAMED = "payer_not_named", _("paid from someone else's account")
    CUSTOMS_REFUSED = "customs_refused", _("refused by customs")
    REFUNDED = "refunded", _("refunded")
    RETURN_RECEIVED = "return_received", _("return received")
    # An operator's words to the buyer, shown as written (``{"words": …}``).
    OPERATOR_NOTE = "operator_note", _("the operator's words")


_TEXTS: dict[str, str] = {
    Explanation.HOLD_RAN_OUT: HOLD_RAN_OUT,
    Explanation.CANCELLED_BY_BUYER: CANCELLED_BY_BUYER,
    Explanation.PAYER_NOT_NAMED: PAYER_NOT_NAMED,
    Explanation.CUSTOMS_REFUSED: CUSTOMS_REFUSED,
    Explanation.REFUNDED: REFUNDED,
    Explanation.RETURN_RECEIVED: RETURN_RECEIVED,
}

# Étalage's own reasons are explanations too (an older wording included).
_SYSTEM: dict[str, str] = {
    HOLD_RAN_OUT: Explanation.HOLD_RAN_OUT,
    CANCELLED_BY_BUYER: Explanation.CANCELLED_BY_BUYER,
    "cancelled by the buyer": Explanation.CANCELLED_BY_BUYER,
}


def explanation_for(reason: str, explanation: str) -> str:
    """The explanation a move records: the one given, else the one Étalage's own
    reason is."""
    return explanation or _SYSTEM.get(reason, "")


def explanation_text(explanation: str, data: Mapping[str, str]) -> str:
    """What the buyer reads, in the active language ("" for nothing)."""
    if explanation == Explanation.OPERATOR_NOTE:
        return str(data.get("words", ""))
    template = _TEXTS.get(explanation)
    if template is None:
        return ""
    try:
        return gettext(template) % dict(data) if "%(" in template else gettext(template)
    except (KeyError, TypeError, ValueError):  # values missing: the bare kind
        return str(Explanation(explanation).label)


def explanation_in(language: str, explanation: str, data: Mapping[str, str]) -> str:
    """``explanation_text`` in ``language`` (the operator's note reads English)."""
    with translation.override(language):
        return explanation_text(explanation, data)
