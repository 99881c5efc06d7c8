"""The address a request comes from, for every limit and every log.

Behind a reverse proxy (docs/production.md's TLS proxy) every connection comes from the
proxy: the client's address is in the ``X-Forwarded-For`` header the proxy adds.
That header is anyone's to write, so it is read only when the connection comes from
a proxy the operator trusts (``ETALAGE_TRUSTED_PROXIES``, addresses or networks),
and right to left: each trusted proxy appends the address it saw, so the nearest
address that is not a trusted proxy is the client's. What a client wrote itself, on
the left, is never used. No other module reads ``REMOTE_ADDR`` or the header.

``ClientAddressMiddleware``, first in line, then makes ``REMOTE_ADDR`` the client's
for everything after it: Django's logs and the server's access log (gunicorn reads
the same environ once the answer is sent).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in trusted)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.5:443
        text = text.split(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


# Where the middleware keeps the address it found (REMOTE_ADDR is then the client's).
FOUND = "etalage.client_address"


def client_address(request: HttpRequest) -> str:
    """The client's address as text (an empty string when none is known)."""
    if FOUND in request.META:
        return str(request.META[FOUND])
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _networks(tuple(settings.ETALAGE_TRUSTED_PROXIES))
    nearest = _address(remote)
    if not networks or nearest is None:
        return remote

    def trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in network for network in networks)

    if not trusted(nearest):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") or ""
    for hop in reversed([item for item in forwarded.split(",") if item.strip()]):
        address = _address(hop)
        if address is None:  # garbage: the last address known for sure
            break
        nearest = address
        if not trusted(address):
            break
    return str(nearest)


class ClientAddressMiddleware:
    """Find the client's address once per request and make it ``REMOTE_ADDR``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address = client_address(request)
        request.META[FOUND] = address
        request.META["REMOTE_ADDR"] = address
        return self.get_response(request)
