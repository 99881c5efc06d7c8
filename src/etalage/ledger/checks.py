"""``etalage check`` for the ledger: every balance recomputed from its entries,
every transaction summed, each merchant's payable against its sub-orders."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q, Sum

from etalage.ledger import chart
from etalage.ledger.daily import daily_problems
from etalage.ledger.models import Account, Entry, Payout, SubOrderBook, to_decimal
from etalage.ledger.postings import figures


def ledger_problems() -> list[str]:
    return journal_problems() + merchant_problems() + daily_problems()


def journal_problems() -> list[str]:
    """Every account's balance against its entries; every currency and every
    transaction summing to zero."""
    problems = []
    sums = dict(
        Entry.objects.values("account_id")
        .annotate(total=Sum("amount_minor"))
        .values_list("account_id", "total")
    )
    totals: dict[str, int] = defaultdict(int)
    for account in Account.objects.all():
        if account.balance_minor != sums.get(account.pk, 0):
            problems.append(
                f"ledger: {account} reads {account.balance}, its entries sum to "
                f"{to_decimal(sums.get(account.pk, 0))}"
            )
        totals[account.currency] += sums.get(account.pk, 0)
    for currency, total in totals.items():
        if total:
            problems.append(f"ledger: {currency} accounts sum to {to_decimal(total)}")
    unbalanced = (
        Entry.objects.values("transaction_id", "currency")
        .annotate(total=Sum("amount_minor"))
        .exclude(total=0)
    )
    for row in unbalanced[:20]:
        problems.append(f"ledger: transaction {row['transaction_id']} does not balance")
    short = (
        Entry.objects.values("transaction_id").annotate(n=Count("id")).filter(n__lt=2)
    )
    for row in short[:20]:
        problems.append(f"ledger: transaction {row['transaction_id']} has one entry")
    return problems


def merchant_problems() -> list[str]:
    """Each sub-order's net against its figures; each merchant's payable against
    its sub-orders' nets less its payouts (those the bank did not return)."""
    problems = []
    payable: dict[str, int] = defaultdict(int)
    merchant_accounts = Account.objects.filter(
        Q(key__startswith=f"{chart.MERCHANT_PENDING}:")
        | Q(key__startswith=f"{chart.MERCHANT_AVAILABLE}:")
    )
    for merchant_id, balance in merchant_accounts.values_list(
        "merchant_id", "balance_minor"
    ):
        payable[str(merchant_id)] -= balance
    owed: dict[str, int] = defaultdict(int)
    for book in SubOrderBook.objects.all().iterator():
        computed = figures(book).net_eur
        if computed != book.net_eur:
            problems.append(
                f"ledger: sub-order {book.pk} reads net {book.net_eur}, "
                f"its figures make {computed}"
            )
        owed[str(book.merchant_id)] += computed
    paid = (
        Payout.objects.filter(~Q(state=Payout.State.RETURNED))
        .values("merchant_id")
        .annotate(total=Sum("amount_minor"))
    )
    for row in paid:
        owed[str(row["merchant_id"])] -= row["total"]
    for merchant in owed.keys() | payable.keys():
        if owed[merchant] != payable[merchant]:
            problems.append(
                f"ledger: merchant {merchant} is owed {to_decimal(payable[merchant])} "
                f"in the ledger, its sub-orders less its payouts make "
                f"{to_decimal(owed[merchant])}"
            )
    return problems
