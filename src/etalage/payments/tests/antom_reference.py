"""What Antom itself publishes, for the conformance tests (test_antom_conformance):
the shapes of its API bodies (from its API pages, cited on each), its published
domains, the requests its official SDK writes for the data the tests send, and a
stand-in gateway on 127.0.0.1 that answers as Antom does, signed by the SDK."""

from __future__ import annotations

import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from com.alipay.ams.api.model.amount import Amount
from com.alipay.ams.api.model.antom_path_constants import AntomPathConstants
from com.alipay.ams.api.model.certificate import Certificate
from com.alipay.ams.api.model.customs_info import CustomsInfo
from com.alipay.ams.api.model.env import Env
from com.alipay.ams.api.model.merchant_customs_info import MerchantCustomsInfo
from com.alipay.ams.api.model.order import Order
from com.alipay.ams.api.model.payment_method import PaymentMethod
from com.alipay.ams.api.model.product_code_type import ProductCodeType
from com.alipay.ams.api.model.settlement_strategy import SettlementStrategy
from com.alipay.ams.api.model.terminal_type import TerminalType
from com.alipay.ams.api.model.user_name import UserName
from com.alipay.ams.api.request.declare.alipay_customs_declare_request import (
    AlipayCustomsDeclareRequest,
)
from com.alipay.ams.api.request.pay.alipay_pay_query_request import (
    AlipayPayQueryRequest,
)
from com.alipay.ams.api.request.pay.alipay_pay_request import AlipayPayRequest
from com.alipay.ams.api.request.pay.alipay_refund_request import AlipayRefundRequest
from com.alipay.ams.api.tools import signature_tool
from com.alipay.ams.api.tools.date_tools import get_cur_iso8601_time
from com.alipay.ams.api.tools.webhook_tool import check_signature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from etalage.money import Money
from etalage.payments.antom import AntomProvider
from etalage.payments.provider import Declaration, Device

CLIENT_ID = "2188120000000000001"  # a production-style client id (no SANDBOX_)
NOTIFY_URL = "https://shop.example/payments/notify/alipay/"

# The published domains, per region (https://docs.antom.com/ac/ams/api_fund,
# "Environment"): the accelerated (recommended) one first. open-eu.alipay.com is
# for in-store payments only, so not for Étalage.
PUBLISHED_DOMAINS = {
    "north-america": (
        "https://open-na-global.alipay.com",
        "https://open-na.alipay.com",
    ),
    "asia": ("https://open-sea-global.alipay.com", "https://open-sea.alipay.com"),
    "europe": ("https://open-de-global.alipay.com",),
}

# The customs codes Antom publishes (https://docs.antom.com/ac/ams/inquirydeclare,
# the table of customs codes under "More information").
CUSTOMS_CODES = {"ZONGSHU", "ZHENGZHOU", "NINGBO", "SHANGHAI_CBT"}

# --- the shapes Antom publishes ----------------------------------------------------
# Every page notes that each field but an array is sent as a string (an integer 20
# as "20", a boolean true as "true"). S: a string, {…}: an object; a name ending
# in "!" is REQUIRED on the page. Only the fields Étalage sends or
# reads are listed; a field outside the list is refused (not Antom's).
S = "string"
AMOUNT = {"currency!": S, "value!": S}  # value in the currency's minor units
RESULT = {"resultCode!": S, "resultStatus!": S, "resultMessage": S}
SHAPES: dict[str, dict[str, Any]] = {
    # https://docs.antom.com/ac/ams/payment_cashier (pay, Cashier Payment)
    "pay": {
        "productCode!": S,
        "paymentRequestId!": S,
        "order!": {
            "referenceOrderId!": S,
            "orderDescription!": S,
            "orderAmount!": AMOUNT,
        },
        "paymentAmount!": AMOUNT,
        "paymentMethod!": {"paymentMethodType!": S},
        "paymentRedirectUrl!": S,
        "paymentNotifyUrl": S,
        "settlementStrategy": {"settlementCurrency": S},
        # osType: IOS or ANDROID, for a terminal other than WEB
        "env!": {"terminalType!": S, "osType": S},
    },
    # https://docs.antom.com/ac/ams/paymentri_online (inquiryPayment)
    "inquiryPayment": {"paymentRequestId": S, "paymentId": S},
    # https://docs.antom.com/ac/ams/refund_online (refund)
    "refund": {
        "refundRequestId!": S,
        "paymentId!": S,
        "refundAmount!": AMOUNT,
        "refundReason": S,
        "refundNotifyUrl": S,
    },
    # https://docs.antom.com/ac/ams/declare (customs declare)
    "declare": {
        "declarationRequestId!": S,
        "paymentId!": S,
        "declarationAmount!": AMOUNT,
        "customs!": {"customsCode!": S, "region!": S},
        "merchantCustomsInfo!": {"merchantCustomsCode!": S, "merchantCustomsName!": S},
        "splitOrder!": S,
        "suborderId": S,
        "buyerCertificate": {
            "certificateType!": S,
            "certificateNo!": S,
            "holderName!": {"fullName": S},
        },
    },
    # https://docs.antom.com/ac/ams/paymentrn_online (notifyPayment)
    "notifyPayment": {
        "notifyType!": S,
        "result!": RESULT,
        "paymentRequestId!": S,
        "paymentId!": S,
        "paymentAmount!": AMOUNT,
        "paymentCreateTime!": S,
        "paymentTime": S,
        "customsDeclarationAmount": AMOUNT,
        "grossSettlementAmount": AMOUNT,
    },
    # https://docs.antom.com/ac/ams/notify_refund (notifyRefund)
    "notifyRefund": {
        "notifyType!": S,  # REFUND_RESULT
        "result!": RESULT,
        "refundStatus!": S,
        "refundRequestId!": S,
        "refundId!": S,
        "refundAmount!": AMOUNT,
        "refundTime": S,
        "grossSettlementAmount": AMOUNT,
    },
}


