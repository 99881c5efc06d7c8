"""Carriers' tracking pushes (no language prefix, no session): verified, kept and
applied by ``logistics.last_mile``; the answer tells the carrier what was taken."""

from __future__ import annotations

import json

from django.http import HttpResponse

from etalage.core.client_address import client_address
from etalage.logistics.carriers import CarrierRefused
from etalage.logistics.last_mile import carrier_push_receive, push_answer
from etalage.web.access import outside_party
from etalage.web.callbacks.payments import capped_body


@outside_party
def carrier_events(request, name: str):
    body = capped_body(request, f"carrier:{client_address(request)}")
    if isinstance(body, HttpResponse):
        return body
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
