"""Keys derived from the secret key, one per purpose (HKDF-SHA256 with the purpose
as its label), for installations that do not configure their own.

While the secret key rotates, the previous ones stay in
``ETALAGE_SECRET_KEY_FALLBACKS`` (Django's ``SECRET_KEY_FALLBACKS``): what was
sealed under a key derived from them still opens (``derived_keys``), and is sealed
again under the new one."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _derive(secret: str, label: bytes) -> bytes:
    if secret == settings.INSECURE_TEST_SECRET_KEY and not settings.TESTING:
        raise ImproperlyConfigured(
            "ETALAGE_SECRET_KEY is the tests' public key: set ETALAGE_SECRET_KEY "
            "(no key is derived from the public one outside the tests)."
        )
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"etalage " + label
    ).derive(secret.encode())


def derived_key(label: bytes) -> bytes:
    """32 bytes for ``label`` (``b"id encryption"``, ``b"webhook secrets"``…), from
    the secret key.

    Never from the tests' public secret key outside the tests: a key derived from a
    published constant protects nothing."""
    return _derive(settings.SECRET_KEY, label)


def derived_keys(label: bytes) -> list[bytes]:
    """The key for ``label`` from the secret key, then from each previous one
    (``ETALAGE_SECRET_KEY_FALLBACKS``): the first seals, all open."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [_derive(secret, label) for secret in secrets if secret]
