"""Reports for merchants: the work waiting for a merchant's people, read across
the contexts it spans (orders and parcels, returns, listings, payouts). The
portal's dashboard and the API's summary read the same counts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from etalage.catalog.models import Product
from etalage.customs.routes import Route
from etalage.logistics.models import Parcel
from etalage.logistics.selectors import WAITING_FOR_HAND_OVER, parcels_late_to_hand_over
from etalage.merchants.models import Merchant
from etalage.merchants.selectors import PayoutAccount, payout_account
from etalage.orders.models import SubOrder
from etalage.returns.models import ReturnRequest


@dataclass(frozen=True)
class MerchantWork:
    """The work waiting for a merchant's people: the portal's dashboard and the
    API's summary read the same counts."""

    to_pack: int  # paid direct-mail parcels not packed, or refused by the hub
    to_hand_over: int  # packed, not yet handed to the hub
    late: int  # paid and not with the hub after the handling days
    returns_to_decide: int
    listings_rejected: int
    payout_account: PayoutAccount


# What waits for the merchant on its paid direct-mail parcels, by the portal's and
# the API's name for it.
_SHIPPING_WORK = {
    "pack": Q(parcel=None) | Q(parcel__state=Parcel.State.REFUSED),
    "hand_over": Q(parcel__state=Parcel.State.PACKED),
}
SHIPPING_WORK = (*_SHIPPING_WORK, "late")


def _shipping(merchant: Merchant) -> QuerySet[SubOrder]:
    return SubOrder.objects.filter(
        merchant=merchant, route=Route.DIRECT_MAIL, state__in=WAITING_FOR_HAND_OVER
    )


def merchant_sub_orders_waiting(*, merchant: Merchant, work: str) -> QuerySet[SubOrder]:
    """The merchant's sub-orders waiting for ``work`` (one of ``SHIPPING_WORK``):
    the list the dashboard's count links to."""
    if work == "late":
        return SubOrder.objects.filter(
            pk__in=parcels_late_to_hand_over(merchant.pk).values("pk")
        )
    return _shipping(merchant).filter(_SHIPPING_WORK[work])


def merchant_work(*, merchant: Merchant) -> MerchantWork:
    """What waits for ``merchant`` (and no other): four counting queries."""
    shipping = _shipping(merchant).aggregate(
        **{work: Count("pk", filter=q) for work, q in _SHIPPING_WORK.items()}
    )
    return MerchantWork(
        to_pack=shipping["pack"],
        to_hand_over=shipping["hand_over"],
        late=parcels_late_to_hand_over(merchant.pk).count(),
        returns_to_decide=ReturnRequest.objects.filter(
            sub_order__merchant=merchant, state=ReturnRequest.State.REQUESTED
        ).count(),
        listings_rejected=Product.objects.filter(
            merchant=merchant, status=Product.Status.REJECTED
        ).count(),
        payout_account=payout_account(merchant),
    )
