"""Who a payout run pays, and why a merchant owed money is not paid: the one rule
the run follows (``payouts``) and the back-office explains before the operator
runs it.

A merchant is paid its whole available balance when it is approved, has an
approved payout account that the bank did not return its last payout to, that
account is past its new-account hold, and the balance is at least
``ETALAGE_PAYOUT_MINIMUM_EUR``. Every reason that holds a merchant back is given,
not only the first.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from etalage.ledger import chart
from etalage.ledger.models import Account, Payout
from etalage.ledger.reasons import return_reason_text
from etalage.ledger.selectors import merchants_with_bounced_account
from etalage.merchants.models import Merchant
from etalage.money import Money, format_money


class Hold(enum.StrEnum):
    """Why a merchant owed money is not paid by a run."""

    NOT_APPROVED = "not_approved"
    NO_ACCOUNT = "no_account"
    ACCOUNT_TO_APPROVE = "account_to_approve"
    RETURNED = "returned"
    NEW_ACCOUNT = "new_account"
    NEGATIVE = "negative"
    NOTHING_AVAILABLE = "nothing_available"
    BELOW_MINIMUM = "below_minimum"


def minimum_minor() -> int:
    """The smallest payout, in cents."""
    return Money(settings.ETALAGE_PAYOUT_MINIMUM_EUR, "EUR").minor_units()


def held_until(merchant: Merchant) -> datetime | None:
    """When the new-account hold of the merchant's payout account ends (None: it
    has none)."""
    approved = merchant.bank_account_approved_at
    if approved is None:
        return None
    return approved + timedelta(days=settings.ETALAGE_NEW_ACCOUNT_HOLD_DAYS)


def payout_held(merchant: Merchant, *, now: datetime | None = None) -> bool:
    """Whether the merchant's payouts wait because its account is new: approved
    less than ``ETALAGE_NEW_ACCOUNT_HOLD_DAYS`` ago, so the first payout to it
    waits (an account changed behind the owners' back is found out, by the
    emails every owner gets, before money leaves)."""
    until = held_until(merchant)
    return until is not None and (now or timezone.now()) < until


def payout_holds(
    merchant: Merchant,
    *,
    available_minor: int,
    minimum: int,
    returned: bool,
    now: datetime,
) -> tuple[Hold, ...]:
    """Every reason the merchant is not paid its ``available_minor`` cents now
    (none: it is paid)."""
    holds = []
    if merchant.status != Merchant.Status.APPROVED:
        holds.append(Hold.NOT_APPROVED)
    if not merchant.iban:
        holds.append(
            Hold.ACCOUNT_TO_APPROVE if merchant.pending_iban else Hold.NO_ACCOUNT
        )
    elif returned:
        holds.append(Hold.RETURNED)
    elif payout_held(merchant, now=now):
        holds.append(Hold.NEW_ACCOUNT)
    if available_minor < 0:
        holds.append(Hold.NEGATIVE)
    elif available_minor == 0:
        holds.append(Hold.NOTHING_AVAILABLE)
    elif available_minor < minimum:
        holds.append(Hold.BELOW_MINIMUM)
    return tuple(holds)


def returned_to_current_account(merchant_ids: Collection[Any]) -> dict[Any, Payout]:
    """Each merchant's latest payout the bank returned to the account it still
    has, when that is its latest payout to it (two queries)."""
    bounced = merchants_with_bounced_account(list(merchant_ids))
    latest: dict[Any, Payout] = {}
    payouts = Payout.objects.filter(
        merchant_id__in=bounced, state=Payout.State.RETURNED, merchant__iban=F("iban")
    ).order_by("merchant_id", "-created_at")
    for payout in payouts:
        latest.setdefault(payout.merchant_id, payout)
    return latest


@dataclass(frozen=True)
class PayoutCandidate:
    """A merchant owed money (or owing it), and what a run would do for it."""

    merchant: Merchant
    available_minor: int  # ready for payout; negative when the merchant owes
    pending_minor: int  # in the return window
    holds: tuple[Hold, ...]
    returned: Payout | None

    @property
    def paid(self) -> bool:
        return not self.holds

    @property
    def available(self) -> Money:
        return Money.from_minor_units(self.available_minor, "EUR")

    @property
    def pending(self) -> Money:
        return Money.from_minor_units(self.pending_minor, "EUR")

    def reasons(self) -> list[str]:
        """Why the merchant is paid or not, in the reader's language."""
        if self.paid:
            return [_("Paid its whole available balance.")]
        return [self._reason(hold) for hold in self.holds]

    def _reason(self, hold: Hold) -> str:
        merchant, language = self.merchant, get_language() or "en"
        if hold == Hold.NOT_APPROVED:
            return _("The merchant is not approved (%(status)s).") % {
                "status": merchant.get_status_display()
            }
        if hold == Hold.NO_ACCOUNT:
            return _("No payout account: the merchant has given no IBAN.")
        if hold == Hold.ACCOUNT_TO_APPROVE:
            return _(
                "Its payout account (…%(end)s) waits for your approval: Merchants, "
                "action “Approve the new payout account of the selected merchants”."
            ) % {"end": merchant.pending_iban[-4:]}
        if hold == Hold.RETURNED and self.returned is not None:
            returned = self.returned
            return _(
                "The bank returned its last payout (%(reference)s) to the account "
                "…%(end)s: %(code)s, %(reason)s Nothing goes to that account again; "
                "the merchant must give another one."
            ) % {
                "reference": returned.end_to_end_id,
                "end": returned.iban[-4:],
                "code": returned.return_reason,
                "reason": return_reason_text(returned.return_reason),
            }
        if hold == Hold.NEW_ACCOUNT:
            until = held_until(merchant)
            return _(
                "New payout account: the first payout to it waits until %(date)s."
            ) % {"date": f"{timezone.localtime(until):%Y-%m-%d %H:%M}" if until else ""}
        if hold == Hold.NEGATIVE:
            return _(
                "Its available balance is negative (%(amount)s): refunds after its "
                "last payout, which its next sales make up."
            ) % {"amount": format_money(self.available, language)}
        if hold == Hold.NOTHING_AVAILABLE:
            return _(
                "Nothing available yet: its sales are still in their return window."
            )
        return _("Below the minimum payout of %(minimum)s.") % {
            "minimum": format_money(
                Money(settings.ETALAGE_PAYOUT_MINIMUM_EUR, "EUR"), language
            )
        }


