"""The carrier settings when Étalage starts (``etalage check --system`` and
``--deploy``): a production start that hands parcels to the sandbox carrier, or to
a carrier with no settings, is refused, naming the setting."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

from etalage.logistics.sandbox_carrier import NAME as SANDBOX


def carrier_checked(**_kwargs: object) -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    carrier = settings.ETALAGE_CARRIER
    if carrier == SANDBOX and not settings.ETALAGE_CARRIER_SANDBOX:
        found.append(
            checks.Error(
                "ETALAGE_CARRIER is the sandbox carrier while ETALAGE_CARRIER_SANDBOX "
                "is off: name the carrier parcels are handed to.",
                id="logistics.E001",
            )
        )
    elif carrier and carrier not in settings.ETALAGE_CARRIERS:
        found.append(
            checks.Error(
                f"ETALAGE_CARRIER names {carrier!r}, which ETALAGE_CARRIERS does not "
                "configure (its secret).",
                id="logistics.E002",
            )
        )
    return found
