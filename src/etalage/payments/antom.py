"""The Antom (Alipay cross-border) adapter: requests signed and responses and
notifications verified as Antom does (``antom_signing``), over a transport that is
HTTP for the real Antom and the same bytes for the embedded sandbox.

Settings: ``ETALAGE_ANTOM_CLIENT_ID``, ``ETALAGE_ANTOM_PRIVATE_KEY`` (the merchant's,
PEM), ``ETALAGE_ANTOM_PUBLIC_KEY`` (Antom's, PEM), ``ETALAGE_ANTOM_GATEWAY`` (e.g.
``https://open-eu-global.alipay.com``). With ``ETALAGE_PAYMENT_SANDBOX`` on (the demo
and tests), the gateway is Étalage's own sandbox and both key pairs are the
sandbox's test keys, made once per data directory.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from etalage.money import Money
from etalage.payments.antom_signing import (
    SignatureRefused,
    load_private_key,
    load_public_key,
    sign,
    verify,
)

PAY_PATH = "/v1/payments/pay"
REFUND_PATH = "/v1/payments/refund"
# How far a notification's Request-Time may be from now (a replay is older).
TIME_TOLERANCE = timedelta(minutes=5)
SANDBOX_PATH = "/sandbox/antom"

# (url, headers, body) -> (status, headers with lower-case names, body)
Transport = Callable[[str, dict[str, str], bytes], tuple[int, dict[str, str], bytes]]


class AntomError(RuntimeError):
    """Antom answered with a failure, or an answer that does not verify."""


class StaleMessage(SignatureRefused):
    """A message signed too long ago (or in the future): a replay."""


@dataclass(frozen=True)
class AntomConfig:
    client_id: str
    merchant_key: rsa.RSAPrivateKey
    antom_key: rsa.RSAPublicKey
    gateway: str  # the base URL the paths are appended to
    sandbox: bool


def minor_units(money: Money) -> str:
    """Antom's amounts are whole minor units as text: 195.30 CNY is "19530"."""
    return str(int((money.rounded().amount * 100).to_integral_value()))


def from_minor_units(value: str | int, currency: str) -> Money:
    return Money(Decimal(int(value)) / 100, currency)


def now_text() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def http_transport(
    url: str, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"{url!r}: Antom is reached over HTTPS")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            return (
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read(),
            )
    except urllib.error.HTTPError as error:
        return (
            error.code,
            {k.lower(): v for k, v in error.headers.items()},
            error.read(),
        )


def antom_config() -> AntomConfig:
    if settings.ETALAGE_PAYMENT_SANDBOX:
        keys = sandbox_keys()
        return AntomConfig(
            client_id="SANDBOX_ETALAGE",
            merchant_key=keys.merchant,
            antom_key=keys.antom.public_key(),
            gateway=settings.ETALAGE_SITE_URL.rstrip("/") + SANDBOX_PATH,
            sandbox=True,
        )
    return AntomConfig(
        client_id=settings.ETALAGE_ANTOM_CLIENT_ID,
        merchant_key=load_private_key(settings.ETALAGE_ANTOM_PRIVATE_KEY),
        antom_key=load_public_key(settings.ETALAGE_ANTOM_PUBLIC_KEY),
        gateway=settings.ETALAGE_ANTOM_GATEWAY.rstrip("/"),
        sandbox=False,
    )


@dataclass(frozen=True)
class SandboxKeys:
    merchant: rsa.RSAPrivateKey  # what Étalage signs with in the sandbox
    antom: rsa.RSAPrivateKey  # what the sandbox signs with, as Antom would


@cache
def sandbox_keys() -> SandboxKeys:
    """The sandbox's two test key pairs, made once per data directory in its private
    folder (0600); every process of the installation reads the same ones."""
    folder = Path(settings.PRIVATE_ROOT) / "sandbox-keys"
    folder.mkdir(parents=True, exist_ok=True)
    return SandboxKeys(
        *(_key_file(folder / f"antom-{name}.pem") for name in ("merchant", "antom"))
    )


def _key_file(path: Path) -> rsa.RSAPrivateKey:
    """Read a key, or make it if no process has yet (exclusive create: two
    processes starting together end up with one key)."""
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        for _attempt in range(50):  # another process may be writing it right now
            try:
                return load_private_key(path.read_bytes())
            except ValueError:
                time.sleep(0.1)
        return load_private_key(path.read_bytes())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with os.fdopen(descriptor, "wb") as file:
        file.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return key


