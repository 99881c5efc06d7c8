"""The last mile in China: the carrier interface, and what a carrier's tracking push
says once verified.

A carrier takes a released parcel and answers with its waybill number, then pushes
tracking events in batches to ``/logistics/carriers/<name>/events``, signed per the
Standard Webhooks specification (``webhook-id``, ``webhook-timestamp``,
``webhook-signature``: HMAC-SHA256 over ``id.timestamp.body`` with the carrier's
``whsec_`` secret, checked in constant time by ``standardwebhooks``, at most five
minutes old). The carrier's statuses map onto Étalage's vocabulary here, so nothing
else reads a carrier's words. The embedded sandbox carrier (``sandbox_carrier``)
speaks exactly this.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from etalage.logistics.vocabulary import Step

# A carrier's statuses (the sandbox's, which are the common AfterShip ones) in
# Étalage's vocabulary.
STATUSES: dict[str, Step | None] = {
    # A scan on the way: taken, nothing the buyer needs beyond what is recorded.
    "InTransit": None,
    "OutForDelivery": Step.OUT_FOR_DELIVERY,
    "AttemptFail": Step.DELIVERY_FAILED,
    "Delivered": Step.DELIVERED,
    "Exception": Step.EXCEPTION,
    "AvailableForPickup": Step.OUT_FOR_DELIVERY,
}
BATCH_LIMIT = 100
TOLERANCE_SECONDS = 5 * 60  # Standard Webhooks' window


class CarrierRefused(ValueError):
    """A push that is not taken: the message says why (for the carrier)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class CarrierEvent:
    event_id: str
    waybill: str
    step: Step | None
    at: datetime
    place: str
    detail: str


@dataclass(frozen=True, slots=True)
class Consignee:
    """Who and where a carrier delivers to, as carriers in China ask for it: the
    division's names and its GB/T 2260 code (empty for an address kept before
    codes were asked for), the street, the postcode if the buyer gave one."""

    name: str
    phone: str
    province: str
    city: str
    district: str
    region_code: str
    street: str
    postcode: str = ""


def carrier_secret(name: str) -> str:
    """The carrier's push secret; the sandbox carrier has one only while the
    sandbox is on (otherwise it is no carrier: 404)."""
    if name == "sandbox" and not settings.ETALAGE_CARRIER_SANDBOX:
        raise CarrierRefused(f"no carrier {name!r}", status=404)
    try:
        return str(settings.ETALAGE_CARRIERS[name]["secret"])
    except KeyError:
        raise CarrierRefused(f"no carrier {name!r}", status=404) from None


def carrier_push_read(
    name: str, headers: dict[str, str], body: bytes
) -> list[CarrierEvent]:
    """The events of a carrier's push, verified; refused whole when its signature,
    its age or any event is wrong (the reason names the field)."""
    secret = carrier_secret(name)
    push_shape_check(headers, body)
    try:
        payload = Webhook(secret).verify(body, headers)
    except WebhookVerificationError as error:
        raise CarrierRefused(f"signature refused: {error}", status=401) from None
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list) or not events:
        raise CarrierRefused("events: a list of 1 to 100 events is expected")
    if len(events) > BATCH_LIMIT:
        raise CarrierRefused(f"events: at most {BATCH_LIMIT} in one push")
    return [_event(n, raw) for n, raw in enumerate(events)]


_SIGNATURE = re.compile(r"v1,[A-Za-z0-9+/]{43}=")


def push_shape_check(headers: dict[str, str], body: bytes) -> None:
    """Refuse (400) a push whose signature header is not a list of ``v1,<base64 of
    32 bytes>`` or whose body is not UTF-8, before any signature is computed."""
    signatures = headers.get("webhook-signature", "").split()
    if not signatures or not all(_SIGNATURE.fullmatch(s) for s in signatures):
        raise CarrierRefused("webhook-signature: malformed (v1,<base64> expected)")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        raise CarrierRefused("body: not UTF-8") from None


def push_precheck(headers: dict[str, str], body: bytes) -> None:
    """What costs nothing to check, before a push is kept: its headers' shape, its
    body UTF-8, and its time within the five minutes Standard Webhooks allows
    (CarrierRefused: 400, or 401 for the time)."""
    push_shape_check(headers, body)
    try:
        sent = int(headers.get("webhook-timestamp", ""))
    except ValueError:
        raise CarrierRefused("webhook-timestamp: not a Unix time") from None
    if abs(time.time() - sent) > TOLERANCE_SECONDS:
        raise CarrierRefused(
            "webhook-timestamp: too old or too new (5 minutes either way)", status=401
        )


def _event(n: int, raw: Any) -> CarrierEvent:
    where = f"events[{n}]"
    if not isinstance(raw, dict):
        raise CarrierRefused(f"{where}: an object is expected")
    for field in ("id", "waybill", "status", "time"):
        if not isinstance(raw.get(field), str) or not raw[field]:
            raise CarrierRefused(f"{where}.{field}: missing")
    if raw["status"] not in STATUSES:
        raise CarrierRefused(f"{where}.status: {raw['status']!r} is not a known status")
    try:
        at = datetime.fromisoformat(raw["time"])
    except ValueError:
        raise CarrierRefused(f"{where}.time: not an ISO 8601 time") from None
    if at.tzinfo is None:
        raise CarrierRefused(f"{where}.time: give the offset (+08:00)")
    return CarrierEvent(
        event_id=raw["id"][:120],
        waybill=raw["waybill"][:40],
        step=STATUSES[raw["status"]],
        at=at,
        place=str(raw.get("location") or "")[:120],
        detail=str(raw.get("detail") or "")[:300],
    )


def push_body(events: list[dict[str, str]]) -> str:
    """A push's body as a carrier sends it."""
    return json.dumps({"events": events}, ensure_ascii=False, separators=(",", ":"))
