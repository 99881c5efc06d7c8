"""The Antom (Alipay cross-border) adapter: requests signed and answers and
notifications verified as Antom does (``antom_signing``), over a transport that is
HTTPS for the real Antom and the same bytes for the embedded sandbox.

Every API is ``POST https://<domain>/ams/api/v1/...``, signed over that path (Antom's
test environment, for a client id ``SANDBOX_...``, serves the same under
``/ams/sandbox/api/v1/...``, as the official SDK sends it); its answer is verified
over the same path. Every field but an array is a string ("true", "19530").

Settings: ``ETALAGE_ANTOM_CLIENT_ID``, ``ETALAGE_ANTOM_PRIVATE_KEY`` (the merchant's,
PEM), ``ETALAGE_ANTOM_PUBLIC_KEY`` (Antom's, PEM), ``ETALAGE_ANTOM_REGION`` (europe,
asia or north-america: the domain Antom publishes for it, ``GATEWAYS``) or
``ETALAGE_ANTOM_GATEWAY`` (another of the published domains, e.g. a region's
non-accelerated one). With ``ETALAGE_PAYMENT_SANDBOX`` on (the demo and tests), the
gateway is Étalage's own sandbox and both key pairs are the sandbox's test keys.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from etalage.money import Money

# The settings, re-exported: callers read them as ``antom.…``.
from etalage.payments.antom_config import CUSTOMS_CODES as CUSTOMS_CODES
from etalage.payments.antom_config import GATEWAYS as GATEWAYS
from etalage.payments.antom_config import PUBLISHED_GATEWAYS as PUBLISHED_GATEWAYS
from etalage.payments.antom_config import SANDBOX_CLIENT_ID as SANDBOX_CLIENT_ID
from etalage.payments.antom_config import SANDBOX_PATH as SANDBOX_PATH
from etalage.payments.antom_config import AntomConfig as AntomConfig
from etalage.payments.antom_config import antom_config as antom_config
from etalage.payments.antom_config import antom_gateway as antom_gateway
from etalage.payments.antom_config import customs_code as customs_code
from etalage.payments.antom_config import settings_checked as settings_checked
from etalage.payments.antom_signing import (
    sign,
    verify,
)
from etalage.payments.provider import (
    Declaration,
    Declared,
    Device,
    Event,
    Malformed,
    ProviderError,
    RefundAnswer,
    SettlementRow,
    SignatureRefused,
    StaleMessage,
    Started,
    Status,
    Transport,
    csv_rows,
    from_minor_units,
    minor_units,
    signed_within,
)

API_PREFIX = "/ams/api"
# Antom's own test environment: the same APIs, for client ids SANDBOX_...
TEST_API_PREFIX = "/ams/sandbox/api"
PAY_PATH = API_PREFIX + "/v1/payments/pay"
INQUIRY_PATH = API_PREFIX + "/v1/payments/inquiryPayment"
REFUND_PATH = API_PREFIX + "/v1/payments/refund"
DECLARE_PATH = API_PREFIX + "/v1/customs/declare"
# Antom's acknowledgement of a notification.
ACKNOWLEDGED = {
    "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}
}
# The settlement report's columns Étalage reads (Antom's settlement file, CSV).
SETTLEMENT_COLUMNS = (
    "transactionRequestId", "transactionId", "transactionType",
    "transactionAmountValue", "transactionCurrency", "settlementAmountValue",
    "settlementCurrency", "quotePrice", "feeAmountValue", "feeCurrency",
)  # fmt: skip


def api_path(path: str, client_id: str) -> str:
    """The path an API is called on and signed over: under ``/ams/sandbox/api`` for
    a client id of Antom's test environment (``SANDBOX_...``), as the SDK does."""
    if client_id.startswith("SANDBOX_"):
        return path.replace(API_PREFIX, TEST_API_PREFIX, 1)
    return path


