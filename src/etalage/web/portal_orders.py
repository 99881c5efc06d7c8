"""The merchant portal's orders: the merchant's sub-orders (one per parcel) only."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from etalage.merchants.models import MerchantMember
from etalage.orders.models import State, SubOrder
from etalage.web.portal import _membership

ORDER_ROLES = (
    MerchantMember.Role.OWNER,
    MerchantMember.Role.FULFILMENT,
    MerchantMember.Role.FINANCE,
)


@login_required
def sub_order_list(request):
    merchant = _membership(request, ORDER_ROLES).merchant
    subs = SubOrder.objects.filter(merchant=merchant).select_related("order")
    state = request.GET.get("state", "")
    if state in State.values:
        subs = subs.filter(state=state)
    query = request.GET.get("q", "").strip()
    if query:
        subs = subs.filter(number__icontains=query)
    return render(
        request,
        "etalage/portal/orders.html",
        {
            "merchant": merchant,
            "sub_orders": subs.order_by("-created_at")[:200],
            "states": State.choices,
            "state": state,
            "query": query,
        },
    )


@login_required
def sub_order_detail(request, number: str):
    merchant = _membership(request, ORDER_ROLES).merchant
    sub = (
        SubOrder.objects.filter(merchant=merchant, number=number)
        .select_related("order", "warehouse")
        .prefetch_related("lines", "transitions")
        .first()
    )
    if sub is None:
        raise Http404
    return render(
        request,
        "etalage/portal/order.html",
        {"merchant": merchant, "sub": sub, "order": sub.order},
    )
