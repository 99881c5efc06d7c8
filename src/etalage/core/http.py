"""One HTTP request to a party the operator configured (a provider, a carrier) or
from a sandbox back to Étalage; the answer whatever its status (the caller reads
it). Made by Étalage's one outbound client (``etalage.core.outbound``): no
redirect followed, short timeouts."""

from __future__ import annotations

from etalage.core.outbound import outbound_request


def http_transport(
    method: str, url: str, headers: dict[str, str], body: bytes, timeout: float = 15
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request to a trusted (operator-configured) address."""
    return outbound_request(method, url, headers, body, timeout)
