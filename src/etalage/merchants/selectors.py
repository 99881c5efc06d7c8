"""Reads of the merchants context."""

from __future__ import annotations

from dataclasses import dataclass

from etalage.merchants.models import Merchant


def applications_waiting_count() -> int:
    """Applications the operator has to decide (confirmed or not)."""
    return Merchant.objects.filter(status=Merchant.Status.APPLIED).count()


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
