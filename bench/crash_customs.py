"""The crash test's customs part (run by ``crash.py`` between payments and payouts):
every paid parcel is flown to China (through the services, in this process), then
the server's worker declares them to the simulated single window and applies its
answers while the server is SIGKILLed twice. Afterwards:

- no message is left unsent or undelivered, and each parcel was declared once per
  message kind (order, payment, waybill, inventory);
- every parcel was released exactly once (one transition to released), its tax bill
  recorded once and posted once (assessed, paid from the guarantee);
- ``etalage check`` finds the books clean.
"""

from __future__ import annotations

import time
from collections.abc import Callable


def fly_paid_parcels() -> int:
    """Fly every paid parcel of the direct-mail route; return how many."""
    from customs import fly

    from etalage.customs.routes import Route
    from etalage.orders.models import SubOrder

    paid = SubOrder.objects.filter(state="paid", route=Route.DIRECT_MAIL)
    return fly(list(paid), serial="0000002")


def _released() -> int:
    from etalage.declarations.models import Declaration

    return Declaration.objects.filter(kind="621", state="released").count()


def crash_customs(kill: Callable[[], None], wait_for, check_books) -> list[str]:
    """Declarations and answers across two SIGKILLs; what went wrong."""
    from django.db import connection

    flown = fly_paid_parcels()
    connection.close()
    print(f"  customs: {flown} parcels flown to China", flush=True)
    if not flown:
        return ["customs: no paid parcel to declare"]
    for share in (1, 2):
        wait_for(
            lambda s=share: _released() >= flown * s // 3,
            timeout=180,
            what="customs releases before the kill",
        )
        kill()
        print(f"  SIGKILL after {_released()} releases; restarting", flush=True)
    began = time.monotonic()
    wait_for(lambda: _released() >= flown, timeout=240, what="every release")
    print(
        f"  customs: all {flown} released {time.monotonic() - began:.1f} s after "
        f"the last restart",
        flush=True,
    )
    return customs_verified(flown) + check_books()


def customs_verified(flown: int) -> list[str]:
    from django.db.models import Count

    from etalage.declarations.models import Declaration, Message, TaxBill
    from etalage.ledger.models import Transaction
    from etalage.orders.models import OrderTransition

    failures = []
    stuck = Message.objects.exclude(state="sent").count()
    if stuck:
        failures.append(f"customs: {stuck} messages not delivered")
    kinds = Declaration.objects.values("kind").annotate(n=Count("pk"))
    for row in kinds:
        if row["kind"] in ("311", "411", "511", "621") and row["n"] < flown:
            failures.append(f"customs: CEB{row['kind']} for {row['n']} of {flown}")
    twice = (
        OrderTransition.objects.filter(to_state="released", sub_order__isnull=False)
        .values("sub_order")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    if twice:
        failures.append(f"customs: {twice} parcels released more than once")
    bills = TaxBill.objects.count()
    paid = Transaction.objects.filter(kind="tax_paid").count()
    if bills != flown or paid != TaxBill.objects.exclude(paid_at=None).count():
        failures.append(
            f"customs: {bills} tax bills, {paid} paid postings, for {flown} parcels"
        )
    print(
        f"  customs: {Message.objects.count()} messages, "
        f"{Declaration.objects.count()} declarations, {bills} tax bills, "
        f"{paid} paid from the guarantee",
        flush=True,
    )
    return failures
