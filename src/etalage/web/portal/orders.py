"""The merchant portal's orders: the merchant's sub-orders (one per parcel) only, and
shipping them: packing, the label and packing list, handing over to the hub."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from etalage.analytics.selectors import SHIPPING_WORK, merchant_sub_orders_waiting
from etalage.logistics.labels import labels_pdf, packing_list_pdf
from etalage.logistics.models import Parcel
from etalage.logistics.services import (
    LighterThanGoods,
    ParcelRefused,
    parcel_hand_over,
    parcel_pack,
)
from etalage.merchants.permissions import ORDER_ROLES, SHIP_ROLES
from etalage.orders.models import State, SubOrder
from etalage.web.access import merchant_member
from etalage.web.forms import form_errors_text


class PackForm(forms.Form):
    grams = forms.IntegerField(
        label=gettext_lazy("Packed weight (g)"), min_value=1, max_value=31_500
    )


@merchant_member(ORDER_ROLES)
def sub_order_list(request):
    merchant = request.membership.merchant
    subs = SubOrder.objects.filter(merchant=merchant).select_related("warehouse")
    state = request.GET.get("state", "")
    if state in State.values:
        subs = subs.filter(state=state)
    query = request.GET.get("q", "").strip()
    if query:
        subs = subs.filter(number__icontains=query)
    work = request.GET.get("work", "")
    if work in SHIPPING_WORK:  # the dashboard's counts link here
        subs = subs.filter(
            pk__in=merchant_sub_orders_waiting(merchant=merchant, work=work).values(
                "pk"
            )
        )
    return render(
        request,
        "etalage/portal/orders.html",
        {
            "merchant": merchant,
            "sub_orders": subs.order_by("-created_at")[:200],
            "states": State.choices,
            "state": state,
            "query": query,
            "work": work if work in SHIPPING_WORK else "",
        },
    )


@merchant_member(ORDER_ROLES)
def sub_order_detail(request, number: str):
    return _sub_order_page(request, number)


def _sub_order_page(
    request,
    number: str,
    pack_form: PackForm | None = None,
    lighter: LighterThanGoods | None = None,
):
    """The sub-order's page; with the packing form as posted, and the packed weight
    to confirm when it is under the goods' own."""
    membership = request.membership
    merchant = membership.merchant
    sub = (
        SubOrder.objects.filter(merchant=merchant, number=number)
        .select_related("order", "warehouse")
        .prefetch_related("lines", "transitions")
        .first()
    )
    if sub is None:
        raise Http404
    parcel = Parcel.objects.filter(sub_order=sub).prefetch_related("events").first()
    return render(
        request,
        "etalage/portal/order.html",
        {
            "merchant": merchant,
            "sub": sub,
            "order": sub.order,
            "parcel": parcel,
            "pack_form": pack_form
            or PackForm(
                initial={"grams": parcel.declared_grams if parcel else sub.weight_grams}
            ),
            "lighter": lighter,
            "may_ship": membership.role in SHIP_ROLES,
        },
    )


# Shipping (direct mail through the Liège hub) -------------------------------------


def _own_sub_order(request, number: str) -> SubOrder:
    merchant = request.membership.merchant
    sub = (
        SubOrder.objects.filter(merchant=merchant, number=number)
        .select_related("order", "merchant", "warehouse")
        .first()
    )
    if sub is None:
        raise Http404
    return sub


def _own_parcel(request, number: str) -> Parcel:
    parcel = Parcel.objects.filter(sub_order=_own_sub_order(request, number)).first()
    if parcel is None:
        raise Http404
    return parcel


@merchant_member(SHIP_ROLES)
def parcel_pack_view(request, number: str):
    sub = _own_sub_order(request, number)
    if request.method != "POST":
        return redirect("web:portal-order", number=sub.number)
    form = PackForm(request.POST)
    if form.is_valid():
        grams = form.cleaned_data["grams"]
        try:
            parcel_pack(
                sub_order=sub,
                grams=grams,
                by=request.user,
                lighter_confirmed=request.POST.get("confirm") == str(grams),
            )
        except LighterThanGoods as lighter:  # weigh again, or confirm it
            form.add_error("grams", str(lighter))
            return _sub_order_page(request, number, pack_form=form, lighter=lighter)
        except ParcelRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request, _("Packed: print its label and hand it to the hub.")
            )
    else:
        messages.error(request, form_errors_text(form))
    return redirect("web:portal-order", number=sub.number)


@merchant_member(SHIP_ROLES)
def parcel_hand_over_view(request, number: str):
    parcel = _own_parcel(request, number)
    if request.method != "POST":
        return redirect("web:portal-order", number=number)
    try:
        parcel_hand_over(parcel=parcel)
    except ParcelRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Handed to the Liège hub."))
    return redirect("web:portal-order", number=number)


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@merchant_member(SHIP_ROLES)
def parcel_label(request, number: str):
    return _pdf(labels_pdf([_own_parcel(request, number)]), f"label-{number}.pdf")


@merchant_member(SHIP_ROLES)
def parcel_packing_list(request, number: str):
    parcel = _own_parcel(request, number)
    return _pdf(packing_list_pdf(parcel), f"packing-list-{number}.pdf")


@merchant_member(SHIP_ROLES)
def parcel_labels(request):
    """Every parcel packed and not yet handed over, one label a page."""
    merchant = request.membership.merchant
    parcels = list(
        Parcel.objects.filter(sub_order__merchant=merchant, state=Parcel.State.PACKED)
        .select_related("sub_order__order", "sub_order__merchant")
        .prefetch_related("sub_order__lines")
        .order_by("code")[:500]
    )
    if not parcels:
        messages.info(request, _("No packed parcel waits for its label."))
        return redirect("web:portal-orders")
    return _pdf(labels_pdf(parcels), "labels.pdf")
