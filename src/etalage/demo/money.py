"""The demo's money: parcels delivered and past their return window, the providers'
settlement reports imported, a payout run whose file the bank sandbox books (the
Brasserie's transfer paid, Maison Verhaeghe's returned: account closed) and that
statement imported. Every step is the product's own service; only the return window
of these history parcels is shortened to none, so that their money is available at
once (new orders wait the configured 30 days)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import timezone

from etalage.ledger import sandbox_bank
from etalage.ledger.bank import statement_import
from etalage.ledger.payouts import payout_file_take, payout_run
from etalage.ledger.postings import books_matured
from etalage.orders.models import Order
from etalage.orders.services import sub_order_move
from etalage.payments.sandbox import settlement_report
from etalage.payments.settlement import settlement_import

DELIVERED = ("customs_declared", "released", "shipped", "delivered")


def demo_money(
    place: Callable[[int, list[tuple[str, int]]], Order],
    pay: Callable[[Order, str], None],
    log: Callable[[str], object],
) -> None:
    operator = get_user_model().objects.get(username="operator")
    history = [
        place(5, [("maison-verhaeghe", 3)]),
        place(6, [("brasserie-val-ourthe", 5), ("maison-verhaeghe", 1)]),
    ]
    with override_settings(ETALAGE_RETURN_WINDOW_DAYS=0):
        for order, provider in zip(history, ("alipay", "wechat"), strict=True):
            pay(order, provider)
            for sub in order.sub_orders.all():
                for state in DELIVERED:
                    sub = sub_order_move(
                        sub_order=sub, to=state, by=operator, reason="demo"
                    )
        books_matured(now=timezone.now() + timedelta(seconds=1))
    if not settings.ETALAGE_PAYMENT_SANDBOX or not settings.ETALAGE_BANK_SANDBOX:
        log("Demo payouts skipped: they need the payment and bank sandboxes.")
        return
    today = timezone.localtime().date()
    for provider in ("alipay", "wechat"):
        settlement_import(
            provider=provider,
            name=f"{provider}-{today}.csv",
            text=settlement_report(provider, today),
        )
    run = payout_run(by=operator.get_username())
    payout_file_take(run=run, by=operator.get_username())
    bounced = run.payouts.get(merchant__slug="maison-verhaeghe")
    statement = sandbox_bank.sandbox_statement_write(
        run=run, returns={bounced.end_to_end_id: "AC04"}, opening=Decimal("5000.00")
    )
    imported = statement_import(
        name=f"sandbox-camt053-{run.number}.xml", data=statement
    )
    log(
        f"Demo payouts: {run.number} paid {run.payouts_count} merchants "
        f"{run.total} EUR; the bank sandbox returned {bounced.merchant.name}'s "
        f"(AC04, account closed); statement imported ({imported.lines_count} lines)."
    )
