"""The embedded payment sandbox: Étalage's own stand-ins for Antom (Alipay) and
WeChat Pay, speaking their protocols with test keys so that every byte of the
adapters is exercised without the network. On only with ``ETALAGE_PAYMENT_SANDBOX``;
every page it shows says what it is.

Each stand-in (``sandbox_antom``, ``sandbox_wechat``) answers its provider's API,
shows a cashier where the tester pays, declines or comes back later (and may say
the payer is someone else, or ask the sandbox to misbehave: send twice, late, out
of order, with a corrupt signature), and sends signed notifications from the
background worker with retries (``sandbox_store``). It also writes each provider's
daily settlement report.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from decimal import Decimal
from urllib.parse import urlsplit

from django.utils import timezone

from etalage.core.outbound import outside_call_begins
from etalage.money import Money
from etalage.payments import antom, sandbox_antom, sandbox_wechat, wechat
from etalage.payments.models import Provider, SandboxPayment
from etalage.payments.provider import from_minor_units
from etalage.payments.sandbox_store import (
    NOTICES,
    NOTIFY_TRANSPORT,
    sandbox_decide,
    sandbox_notify,
)

__all__ = [
    "NOTICES",
    "NOTIFY_TRANSPORT",
    "sandbox_decide",
    "sandbox_notify",
    "sandbox_transport",
    "settlement_report",
]

# The sandbox's own rate and fee: CNY → EUR at this many euros a yuan, 1.8 % fee.
SANDBOX_RATE = Decimal("0.12850000")
SANDBOX_FEE = Decimal("0.018")


def sandbox_transport(
    method: str, url: str, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    """The adapters' transport to the embedded sandbox: the same signed bytes,
    handed to the stand-in in this process instead of over a socket."""
    outside_call_begins(url)  # a stand-in for a party outside: the same rules
    lowered = {k.lower(): v for k, v in headers.items()}
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if parts.path.startswith(antom.SANDBOX_PATH + "/"):
        return sandbox_antom.handle(
            parts.path.removeprefix(antom.SANDBOX_PATH), lowered, body
        )
    if parts.path.startswith(wechat.SANDBOX_PATH + "/"):
        return sandbox_wechat.handle(
            method, path.removeprefix(wechat.SANDBOX_PATH), lowered, body
        )
    return 404, {}, b'{"message": "the sandbox does not serve this path"}'


def _eur(minor: int) -> tuple[Decimal, Decimal, Decimal]:
    """(amount CNY, settled EUR, fee EUR) of ``minor`` fen, at the sandbox's rate."""
    amount = from_minor_units(minor, "CNY")
    settled = Money(amount.amount * SANDBOX_RATE, "EUR").rounded()
    fee = Money(settled.amount * SANDBOX_FEE, "EUR").rounded()
    return amount.amount, settled.amount, fee.amount


# (kind, payment, request id, provider's id, amount in minor units) of a report
_Row = tuple[str, SandboxPayment, str, str, int]


def settlement_report(provider: str, day: date) -> str:
    """The provider's settlement report of ``day`` (payments paid and refunds made
    that day, in the provider's own file format)."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = timezone.make_aware(datetime.combine(day, time.max))
    rows: list[_Row] = []
    for payment in SandboxPayment.objects.filter(provider=provider).order_by(
        "created_at"
    ):
        if payment.paid_at and start <= payment.paid_at <= end:
            rows.append(
                (
                    "payment",
                    payment,
                    payment.request_id,
                    payment.payment_id,
                    payment.amount_minor,
                )
            )
        for request_id, (refund_id, value, when, _url) in payment.refunds.items():
            if start <= datetime.fromisoformat(when) <= end:
                rows.append(("refund", payment, request_id, refund_id, value))
    if provider == Provider.WECHAT:
        return _wechat_bill(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(antom.SETTLEMENT_COLUMNS)
    for kind, payment, request_id, provider_id, minor in rows:
        amount, settled, fee = _eur(minor)
        sign = "-" if kind == "refund" else ""
        writer.writerow(
            [
                request_id,
                provider_id,
                kind.upper(),
                f"{sign}{amount}",
                payment.currency,
                f"{sign}{settled}",
                "EUR",
                SANDBOX_RATE,
                fee if kind == "payment" else "0.00",
                "EUR",
            ]
        )
    return out.getvalue()


def _wechat_bill(rows: list[_Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Transaction time", *wechat.SETTLEMENT_COLUMNS])
    total = Decimal(0)
    for kind, payment, request_id, provider_id, minor in rows:
        amount, settled, fee = _eur(minor)
        refund = kind == "refund"
        total += -amount if refund else amount
        writer.writerow(
            [
                "`" + str(value)
                for value in [
                    (payment.paid_at or payment.created_at).strftime(
                        "%Y-%m-%d %H:%M:%S"
                    ),
                    payment.payment_id,
                    payment.request_id,
                    "REFUND" if refund else "SUCCESS",
                    payment.currency,
                    Decimal(payment.amount_minor) / 100,
                    provider_id if refund else "",
                    request_id if refund else "",
                    amount if refund else "0.00",
                    "0.00" if refund else fee,
                    "EUR",
                    settled,
                    int(SANDBOX_RATE * 10**8),
                ]
            ]
        )
    writer.writerow(["Total transactions", "Total amount"])
    writer.writerow([f"`{len(rows)}", f"`{total}"])
    return out.getvalue()
