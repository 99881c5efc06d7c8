"""How adapters reach their providers: HTTPS for the real ones, and the test keys
the embedded sandbox signs with (made once per data directory)."""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.request
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from etalage.payments.antom_signing import load_private_key


def http_transport(
    method: str, url: str, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request; the answer whatever its status (the adapter reads it)."""
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"{url!r}: a provider is reached over HTTPS")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url, data=body if method != "GET" else None, headers=headers, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
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


@cache
def sandbox_key(name: str) -> rsa.RSAPrivateKey:
    """One of the sandbox's test key pairs (``antom-merchant``, ``wechat-platform``…),
    made once per data directory in its private folder (0600); every process of
    the installation reads the same one."""
    folder = Path(settings.PRIVATE_ROOT) / "sandbox-keys"
    folder.mkdir(parents=True, exist_ok=True)
    return _key_file(folder / f"{name}.pem")


def _key_file(path: Path) -> rsa.RSAPrivateKey:
    """Read a key, or make it if no process has yet (exclusive create: two
    processes starting together end up with one key)."""
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        for _attempt in range(50):  # another process may be writing it right now
            try:
                return load_private_key(path.read_bytes())
            except ValueError:
                time.sleep(0.1)
        return load_private_key(path.read_bytes())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with os.fdopen(descriptor, "wb") as file:
        file.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return key
