"""Antom's own SDK decides (PyPI ``global-open-sdk-python``, see
docs/conformance.md): not our summary of the protocol, nor our sandbox.

1. Every request the adapter makes (pay, inquiryPayment, refund, customs declare)
   goes over real HTTP to a stand-in gateway on 127.0.0.1, which keeps the method,
   path, headers and body exactly as they arrive; the SDK's own verification
   (``webhook_tool.check_signature``, RSA over ``POST <path>\\n<client-id>.<time>.
   <body>``) must accept them over that path, which must be the SDK's path. Each
   body must equal the body the SDK's own request model writes for the same data,
   and have the shape Antom publishes (``antom_reference``, each citing its page).
2. The stand-in gateway signs its answers with the SDK's signer: the adapter must
   take them (verified over the path it called).
3. The embedded sandbox is spoken to by the SDK's own client
   (``DefaultAlipayClient``, its signer, its header parsing and its answer
   verification), and its notifications are verified and read by the SDK's code.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from com.alipay.ams.api import default_alipay_client as sdk_client_module
from com.alipay.ams.api.default_alipay_client import DefaultAlipayClient
from com.alipay.ams.api.exception.exception import AlipayApiException
from com.alipay.ams.api.model.antom_path_constants import AntomPathConstants
from com.alipay.ams.api.request.notify.alipay_pay_result_notify import (
    AlipayPayResultNotify,
)
from com.alipay.ams.api.request.notify.alipay_refund_notify import AlipayRefundNotify
from com.alipay.ams.api.response.declare.alipay_customs_declare_response import (
    AlipayCustomsDeclareResponse,
)
from com.alipay.ams.api.response.pay.alipay_pay_query_response import (
    AlipayPayQueryResponse,
)
from com.alipay.ams.api.response.pay.alipay_pay_response import AlipayPayResponse
from com.alipay.ams.api.response.pay.alipay_refund_response import (
    AlipayRefundResponse,
)
from com.alipay.ams.api.tools import signature_tool
from com.alipay.ams.api.tools.date_tools import get_cur_iso8601_time
from com.alipay.ams.api.tools.webhook_tool import check_signature
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from etalage.core.http import http_transport
from etalage.payments import antom
from etalage.payments.antom import AntomConfig, AntomProvider
from etalage.payments.models import Provider, SandboxPayment
from etalage.payments.provider import ProviderError
from etalage.payments.sandbox import sandbox_transport
from etalage.payments.sandbox_antom import payment_notice, refund_notice
from etalage.payments.sandbox_keys import sandbox_key
from etalage.payments.tests.antom_reference import (
    ANSWERS,
    CALLS,
    CLIENT_ID,
    CUSTOMS_CODES,
    NOTIFY_URL,
    PAID,
    PUBLISHED_DOMAINS,
    SHAPES,
    StandInGateway,
    pay_call,
    private_pem,
    public_pem,
    sdk_request,
    sdk_verifies,
    shape_problems,
)


@pytest.fixture(scope="module")
def keys() -> dict[str, rsa.RSAPrivateKey]:
    return {
        name: rsa.generate_private_key(public_exponent=65537, key_size=2048)
        for name in ("merchant", "antom")
    }


@pytest.fixture
def gateway(keys):
    stand_in = StandInGateway(keys["antom"])
    yield stand_in
    stand_in.close()


def _adapter(keys, url: str, client_id: str = CLIENT_ID) -> AntomProvider:
    config = AntomConfig(
        client_id=client_id,
        merchant_key=keys["merchant"],
        antom_key=keys["antom"].public_key(),
        gateway=url,
        sandbox=False,
    )
    return AntomProvider(config, http_transport)


# --- 1 and 2: the adapter, against the stand-in gateway -----------------------------
def test_a_pay_request_captured_at_a_stand_in_gateway_verifies_with_the_sdk(
    keys, gateway
):
    """The issue's "Done when", literally: over /ams/api/v1/payments/pay."""
    started = pay_call(_adapter(keys, gateway.url))
    (request,) = gateway.requests
    assert (request["method"], request["path"]) == ("POST", "/ams/api/v1/payments/pay")
    assert request["path"] == AntomPathConstants.PAYMENT_PATH.value
    assert sdk_verifies(request, public_pem(keys["merchant"]))
    assert started.redirect_url == ANSWERS[request["path"]]["normalUrl"]