def shape_problems(body: Any, shape: dict[str, Any], where: str = "") -> list[str]:
    """What in ``body`` differs from a published shape (empty: it conforms)."""
    if not isinstance(body, dict):
        return [f"{where or 'the body'} is not an object"]
    problems = []
    fields = {
        name.rstrip("!"): (name.endswith("!"), kind) for name, kind in shape.items()
    }
    for name, (required, _kind) in fields.items():
        if required and name not in body:
            problems.append(f"{where}{name}: required, missing")
    for name, value in body.items():
        if name not in fields:
            problems.append(f"{where}{name}: not a field of the API")
            continue
        kind = fields[name][1]
        if kind == S and not isinstance(value, str):
            problems.append(f"{where}{name}: {value!r} is not a string")
        elif isinstance(kind, dict):
            problems += shape_problems(value, kind, f"{where}{name}.")
    return problems


# --- keys: a merchant's and an "Antom's", made for this module only -------------
def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(  # PKCS#1, the form the SDK's signer loads
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        .decode()
    )


# --- the stand-in gateway ------------------------------------------------------
# What a real Antom answers to each of its paths (the published examples' shapes);
# the stand-in signs them with the SDK's signer over the path it was called on.
ANSWERS: dict[str, dict[str, Any]] = {
    AntomPathConstants.PAYMENT_PATH.value: {
        "result": {"resultCode": "PAYMENT_IN_PROCESS", "resultStatus": "U",
                   "resultMessage": "payment in process"},
        "paymentRequestId": "E2611-TEST-P1",
        "paymentId": "20261207194010800100188A0209760494",
        "paymentAmount": {"currency": "CNY", "value": "19530"},
        "paymentCreateTime": "2026-12-07T13:00:00+08:00",
        "normalUrl": "https://open-de-global.alipay.com/cashier?id=TEST",
    },
    AntomPathConstants.INQUIRY_PAYMENT_PATH.value: {
        "result": {"resultCode": "SUCCESS", "resultStatus": "S",
                   "resultMessage": "success"},
        "paymentStatus": "SUCCESS",
        "paymentRequestId": "E2611-TEST-P1",
        "paymentId": "20261207194010800100188A0209760494",
        "paymentAmount": {"currency": "CNY", "value": "19530"},
        "paymentTime": "2026-12-07T13:01:00+08:00",
    },
    AntomPathConstants.REFUND_PATH.value: {
        "result": {"resultCode": "SUCCESS", "resultStatus": "S",
                   "resultMessage": "success"},
        "refundRequestId": "E2611-TEST-R1",
        "refundId": "20261207194010800100188A0209760495",
        "paymentId": "20261207194010800100188A0209760494",
        "refundAmount": {"currency": "CNY", "value": "5000"},
        "refundTime": "2026-12-07T14:00:00+08:00",
    },
    AntomPathConstants.DECLARE_PATH.value: {
        "result": {"resultCode": "SUCCESS", "resultStatus": "S",
                   "resultMessage": "success"},
        "customsPaymentId": "2026120715001234567",
        "customsDeclarationRequestId": "E2611-TEST-1-D",
        "identityCheckResult": "CHECK_PASSED",
        "clearingChannel": "CUP",
        "clearingTransactionId": "4200001234202612070000000001",
    },
}  # fmt: skip


