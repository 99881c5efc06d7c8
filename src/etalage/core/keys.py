"""Keys derived from the secret key, one per purpose (HKDF-SHA256 with the purpose
as its label), for installations that do not configure their own."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def derived_key(label: bytes) -> bytes:
    """32 bytes for ``label`` (``b"id encryption"``, ``b"webhook secrets"``…)."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"etalage " + label
    ).derive(settings.SECRET_KEY.encode())
