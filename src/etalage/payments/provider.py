"""The one interface every payment provider's adapter offers (pure: types only).

An adapter speaks its provider's wire protocol and answers in these terms, so the
payments services never read a provider's field names: create a payment, query it,
refund, verify and read a notification, declare a payment to customs, read a
settlement report. Adapters: ``antom.AntomProvider`` (Alipay cross-border) and
``wechat.WeChatProvider`` (WeChat Pay Global, API v3).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Literal, Protocol

from etalage.money import Money

# (method, url, headers, body) -> (status, headers with lower-case names, body)
Transport = Callable[
    [str, str, dict[str, str], bytes], tuple[int, dict[str, str], bytes]
]

# "held": a refund the provider can neither make nor call failed (WeChat Pay's
# ABNORMAL: the buyer's card refused it); the operator decides.
Status = Literal["succeeded", "failed", "pending", "held"]

# How far a notification's or an answer's time may be from now (a replay is older).
TIME_TOLERANCE = timedelta(minutes=5)


def minor_units(money: Money) -> int:
    """Providers count whole minor units: 195.30 CNY is 19530."""
    return money.minor_units()


def from_minor_units(value: str | int, currency: str) -> Money:
    return Money.from_minor_units(value, currency)


def csv_rows(
    text: str, columns: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]]]:
    """A provider's CSV report: (line number, row) of each row that is not blank;
    Malformed when a column Étalage reads is missing."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise Malformed(f"the report lacks the columns {', '.join(missing)}")
    for number, row in enumerate(reader, start=2):
        if any((value or "").strip() for value in row.values()):
            yield number, row


def signed_within(signed_at: datetime, now: datetime | None = None) -> None:
    """Refuse a message signed outside ``TIME_TOLERANCE`` of now (StaleMessage)."""
    if signed_at.tzinfo is None:
        raise StaleMessage("the signing time has no time zone")
    if abs((now or datetime.now(UTC)) - signed_at) > TIME_TOLERANCE:
        raise StaleMessage(f"signed at {signed_at.isoformat()}, outside the tolerance")


class SignatureRefused(ValueError):
    """A signature that is missing, malformed or does not verify."""


class StaleMessage(SignatureRefused):
    """A message signed too long ago (or in the future): a replay."""


class ProviderError(RuntimeError):
    """The provider answered with a failure, or an answer that does not verify."""


class Malformed(ValueError):
    """A verified notification that does not say what a notification must."""


# Where the buyer pays from, in each provider's terms. WeChat Pay: ``native`` (a QR
# code to scan), ``jsapi`` (inside WeChat: its browser or a mini-program), ``h5``
# (another phone browser, sent to WeChat). Alipay through Antom: ``web`` (a desktop
# browser), ``wap`` (a phone browser), ``app`` (an app: the Alipay app opens).
Scene = Literal["native", "jsapi", "h5", "web", "wap", "app"]
SCENES: dict[str, tuple[Scene, ...]] = {
    "wechat": ("native", "jsapi", "h5"),
    "alipay": ("web", "wap", "app"),
}


@dataclass(frozen=True)
class Device:
    """The scene a payment is made in and what the provider needs for it."""

    scene: Scene
    # jsapi: the buyer's openid for ``app_id`` (an official account or a
    # mini-program of the merchant's), as WeChat gave it.
    openid: str = ""
    app_id: str = ""
    client_ip: str = ""  # h5: the buyer's address, as WeChat Pay checks it
    os_type: Literal["", "IOS", "ANDROID"] = ""  # wap, app: the phone's system


@dataclass(frozen=True)
class Started:
    """A payment the provider took: where the buyer pays (a cashier page to send the
    buyer to, a QR code's text to show, or the prepay id a WeChat client pays)."""

    provider_payment_id: str
    redirect_url: str = ""
    qr_code: str = ""
    prepay_id: str = ""


@dataclass(frozen=True)
class RefundAnswer:
    state: Status  # "pending": the provider answers later, by notification
    provider_refund_id: str = ""
    failure: str = ""


@dataclass(frozen=True)
class Event:
    """What a verified notification (or a query) reports, in Étalage's terms."""

    kind: Literal["payment", "refund", "other"]
    key: str  # one per provider reference, type and outcome: duplicates share it
    request_id: str  # Étalage's payment request id (paymentRequestId, out_trade_no)
    status: Status
    amount: Money
    provider_payment_id: str = ""
    refund_request_id: str = ""
    provider_refund_id: str = ""
    failure: str = ""
    settlement: Money | None = None


@dataclass(frozen=True)
class Declaration:
    """What a customs declaration of a payment asks (one per sub-order)."""

    request_id: str
    payment_request_id: str
    provider_payment_id: str
    sub_order_number: str
    amount: Money  # CNY
    freight: Money
    tax: Money
    customs: str  # the customs office the declaration goes to
    merchant_customs_code: str
    merchant_customs_name: str
    buyer_name: str
    buyer_id_number: str  # sent to the provider, never kept
    # The tariff alone (zero under CBEC); ``tax`` is every tax the buyer paid.
    tariff: Money | None = None


@dataclass(frozen=True)
class Declared:
    state: Literal["submitted", "succeeded", "failed"]
    provider_declaration_id: str = ""
    pay_transaction_id: str = ""
    verifying_department: str = ""
    # Whether the provider found the payer to be the person on the certificate.
    identity: Literal["same", "different", "unchecked"] = "unchecked"
    failure: str = ""


@dataclass(frozen=True)
class SettlementRow:
    """One transaction of a provider's settlement report."""

    kind: Literal["payment", "refund"]
    request_id: str  # Étalage's payment or refund request id
    provider_id: str
    amount: Money  # what the buyer paid or got back (CNY)
    settlement: Money  # what the provider settles (EUR), before its fee
    fee: Money
    rate: Decimal  # the provider's rate: settlement currency per unit of amount


class PaymentProvider(Protocol):
    """What the payments services ask of a provider's adapter."""

    @property
    def name(self) -> str: ...

    @property
    def notify_headers(self) -> tuple[str, ...]:
        """The headers a notification is kept with."""

    def pay(
        self,
        *,
        request_id: str,
        amount: Money,
        reference: str,
        description: str,
        return_url: str,
        notify_url: str,
        device: Device,
    ) -> Started: ...

    def query(self, *, request_id: str) -> Event | None: ...

    def refund(
        self,
        *,
        request_id: str,
        payment_request_id: str,
        provider_payment_id: str,
        amount: Money,
        paid: Money,
        reason: str,
        notify_url: str,
    ) -> RefundAnswer: ...

    def notification_read(
        self,
        *,
        path: str,
        headers: dict[str, str],
        body: str,
        received_at: datetime | None = None,
    ) -> Event:
        """Verify a notification (signed within the tolerance of ``received_at``,
        when it came) and say what it reports (SignatureRefused, StaleMessage,
        Malformed)."""
        ...

    def acknowledgement(self) -> tuple[int, str]: ...

    def customs_declare(self, declaration: Declaration) -> Declared: ...

    def settlement_read(self, text: str) -> list[SettlementRow]: ...