@pytest.mark.parametrize("api", CALLS)
def test_every_request_is_on_the_sdk_s_path_and_verifies_with_the_sdk(
    keys, gateway, api
):
    CALLS[api](_adapter(keys, gateway.url))
    (request,) = gateway.requests
    assert request["method"] == "POST"
    assert request["path"] == sdk_request(api).path
    headers = request["headers"]
    assert headers["client-id"] == CLIENT_ID
    assert headers["content-type"].startswith("application/json")
    assert headers["signature"].startswith("algorithm=RSA256,keyVersion=")
    assert sdk_verifies(request, public_pem(keys["merchant"]))
    # Another key's signature, or the same over another path, is not the SDK's.
    assert not sdk_verifies(request, public_pem(keys["antom"]))
    assert not sdk_verifies(
        {**request, "path": request["path"].removeprefix("/ams/api")},
        public_pem(keys["merchant"]),
    )


@pytest.mark.parametrize("api", CALLS)
def test_every_body_is_the_sdk_s_own_and_has_the_published_shape(keys, gateway, api):
    CALLS[api](_adapter(keys, gateway.url))
    (request,) = gateway.requests
    body = json.loads(request["body"])
    assert shape_problems(body, SHAPES[api]) == []
    assert body == json.loads(sdk_request(api).to_ams_json())


def test_a_declaration_names_its_sub_order_as_antom_spells_it(keys, gateway):
    CALLS["declare"](_adapter(keys, gateway.url))
    body = json.loads(gateway.requests[0]["body"])
    assert (body.get("splitOrder"), body.get("suborderId")) == ("true", "E2611-TEST-1")
    assert "subOrderId" not in body


@pytest.mark.parametrize("api", CALLS)
def test_answers_signed_by_the_sdk_over_the_path_called_are_taken(keys, gateway, api):
    answer = CALLS[api](_adapter(keys, gateway.url))
    assert answer is not None  # pay, inquiry, refund and declare each read one
    assert getattr(answer, "state", "succeeded") in ("succeeded", "submitted")


def test_an_answer_signed_by_another_key_is_refused(keys, gateway):
    assert pay_call(_adapter(keys, gateway.url)).redirect_url  # Antom's key: taken
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    gateway.antom_private = private_pem(other)
    with pytest.raises(ProviderError, match="does not verify"):
        pay_call(_adapter(keys, gateway.url))


def test_a_sandbox_client_id_uses_the_sdk_s_sandbox_paths(keys, gateway):
    """Antom's own test environment: a client id SANDBOX_… is served under
    /ams/sandbox/api/… (the SDK's ``adjust_sandbox_url``); signed over that path."""
    client_id = "SANDBOX_5YBX9Y2Z3Q"
    pay_call(_adapter(keys, gateway.url, client_id))
    (request,) = gateway.requests
    expected = sdk_request("pay")
    DefaultAlipayClient(gateway.url, client_id, "", "").adjust_sandbox_url(expected)
    assert request["path"] == expected.path == "/ams/sandbox/api/v1/payments/pay"
    assert sdk_verifies(request, public_pem(keys["merchant"]))


def test_the_gateway_is_a_published_domain_of_the_region(settings, keys):
    settings.ETALAGE_PAYMENT_SANDBOX = False
    settings.ETALAGE_ANTOM_CLIENT_ID = CLIENT_ID
    settings.ETALAGE_ANTOM_PRIVATE_KEY = private_pem(keys["merchant"])
    settings.ETALAGE_ANTOM_PUBLIC_KEY = public_pem(keys["antom"])
    assert antom.antom_config().gateway == "https://open-de-global.alipay.com"
    for region, domains in PUBLISHED_DOMAINS.items():
        settings.ETALAGE_ANTOM_REGION = region
        assert antom.antom_config().gateway == domains[0]
    settings.ETALAGE_ANTOM_REGION = "eu"  # not a region Antom publishes a domain for
    with pytest.raises(ValueError, match="ETALAGE_ANTOM_REGION 'eu'"):
        antom.antom_config()
    assert "payments.E003" in {m.id for m in checks.run_checks()}
    # A gateway named in full that Antom does not publish is warned about.
    settings.ETALAGE_ANTOM_REGION = "europe"
    settings.ETALAGE_ANTOM_GATEWAY = "https://open-eu-global.alipay.com"
    assert "payments.W002" in {m.id for m in checks.run_checks()}
    settings.ETALAGE_ANTOM_GATEWAY = "https://open-sea.alipay.com"
    assert antom.antom_config().gateway == "https://open-sea.alipay.com"
    assert not {"payments.W002", "payments.E003"} & {m.id for m in checks.run_checks()}


