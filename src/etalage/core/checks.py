"""System checks of the keys when Étalage starts (``etalage serve``, ``etalage check
--system``, ``etalage check --deploy``): a start that would protect ID numbers,
webhook secrets or sessions with a public or missing key is refused, naming the
setting."""

from __future__ import annotations

from cryptography.fernet import Fernet
from django.conf import settings
from django.core import checks


def keys_checked(**_kwargs: object) -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    if settings.TESTING:
        return found
    if settings.SECRET_KEY == settings.INSECURE_TEST_SECRET_KEY:
        found.append(
            checks.Error(
                "ETALAGE_SECRET_KEY is the tests' public key: set a secret one "
                "(`etalage check --deploy` refuses it outside the tests).",
                id="core.E001",
            )
        )
    for key in settings.ETALAGE_ID_ENCRYPTION_KEYS:
        try:
            Fernet(key.strip().encode())
        except ValueError:
            found.append(
                checks.Error(
                    "ETALAGE_ID_ENCRYPTION_KEYS: a key is not a Fernet key "
                    "(32 url-safe base64-encoded bytes).",
                    id="core.E002",
                )
            )
    if settings.ETALAGE_PAYMENT_SANDBOX and settings.ETALAGE_CUSTOMS_SANDBOX:
        return found
    # Real buyers' ID numbers: their keys are set, not derived from the secret key
    # (which rotates on its own schedule, and would orphan the ciphertexts).
    if not [key for key in settings.ETALAGE_ID_ENCRYPTION_KEYS if key.strip()]:
        found.append(
            checks.Error(
                "ETALAGE_ID_ENCRYPTION_KEYS must be set when the payment or customs "
                "sandbox is off (Fernet keys, newest first).",
                id="core.E003",
            )
        )
    if not settings.ETALAGE_ID_HMAC_KEY:
        found.append(
            checks.Error(
                "ETALAGE_ID_HMAC_KEY must be set when the payment or customs sandbox "
                "is off (the key of the ID numbers' HMAC; it never changes).",
                id="core.E004",
            )
        )
    return found


def tests_switch_checked(**_kwargs: object) -> list[checks.CheckMessage]:
    """A deployment check (``etalage check --deploy``): the tests' switch signs with
    a public key and skips the checks above."""
    if not settings.TESTING:
        return []
    return [
        checks.Error(
            "ETALAGE_TESTING is on: it is for the tests only (a public secret key, "
            "sandboxes on, checks skipped); unset it to deploy.",
            id="core.E005",
        )
    ]
