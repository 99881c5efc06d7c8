"""The hub's receiving screen (hub staff, on a tablet): scan or type a parcel's
code, weigh it, receive it or refuse it with a reason, correct the hub's last scan.
The bonded warehouse's packing is ``bonded``'s; bags, flights and manifests are
``consolidation``'s. Views only: the rules are ``logistics``'s."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from etalage.demo.clock import demo_by_hand_name
from etalage.logistics.codes import code_normalised
from etalage.logistics.models import Parcel
from etalage.logistics.selectors import (
    lines_named,
    parcel_items,
)
from etalage.logistics.services import (
    ParcelRefused,
    WeightOutOfTolerance,
    hub_receive,
    hub_refuse,
    hub_scan_correct,
)
from etalage.orders.models import SubOrder
from etalage.web.access import hub_staff_required


class WeighingForm(forms.Form):
    """What the hub found on the scale: a weight, or why the parcel is refused."""

    grams = forms.IntegerField(
        label=gettext_lazy("Weight on the scale (g)"),
        min_value=1,
        max_value=31_500,
        required=False,
    )
    refusal = forms.ChoiceField(
        label=gettext_lazy("Or refuse it because"),
        required=False,
        choices=[("", "—"), *Parcel.Refusal.choices],
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("refusal") and not data.get("grams"):
            self.add_error("grams", _("Weigh the parcel, or choose why it is refused."))
        return data


class ScanForm(WeighingForm):
    code = forms.CharField(
        label=gettext_lazy("Parcel code (scan or type)"), max_length=40
    )
    field_order = ["code", "grams", "refusal", "note"]


@hub_staff_required
def hub_scan(request):
    """Scan, weigh, receive; a weight far from the packed one is asked again (weigh
    again, or confirm it and the parcel is refused)."""
    form = ScanForm(request.POST or None)
    asked = correctable = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["refusal"]:
                parcel = hub_refuse(
                    code=data["code"],
                    refusal=data["refusal"],
                    note=data["note"],
                    by=request.user,
                )
            else:
                parcel = hub_receive(
                    code=data["code"],
                    grams=data["grams"],
                    by=request.user,
                    confirmed=request.POST.get("confirm") == str(data["grams"]),
                )
        except ParcelRefused as refused:
            form.add_error(
                refused.field if refused.field in form.fields else None, str(refused)
            )
            if isinstance(refused, WeightOutOfTolerance):
                asked = refused
            else:
                correctable = _correctable(form.data.get("code", ""))
        else:
            _scan_told(request, parcel)
            return redirect("web:hub")
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    recent = (  # scanned today, wherever they are now
        Parcel.objects.filter(hub_scans__at__gte=today)
        .distinct()
        .select_related("sub_order__merchant")
        .order_by("-updated_at")[:30]
    )
    waiting = Parcel.objects.filter(state=Parcel.State.HANDED_OVER).count()
    return render(
        request,
        "etalage/hub/scan.html",
        {
            "form": form,
            "recent": recent,
            "waiting": waiting,
            "asked": asked,
            "correctable": correctable,
            "demo_by_hand": demo_by_hand_name(),  # None outside the demo
        },
    )


def _scan_told(request, parcel: Parcel, corrected: bool = False) -> None:
    if parcel.state == Parcel.State.RECEIVED:
        text = (
            _("%(code)s corrected: received.") if corrected else _("%(code)s received.")
        )
        messages.success(request, text % {"code": parcel.code})
        return
    text = (
        _("%(code)s corrected: refused: %(why)s %(note)s")
        if corrected
        else _("%(code)s refused: %(why)s %(note)s")
    )
    messages.warning(
        request,
        text
        % {
            "code": parcel.code,
            "why": parcel.get_refusal_display(),
            "note": parcel.refusal_note,
        },
    )


def _correctable(code: str) -> Parcel | None:
    """The parcel whose last hub scan may still be corrected, if that is one."""
    return Parcel.objects.filter(
        code=code_normalised(code),
        state__in=[Parcel.State.RECEIVED, Parcel.State.REFUSED],
        bag=None,
    ).first()


class CorrectForm(WeighingForm):
    reason = forms.CharField(
        label=gettext_lazy("Why the last scan is corrected"), max_length=300
    )


@hub_staff_required
def hub_scan_correct_page(request, code: str):
    """Correct the hub's last scan of a parcel (a mistyped weight, the wrong
    refusal), saying why; its history at the hub below."""
    parcel = Parcel.objects.filter(code=code_normalised(code)).first()
    if parcel is None:
        raise Http404
    form = CorrectForm(request.POST or None)
    asked = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            parcel = hub_scan_correct(
                code=parcel.code,
                reason=data["reason"],
                grams=data["grams"],
                refusal=data["refusal"],
                note=data["note"],
                confirmed=request.POST.get("confirm") == str(data["grams"]),
                by=request.user,
            )
        except ParcelRefused as refused:
            form.add_error(
                refused.field if refused.field in form.fields else None, str(refused)
            )
            if isinstance(refused, WeightOutOfTolerance):
                asked = refused
        else:
            _scan_told(request, parcel, corrected=True)
            return redirect("web:hub")
    scans = parcel.hub_scans.select_related("by", "corrects").order_by("at", "id")
    sub = SubOrder.objects.prefetch_related(lines_named()).get(pk=parcel.sub_order_id)
    return render(
        request,
        "etalage/hub/correct.html",
        {
            "form": form,
            "parcel": parcel,
            "scans": scans,
            "asked": asked,
            "items": parcel_items(sub, get_language()),
        },
    )
