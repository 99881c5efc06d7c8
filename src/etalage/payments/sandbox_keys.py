"""The test keys the embedded payment sandbox signs with (made once per data
directory). The adapters reach the real providers with ``core.http``."""

from __future__ import annotations

import fcntl
import os
import tempfile
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
    """Read a key, or make it if no process has yet. A key file is only ever put in
    place whole (written aside, then renamed over), and only by the process that
    holds the folder's lock, and only where no readable key is: processes starting
    together end up with one key, and a process killed while making it leaves no
    half-written key behind (a file an older release left empty is made again)."""
    key = _key_read(path)
    if key is not None:
        return key
    with (path.parent / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes or we die
        key = _key_read(path)
        if key is not None:
            return key
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        descriptor, aside = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(descriptor, "wb") as file:  # mkstemp makes it 0600
                file.write(pem)
                file.flush()
                os.fsync(file.fileno())
            os.replace(aside, path)
        except BaseException:
            Path(aside).unlink(missing_ok=True)
            raise
    return key


def _key_read(path: Path) -> rsa.RSAPrivateKey | None:
    """The key in ``path``, or None when there is none or none whole."""
    try:
        return load_private_key(path.read_bytes())
    except (FileNotFoundError, ValueError):
        return None
