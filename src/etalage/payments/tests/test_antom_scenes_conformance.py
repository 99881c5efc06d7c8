"""Alipay from a phone, as Antom's own SDK (``global-open-sdk-python``) sees it: a
cashier payment for a phone browser (``env.terminalType`` WAP) or an app (APP),
with the phone's system (``env.osType``, the SDK's ``OsType``: IOS, ANDROID).

- The adapter's request, kept at a stand-in gateway on 127.0.0.1, verifies with
  the SDK over the SDK's path, and its body is the one the SDK's own request model
  (``AlipayPayRequest`` with its ``Env``) writes for the same data; it has the
  published shape (antom_reference.SHAPES["pay"]).
- The embedded sandbox, called by the SDK's own client for each terminal type,
  answers where the buyer goes (``normalUrl``; for an app ``applinkUrl`` too), read
  by the SDK's ``AlipayPayResponse``; it refuses a phone's terminal without its
  system, and a terminal type Antom does not have.
- The payment's notification is the same for every terminal: it verifies with the
  SDK's ``check_signature`` (test_antom_conformance covers it for all).
"""

from __future__ import annotations

import json

import pytest
from com.alipay.ams.api.exception.exception import AlipayApiException
from com.alipay.ams.api.model.env import Env
from com.alipay.ams.api.model.os_type import OsType
from com.alipay.ams.api.model.terminal_type import TerminalType
from com.alipay.ams.api.response.pay.alipay_pay_response import AlipayPayResponse

from etalage.payments.models import SandboxPayment
from etalage.payments.provider import Device
from etalage.payments.tests import test_antom_conformance as antom_tests
from etalage.payments.tests.antom_reference import (
    SHAPES,
    pay_call,
    public_pem,
    sdk_request,
    sdk_verifies,
    shape_problems,
)
from etalage.payments.tests.test_antom_conformance import _adapter

# The fixtures of Antom's conformance module: its keys, its stand-in gateway, the
# SDK's client spoken through the sandbox's routes.
keys = antom_tests.keys
gateway = antom_tests.gateway
sdk_client = antom_tests.sdk_client

PHONES = [
    ("wap", "IOS", TerminalType.WAP, OsType.IOS),
    ("wap", "ANDROID", TerminalType.WAP, OsType.ANDROID),
    ("app", "ANDROID", TerminalType.APP, OsType.ANDROID),
    ("app", "IOS", TerminalType.APP, OsType.IOS),
]


def sdk_pay(terminal: TerminalType, system: OsType | None):
    """The SDK's own pay request for the data of ``pay_call``, from ``terminal``."""
    request = sdk_request("pay")
    env = Env()
    env.terminal_type = terminal
    if system is not None:
        env.os_type = system
    request.env = env
    return request


@pytest.mark.parametrize(("scene", "system", "terminal", "os_type"), PHONES)
def test_a_phone_s_pay_request_is_the_sdk_s_own_and_verifies_with_it(
    keys, gateway, scene, system, terminal, os_type
):
    pay_call(_adapter(keys, gateway.url), Device(scene, os_type=system))
    (request,) = gateway.requests
    assert request["path"] == sdk_pay(terminal, os_type).path
    assert sdk_verifies(request, public_pem(keys["merchant"]))
    body = json.loads(request["body"])
    assert shape_problems(body, SHAPES["pay"]) == []
    assert body == json.loads(sdk_pay(terminal, os_type).to_ams_json())
    assert body["env"] == {"terminalType": terminal.value, "osType": os_type.value}


def test_a_desktop_s_request_names_no_system(keys, gateway):
    pay_call(_adapter(keys, gateway.url))
    body = json.loads(gateway.requests[0]["body"])
    assert body["env"] == {"terminalType": "WEB"}
    assert body == json.loads(sdk_pay(TerminalType.WEB, None).to_ams_json())


def test_a_phone_s_payment_without_its_system_is_not_sent(keys, gateway):
    with pytest.raises(ValueError, match="phone's system"):
        pay_call(_adapter(keys, gateway.url), Device("wap"))
    assert gateway.requests == []


@pytest.mark.parametrize(("scene", "system", "terminal", "os_type"), PHONES)
def test_the_sandbox_answers_the_sdk_where_the_phone_goes(
    db, sdk_client, scene, system, terminal, os_type
):
    answer = AlipayPayResponse(sdk_client.execute(sdk_pay(terminal, os_type)))
    assert answer.result.result_status.name == "U"
    assert answer.normal_url.endswith(f"/cashier/{answer.payment_id}/")
    if terminal is TerminalType.APP:
        assert answer.applink_url
    assert SandboxPayment.objects.get().scene == terminal.value


@pytest.mark.parametrize("system", [None, "WINDOWS"])
def test_the_sandbox_refuses_a_phone_s_payment_without_a_system_antom_names(
    db, sdk_client, system
):
    request = sdk_pay(TerminalType.WAP, None)
    if system:
        request.env.os_type = system  # what the SDK's OsType would not allow
    with pytest.raises(AlipayApiException, match="400"):
        sdk_client.execute(request)
    assert not SandboxPayment.objects.exists()