def test_antom_declares_to_a_customs_code_antom_publishes(settings):
    """Each provider names the customs offices its own way: Antom's code comes
    from Antom's list (WeChat Pay's ZHENGZHOU_BS is not on it), checked when
    Étalage starts."""
    from etalage.payments.declarations import provider_customs_code

    assert provider_customs_code(Provider.ALIPAY) in CUSTOMS_CODES
    settings.ETALAGE_CUSTOMS_OFFICE = "ZHENGZHOU_BS"
    with pytest.raises(ImproperlyConfigured, match="Antom's customs list"):
        provider_customs_code(Provider.ALIPAY)
    errors = [m for m in checks.run_checks() if m.id == "payments.E002"]
    assert errors and "ZHENGZHOU_BS" in errors[0].msg


# --- 3: the embedded sandbox, spoken to by the SDK ---------------------------------
def _pem_of(name: str, public: bool) -> str:
    key = sandbox_key(name)
    return public_pem(key) if public else private_pem(key)


@pytest.fixture
def sdk_client(settings, monkeypatch, client):
    """The SDK's own client, its HTTP call handed to the sandbox's URL routes
    through Django's test client (the same bytes and headers; its status checked
    as the SDK's do_post checks it)."""

    def do_post(url, headers=None, req_body=None, charset="UTF-8"):
        headers = dict(headers or {})
        content_type = headers.pop("Content-type")
        response = client.post(
            urlsplit(url).path,
            data=req_body.encode(charset),
            content_type=content_type,
            headers=headers,
        )
        if response.status_code != 200:
            raise AlipayApiException(f"invalid http status {response.status_code}")
        return list(response.items()), response.content

    monkeypatch.setattr(sdk_client_module, "do_post", do_post)
    return DefaultAlipayClient(
        settings.ETALAGE_SITE_URL.rstrip("/") + antom.SANDBOX_PATH,
        antom.SANDBOX_CLIENT_ID,
        _pem_of("antom-merchant", public=False),
        _pem_of("antom-provider", public=True),
    )


def _sandbox_payment(state=SandboxPayment.State.PAID) -> SandboxPayment:
    return SandboxPayment.objects.create(
        provider=Provider.ALIPAY,
        payment_id="SANDBOX-CONFORMANCE-1",
        request_id="E2611-TEST-P1",
        client_id=antom.SANDBOX_CLIENT_ID,
        amount_minor=19530,
        currency="CNY",
        description="Étalage order E2611-TEST",
        notify_url="http://testserver"
        + NOTIFY_URL.removeprefix("https://shop.example"),
        redirect_url="https://shop.example/orders/E2611-TEST/",
        state=state,
        paid_at=timezone.now() if state == SandboxPayment.State.PAID else None,
    )


def test_the_sandbox_answers_the_sdk_s_client_and_thesdk_verifies_it(db, sdk_client):
    """pay, inquiryPayment, declare and refund, each sent by the SDK's client,
    answered by the sandbox and its answer verified by the SDK (which raises)."""
    paid = AlipayPayResponse(sdk_client.execute(sdk_request("pay")))
    assert paid.result.result_status.name == "U"
    assert paid.normal_url
    payment = SandboxPayment.objects.get(request_id="E2611-TEST-P1")
    assert payment.payment_id == paid.payment_id
    asked = AlipayPayQueryResponse(sdk_client.execute(sdk_request("inquiryPayment")))
    assert asked.payment_status.name == "PROCESSING"
    SandboxPayment.objects.filter(pk=payment.pk).update(
        state=SandboxPayment.State.PAID, paid_at=timezone.now()
    )
    declare = sdk_request("declare")
    declare.payment_id = payment.payment_id
    declared = AlipayCustomsDeclareResponse(sdk_client.execute(declare))
    assert declared.result.result_status.name == "S"
    assert declared.customs_payment_id
    refund = sdk_request("refund")
    refund.payment_id = payment.payment_id
    refunded = AlipayRefundResponse(sdk_client.execute(refund))
    assert refunded.result.result_status.name == "S"
    assert refunded.refund_id
    # A business refusal is an answer too, signed and verified the same way.
    unknown = sdk_request("inquiryPayment")
    unknown.payment_request_id = "E2611-NOBODY-P1"
    refused = AlipayPayQueryResponse(sdk_client.execute(unknown))
    assert (refused.result.result_status.name, refused.result.result_code) == (
        "F",
        "ORDER_NOT_EXIST",
    )


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"splitOrder": True}, "splitOrder"),  # a JSON boolean: Antom wants "true"
        ({"suborderId": None}, "suborderId"),  # a split order names its sub-order
        ({"declarationAmount": {"currency": "CNY", "value": 12040}}, "value"),
        ({"customs": {"customsCode": "ZHENGZHOU_BS", "region": "CN"}}, "customsCode"),
    ],
)
def test_the_sandbox_refuses_a_declaration_antom_would_refuse(db, change, named):
    _sandbox_payment()
    body = json.loads(sdk_request("declare").to_ams_json())
    body["paymentId"] = "SANDBOX-CONFORMANCE-1"
    body.update(change)
    text = json.dumps({k: v for k, v in body.items() if v is not None})
    headers = antom.signed_headers(
        sandbox_key("antom-merchant"),
        client_id=antom.SANDBOX_CLIENT_ID,
        path=antom.DECLARE_PATH,
        body=text,
    )
    status, _headers, answer = sandbox_transport(
        "POST",
        "http://testserver" + antom.SANDBOX_PATH + antom.DECLARE_PATH,
        headers,
        text.encode(),
    )
    result = json.loads(answer)["result"]
    assert (status, result["resultCode"]) == (400, "PARAM_ILLEGAL")
    assert named in result["resultMessage"]


