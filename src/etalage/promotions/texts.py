"""What buyers read about promotions, in their language."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from etalage.money import Money, format_money
from etalage.promotions import core

CNY = "CNY"


def _yuan(amount: Decimal, language: str) -> str:
    return format_money(Money(amount, CNY), language)


def offer_label(offer: core.Offer, language: str) -> str:
    """ "¥30 off every ¥300", "15% off, at most ¥50, from ¥100", "Free shipping
    from ¥199"."""
    money = {
        "off": _yuan(offer.amount_off, language),
        "threshold": _yuan(offer.threshold, language),
        "cap": _yuan(offer.cap, language) if offer.cap is not None else "",
        "percent": f"{offer.percent_off.normalize():f}",
    }
    if offer.kind == core.Kind.SPEND_AND_SAVE:
        return _("%(off)s off every %(threshold)s") % money
    if offer.kind == core.Kind.FREE_SHIPPING:
        if not offer.threshold:
            return _("Free shipping")
        return _("Free shipping from %(threshold)s") % money
    if offer.percent_off:
        text = _("%(percent)s%% off") % money
        if offer.cap is not None:
            text = _("%(percent)s%% off, at most %(cap)s") % money
    else:
        text = _("%(off)s off") % money
    if offer.threshold:
        return _("%(offer)s from %(threshold)s") % {"offer": text, **money}
    return text


def refusal_message(
    refusal: core.Refusal, offer: core.Offer | None, language: str
) -> str:
    """Why a coupon was not applied, said to the buyer."""
    if refusal == core.Refusal.UNKNOWN:
        return _("No coupon has this code: check it and try again.")
    if refusal == core.Refusal.NOT_STARTED:
        return _("This coupon cannot be used yet.")
    if refusal == core.Refusal.EXPIRED:
        return _("This coupon has expired.")
    if refusal == core.Refusal.PAUSED:
        return _("This coupon is paused by its shop for now.")
    if refusal == core.Refusal.MINIMUM_NOT_REACHED and offer is not None:
        return _("This coupon needs %(threshold)s of eligible goods.") % {
            "threshold": _yuan(offer.threshold, language)
        }
    if refusal in (core.Refusal.LIMIT_USED, core.Refusal.BUDGET_USED):
        return _("This coupon has been used as many times as it can be.")
    return _("This coupon is not for the products in your cart.")


def spend_and_save_hint(offer: core.Offer, base: Decimal, language: str) -> str:
    """ "¥12.00 more for ¥30.00 off"."""
    more, saving = core.spend_and_save_progress(offer, base)
    return _("%(more)s more for %(saving)s off") % {
        "more": _yuan(more, language),
        "saving": _yuan(saving, language),
    }


def free_shipping_hint(offer: core.Offer, base: Decimal, language: str) -> str:
    if base >= offer.threshold:
        return _("Free shipping")
    return _("%(more)s more for free shipping") % {
        "more": _yuan(offer.threshold - base, language)
    }
