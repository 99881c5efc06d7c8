"""The payment providers' notifications (Alipay through Antom, WeChat Pay): kept raw,
acknowledged in the provider's own shape, processed after commit by the payments
context, which checks the provider's signature."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse

from etalage.core.client_address import client_address
from etalage.core.limits import limit_hit
from etalage.payments.adapters import adapter_class, provider_available
from etalage.payments.notifications import notification_receive
from etalage.web.access import outside_party


@outside_party
def notify(request, provider: str):
    """A provider's notification: kept raw, acknowledged, processed after commit.
    A sender posting more than the limit a minute, or a body past the size cap, is
    refused before anything is kept."""
    if not provider_available(provider):  # unknown, or not set up here
        raise Http404("no such provider")
    sender = client_address(request)
    body = capped_body(request, f"notify:{sender}")
    if isinstance(body, HttpResponse):
        return body
    notification_receive(
        provider=provider,
        headers=dict(request.headers),
        body=body.decode("utf-8", "replace"),
        remote_addr=sender,
    )
    status, answer = adapter_class(provider).acknowledgement()
    return HttpResponse(answer, status=status, content_type="application/json")


def capped_body(request, counter: str) -> bytes | HttpResponse:
    """The body a party outside posted, or the refusal: 429 past
    ``ETALAGE_NOTIFY_PER_MINUTE`` posts a minute on ``counter`` (a sender), 413 past
    ``ETALAGE_NOTIFY_MAX_BYTES``. Read before anything is kept."""
    if limit_hit(counter, seconds=60) > settings.ETALAGE_NOTIFY_PER_MINUTE:
        return HttpResponse(status=429, headers={"Retry-After": "60"})
    body: bytes = request.read(settings.ETALAGE_NOTIFY_MAX_BYTES + 1)
    if len(body) > settings.ETALAGE_NOTIFY_MAX_BYTES:
        return HttpResponse(status=413)
    return body
