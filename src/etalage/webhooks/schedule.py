"""When a webhook is tried again, and what the merchant may subscribe to. Pure.

The Standard Webhooks schedule: at once, then after 5 s, 5 min, 30 min, 2 h, 5 h,
10 h, 14 h, 20 h and 24 h, each with up to a tenth of jitter; after the last
failure the delivery is given up. An endpoint that has failed every delivery for
``DISABLE_AFTER`` is disabled; one that answers 410 Gone is disabled at once.
"""

from __future__ import annotations

import random
from datetime import timedelta

RETRIES = tuple(
    timedelta(seconds=s)
    for s in (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
)
DISABLE_AFTER = timedelta(days=5)


def gettext_noop(text: str) -> str:
    """Marks a text for translation (told in the reader's language where shown)."""
    return text


# What a merchant may subscribe to: name, and what it says.
EVENTS = {
    "order.paid": gettext_noop("A buyer paid one of your parcels."),
    "parcel.received": gettext_noop("The Liège hub received your parcel."),
    "parcel.released": gettext_noop("Customs in China released your parcel."),
    "parcel.delivered": gettext_noop("Your parcel was delivered to the buyer."),
    "parcel.cancelled": gettext_noop("A parcel was cancelled before it shipped."),
    "parcel.refunded": gettext_noop("A parcel was refunded to the buyer."),
}


def retry_after(attempts: int, rng: random.Random | None = None) -> timedelta | None:
    """How long after its ``attempts``-th failed attempt a delivery is tried again;
    None when it is given up."""
    if attempts < 1 or attempts > len(RETRIES):
        return None
    base = RETRIES[attempts - 1]
    jitter = (rng or random).uniform(0, 0.1)
    return base + base * jitter
