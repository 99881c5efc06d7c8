"""The embedded sandbox carrier: a stand-in for a domestic carrier in China, never
presented as a real one. Handed a released parcel, it answers with its waybill
number; then, as time goes by (``ETALAGE_CARRIER_SANDBOX_STEP_SECONDS`` a step),
it pushes the parcel's events to Étalage exactly as ``carriers`` expects a
carrier to: a JSON batch over HTTP, signed per Standard Webhooks with the carrier's
secret. One parcel in five fails its first delivery attempt, as couriers do."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook

from etalage.addresses.regions import regions
from etalage.core.http import http_transport
from etalage.core.outbound import outside_call_begins
from etalage.logistics.carriers import Consignee, carrier_secret, push_body
from etalage.logistics.models import Parcel, SandboxShipment

Transport = Callable[
    [str, str, dict[str, str], bytes], tuple[int, dict[str, str], bytes]
]
# Tests swap the transport for one that posts through the test client.
PUSH_TRANSPORT: list[Transport] = [http_transport]
NAME = "sandbox"


def shipment_create(parcel: Parcel, consignee: Consignee) -> str:
    """Take a parcel for ``consignee``; return its waybill number. As carriers in
    China do, it routes by the division code when there is one (its district's
    depot), else by the city's name."""
    outside_call_begins(f"carrier:{NAME}")  # stands in for the carrier's API
    waybill = f"SBX{secrets.randbelow(10**10):010d}"
    SandboxShipment.objects.create(
        waybill=waybill,
        parcel_code=parcel.code,
        city=consignee.city[:30],
        region_code=consignee.region_code,
        fail_first=int(uuid.UUID(str(parcel.pk)).int) % 5 == 0,
    )
    return waybill


def _steps(shipment: SandboxShipment) -> list[tuple[str, str, str]]:
    """(status, location, detail) in the order the sandbox pushes them."""
    path = regions().path(shipment.region_code) if shipment.region_code else None
    city = path.text() if path else shipment.city or "上海市"
    steps = [("InTransit", f"{city}转运中心", "到达转运中心")]
    steps.append(("OutForDelivery", city, "派送中"))
    if shipment.fail_first:
        steps.append(("AttemptFail", city, "收件人不在，改日派送"))
        steps.append(("OutForDelivery", city, "再次派送"))
    steps.append(("Delivered", city, "已签收"))
    return steps


def sandbox_carrier_advanced(*, now: datetime | None = None) -> int:
    """Push the next step of every shipment whose time has come (the clock's chore);
    return how many were pushed."""
    if not settings.ETALAGE_CARRIER_SANDBOX:
        return 0
    now = now or timezone.now()
    step = timedelta(seconds=settings.ETALAGE_CARRIER_SANDBOX_STEP_SECONDS)
    pushed = 0
    for shipment in SandboxShipment.objects.order_by("created_at")[:500]:
        steps = _steps(shipment)
        if shipment.pushed >= len(steps) or now < shipment.created_at + step * (
            shipment.pushed + 1
        ):
            continue
        status, location, detail = steps[shipment.pushed]
        at = shipment.created_at + step * (shipment.pushed + 1)
        event = {
            "id": f"{shipment.waybill}-{shipment.pushed + 1}",
            "waybill": shipment.waybill,
            "status": status,
            "time": at.astimezone(UTC).isoformat(),
            "location": location,
            "detail": detail,
        }
        if push([event]):
            SandboxShipment.objects.filter(pk=shipment.pk).update(
                pushed=F("pushed") + 1
            )
            pushed += 1
    return pushed


def push(events: list[dict[str, str]]) -> bool:
    """Send one signed push to Étalage; whether it was taken (2xx)."""
    body = push_body(events)
    message_id = f"msg_{uuid.uuid4().hex}"
    now = datetime.now(UTC)
    headers = {
        "Content-Type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(carrier_secret(NAME)).sign(message_id, now, body),
    }
    url = settings.ETALAGE_SITE_URL + reverse("logistics-carrier-events", args=[NAME])
    try:
        status, _headers, _answer = PUSH_TRANSPORT[0](
            "POST", url, headers, body.encode()
        )
    except OSError:
        return False
    return 200 <= status < 300
