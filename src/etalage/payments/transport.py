"""The test keys the embedded payment sandbox signs with (made once per data
directory). The adapters reach the real providers with ``core.http``."""

from __future__ import annotations

import os
import time
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from etalage.payments.antom_signing import load_private_key


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
