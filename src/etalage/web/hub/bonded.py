"""The bonded warehouse in China (1210): pick, pack and label its paid parcels."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from etalage.customs.routes import Route
from etalage.logistics.codes import code_normalised
from etalage.logistics.labels import labels_pdf
from etalage.logistics.models import Parcel
from etalage.logistics.selectors import (
    WAITING_FOR_HAND_OVER,
    lines_named,
    parcel_items,
)
from etalage.logistics.services import (
    LighterThanGoods,
    ParcelRefused,
    parcel_pack,
)
from etalage.orders.models import SubOrder
from etalage.web.access import hub_staff_required

# The bonded warehouse in China (1210) ---------------------------------------------


class BondedPackForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Parcel (scan the picking list)"), max_length=40
    )
    grams = forms.IntegerField(
        label=gettext_lazy("Packed weight (g)"), min_value=1, max_value=31_500
    )


@hub_staff_required
def bonded_packing(request):
    """Pick and pack the bonded warehouse's paid parcels; each gets its label."""
    form = BondedPackForm(request.POST or None)
    lighter = None
    if request.method == "POST" and form.is_valid():
        sub = SubOrder.objects.filter(
            number=code_normalised(form.cleaned_data["code"]), route=Route.BONDED
        ).first()
        if sub is None:
            form.add_error(
                "code",
                _("No bonded parcel has the number %(code)s.")
                % {"code": code_normalised(form.cleaned_data["code"])},
            )
        else:
            grams = form.cleaned_data["grams"]
            try:
                parcel = parcel_pack(
                    sub_order=sub,
                    grams=grams,
                    by=request.user,
                    bonded=True,
                    lighter_confirmed=request.POST.get("confirm") == str(grams),
                )
            except ParcelRefused as refused:
                form.add_error(
                    "grams" if refused.field == "grams" else "code", str(refused)
                )
                if isinstance(refused, LighterThanGoods):
                    lighter = refused
            else:
                messages.success(request, _("%(code)s packed.") % {"code": parcel.code})
                return redirect("web:hub-bonded")
    to_pick = (
        SubOrder.objects.filter(
            route=Route.BONDED, state__in=WAITING_FOR_HAND_OVER, parcel=None
        )
        .select_related("warehouse", "merchant")
        .prefetch_related(lines_named())
        .order_by("created_at")[:50]
    )
    language = get_language()
    packed = Parcel.objects.filter(
        sub_order__route=Route.BONDED, waybill=""
    ).select_related("sub_order")[:50]
    return render(
        request,
        "etalage/hub/bonded.html",
        {
            "form": form,
            "to_pick": [(sub, parcel_items(sub, language)) for sub in to_pick],
            "packed": packed,
            "lighter": lighter,
        },
    )


@hub_staff_required
def bonded_label(request, number: str):
    parcel = Parcel.objects.filter(code=number, sub_order__route=Route.BONDED).first()
    if parcel is None:
        raise Http404
    response = HttpResponse(labels_pdf([parcel]), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="label-{number}.pdf"'
    return response
