"""Every HTTP call Étalage makes to a party outside (merchants' webhook endpoints,
payment providers, carriers, the customs gateway), through one client (httpx).

The rules, the same for every caller:

- no redirect is followed: a 3xx is an answer like any other, which the caller
  treats as a failed attempt;
- short timeouts (``ETALAGE_OUTBOUND_TIMEOUT``), and at most ``max_bytes`` of the
  answer read;
- never inside a database transaction (``outside_call_begins`` lets the tests'
  watcher fail any call made while one is open).

Addresses the operator configures (a provider's gateway, a carrier, the customs
gateway) are trusted settings and may point anywhere, a local stand-in included.
Addresses a user supplies (``untrusted=True``: merchants' webhook endpoints) are
reached only on public addresses: the name is resolved once, every address it
resolves to is checked against loopback, private, link-local, multicast, reserved
and other special ranges, and the connection is made to that very address (TLS
still checks the name's certificate), so no second resolution can swap in an
internal one between the check and the connection (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable
from typing import Any

import httpcore
import httpx
from django.conf import settings

Answer = tuple[int, dict[str, str], bytes]
# Called with the URL before every call to a party outside (the tests' watcher
# that no transaction is open, ``etalage.conftest.no_call_in_transaction``).
WATCHERS: list[Callable[[str], None]] = []


class AddressRefused(OSError):
    """A user-supplied address resolves to a place Étalage does not call."""


def outside_call_begins(url: str) -> None:
    """Every call to a party outside starts here (the client below, and the
    embedded sandboxes that stand in for one)."""
    for watcher in WATCHERS:
        watcher(url)


def address_is_public(address: str) -> bool:
    """Whether ``address`` (an IP address as text) is one a user's URL may reach."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (the tests replace it)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _PublicOnly(httpcore.SyncBackend):
    """Connects only to public addresses: resolves the name once, refuses it if
    any address is not public, then connects to the address checked."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = resolve(host, port)
        except OSError as error:
            raise httpcore.ConnectError(f"{host}: not resolved ({error})") from None
        refused = [a for a in addresses if not address_is_public(a)]
        if refused or not addresses:
            raise AddressRefused(f"{host} is not a public address")
        last: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as error:
                last = error
        raise last or httpcore.ConnectError(host)


def _client(*, untrusted: bool, timeout: float) -> httpx.Client:
    transport = httpx.HTTPTransport(retries=0, trust_env=not untrusted)
    if untrusted:
        # httpx's transport keeps its connection pool in ``_pool``; this one
        # connects through the checking network backend (httpcore's extension
        # point for how connections are made).
        transport._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            network_backend=_PublicOnly(),
            retries=0,
        )
    return httpx.Client(
        transport=transport,
        follow_redirects=False,
        timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
        trust_env=not untrusted,
    )


def outbound_request(
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes,
    timeout: float | None = None,
    *,
    untrusted: bool = False,
    max_bytes: int = 1_000_000,
) -> Answer:
    """One HTTP request; the answer whatever its status (redirects included, never
    followed), its body cut at ``max_bytes``. Raises ``OSError`` (or
    ``AddressRefused``) when no answer came, ``ValueError`` for a URL that is not
    HTTP(S) (https only, for a user's address, unless the sandboxes are on)."""
    schemes: tuple[str, ...] = ("https://", "http://")
    if untrusted and not settings.ETALAGE_PAYMENT_SANDBOX:
        schemes = ("https://",)
    if not url.startswith(schemes):
        raise ValueError("the address is not an https:// URL")
    outside_call_begins(url)
    seconds = float(timeout) if timeout else float(settings.ETALAGE_OUTBOUND_TIMEOUT)
    try:
        with _client(untrusted=untrusted, timeout=seconds) as client:
            request = client.build_request(
                method, url, headers=headers, content=body if method != "GET" else None
            )
            response = client.send(request, stream=True)
            try:
                kept = bytearray()
                for chunk in response.iter_bytes():
                    kept += chunk
                    if len(kept) >= max_bytes:
                        break
                answer_headers = {k.lower(): v for k, v in response.headers.items()}
                return response.status_code, answer_headers, bytes(kept[:max_bytes])
            finally:
                response.close()
    except AddressRefused:
        raise
    except httpx.TimeoutException as error:
        raise TimeoutError(str(error) or "timed out") from None
    except (httpx.HTTPError, httpcore.ConnectError) as error:
        raise ConnectionError(f"{type(error).__name__}: {error}") from None


def untrusted_request(
    method: str, url: str, headers: dict[str, str], body: bytes, timeout: float
) -> Answer:
    """A call to a user-supplied address (a merchant's webhook endpoint): public
    addresses only, the first 2,000 bytes of the answer."""
    return outbound_request(
        method, url, headers, body, timeout, untrusted=True, max_bytes=2000
    )


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def excerpt(body: bytes, limit: int = 200) -> str:
    """A short, printable excerpt of an answer, the only part of it kept."""
    text = body[: limit * 4].decode("utf-8", "replace")
    return _CONTROL.sub("", text)[:limit]
