"""The buyer's resident ID number: encrypted at rest, keyed-hashed for lookups, masked.

PIPL treats the number as sensitive personal information. Étalage stores it only as
Fernet ciphertext (AES-128-CBC with HMAC-SHA256) under the keys of
``ETALAGE_ID_ENCRYPTION_KEYS`` — the first encrypts, all decrypt, so a key can be
rotated (`etalage identities rotate`) — and an HMAC-SHA256 under
``ETALAGE_ID_HMAC_KEY`` for the yearly limit, which therefore never needs the number
itself. Without those settings, both keys are derived from the secret key (HKDF with
their own labels); production sets them explicitly.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from etalage.core.keys import derived_key, derived_keys


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _keys() -> tuple[str, ...]:
    configured = tuple(
        k.strip() for k in settings.ETALAGE_ID_ENCRYPTION_KEYS if k.strip()
    )
    if configured:
        return configured
    # Derived from the secret key, then from the previous ones while it rotates.
    return tuple(
        base64.urlsafe_b64encode(key).decode() for key in derived_keys(b"id encryption")
    )


def encrypt_id_number(number: str) -> str:
    return _fernet(_keys()).encrypt(number.encode()).decode()


def decrypt_id_number(token: str) -> str:
    return _fernet(_keys()).decrypt(token.encode()).decode()


def seal_id_number(number: str, *, purpose: str) -> str:
    """The number sealed (encrypted, authenticated, dated) for a page to carry back
    to Étalage, never in clear: a form sent back with other mistakes keeps a number
    that was right without showing it (``purpose`` binds it to one form and one
    person)."""
    return _fernet(_keys()).encrypt(f"{purpose}\n{number}".encode()).decode()


def unseal_id_number(token: str, *, purpose: str, max_age: int) -> str | None:
    """The number ``seal_id_number`` sealed for ``purpose`` no longer ago than
    ``max_age`` seconds, else None."""
    try:
        text = _fernet(_keys()).decrypt(token.encode(), ttl=max_age).decode()
    except (InvalidToken, ValueError, UnicodeError):
        return None
    sealed_for, _newline, number = text.partition("\n")
    return number if hmac.compare_digest(sealed_for, purpose) else None


def encrypt_carrying_id(document: bytes) -> str:
    """A document that carries ID numbers (a customs message), under the same keys."""
    return _fernet(_keys()).encrypt(document).decode()


def decrypt_carrying_id(token: str) -> bytes:
    return _fernet(_keys()).decrypt(token.encode())


def reencrypt_id_number(token: str) -> str:
    """Return the ciphertext under the newest key (for key rotation)."""
    return _fernet(_keys()).rotate(token.encode()).decode()


def id_number_hmac(number: str) -> str:
    key = (
        settings.ETALAGE_ID_HMAC_KEY.encode()
        if settings.ETALAGE_ID_HMAC_KEY
        else derived_key(b"id hmac")
    )
    return hmac.new(key, number.upper().encode(), hashlib.sha256).hexdigest()


def mask_id_number(number: str) -> str:
    """Show the first four and the last four characters: 3604**********0071."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]