class StandInGateway:
    """An HTTP server on 127.0.0.1 that keeps every request as it arrives and
    answers as Antom does, signed by the SDK."""

    def __init__(self, antom_key: rsa.RSAPrivateKey):
        self.requests: list[dict[str, Any]] = []
        self.antom_private = private_pem(antom_key)
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode("utf-8")
                gateway.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                    }
                )
                status, headers, answer = gateway.answer(self.path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        api = path.replace("/ams/sandbox/api/", "/ams/api/", 1)  # test environment
        if api not in ANSWERS:  # Antom answers an unknown path unsigned
            return 404, {"content-type": "text/html"}, b"<html>Not Found</html>"
        body = json.dumps(ANSWERS[api], separators=(",", ":"))
        time = get_cur_iso8601_time()
        value = signature_tool.sign(
            "POST", path, CLIENT_ID, time, body, self.antom_private
        )
        return (
            200,
            {
                "content-type": "application/json; charset=UTF-8",
                "client-id": CLIENT_ID,
                "response-time": time,
                "signature": f"algorithm=RSA256,keyVersion=1,signature={value}",
            },
            body.encode(),
        )

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


PAID = Money(Decimal("195.30"), "CNY")
DECLARATION = Declaration(
    request_id="E2611-TEST-1-D",
    payment_request_id="E2611-TEST-P1",
    provider_payment_id="20261207194010800100188A0209760494",
    sub_order_number="E2611-TEST-1",
    amount=Money(Decimal("120.40"), "CNY"),
    freight=Money(Decimal("18.00"), "CNY"),
    tax=Money(Decimal("11.20"), "CNY"),
    customs="ZHENGZHOU",
    merchant_customs_code="4101960ETL",
    merchant_customs_name="Étalage cross-border platform",
    buyer_name="王小明",
    buyer_id_number="110101199003074514",
)


DESKTOP = Device("web")


def pay_call(provider: AntomProvider, device: Device = DESKTOP):
    return provider.pay(
        request_id="E2611-TEST-P1",
        amount=PAID,
        reference="E2611-TEST",
        description="Étalage order E2611-TEST",
        return_url="https://shop.example/orders/E2611-TEST/",
        notify_url=NOTIFY_URL,
        device=device,
    )


CALLS = {
    "pay": pay_call,
    "inquiryPayment": lambda p: p.query(request_id="E2611-TEST-P1"),
    "refund": lambda p: p.refund(
        request_id="E2611-TEST-R1",
        payment_request_id="E2611-TEST-P1",
        provider_payment_id="20261207194010800100188A0209760494",
        amount=Money(Decimal("50.00"), "CNY"),
        paid=PAID,
        reason="the order was cancelled",
        notify_url=NOTIFY_URL,
    ),
    "declare": lambda p: p.customs_declare(DECLARATION),
}


def sdk_request(api: str):
    """The request the SDK's own model writes for the same data as CALLS."""
    if api == "pay":
        request = AlipayPayRequest()
        request.product_code = ProductCodeType.CASHIER_PAYMENT
        request.payment_request_id = "E2611-TEST-P1"
        order = Order()
        order.reference_order_id = "E2611-TEST"
        order.order_description = "Étalage order E2611-TEST"
        order.order_amount = Amount("CNY", "19530")
        request.order = order
        request.payment_amount = Amount("CNY", "19530")
        method = PaymentMethod()
        method.payment_method_type = "ALIPAY_CN"
        request.payment_method = method
        request.payment_redirect_url = "https://shop.example/orders/E2611-TEST/"
        request.payment_notify_url = NOTIFY_URL
        strategy = SettlementStrategy()
        strategy.settlement_currency = "EUR"
        request.settlement_strategy = strategy
        env = Env()
        env.terminal_type = TerminalType.WEB
        request.env = env
        return request
    if api == "inquiryPayment":
        query = AlipayPayQueryRequest()
        query.payment_request_id = "E2611-TEST-P1"
        return query
    if api == "refund":
        refund = AlipayRefundRequest()
        refund.refund_request_id = "E2611-TEST-R1"
        refund.payment_id = "20261207194010800100188A0209760494"
        refund.refund_amount = Amount("CNY", "5000")
        refund.refund_reason = "the order was cancelled"
        refund.refund_notify_url = NOTIFY_URL
        return refund
    declare = AlipayCustomsDeclareRequest()
    declare.declaration_request_id = "E2611-TEST-1-D"
    declare.payment_id = "20261207194010800100188A0209760494"
    declare.declaration_amount = Amount("CNY", "12040")
    customs = CustomsInfo()
    customs.customs_code = "ZHENGZHOU"
    customs.region = "CN"
    declare.customs = customs
    merchant = MerchantCustomsInfo()
    merchant.merchant_customs_code = "4101960ETL"
    merchant.merchant_customs_name = "Étalage cross-border platform"
    declare.merchant_customs_info = merchant
    declare.split_order = "true"
    declare.suborder_id = "E2611-TEST-1"
    certificate = Certificate()
    certificate.certificate_type = "ID_CARD"
    certificate.certificate_no = "110101199003074514"
    holder = UserName()
    holder.full_name = "王小明"
    certificate.holder_name = holder
    declare.buyer_certificate = certificate
    return declare


def sdk_verifies(request: dict[str, Any], public_pem: str) -> bool:
    """The SDK's own check of a request's signature, over what was received."""
    headers = request["headers"]
    try:
        return check_signature(
            request["method"],
            request["path"],
            headers["client-id"],
            headers["request-time"],
            request["body"],
            headers["signature"],
            public_pem,
        )
    except Exception:  # the SDK's rsa raises on a signature that does not match
        return False