def now_text() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def signed_headers(
    key: rsa.RSAPrivateKey,
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
            key, method="POST", path=path, client_id=client_id, time=time, body=body
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
    and that it was signed within the tolerance (SignatureRefused, StaleMessage).
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
    signed_within(signed_at, now)


def _money(field: dict[str, Any]) -> Money:
    return from_minor_units(field["value"], field["currency"])


def _value(money: Money) -> dict[str, str]:
    return {"currency": money.currency, "value": str(minor_units(money))}


_STATUS: dict[str, Status] = {"S": "succeeded", "F": "failed", "U": "pending"}
# Antom's terminal type for each scene (the pay page's ``env.terminalType``): a
# desktop browser, a phone browser, an app; ``env.osType`` (IOS, ANDROID) names
# the phone's system for the last two.
TERMINAL_TYPES = {"web": "WEB", "wap": "WAP", "app": "APP"}


class AntomProvider:
    """Antom's API in the terms of ``provider.PaymentProvider``."""

    name = "alipay"
    notify_headers = ("client-id", "request-time", "signature", "content-type")

    def __init__(self, config: AntomConfig, transport: Transport):
        self.config = config
        self.transport = transport

    def call(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """A signed request and its verified answer (ProviderError otherwise; a
        business failure, resultStatus F, is an answer for the caller to read)."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        path = api_path(path, self.config.client_id)
        headers = signed_headers(
            self.config.merchant_key,
            client_id=self.config.client_id,
            path=path,
            body=body,
        )
        try:
            status, answer_headers, raw = self.transport(
                "POST", self.config.gateway + path, headers, body.encode()
            )
        except OSError as error:  # unreachable, reset, timed out
            raise ProviderError(f"{path}: {error}") from None
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
            raise ProviderError(
                f"{path}: the answer does not verify ({refused})"
            ) from None
        answer: dict[str, Any] = json.loads(text)
        if status != 200:
            message = answer.get("result", {}).get("resultMessage")
            raise ProviderError(f"{path}: HTTP {status}, {message}")
        return answer

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
    ) -> Started:
        """A cashier payment in CNY, settled in EUR, for the device's terminal
        (``TERMINAL_TYPES``): Antom answers where the buyer goes."""
        if device.scene not in TERMINAL_TYPES:
            raise ValueError(f"Antom has no {device.scene!r} payments")
        env = {"terminalType": TERMINAL_TYPES[device.scene]}
        if device.scene != "web":  # a phone's system, for WAP and APP
            if not device.os_type:
                raise ValueError(f"a {device.scene} payment needs the phone's system")
            env["osType"] = device.os_type
        value = _value(amount)
        answer = self.call(
            PAY_PATH,
            {
                "productCode": "CASHIER_PAYMENT",
                "paymentRequestId": request_id,
                "order": {
                    "referenceOrderId": reference,
                    "orderDescription": description,
                    "orderAmount": value,
                },
                "env": env,
                "paymentAmount": value,
                "paymentMethod": {"paymentMethodType": "ALIPAY_CN"},
                "paymentRedirectUrl": return_url,
                "paymentNotifyUrl": notify_url,
                "settlementStrategy": {"settlementCurrency": "EUR"},
            },
        )
        result = answer.get("result", {})
        # An app opens Alipay by its app link (Alipay's page where it is not
        # installed); a browser goes to the cashier page.
        url = (
            answer.get("applinkUrl") or answer.get("normalUrl", "")
            if device.scene == "app"
            else answer.get("normalUrl", "")
        )
        if result.get("resultStatus") == "F" or not url:
            raise ProviderError(
                f"{PAY_PATH}: {result.get('resultCode')} {result.get('resultMessage')}"
                if result.get("resultStatus") == "F"
                else f"{PAY_PATH}: the answer names no cashier (normalUrl)"
            )
        if url.startswith("/") and self.config.sandbox:
            url = settings.ETALAGE_SITE_URL.rstrip("/") + url
        return Started(answer.get("paymentId", ""), redirect_url=url)

    def query(self, *, request_id: str) -> Event | None:
        """Antom's word on a payment (``inquiryPayment``); None while it has none."""
        answer = self.call(INQUIRY_PATH, {"paymentRequestId": request_id})
        status = {"SUCCESS": "succeeded", "FAIL": "failed"}.get(
            answer.get("paymentStatus", "")
        )
        if status is None or "paymentAmount" not in answer:
            return None
        code = "S" if status == "succeeded" else "F"
        return Event(
            kind="payment",
            key=f"PAYMENT_RESULT:{request_id}:{code}",
            request_id=request_id,
            status="succeeded" if code == "S" else "failed",
            amount=_money(answer["paymentAmount"]),
            provider_payment_id=answer.get("paymentId", ""),
            failure=answer.get("paymentResultMessage", ""),
        )

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
    ) -> RefundAnswer:
        answer = self.call(
            REFUND_PATH,
            {
                "refundRequestId": request_id,
                "paymentId": provider_payment_id,
                "refundAmount": _value(amount),
                "refundReason": reason[:256],
                "refundNotifyUrl": notify_url,
            },
        )
        result = answer.get("result", {})
        state = _STATUS.get(result.get("resultStatus", ""), "pending")
        return RefundAnswer(
            state=state,
            provider_refund_id=answer.get("refundId", ""),
            failure=""
            if state != "failed"
            else f"{result.get('resultCode')}: {result.get('resultMessage')}",
        )

    def notification_read(
        self,
        *,
        path: str,
        headers: dict[str, str],
        body: str,
        received_at: datetime | None = None,
    ) -> Event:
        """Verify a ``notifyPayment`` or ``notifyRefund`` and say what it reports."""
        message_verify(
            self.config.antom_key,
            path=path,
            headers=headers,
            body=body,
            now=received_at,
        )
        try:
            data: dict[str, Any] = json.loads(body)
            if "refundRequestId" in data:  # notifyRefund
                code = {"SUCCESS": "S", "FAIL": "F"}.get(data["refundStatus"], "U")
                return Event(
                    kind="refund",
                    key=f"REFUND_RESULT:{data['refundRequestId']}:{code}",
                    request_id="",
                    status=_STATUS[code],
                    amount=_money(data["refundAmount"]),
                    refund_request_id=data["refundRequestId"],
                    provider_refund_id=data.get("refundId", ""),
                    failure=data.get("result", {}).get("resultMessage", "")
                    if code == "F"
                    else "",
                )
            kind, request_id = data["notifyType"], data["paymentRequestId"]
            code = data["result"]["resultStatus"]
            settlement = data.get("grossSettlementAmount")
            return Event(
                kind="payment" if kind == "PAYMENT_RESULT" else "other",
                key=f"{kind}:{request_id}:{code}",
                request_id=request_id,
                status=_STATUS[code],
                amount=_money(data["paymentAmount"]),
                provider_payment_id=data.get("paymentId", ""),
                failure=data["result"].get("resultMessage", "") if code == "F" else "",
                settlement=_money(settlement) if settlement else None,
            )
        except (ValueError, KeyError, TypeError) as error:
            raise Malformed(repr(error)) from None

    @staticmethod
    def acknowledgement() -> tuple[int, str]:
        return 200, json.dumps(ACKNOWLEDGED)

    def customs_declare(self, declaration: Declaration) -> Declared:
        """``customs/declare``: one sub-order's share of the payment (split order:
        the sub-order's number is the order id customs reads)."""
        d = declaration
        answer = self.call(
            DECLARE_PATH,
            {
                "declarationRequestId": d.request_id,
                "paymentId": d.provider_payment_id,
                "declarationAmount": _value(d.amount),
                "customs": {"customsCode": d.customs, "region": "CN"},
                "merchantCustomsInfo": {
                    "merchantCustomsCode": d.merchant_customs_code,
                    "merchantCustomsName": d.merchant_customs_name,
                },
                "splitOrder": "true",
                "suborderId": d.sub_order_number,
                "buyerCertificate": {
                    "certificateType": "ID_CARD",
                    "certificateNo": d.buyer_id_number,
                    "holderName": {"fullName": d.buyer_name},
                },
            },
        )
        result = answer.get("result", {})
        if result.get("resultStatus") == "F":
            return Declared(
                state="failed",
                failure=f"{result.get('resultCode')}: {result.get('resultMessage')}",
            )
        identity = {"CHECK_PASSED": "same", "CHECK_NOT_PASSED": "different"}.get(
            answer.get("identityCheckResult", ""), "unchecked"
        )
        return Declared(
            state="succeeded" if result.get("resultStatus") == "S" else "submitted",
            provider_declaration_id=answer.get("customsPaymentId", ""),
            pay_transaction_id=answer.get("clearingTransactionId", ""),
            verifying_department=answer.get("clearingChannel", ""),
            identity=identity,  # type: ignore[arg-type]
        )

    def settlement_read(self, text: str) -> list[SettlementRow]:
        """Antom's settlement file: CSV, amounts in major units, refunds negative."""
        return [
            _settlement_row(row, n) for n, row in csv_rows(text, SETTLEMENT_COLUMNS)
        ]


def _settlement_row(row: dict[str, str], number: int) -> SettlementRow:
    try:
        kind = {"PAYMENT": "payment", "REFUND": "refund"}[row["transactionType"]]
        amount = Money(
            Decimal(row["transactionAmountValue"]).copy_abs(),
            row["transactionCurrency"],
        )
        settled = Money(
            Decimal(row["settlementAmountValue"]).copy_abs(), row["settlementCurrency"]
        )
        fee = Money(
            Decimal(row["feeAmountValue"] or "0").copy_abs(),
            row["feeCurrency"] or row["settlementCurrency"],
        )
        rate = Decimal(row["quotePrice"])
    except (KeyError, InvalidOperation, ValueError) as error:
        raise Malformed(f"line {number}: {error!r}") from None
    return SettlementRow(
        kind=kind,  # type: ignore[arg-type]
        request_id=row["transactionRequestId"],
        provider_id=row["transactionId"],
        amount=amount,
        settlement=settled,
        fee=fee,
        rate=rate,
    )
