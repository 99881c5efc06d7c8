"""The Liège hub's screen (hub staff, on a tablet): scan or type a parcel's code,
weigh it, receive it or refuse it with a reason. Views only: the rules are
``logistics.services``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from etalage.logistics.models import Parcel
from etalage.logistics.services import ParcelRefused, hub_receive, hub_refuse


class ScanForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Parcel code (scan or type)"), max_length=40
    )
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


@login_required
def hub_scan(request):
    if not request.user.has_perm("logistics.receive_parcel"):
        raise PermissionDenied("hub staff only")
    form = ScanForm(request.POST or None)
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
                    code=data["code"], grams=data["grams"], by=request.user
                )
        except ParcelRefused as refused:
            form.add_error(
                refused.field if refused.field in form.fields else None, str(refused)
            )
        else:
            if parcel.state == Parcel.State.RECEIVED:
                messages.success(
                    request, _("%(code)s received.") % {"code": parcel.code}
                )
            else:
                messages.warning(
                    request,
                    _("%(code)s refused: %(why)s %(note)s")
                    % {
                        "code": parcel.code,
                        "why": parcel.get_refusal_display(),
                        "note": parcel.refusal_note,
                    },
                )
            return redirect("web:hub")
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    recent = (
        Parcel.objects.filter(
            updated_at__gte=today,
            state__in=[Parcel.State.RECEIVED, Parcel.State.REFUSED],
        )
        .select_related("sub_order__merchant")
        .order_by("-updated_at")[:30]
    )
    waiting = Parcel.objects.filter(state=Parcel.State.HANDED_OVER).count()
    return render(
        request,
        "etalage/hub/scan.html",
        {"form": form, "recent": recent, "waiting": waiting},
    )