def signed_headers(
    config_key: rsa.RSAPrivateKey,
    *,
    client_id: str,
    path: str,
    body: str,
    time_header: str = "Request-Time",
) -> dict[str, str]:
    time = now_text()
    return {
        "Content-Type": "application/json; charset=UTF-8",
        "client-id": client_id,
        time_header: time,
        "Signature": sign(
            config_key,
            method="POST",
            path=path,
            client_id=client_id,
            time=time,
            body=body,
        ),
    }


def message_verify(
    key: rsa.RSAPublicKey,
    *,
    path: str,
    headers: dict[str, str],
    body: str,
    time_header: str = "request-time",
    now: datetime | None = None,
) -> None:
    """Check a message from Antom (a notification, or an answer): its signature
    and that it was signed within ``TIME_TOLERANCE`` (SignatureRefused, StaleMessage).
    ``headers`` are lower-cased."""
    client_id, time = headers.get("client-id", ""), headers.get(time_header, "")
    verify(
        key,
        headers.get("signature", ""),
        method="POST",
        path=path,
        client_id=client_id,
        time=time,
        body=body,
    )
    try:
        signed_at = datetime.fromisoformat(time)
    except ValueError:
        raise StaleMessage(f"{time_header} {time!r} is not a time") from None
    if signed_at.tzinfo is None:
        raise StaleMessage(f"{time_header} has no time zone")
    if abs((now or datetime.now(UTC)) - signed_at) > TIME_TOLERANCE:
        raise StaleMessage(f"signed at {time}, outside the tolerance")


class AntomClient:
    """Calls Antom's API with signed requests and verified answers."""

    def __init__(self, config: AntomConfig, transport: Transport):
        self.config = config
        self.transport = transport

    def call(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        headers = signed_headers(
            self.config.merchant_key,
            client_id=self.config.client_id,
            path=path,
            body=body,
        )
        status, answer_headers, raw = self.transport(
            self.config.gateway + path, headers, body.encode()
        )
        text = raw.decode("utf-8", "replace")
        try:
            message_verify(
                self.config.antom_key,
                path=path,
                headers=answer_headers,
                body=text,
                time_header="response-time",
            )
        except SignatureRefused as refused:
            raise AntomError(
                f"{path}: the answer does not verify ({refused})"
            ) from None
        answer: dict[str, Any] = json.loads(text)
        if status != 200 or answer.get("result", {}).get("resultStatus") == "F":
            # (a refused refund is an answer, not an error: the caller reads it)
            if path == REFUND_PATH and status == 200:
                return answer
            raise AntomError(f"{path}: {answer.get('result', {}).get('resultMessage')}")
        return answer

    def pay(
        self,
        *,
        request_id: str,
        amount: Money,
        reference: str,
        description: str,
        redirect_url: str,
        notify_url: str,
    ) -> dict[str, Any]:
        """Ask Antom for a cashier payment in CNY, settled in EUR."""
        value = {"currency": amount.currency, "value": minor_units(amount)}
        return self.call(
            PAY_PATH,
            {
                "productCode": "CASHIER_PAYMENT",
                "paymentRequestId": request_id,
                "order": {
                    "referenceOrderId": reference,
                    "orderDescription": description,
                    "orderAmount": value,
                    "env": {"terminalType": "WEB"},
                },
                "paymentAmount": value,
                "paymentMethod": {"paymentMethodType": "ALIPAY_CN"},
                "paymentRedirectUrl": redirect_url,
                "paymentNotifyUrl": notify_url,
                "settlementStrategy": {"settlementCurrency": "EUR"},
            },
        )

    def refund(
        self, *, request_id: str, payment_id: str, amount: Money, reason: str
    ) -> dict[str, Any]:
        """Give back ``amount`` of a payment (``refundRequestId`` makes it once)."""
        return self.call(
            REFUND_PATH,
            {
                "refundRequestId": request_id,
                "paymentId": payment_id,
                "refundAmount": {
                    "currency": amount.currency,
                    "value": minor_units(amount),
                },
                "refundReason": reason[:256],
            },
        )
