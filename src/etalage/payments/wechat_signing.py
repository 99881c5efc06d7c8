"""WeChat Pay API v3 signatures and encrypted resources. Pure, over `cryptography`.

- The merchant signs each request with its private key, SHA256withRSA (PKCS#1 v1.5)
  over ``<METHOD>\\n<path and query>\\n<timestamp>\\n<nonce>\\n<body>\\n``, and sends
  ``Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",
  signature="<base64>",timestamp="…",serial_no="<merchant certificate serial>"``.
- WeChat Pay signs its answers and notifications with its platform key over
  ``<timestamp>\\n<nonce>\\n<body>\\n``, sent in ``Wechatpay-Timestamp``,
  ``Wechatpay-Nonce``, ``Wechatpay-Signature``, ``Wechatpay-Serial`` (which
  platform certificate signed) and ``Wechatpay-Signature-Type`` (the schema).
- A WeChat client starts a JSAPI payment with ``paySign``: the same signature
  over ``<appId>\n<timeStamp>\n<nonceStr>\n<package>\n`` (``pay_message``).
- Sensitive fields sent to WeChat Pay (the buyer's ID number and name) are
  RSAES-OAEP (SHA-1) ciphertext under the platform key, base64.
- A notification's ``resource`` is AEAD_AES_256_GCM ciphertext (base64, the tag at
  its end) under the merchant's 32-byte API v3 key, with its ``nonce`` and
  ``associated_data``.
See ``shared/domain/cross-border-rules.md`` §7.
"""

from __future__ import annotations

import base64
import binascii
import re

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from etalage.payments.provider import SignatureRefused

SCHEMA = "WECHATPAY2-SHA256-RSA2048"
_FIELD = re.compile(r'(\w+)="([^"]*)"')


def request_message(
    method: str, path: str, timestamp: str, nonce: str, body: str
) -> bytes:
    """The bytes the merchant signs for a request (``path`` with its query)."""
    return f"{method.upper()}\n{path}\n{timestamp}\n{nonce}\n{body}\n".encode()


def answer_message(timestamp: str, nonce: str, body: str) -> bytes:
    """The bytes WeChat Pay signs for an answer or a notification."""
    return f"{timestamp}\n{nonce}\n{body}\n".encode()


def pay_message(app_id: str, timestamp: str, nonce: str, package: str) -> bytes:
    """The bytes the merchant signs for a WeChat client to start a JSAPI payment
    (``paySign`` of ``WeixinJSBridge``'s ``getBrandWCPayRequest`` and of a
    mini-program's ``wx.requestPayment``): four lines, each ending in a newline;
    ``signType`` (RSA) is not signed."""
    return f"{app_id}\n{timestamp}\n{nonce}\n{package}\n".encode()


def sign(key: rsa.RSAPrivateKey, message: bytes) -> str:
    raw = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(raw).decode()


def verify(key: rsa.RSAPublicKey, signature: str, message: bytes) -> None:
    """Check a base64 signature over ``message`` (SignatureRefused). The RSA check
    compares the whole digest in OpenSSL, in time that says nothing of it."""
    try:
        raw = base64.b64decode(signature or "", validate=True)
    except (binascii.Error, ValueError):
        raise SignatureRefused("the signature is not base64") from None
    if not raw:
        raise SignatureRefused("no signature")
    try:
        key.verify(raw, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise SignatureRefused("the signature does not match the message") from None


def authorization(
    key: rsa.RSAPrivateKey,
    *,
    mchid: str,
    serial_no: str,
    method: str,
    path: str,
    timestamp: str,
    nonce: str,
    body: str,
) -> str:
    """The ``Authorization`` header of a merchant's request."""
    signature = sign(key, request_message(method, path, timestamp, nonce, body))
    return (
        f'{SCHEMA} mchid="{mchid}",nonce_str="{nonce}",signature="{signature}",'
        f'timestamp="{timestamp}",serial_no="{serial_no}"'
    )


def authorization_fields(header: str) -> dict[str, str]:
    """The fields of an ``Authorization`` header (SignatureRefused when it is not
    WeChat Pay's schema or lacks one)."""
    schema, _space, rest = (header or "").partition(" ")
    if schema != SCHEMA:
        raise SignatureRefused(f"the Authorization header is not {SCHEMA}")
    fields = dict(_FIELD.findall(rest))
    needed = {"mchid", "nonce_str", "signature", "timestamp", "serial_no"}
    missing = needed - set(fields)
    if missing:
        raise SignatureRefused(f"the Authorization header lacks {sorted(missing)}")
    return fields


def _raw(text: str | bytes) -> bytes:
    return text if isinstance(text, bytes) else text.encode()


def resource_decrypt(
    api_v3_key: bytes,
    *,
    nonce: str | bytes,
    ciphertext: str,
    associated_data: str | bytes,
) -> bytes:
    """A notification's resource in clear (SignatureRefused when it was not sealed
    with this key, nonce and associated data)."""
    try:
        sealed = base64.b64decode(ciphertext, validate=True)
        return AESGCM(api_v3_key).decrypt(_raw(nonce), sealed, _raw(associated_data))
    except (binascii.Error, ValueError, InvalidTag):
        raise SignatureRefused("the resource does not decrypt") from None


def resource_encrypt(
    api_v3_key: bytes,
    *,
    nonce: str | bytes,
    plaintext: bytes,
    associated_data: str | bytes,
) -> str:
    """Seal a resource as WeChat Pay does (the sandbox's side)."""
    sealed = AESGCM(api_v3_key).encrypt(_raw(nonce), plaintext, _raw(associated_data))
    return base64.b64encode(sealed).decode()


def _oaep() -> padding.OAEP:
    # SHA-1 here is the OAEP padding's hash, which WeChat Pay's API v3 fixes (its
    # rule on sensitive fields: OAEPWithSHA-1AndMGF1Padding); no signature uses it.
    sha1 = hashes.SHA1()  # noqa: S303
    return padding.OAEP(mgf=padding.MGF1(sha1), algorithm=sha1, label=None)


def sensitive_encrypt(key: rsa.RSAPublicKey, text: str) -> str:
    """A sensitive field (an ID number, a name) encrypted under WeChat Pay's platform
    key as API v3 asks: RSAES-OAEP with SHA-1 and MGF1, base64."""
    return base64.b64encode(key.encrypt(text.encode(), _oaep())).decode()


def sensitive_decrypt(key: rsa.RSAPrivateKey, sealed: str) -> str:
    """A sensitive field in clear (the sandbox's side; SignatureRefused when it was
    not encrypted under this key)."""
    try:
        raw = base64.b64decode(sealed, validate=True)
        return key.decrypt(raw, _oaep()).decode()
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise SignatureRefused("the field does not decrypt") from None
