"""One HTTP request to a party outside (a provider, a carrier) or from a sandbox
back to Étalage; the answer whatever its status (the caller reads it)."""

from __future__ import annotations

import urllib.error
import urllib.request


def http_transport(
    method: str, url: str, headers: dict[str, str], body: bytes, timeout: float = 15
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request; the answer whatever its status (the adapter reads it)."""
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"{url!r}: a party outside is reached over HTTP(S)")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url, data=body if method != "GET" else None, headers=headers, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return (
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read(),
            )
    except urllib.error.HTTPError as error:
        return (
            error.code,
            {k.lower(): v for k, v in error.headers.items()},
            error.read(),
        )
