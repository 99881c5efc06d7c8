"""The Liège hub's consolidation screens (hub staff, on a tablet): bags (scan a
bag, then its parcels; see what is in it; seal it), flights under their master air
waybills (create, load sealed bags, depart, arrive) and their cargo manifests, on
the screen, as CSV and as PDF, in the worker's language. Every action says what it
did. Views only: the rules are ``logistics``'s."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from etalage.logistics.codes import code_normalised
from etalage.logistics.consolidation import (
    bag_fill,
    bag_seal,
    flight_arrive,
    flight_create,
    flight_depart,
    flight_load,
)
from etalage.logistics.manifests import (
    bag_manifest,
    flight_manifest,
    manifest_csv,
    manifest_pdf,
    manifest_title,
)
from etalage.logistics.models import Bag, Flight, Parcel
from etalage.logistics.selectors import flights_for_hub
from etalage.logistics.services import ParcelRefused
from etalage.web.access import hub_staff_required
from etalage.web.forms import posted_or_404


class BagForm(forms.Form):
    bag = forms.CharField(label=gettext_lazy("Bag (scan or type)"), max_length=40)
    code = forms.CharField(
        label=gettext_lazy("Parcel code (scan or type)"), max_length=40
    )


class FlightForm(forms.Form):
    mawb = forms.CharField(label=gettext_lazy("Master air waybill"), max_length=16)
    airline = forms.CharField(
        label=gettext_lazy("Airline (blank: the air waybill's)"),
        max_length=60,
        required=False,
    )
    flight_number = forms.CharField(label=gettext_lazy("Flight"), max_length=10)
    destination = forms.CharField(label=gettext_lazy("To (IATA airport)"), max_length=3)


@hub_staff_required
def hub_bags(request):
    """Scan a bag, then its parcels, one at a time; seal a bag when full."""
    form = BagForm(request.POST or None, initial={"bag": request.GET.get("bag", "")})
    if request.method == "POST" and "seal" in request.POST:
        try:
            bag = bag_seal(bag=posted_or_404(Bag.objects.all(), request.POST["seal"]))
        except ParcelRefused as refused:
            messages.error(request, str(refused))
        else:
            count = bag.parcels.count()
            messages.success(
                request,
                ngettext(
                    "Bag %(bag)s sealed with %(count)s parcel: load it on a flight.",
                    "Bag %(bag)s sealed with %(count)s parcels: load it on a flight.",
                    count,
                )
                % {"bag": bag.code, "count": count},
            )
        return redirect("web:hub-bags")
    if request.method == "POST" and form.is_valid():
        code = code_normalised(form.cleaned_data["code"])
        opened = not Bag.objects.filter(
            code=code_normalised(form.cleaned_data["bag"])
        ).exists()
        try:
            bag = bag_fill(bag_code=form.cleaned_data["bag"], codes=[code])
        except ParcelRefused as refused:
            form.add_error("bag" if refused.field == "bag" else "code", str(refused))
        else:
            text = (
                _("Bag %(bag)s opened; %(code)s in it.")
                if opened
                else _("%(code)s in bag %(bag)s.")
            )
            messages.success(request, text % {"code": code, "bag": bag.code})
            return redirect(f"{reverse('web:hub-bags')}?bag={bag.code}")
    open_bags = (
        Bag.objects.filter(flight=None)
        .annotate(count=Count("parcels"))
        .order_by("sealed_at", "code")
    )
    unbagged = Parcel.objects.filter(state=Parcel.State.RECEIVED, bag=None).count()
    chosen = Bag.objects.filter(
        code=code_normalised(request.GET.get("bag", ""))
    ).first()
    language = get_language()
    return render(
        request,
        "etalage/hub/bags.html",
        {
            "form": form,
            "bags": open_bags,
            "unbagged": unbagged,
            "manifest": bag_manifest(bag=chosen, language=language) if chosen else None,
        },
    )


FLIGHTS_PER_PAGE = 20


@hub_staff_required
def hub_flights(request):
    """Flights under their air waybills: create, load sealed bags, depart, arrive;
    each with its cargo manifest."""
    form = FlightForm(request.POST if "mawb" in request.POST else None)
    if request.method == "POST":
        try:
            if form.is_bound:
                if form.is_valid():
                    flight = flight_create(**form.cleaned_data)
                    messages.success(
                        request,
                        _(
                            "Flight %(flight)s to %(to)s created under air waybill "
                            "%(mawb)s: load its sealed bags."
                        )
                        % {
                            "flight": flight.flight_number,
                            "to": flight.destination,
                            "mawb": flight.mawb,
                        },
                    )
                    return redirect("web:hub-flights")
            else:
                messages.success(request, _flight_action(request))
                return redirect("web:hub-flights")
        except ParcelRefused as refused:
            if form.is_bound:
                form.add_error(
                    refused.field if refused.field in form.fields else None,
                    str(refused),
                )
            else:
                messages.error(request, str(refused))
                return redirect("web:hub-flights")
    query = request.GET.get("q", "")[:40]
    flights = Paginator(flights_for_hub(query), FLIGHTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    sealed = Bag.objects.filter(flight=None).exclude(sealed_at=None).order_by("code")
    return render(
        request,
        "etalage/hub/flights.html",
        {"form": form, "flights": flights, "sealed": sealed, "query": query},
    )


def _flight_action(request) -> str:
    """Load a bag on a flight, depart it or arrive it; what was done, to say so."""
    flight = posted_or_404(Flight.objects.all(), request.POST.get("flight"))
    action = request.POST.get("action")
    if action == "load":
        bag = flight_load(
            flight=flight, bag=posted_or_404(Bag.objects.all(), request.POST.get("bag"))
        )
        count = bag.parcels.count()
        return ngettext(
            "Bag %(bag)s (%(count)s parcel) loaded on flight %(flight)s.",
            "Bag %(bag)s (%(count)s parcels) loaded on flight %(flight)s.",
            count,
        ) % {"bag": bag.code, "count": count, "flight": flight.flight_number}
    if action == "depart":
        flight = flight_depart(flight=flight)
        count = Parcel.objects.filter(bag__flight=flight).count()
        return ngettext(
            "Flight %(flight)s departed Liège with %(count)s parcel; its buyer is "
            "told.",
            "Flight %(flight)s departed Liège with %(count)s parcels; their buyers "
            "are told.",
            count,
        ) % {"flight": flight.flight_number, "count": count}
    if action == "arrive":
        flight = flight_arrive(flight=flight)
        return _("Flight %(flight)s arrived at %(to)s.") % {
            "flight": flight.flight_number,
            "to": flight.destination,
        }
    raise Http404


@hub_staff_required
def hub_manifest_page(request, mawb: str):
    """A flight's cargo manifest on the screen, with its CSV and PDF."""
    flight = Flight.objects.filter(mawb=mawb).first()
    if flight is None:
        raise Http404
    manifest = flight_manifest(flight=flight, language=get_language())
    return render(
        request,
        "etalage/hub/manifest.html",
        {"manifest": manifest, "flight": flight, "title": manifest_title(manifest)},
    )


@hub_staff_required
def hub_manifest(request, mawb: str, kind: str):
    """A flight's cargo manifest as CSV or PDF, in the worker's language."""
    flight = Flight.objects.filter(mawb=mawb).first()
    if flight is None or kind not in ("csv", "pdf"):
        raise Http404
    language = get_language()
    manifest = flight_manifest(flight=flight, language=language)
    if kind == "csv":
        response = HttpResponse(manifest_csv(manifest), content_type="text/csv")
    else:
        response = HttpResponse(
            manifest_pdf(manifest, language), content_type="application/pdf"
        )
    response["Content-Disposition"] = f'attachment; filename="manifest-{mawb}.{kind}"'
    return response


@hub_staff_required
def hub_bag_manifest(request, code: str):
    """One bag's manifest as PDF, in the worker's language."""
    bag = Bag.objects.filter(code=code_normalised(code)).first()
    if bag is None:
        raise Http404
    language = get_language()
    response = HttpResponse(
        manifest_pdf(bag_manifest(bag=bag, language=language), language),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="bag-{bag.code}.pdf"'
    return response
