"""The sandbox carrier exists only with the sandbox: with it off, its pushes are
not taken (404), and a production start naming it as the carrier is refused."""

from datetime import UTC, datetime

from django.core import checks
from standardwebhooks import Webhook

from etalage.logistics.carriers import push_body


def _signed_push(client, secret):
    body = push_body(
        [
            {
                "id": "E1",
                "waybill": "SBX1",
                "status": "InTransit",
                "time": "2026-12-02T09:30:00+08:00",
            }
        ]
    )
    at = datetime.now(UTC)
    headers = {
        "webhook-id": "msg_x",
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign("msg_x", at, body),
    }
    return client.post(
        "/logistics/carriers/sandbox/events",
        data=body,
        content_type="application/json",
        headers=headers,
    )


def test_with_the_sandbox_off_the_sandbox_carrier_takes_no_push(client, settings, db):
    secret = settings.ETALAGE_CARRIERS["sandbox"]["secret"]
    settings.ETALAGE_CARRIER_SANDBOX = False
    answer = _signed_push(client, secret)
    assert answer.status_code == 404


def test_a_production_start_with_the_sandbox_carrier_is_refused(settings):
    settings.ETALAGE_CARRIER_SANDBOX = False
    settings.ETALAGE_CARRIER = "sandbox"
    found = [m for m in checks.run_checks() if "ETALAGE_CARRIER" in m.msg]
    assert found and found[0].is_serious()
    settings.ETALAGE_CARRIER_SANDBOX = True
    assert not [m for m in checks.run_checks() if "ETALAGE_CARRIER" in m.msg]