def test_the_sandbox_refuses_what_the_sdk_signs_with_another_key(
    db, settings, sdk_client
):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    stranger = DefaultAlipayClient(
        settings.ETALAGE_SITE_URL.rstrip("/") + antom.SANDBOX_PATH,
        antom.SANDBOX_CLIENT_ID,
        private_pem(other),
        _pem_of("antom-provider", public=True),
    )
    with pytest.raises(AlipayApiException, match="401"):
        stranger.execute(sdk_request("pay"))
    assert not SandboxPayment.objects.exists()


def _notice_verifies(url: str, headers: dict[str, str], body: str) -> bool:
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        return check_signature(
            "POST",
            urlsplit(url).path,
            lowered["client-id"],
            lowered["request-time"],
            body,
            lowered["signature"],
            _pem_of("antom-provider", public=True),
        )
    except Exception:
        return False


def test_the_sandbox_s_notifications_verify_and_read_with_the_sdk(db):
    payment = _sandbox_payment()
    url, headers, body = payment_notice(payment)
    assert _notice_verifies(url, headers, body)
    assert shape_problems(json.loads(body), SHAPES["notifyPayment"]) == []
    notice = AlipayPayResultNotify(body)
    assert (notice.notify_type, notice.result.result_status.name) == (
        "PAYMENT_RESULT",
        "S",
    )
    assert notice.payment_request_id == payment.request_id
    assert notice.payment_amount["value"] == "19530"

    payment.refunds = {
        "E2611-TEST-R1": ["SANDBOXR1", 5000, timezone.now().isoformat(), ""]
    }
    payment.save()
    url, headers, body = refund_notice(payment, "E2611-TEST-R1")
    assert _notice_verifies(url, headers, body)
    assert shape_problems(json.loads(body), SHAPES["notifyRefund"]) == []
    refunded = AlipayRefundNotify(body)
    assert (refunded.refund_status, refunded.refund_request_id) == (
        "SUCCESS",
        "E2611-TEST-R1",
    )
    # A corrupt one (the cashier's misbehaviour) is refused by the SDK too.
    assert not _notice_verifies(*payment_notice(payment, corrupt=True))


def test_the_adapter_reads_a_notification_the_sdk_signed(keys):
    """A notifyPayment as Antom sends it (signed by the SDK's signer over the
    notification URL's path, ``request-time`` now) is taken by the adapter."""
    body = json.dumps(
        {
            "notifyType": "PAYMENT_RESULT",
            "result": {"resultCode": "SUCCESS", "resultStatus": "S",
                       "resultMessage": "success"},
            "paymentRequestId": "E2611-TEST-P1",
            "paymentId": "20261207194010800100188A0209760494",
            "paymentAmount": {"currency": "CNY", "value": "19530"},
            "paymentCreateTime": "2026-12-07T13:00:00+08:00",
            "paymentTime": "2026-12-07T13:01:00+08:00",
        }
    )  # fmt: skip
    time = get_cur_iso8601_time()
    path = urlsplit(NOTIFY_URL).path
    value = signature_tool.sign(
        "POST", path, CLIENT_ID, time, body, private_pem(keys["antom"])
    )
    headers = {
        "client-id": CLIENT_ID,
        "request-time": time,
        "signature": f"algorithm=RSA256,keyVersion=1,signature={value}",
        "content-type": "application/json",
    }
    event = _adapter(keys, "http://127.0.0.1:9").notification_read(
        path=path, headers=headers, body=body
    )
    assert (event.kind, event.status, event.amount) == ("payment", "succeeded", PAID)
