"""Reads of the merchants context."""

from __future__ import annotations

from dataclasses import dataclass

from etalage.merchants.models import Merchant, MerchantDecision

# A shop not (or no longer) selling is told the operator's last decision on it.
_TOLD = {
    Merchant.Status.REJECTED: MerchantDecision.Action.REJECT,
    Merchant.Status.INFO_REQUESTED: MerchantDecision.Action.REQUEST_INFO,
    Merchant.Status.SUSPENDED: MerchantDecision.Action.SUSPEND,
}


def applications_waiting_count() -> int:
    """Applications the operator has to decide (confirmed or not)."""
    return Merchant.objects.filter(status=Merchant.Status.APPLIED).count()


def merchant_decision_told(merchant: Merchant) -> MerchantDecision | None:
    """The decision that put the merchant in its status, when that status keeps
    it from selling (rejected, asked for more, suspended): what its people are
    told; none otherwise (no query)."""
    action = _TOLD.get(Merchant.Status(merchant.status))
    if action is None:
        return None
    return merchant.decisions.filter(action=action).first()


@dataclass(frozen=True)
class PayoutAccount:
    """Where the merchant's payouts go: ``missing`` (none given: nothing can be
    paid), ``waiting`` (a new account waits for the operator's approval; payouts
    go to the one in use, if any) or ``in_use``; IBANs shown by their last four."""

    state: str
    iban_end: str
    pending_iban_end: str


def payout_account(merchant: Merchant) -> PayoutAccount:
    """Read where ``merchant``'s payouts go (no query)."""
    if merchant.pending_iban:
        state = "waiting"
    else:
        state = "in_use" if merchant.iban else "missing"
    return PayoutAccount(
        state=state,
        iban_end=merchant.iban[-4:] if merchant.iban else "",
        pending_iban_end=merchant.pending_iban[-4:] if merchant.pending_iban else "",
    )
