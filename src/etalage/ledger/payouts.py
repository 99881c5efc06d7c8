"""Payout runs: every merchant owed at least the minimum is paid its available
balance by SEPA credit transfer, in one pain.001 file per run.

A run moves each payout's amount from the merchant's available balance to payouts
in transit, in the transaction that creates it; only one run waits for its file at
a time (a partial unique index holds it across workers); the file is handed out
once, and the payouts are then sent. The bank's statement (``bank``) settles or
returns them; the run is settled once none is still on the way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from datetime import date
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from etalage.core.sequences import sequence_next
from etalage.ledger import chart
from etalage.ledger.chart import account_key
from etalage.ledger.eligibility import (
    minimum_minor,
    payout_held,
    payout_holds,
    returned_to_current_account,
)
from etalage.ledger.journal import post
from etalage.ledger.models import Account, Payout, PayoutRun
from etalage.ledger.posting import Leg
from etalage.ledger.sepa import FileRefused, Transfer, execution_date, pain001
from etalage.merchants.models import Merchant

__all__ = [
    "PayoutRefused",
    "payout_file_take",
    "payout_held",
    "payout_run",
    "payout_runs_settle",
]


class PayoutRefused(ValueError):
    """A run or a download that cannot be done now (the reason is for the
    operator)."""


def payout_run(*, by: str = "", today: date | None = None) -> PayoutRun:
    """Prepare a run paying every approved merchant with an account its available
    balance, when it is at least ``ETALAGE_PAYOUT_MINIMUM_EUR``."""
    today = today or timezone.localtime().date()
    minimum = minimum_minor()
    try:
        with transaction.atomic():
            return _run(today, minimum, by)
    except IntegrityError:
        raise PayoutRefused(
            _("Another payout run was started at the same time.")
        ) from None


def _run(today: date, minimum: int, by: str) -> PayoutRun:
    open_run = PayoutRun.objects.filter(state=PayoutRun.State.PREPARED).first()
    if open_run is not None:
        raise PayoutRefused(
            _(
                "Payout run %(number)s waits for its file to be downloaded; download "
                "it before starting another."
            )
            % {"number": open_run.number}
        )
    serial = sequence_next(f"payout-run:{today:%Y%m%d}")
    run = PayoutRun.objects.create(
        number=f"PAYOUT-{today:%Y%m%d}-{serial:03d}",
        execution_date=execution_date(today),
        file=b"",
    )
    payouts = _payouts(run, minimum)
    if not payouts:
        raise PayoutRefused(
            _("No merchant is owed at least %(minimum)s EUR with an approved account.")
            % {"minimum": settings.ETALAGE_PAYOUT_MINIMUM_EUR}
        )
    try:
        file = pain001(
            debtor=settings.ETALAGE_PAYOUT_DEBTOR,
            execution_date=run.execution_date,
            transfers=[_transfer(run, payout) for payout in payouts],
        )
    except FileRefused as refused:
        raise PayoutRefused(str(refused)) from None
    run.message_id, run.payment_info_id, run.file = (
        file.message_id,
        file.payment_info_id,
        file.data,
    )
    Payout.objects.bulk_create(payouts)
    total = sum(p.amount_minor for p in payouts)
    # One transaction for the run: each merchant's available balance to payouts in
    # transit (the bank settles or returns each payout on its own later).
    post(
        reference=f"payout-run:{run.number}",
        kind="payout",
        legs=[
            Leg(
                account_key(chart.MERCHANT_AVAILABLE, p.merchant_id),
                "EUR",
                p.amount_minor,
            )
            for p in payouts
        ]
        + [Leg(chart.PAYOUTS_IN_TRANSIT, "EUR", -total)],
        memo=f"{run.number}: {len(payouts)} payouts",
    )
    run.total_minor, run.payouts_count = total, len(payouts)
    run.file_sha256 = hashlib.sha256(run.file).hexdigest()
    run.save(
        update_fields=[
            "message_id",
            "payment_info_id",
            "file",
            "file_sha256",
            "total_minor",
            "payouts_count",
            "updated_at",
        ]
    )
    return run


def _payouts(run: PayoutRun, minimum: int) -> list[Payout]:
    """A payout of its whole available balance for each merchant owed at least
    ``minimum`` that nothing holds back (``eligibility``: approved, an approved
    account the bank did not return the last payout to, past its new-account
    hold). The balances are locked until the run commits."""
    owed = list(
        Account.objects.select_for_update()
        .filter(
            key__startswith=f"{chart.MERCHANT_AVAILABLE}:",
            currency="EUR",
            balance_minor__lte=-minimum,
        )
        .exclude(balance_minor=0)
        .order_by("key")
    )
    merchants = Merchant.objects.in_bulk([a.merchant_id for a in owed])
    returned = returned_to_current_account(list(merchants))
    now = timezone.now()
    payouts: list[Payout] = []
    for account in owed:
        merchant = merchants[account.merchant_id]
        holds = payout_holds(
            merchant,
            available_minor=-account.balance_minor,
            minimum=minimum,
            returned=merchant.pk in returned,
            now=now,
        )
        if holds:
            continue
        payouts.append(
            Payout(
                run=run,
                merchant=merchant,
                end_to_end_id=f"{run.number}-{len(payouts) + 1:05d}",
                amount_minor=-account.balance_minor,
                iban=merchant.iban,
                bic=merchant.bic,
            )
        )
    return payouts


def _transfer(run: PayoutRun, payout: Payout) -> Transfer:
    merchant = payout.merchant
    return Transfer(
        end_to_end_id=payout.end_to_end_id,
        name=merchant.legal_name,
        iban=payout.iban,
        bic=payout.bic,
        amount_cents=payout.amount_minor,
        remittance=f"Etalage {run.number} {merchant.name}",
        street=merchant.street,
        postcode=merchant.postal_code,
        town=merchant.city,
        country="BE",
    )


@transaction.atomic
def payout_file_take(*, run: PayoutRun, by: str) -> bytes:
    """The run's pain.001 file, once: its payouts are sent from now on, and the
    next run may start."""
    run = PayoutRun.objects.select_for_update().get(pk=run.pk)
    if run.downloaded_at is not None:
        raise PayoutRefused(
            _(
                "The file of %(number)s was downloaded on %(when)s by %(who)s; it is "
                "given once, so that no transfer is sent twice."
            )
            % {
                "number": run.number,
                "when": f"{run.downloaded_at:%Y-%m-%d %H:%M}",
                "who": run.downloaded_by or "?",
            }
        )
    run.downloaded_at, run.downloaded_by = timezone.now(), by[:150]
    run.state = PayoutRun.State.SENT
    run.save(update_fields=["downloaded_at", "downloaded_by", "state", "updated_at"])
    run.payouts.filter(state=Payout.State.PREPARED).update(state=Payout.State.SENT)
    return bytes(run.file)


def payout_runs_settle(*, run_ids: Collection[UUID]) -> int:
    """Mark settled each sent run of ``run_ids`` whose every payout the bank has
    booked or returned (none prepared or sent any more); how many were."""
    if not run_ids:
        return 0
    return (
        PayoutRun.objects.filter(pk__in=run_ids, state=PayoutRun.State.SENT)
        .exclude(payouts__state__in=[Payout.State.PREPARED, Payout.State.SENT])
        .update(state=PayoutRun.State.SETTLED, updated_at=timezone.now())
    )
