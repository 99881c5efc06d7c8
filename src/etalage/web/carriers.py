"""Carriers' tracking pushes (no language prefix, no session): verified, kept and
applied by ``logistics.last_mile``; the answer tells the carrier what was taken."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from etalage.core.limits import limit_hit
from etalage.logistics.carriers import CarrierRefused
from etalage.logistics.last_mile import carrier_push_receive, push_answer


@csrf_exempt
@require_POST
def carrier_events(request, name: str):
    sender = request.META.get("REMOTE_ADDR", "")
    if limit_hit(f"carrier:{sender}", seconds=60) > settings.ETALAGE_NOTIFY_PER_MINUTE:
        return HttpResponse(status=429, headers={"Retry-After": "60"})
    body = request.read(settings.ETALAGE_NOTIFY_MAX_BYTES + 1)
    if len(body) > settings.ETALAGE_NOTIFY_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        push = carrier_push_receive(
            carrier=name, headers=dict(request.headers), body=body
        )
    except CarrierRefused as refused:
        return HttpResponse(
            json.dumps({"error": str(refused)}),
            status=refused.status,
            content_type="application/json",
        )
    return HttpResponse(push_answer(push), content_type="application/json")
