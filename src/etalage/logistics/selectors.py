"""What is late on the way (for the merchant's dashboard and the operator's to-do)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from etalage.customs.routes import Route
from etalage.logistics.models import Parcel
from etalage.orders import states
from etalage.orders.models import SubOrder

WAITING_FOR_HAND_OVER = (states.PAID, states.CUSTOMS_DECLARED, states.RELEASED)


def parcels_late_to_hand_over(merchant_id: Any = None) -> QuerySet[SubOrder]:
    """Direct-mail sub-orders paid more than ``ETALAGE_HANDLING_DAYS`` ago whose
    parcel has not reached the hub's hands (not packed, packed and kept, or refused
    and not packed again)."""
    cutoff = timezone.now() - timedelta(days=settings.ETALAGE_HANDLING_DAYS)
    late = SubOrder.objects.filter(
        route=Route.DIRECT_MAIL,
        state__in=WAITING_FOR_HAND_OVER,
        transitions__to_state=states.PAID,
        transitions__at__lte=cutoff,
    ).exclude(parcel__state__in=[Parcel.State.HANDED_OVER, Parcel.State.RECEIVED])
    if merchant_id is not None:
        late = late.filter(merchant_id=merchant_id)
    return late.distinct()
