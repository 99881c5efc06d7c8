"""The WeChat Pay Global (API v3) adapter: payments in each scene (native QR, JSAPI
inside WeChat, H5 in other phone browsers: ``wechat_scenes``), refunds, customs
declarations with the buyer's identity checked, notifications verified with the
platform certificate they name (``wechat_certificates``) and their resources
decrypted (``wechat_signing``), over HTTPS or the embedded sandbox's transport.

Settings: ``ETALAGE_WECHAT_MCHID``, ``ETALAGE_WECHAT_APPID``,
``ETALAGE_WECHAT_PRIVATE_KEY`` (the merchant's API key, PEM) and
``ETALAGE_WECHAT_SERIAL_NO`` (its certificate's serial),
``ETALAGE_WECHAT_MINI_PROGRAM_APPID`` (a mini-program's, for JSAPI payments in it),
``ETALAGE_WECHAT_API_V3_KEY`` (32 characters), ``ETALAGE_WECHAT_GATEWAY`` (e.g.
``https://apihk.mch.weixin.qq.com``), ``ETALAGE_WECHAT_MERCHANT_CATEGORY_CODE`` (the
MCC WeChat Pay assigned, default 5499), ``ETALAGE_WECHAT_CUSTOMS`` (the customs
office in WeChat Pay's own list, default ``ZHENGZHOU_BS``); optionally
``ETALAGE_WECHAT_PLATFORM_KEY`` and ``ETALAGE_WECHAT_PLATFORM_SERIAL`` (a platform
public key WeChat Pay gave the merchant, PEM, and its id), known besides the
platform certificates Étalage downloads.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from cryptography.hazmat.primitives.asymmetric import rsa

from etalage.money import Money
from etalage.payments import (
    wechat_certificates,
    wechat_customs,
    wechat_scenes,
    wechat_signing,
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

# The settings, re-exported: callers read them as ``wechat.…``.
from etalage.payments.wechat_config import SANDBOX_APPID as SANDBOX_APPID
from etalage.payments.wechat_config import SANDBOX_MCHID as SANDBOX_MCHID
from etalage.payments.wechat_config import (
    SANDBOX_MINI_PROGRAM_APPID as SANDBOX_MINI_PROGRAM_APPID,
)
from etalage.payments.wechat_config import SANDBOX_PATH as SANDBOX_PATH
from etalage.payments.wechat_config import WeChatConfig as WeChatConfig
from etalage.payments.wechat_config import key_serial as key_serial
from etalage.payments.wechat_config import sandbox_api_v3_key as sandbox_api_v3_key
from etalage.payments.wechat_config import wechat_config as wechat_config
from etalage.payments.wechat_config import wechat_configured as wechat_configured

logger = logging.getLogger(__name__)

PAY_PATH = wechat_scenes.NATIVE_PATH
QUERY_PATH = "/v3/global/transactions/out-trade-no/"
REFUND_PATH = "/v3/global/refunds"
CERTIFICATES_PATH = wechat_certificates.CERTIFICATES_PATH
# The statement's columns Étalage reads (WeChat Pay's bill, values prefixed "`").
SETTLEMENT_COLUMNS = (
    "Wechat order number",
    "Vendor order number",
    "Transaction status",
    "Currency type",
    "Total amount",
    "Refund WeChat order number",
    "Vendor refund order number",
    "Refund amount",
    "Fee",
    "Settlement currency type",
    "Settlement currency amount",
    "Exchange rate",
)


def signed_answer_headers(
    key: rsa.RSAPrivateKey, serial: str, body: str
) -> dict[str, str]:
    """The headers WeChat Pay signs an answer or a notification with."""
    timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
    return {
        "Wechatpay-Timestamp": timestamp,
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Serial": serial,
        "Wechatpay-Signature-Type": wechat_signing.SCHEMA,
        "Wechatpay-Signature": wechat_signing.sign(
            key, wechat_signing.answer_message(timestamp, nonce, body)
        ),
    }


def platform_key(config: WeChatConfig, serial: str) -> rsa.RSAPublicKey | None:
    """The platform key of ``serial``: one set in the settings, or a platform
    certificate downloaded."""
    return config.fixed_keys.get(serial) or wechat_certificates.known_key(serial)


def message_verify(
    config: WeChatConfig,
    *,
    headers: dict[str, str],
    body: str,
    now: datetime | None = None,
) -> None:
    """Check a message from WeChat Pay: the signature schema, the platform key it
    names, its signature, its time (SignatureRefused, StaleMessage). ``headers``
    are lower-cased."""
    kind = headers.get("wechatpay-signature-type", wechat_signing.SCHEMA)
    if kind != wechat_signing.SCHEMA:
        raise SignatureRefused(f"signed with {kind}, not {wechat_signing.SCHEMA}")
    key = platform_key(config, headers.get("wechatpay-serial", ""))
    if key is None:
        raise SignatureRefused("signed with a platform key Étalage does not know")
    timestamp = headers.get("wechatpay-timestamp", "")
    wechat_signing.verify(
        key,
        headers.get("wechatpay-signature", ""),
        wechat_signing.answer_message(
            timestamp, headers.get("wechatpay-nonce", ""), body
        ),
    )
    try:
        signed_at = datetime.fromtimestamp(int(timestamp), tz=UTC)
    except (ValueError, OverflowError):
        raise StaleMessage(f"Wechatpay-Timestamp {timestamp!r} is not a time") from None
    signed_within(signed_at, now)


def _amount(field: dict[str, Any]) -> Money:
    return from_minor_units(field["total"], field["currency"])


class WeChatProvider:
    """WeChat Pay Global's API v3 in the terms of ``provider.PaymentProvider``."""

    name = "wechat"
    notify_headers = (
        "wechatpay-timestamp",
        "wechatpay-nonce",
        "wechatpay-signature",
        "wechatpay-serial",
        "wechatpay-signature-type",
        "content-type",
    )

    def __init__(self, config: WeChatConfig, transport: Transport):
        self.config = config
        self.transport = transport

    def call(
        self,
        method: str,
        path: str,
        payload: dict[str, Any] | None = None,
        *,
        platform_serial: str = "",
    ) -> tuple[int, dict[str, Any]]:
        """A signed request and its verified answer: (status, JSON). An answer
        signed under a platform certificate Étalage does not hold yet has the
        certificates downloaded once before it is judged. An answer that does not
        verify, or a server error, is a ProviderError."""
        status, answer_headers, text = self.call_unverified(
            method, path, payload, platform_serial=platform_serial
        )
        c = self.config
        serial = answer_headers.get("wechatpay-serial", "")
        if serial and platform_key(c, serial) is None:
            wechat_certificates.platform_certificates_refresh(self)
        try:
            message_verify(c, headers=answer_headers, body=text)
        except SignatureRefused as refused:
            raise ProviderError(
                f"{path}: the answer does not verify ({refused})"
            ) from None
        try:
            answer: dict[str, Any] = json.loads(text) if text else {}
        except ValueError:
            raise ProviderError(f"{path}: HTTP {status}, not JSON") from None
        if status >= 500:
            raise ProviderError(f"{path}: HTTP {status}, {answer.get('message')}")
        return status, answer

    def call_unverified(
        self,
        method: str,
        path: str,
        payload: dict[str, Any] | None = None,
        *,
        platform_serial: str = "",
    ) -> tuple[int, dict[str, str], str]:
        """A signed request and its answer as it came: (status, headers, text).
        ``platform_serial`` names the platform certificate a request's encrypted
        fields are sealed under (``Wechatpay-Serial``)."""
        body = (
            ""
            if payload is None
            else json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        )
        c = self.config
        headers = {
            "Accept": "application/json",
            "Content-Type": "application/json",
            "Authorization": wechat_signing.authorization(
                c.merchant_key,
                mchid=c.mchid,
                serial_no=c.serial_no,
                method=method,
                path=path,
                timestamp=str(int(time.time())),
                nonce=secrets.token_hex(16),
                body=body,
            ),
        }
        if platform_serial:
            headers["Wechatpay-Serial"] = platform_serial
        try:
            status, answer_headers, raw = self.transport(
                method, c.gateway + path, headers, body.encode()
            )
        except OSError as error:  # unreachable, reset, timed out
            raise ProviderError(f"{path}: {error}") from None
        return status, answer_headers, raw.decode("utf-8", "replace")

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
        """Order a payment in the device's scene (``wechat_scenes``): a QR code's
        text (native), a prepay id (JSAPI) or WeChat's page to send the buyer to
        (H5)."""
        c = self.config
        path, body = wechat_scenes.order_request(
            wechat_scenes.Merchant(
                mchid=c.mchid,
                app_ids=(c.appid, c.mini_program_appid)
                if c.mini_program_appid
                else (c.appid,),
                merchant_category_code=c.merchant_category_code,
                store_name=c.store_name,
                store_address=c.store_address,
            ),
            device=device,
            request_id=request_id,
            amount=amount,
            reference=reference,
            description=description,
            notify_url=notify_url,
        )
        status, answer = self.call("POST", path, body)
        return wechat_scenes.started(device.scene, status, answer, return_url)

    def launch_parameters(self, *, app_id: str, prepay_id: str) -> dict[str, str]:
        """What a WeChat client starts a JSAPI payment with, signed now."""
        return wechat_scenes.launch_parameters(
            self.config.merchant_key, app_id=app_id, prepay_id=prepay_id
        )

    def query(self, *, request_id: str) -> Event | None:
        path = f"{QUERY_PATH}{quote(request_id)}?mchid={quote(self.config.mchid)}"
        status, answer = self.call("GET", path)
        if status != 200 or answer.get("trade_state") not in ("SUCCESS", "PAYERROR"):
            return None
        return _transaction_event(answer)

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
        c = self.config
        status, answer = self.call(
            "POST",
            REFUND_PATH,
            {
                "mchid": c.mchid,
                "appid": c.appid,
                "out_trade_no": payment_request_id,
                "out_refund_no": request_id,
                "reason": reason[:80],
                "notify_url": notify_url,
                "amount": {
                    "refund": minor_units(amount),
                    "total": minor_units(paid),
                    "currency": amount.currency,
                },
            },
        )
        if status != 200:
            return RefundAnswer(
                "failed", failure=f"{answer.get('code')}: {answer.get('message')}"
            )
        state = REFUND_STATES.get(answer.get("status", ""), "pending")
        return RefundAnswer(
            state,
            provider_refund_id=answer.get("id", ""),
            failure=answer.get("status", "") if state in ("failed", "held") else "",
        )

    def notification_read(
        self,
        *,
        path: str,
        headers: dict[str, str],
        body: str,
        received_at: datetime | None = None,
    ) -> Event:
        """Verify a notification, decrypt its resource, say what it reports."""
        message_verify(self.config, headers=headers, body=body, now=received_at)
        try:
            data: dict[str, Any] = json.loads(body)
            resource = data["resource"]
            if resource["algorithm"] != "AEAD_AES_256_GCM":
                raise Malformed(f"resource algorithm {resource['algorithm']}")
            clear = wechat_signing.resource_decrypt(
                self.config.api_v3_key,
                nonce=resource["nonce"],
                ciphertext=resource["ciphertext"],
                associated_data=resource.get("associated_data", ""),
            )
            content: dict[str, Any] = json.loads(clear)
            if data["event_type"].startswith("REFUND."):
                return _refund_event(data["event_type"], content)
            if data["event_type"].startswith("TRANSACTION."):
                return _transaction_event(content)
            return Event(
                kind="other",
                key=data["id"],
                request_id="",
                status="pending",
                amount=Money.zero("CNY"),
            )
        except (ValueError, KeyError, TypeError) as error:
            if isinstance(error, SignatureRefused):
                raise
            raise Malformed(repr(error)) from None

    @staticmethod
    def acknowledgement() -> tuple[int, str]:
        return 204, ""  # API v3: a 200 or 204 answer is the acknowledgement

    def customs_declare(self, declaration: Declaration) -> Declared:
        return wechat_customs.customs_declare(self, declaration)

    def notification_keys_fetch(self, headers: list[dict[str, str]]) -> int:
        """Before notifications are judged (and outside any transaction): when one
        names a platform certificate Étalage does not hold, download the
        certificates once. Returns how many downloads (0 or 1)."""
        serials = {h.get("wechatpay-serial", "") for h in headers} - {""}
        if all(platform_key(self.config, s) is not None for s in serials):
            return 0
        try:
            wechat_certificates.platform_certificates_refresh(self)
        except ProviderError as error:  # judged with what is held
            logger.warning("WeChat Pay platform certificates: %s", error)
        return 1

    def settlement_read(self, text: str) -> list[SettlementRow]:
        """WeChat Pay's bill: CSV whose values start with a backquote, amounts in
        major units, the exchange rate × 10⁸; summary lines after the rows."""
        clean = "\n".join(line.replace("`", "") for line in text.splitlines())
        rows = []
        for number, row in csv_rows(clean, SETTLEMENT_COLUMNS):
            if not (row.get("Vendor order number") or "").strip():
                break  # the summary after the rows
            rows.append(_bill_row(row, number))
        return rows