def payout_candidates(*, now: datetime | None = None) -> list[PayoutCandidate]:
    """Every merchant with money pending or available (or owing some), what a run
    started now would pay it and why not: the ones paid first, then by name. A
    handful of queries, whatever the number of merchants."""
    now = now or timezone.now()
    balances: dict[Any, dict[str, int]] = {}
    accounts = Account.objects.filter(
        Q(key__startswith=f"{chart.MERCHANT_AVAILABLE}:")
        | Q(key__startswith=f"{chart.MERCHANT_PENDING}:"),
        currency="EUR",
    ).exclude(balance_minor=0)
    for key, merchant_id, balance in accounts.values_list(
        "key", "merchant_id", "balance_minor"
    ):
        name = key.split(":", 1)[0]
        # liabilities: a credit balance (negative) is owed to the merchant
        balances.setdefault(merchant_id, {})[name] = -balance
    merchants = Merchant.objects.in_bulk(list(balances))
    returned = returned_to_current_account(list(merchants))
    minimum = minimum_minor()
    candidates = []
    for merchant_id, sums in balances.items():
        merchant = merchants[merchant_id]
        available = sums.get(chart.MERCHANT_AVAILABLE, 0)
        candidates.append(
            PayoutCandidate(
                merchant=merchant,
                available_minor=available,
                pending_minor=sums.get(chart.MERCHANT_PENDING, 0),
                holds=payout_holds(
                    merchant,
                    available_minor=available,
                    minimum=minimum,
                    returned=merchant_id in returned,
                    now=now,
                ),
                returned=returned.get(merchant_id),
            )
        )
    return sorted(candidates, key=lambda c: (not c.paid, c.merchant.name.lower()))
