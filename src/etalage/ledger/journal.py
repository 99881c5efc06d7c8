"""Posting to the journal: the one way entries are written.

``post`` writes a transaction's entries, then its header: the database refuses
the header unless the entries sum to zero in each currency, and refuses any entry
added after it (the triggers of migration 0002). A cause posts once: its
``reference`` is unique, and a second ``post`` of it is a no-op.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from etalage.core.ids import new_id
from etalage.ledger.chart import chart_of
from etalage.ledger.models import Account, Entry, Transaction
from etalage.ledger.posting import Leg, legs_merged
from etalage.merchants.models import Merchant
from etalage.orders.models import Order


def accounts_for(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Account]:
    """The accounts of ``(key, currency)`` pairs, created the first time they are
    used (a race to create one ends with the one that won)."""
    wanted = set(keys)
    found = {
        (a.key, a.currency): a
        for a in Account.objects.filter(key__in={key for key, _c in wanted})
    }
    for key, currency in wanted - found.keys():
        chart = chart_of(key)
        if chart.currency not in (None, currency):
            raise ValueError(f"{key} is kept in {chart.currency}, not {currency}")
        merchant = key.split(":", 1)[1] if chart.per == "merchant" else None
        try:
            with transaction.atomic():
                found[key, currency] = Account.objects.create(
                    key=key, currency=currency, kind=chart.kind, merchant_id=merchant
                )
        except IntegrityError:
            found[key, currency] = Account.objects.get(key=key, currency=currency)
    return found


def post(
    *,
    reference: str,
    kind: str,
    legs: Sequence[Leg],
    memo: str = "",
    order: Order | None = None,
    merchant: Merchant | None = None,
    at: datetime | None = None,
) -> Transaction | None:
    """Post ``legs`` as one transaction, once per ``reference``; return it, or None
    when that reference was posted before."""
    if Transaction.objects.filter(reference=reference).exists():
        return None
    legs = legs_merged(legs)
    if len(legs) < 2:
        return None  # nothing moves (a zero-value parcel)
    accounts = accounts_for((leg.account, leg.currency) for leg in legs)
    header = Transaction(
        id=new_id(),
        reference=reference,
        kind=kind,
        memo=memo[:300],
        posted_at=at or timezone.now(),
        order=order,
        merchant=merchant,
        entries_count=len(legs),
    )
    with transaction.atomic():
        Entry.objects.bulk_create(
            Entry(
                transaction_id=header.id,
                account_id=accounts[leg.account, leg.currency].pk,
                currency=leg.currency,
                amount_minor=leg.amount,
            )
            for leg in legs
        )
        header.save(force_insert=True)
    return header