def _transaction_event(t: dict[str, Any]) -> Event:
    state = t["trade_state"]
    status: Status = (
        "succeeded"
        if state == "SUCCESS"
        else ("failed" if state in ("PAYERROR", "CLOSED") else "pending")
    )
    return Event(
        kind="payment",
        key=f"TRANSACTION:{t['out_trade_no']}:{state}",
        request_id=t["out_trade_no"],
        status=status,
        amount=_amount(t["amount"]),
        provider_payment_id=t.get("transaction_id", ""),
        failure=t.get("trade_state_desc", "") if status == "failed" else "",
    )


# A refund's states at WeChat Pay: PROCESSING, then SUCCESS, CLOSED (failed) or
# ABNORMAL: not final (the buyer's card or account refused it; WeChat Pay's
# merchant platform or its abnormal-refund API sends it elsewhere), held for the
# operator, never taken as failed.
REFUND_STATES: dict[str, Status] = {
    "SUCCESS": "succeeded",
    "CLOSED": "failed",
    "ABNORMAL": "held",
}


def _refund_event(event_type: str, r: dict[str, Any]) -> Event:
    status = REFUND_STATES.get(r["refund_status"], "pending")
    return Event(
        kind="refund",
        key=f"REFUND:{r['out_refund_no']}:{r['refund_status']}",
        request_id=r.get("out_trade_no", ""),
        status=status,
        amount=from_minor_units(r["amount"]["refund"], r["amount"]["currency"]),
        provider_payment_id=r.get("transaction_id", ""),
        refund_request_id=r["out_refund_no"],
        provider_refund_id=r.get("refund_id", ""),
        failure=event_type if status in ("failed", "held") else "",
    )


def _bill_row(row: dict[str, str], number: int) -> SettlementRow:
    try:
        refund = row["Transaction status"].strip() == "REFUND"
        currency, settled_in = row["Currency type"], row["Settlement currency type"]
        amount = Decimal(row["Refund amount"] if refund else row["Total amount"])
        return SettlementRow(
            kind="refund" if refund else "payment",
            request_id=row[
                "Vendor refund order number" if refund else "Vendor order number"
            ],
            provider_id=row[
                "Refund WeChat order number" if refund else "Wechat order number"
            ],
            amount=Money(amount.copy_abs(), currency),
            settlement=Money(
                Decimal(row["Settlement currency amount"]).copy_abs(), settled_in
            ),
            fee=Money(Decimal(row["Fee"] or "0").copy_abs(), settled_in),
            rate=Decimal(row["Exchange rate"]) / Decimal(10**8),
        )
    except (KeyError, InvalidOperation, ValueError) as error:
        raise Malformed(f"line {number}: {error!r}") from None
