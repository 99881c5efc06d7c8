"""Antom (Alipay cross-border, Alipay+) message signatures. Pure, over `cryptography`.

Every request, response and notification is signed both ways with SHA256withRSA
(PKCS#1 v1.5) over the text::

    <HTTP method> <path>\\n<client-id>.<request or response time>.<body>

and the signature travels, base64 then URL-encoded, in the ``Signature`` header as
``algorithm=RSA256,keyVersion=1,signature=<value>``; the time is the
``Request-Time`` (or ``Response-Time``) header, ISO 8601. The merchant signs with
its private key and checks with Antom's public key; Antom the other way round.
See ``shared/domain/cross-border-rules.md`` §7 and the official SDK
(global-open-sdk-python, ``tools/signature_tool.py``).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote_plus, unquote_plus

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from etalage.payments.provider import SignatureRefused

__all__ = ["SignatureRefused", "load_private_key", "load_public_key", "sign", "verify"]

ALGORITHM = "RSA256"
KEY_VERSION = "1"


def signed_content(
    method: str, path: str, client_id: str, time: str, body: str
) -> bytes:
    """The exact bytes both sides sign."""
    return f"{method.upper()} {path}\n{client_id}.{time}.{body}".encode()


@lru_cache(maxsize=16)  # parsed once per process, not once a request
def load_private_key(pem: str | bytes) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(
        pem.encode() if isinstance(pem, str) else pem, password=None
    )
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("an Antom key is an RSA key")
    return key


@lru_cache(maxsize=16)
def load_public_key(pem: str | bytes) -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(
        pem.encode() if isinstance(pem, str) else pem
    )
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("an Antom key is an RSA key")
    return key


def sign(
    key: rsa.RSAPrivateKey,
    *,
    method: str,
    path: str,
    client_id: str,
    time: str,
    body: str,
) -> str:
    """The ``Signature`` header's value for a message."""
    raw = key.sign(
        signed_content(method, path, client_id, time, body),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )
    value = quote_plus(base64.b64encode(raw).decode())
    return f"algorithm={ALGORITHM},keyVersion={KEY_VERSION},signature={value}"


@dataclass(frozen=True)
class SignatureHeader:
    algorithm: str
    key_version: str
    signature: bytes


def parse_header(header: str) -> SignatureHeader:
    """Read ``algorithm=RSA256,keyVersion=1,signature=…`` (SignatureRefused)."""
    fields: dict[str, str] = {}
    for part in (header or "").split(","):
        name, sep, value = part.strip().partition("=")
        if sep:
            fields[name] = value
    if fields.get("algorithm") != ALGORITHM or not fields.get("signature"):
        raise SignatureRefused("the Signature header is not algorithm=RSA256,…")
    try:
        raw = base64.b64decode(unquote_plus(fields["signature"]), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureRefused("the signature is not base64") from None
    return SignatureHeader(ALGORITHM, fields.get("keyVersion", KEY_VERSION), raw)


def verify(
    key: rsa.RSAPublicKey,
    header: str,
    *,
    method: str,
    path: str,
    client_id: str,
    time: str,
    body: str,
) -> None:
    """Check a message's ``Signature`` header against its content (SignatureRefused).

    The RSA verification compares the whole recovered digest; nothing is compared
    byte by byte in Python, so the time it takes says nothing of the signature."""
    parsed = parse_header(header)
    try:
        key.verify(
            parsed.signature,
            signed_content(method, path, client_id, time, body),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except InvalidSignature:
        raise SignatureRefused("the signature does not match the message") from None
