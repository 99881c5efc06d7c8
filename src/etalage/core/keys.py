"""Keys derived from the secret key, one per purpose (HKDF-SHA256 with the purpose
as its label), for installations that do not configure their own."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def derived_key(label: bytes) -> bytes:
    """32 bytes for ``label`` (``b"id encryption"``, ``b"webhook secrets"``…).

    Never from the tests' public secret key outside the tests: a key derived from a
    published constant protects nothing."""
    if (
        settings.SECRET_KEY == settings.INSECURE_TEST_SECRET_KEY
        and not settings.TESTING
    ):
        raise ImproperlyConfigured(
            "ETALAGE_SECRET_KEY is the tests' public key: set ETALAGE_SECRET_KEY "
            "(no key is derived from the public one outside the tests)."
        )
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"etalage " + label
    ).derive(settings.SECRET_KEY.encode())
