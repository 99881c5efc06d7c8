"""API keys: shown once, stored hashed, named, scoped and revocable.

A key reads ``etl_<prefix>_<secret>``: the prefix (public) finds the row, and the
SHA-256 of the whole key is compared in constant time. The secret has 256 bits of
randomness, so a fast hash is safe here (unlike passwords, which people choose).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from etalage.merchants.models import ApiKey, Merchant

KEY_PREFIX = "etl"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *, merchant: Merchant, name: str, scopes: list[str], created_by: User | None
) -> tuple[ApiKey, str]:
    """Create a key and return it with its plain text, which is never stored."""

    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the key a name.")})
    unknown = set(scopes) - set(ApiKey.Scope.values)
    if unknown or not scopes:
        raise ValidationError({"scopes": _("Choose at least one scope.")})
    prefix = secrets.token_hex(4)
    plain = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        merchant=merchant,
        name=name,
        prefix=prefix,
        digest=_digest(plain),
        scopes=sorted(scopes),
        created_by=created_by,
    )
    return key, plain


def api_key_authenticate(plain: str) -> ApiKey | None:
    """Return the live key for ``plain``, or None (unknown, wrong or revoked)."""
    parts = plain.split("_", 2)  # the secret itself may hold "_"
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    key = (
        ApiKey.objects.select_related("merchant")
        .filter(prefix=parts[1], revoked_at__isnull=True)
        .first()
    )
    if key is None or not hmac.compare_digest(key.digest, _digest(plain)):
        return None
    if key.merchant.status != Merchant.Status.APPROVED:
        return None
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


def api_key_revoke(*, key: ApiKey) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key
