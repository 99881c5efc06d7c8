"""The buyer's delivery addresses: province, city and district picked from lists of
China's division codes, step by step (each list follows the one before: by htmx
with JavaScript, by the form's own *Show the next list* button without), and a
whole address pasted on one line fills the form."""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from etalage.addresses.paste import address_read
from etalage.addresses.regions import Region, RegionTable, regions
from etalage.core.text import validate_text
from etalage.customs.models import DeliveryAddress
from etalage.customs.selectors import address_of, addresses_of
from etalage.customs.services import (
    address_add,
    address_delete,
    address_make_default,
    address_update,
)
from etalage.web.access import buyer_required
from etalage.web.forms import add_service_errors

CODE = re.compile(r"\d{6}")
REGION_FIELDS = ("province", "city", "district")


def _choices(regions_: tuple[Region, ...], empty: str) -> list[tuple[str, str]]:
    return [("", empty), *((r.code, r.name) for r in regions_)]


def region_steps(table: RegionTable, province: str, city: str, district: str):
    """The three lists for what is chosen so far, and each choice kept only where
    it is one of its list's (a new province empties the city and district)."""
    province = province if table.cities(province) else ""
    cities = table.cities(province) if province else ()
    if len(cities) == 1:  # a municipality: its one city chosen
        city = cities[0].code
    city = city if any(c.code == city for c in cities) else ""
    districts = table.districts(city) if city else ()
    district = district if any(d.code == district for d in districts) else ""
    return {
        "province": (province, _choices(table.provinces(), str(_("Province…")))),
        "city": (city, _choices(cities, str(_("City…")))),
        "district": (district, _choices(districts, str(_("District…")))),
        "no_district": bool(city) and not districts,
    }


class AddressForm(forms.Form):
    """A delivery address. Province, city and district post their codes (the
    lists); names typed as before (上海市, 浦东新区) are taken as well."""

    recipient = forms.CharField(
        label=_("Recipient"), max_length=60, validators=[validate_text]
    )
    phone = forms.CharField(label=_("Mobile number"), max_length=20)
    province = forms.CharField(label=_("Province"), max_length=30)
    city = forms.CharField(label=_("City"), max_length=30, required=False)
    district = forms.CharField(label=_("District"), max_length=30, required=False)
    street = forms.CharField(
        label=_("Street address"),
        max_length=200,
        validators=[validate_text],
        help_text=_("Street, number, building, floor and room."),
    )
    postcode = forms.CharField(label=_("Postcode (optional)"), max_length=6,
                               required=False)  # fmt: skip
    is_default = forms.BooleanField(label=_("Use as my default address"),
                                    required=False)  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        given = self.data if self.is_bound else self.initial
        values = {n: str(given.get(n) or "") for n in REGION_FIELDS}
        self.steps = region_steps(regions(), **values)
        if self.is_bound:
            self.data = self.data.copy()
        for name in REGION_FIELDS:
            chosen, choices = self.steps[name]
            if values[name] and not CODE.fullmatch(values[name]):
                choices = [*choices, (values[name], values[name])]  # a typed name
            else:  # what the lists make of it (a municipality's one city chosen)
                (self.data if self.is_bound else self.initial)[name] = chosen
            self.fields[name].widget = forms.Select(choices=choices)
        for name in ("province", "city"):  # with JavaScript: the next list at once
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": reverse("web:address-regions"),
                    "hx-include": "#region-fields",
                    "hx-target": "#region-fields",
                    "hx-swap": "outerHTML",
                    "hx-sync": "#region-fields:replace",
                }
            )
        self.fields["phone"].widget.attrs.update(
            {"inputmode": "tel", "autocomplete": "tel"}
        )
        self.fields["postcode"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "postal-code"}
        )
        self.fields["recipient"].widget.attrs["autocomplete"] = "name"
        self.fields["street"].widget.attrs["autocomplete"] = "address-line1"

    def service_fields(self) -> dict[str, object]:
        """What ``address_add`` and ``address_update`` take: the division by its
        code when the lists gave one, else by the names typed."""
        data = dict(self.cleaned_data)
        province, city, district = (data.pop(n) or "" for n in REGION_FIELDS)
        if CODE.fullmatch(province):
            data["region_code"] = district or city or province
        else:
            data.update(province=province, city=city, district=district)
        return data


def _initial_of(address: DeliveryAddress) -> dict[str, object]:
    """An address's fields as the form shows them (its codes in the lists)."""
    table = regions()
    path = table.path(address.region_code) or table.by_names(
        address.province, address.city, address.district
    )
    codes = {
        "province": path.province.code if path else address.province,
        "city": path.city.code if path else address.city,
        "district": path.district.code if path and path.district else "",
    }
    return {
        "recipient": address.recipient,
        "phone": address.phone.removeprefix("+86"),
        "street": address.street,
        "postcode": address.postcode,
        "is_default": address.is_default,
        **codes,
    }


def pasted_initial(
    text: str, kept: dict[str, object]
) -> tuple[dict[str, object], bool]:
    """The form's fields filled from a pasted line (what it does not say keeps what
    the form held), and whether it said anything."""
    read = address_read(text, regions())
    region = read.region
    found: dict[str, object] = {
        "recipient": read.recipient,
        "phone": read.phone,
        "street": read.street,
        "postcode": read.postcode,
    }
    if region is not None:
        found |= {
            "province": region.province.code if region.province else "",
            "city": region.city.code if region.city else "",
            "district": region.district.code if region.district else "",
        }
    filled = {name: value for name, value in found.items() if value}
    return {**kept, **filled}, bool(filled)


def _posted(request: HttpRequest) -> dict[str, object]:
    names = [*AddressForm.base_fields, "paste"]
    return {n: request.POST.get(n, "") for n in names if n in request.POST}


def _address_page(request: HttpRequest, address: DeliveryAddress | None):
    """Add (``address`` None) or change an address: the paste's *Fill the form*, the
    lists' *Show the next list* (without JavaScript) and *Save*."""
    if request.method != "POST":
        initial = _initial_of(address) if address else {}
        if address is None and not addresses_of(user=request.user):
            initial["is_default"] = True
        return _render(request, AddressForm(initial=initial), address)
    if "fill" in request.POST:
        initial, said = pasted_initial(request.POST.get("paste", ""), _posted(request))
        if said:
            messages.info(request, _("Filled from the pasted text: check each field."))
        else:
            messages.warning(request, _("Nothing in the pasted text could be read."))
        initial.pop("paste", None)
        return _render(request, AddressForm(initial=initial), address)
    if "choose" in request.POST:
        return _render(request, AddressForm(initial=_posted(request)), address)
    form = AddressForm(request.POST)
    if form.is_valid():
        try:
            if address is None:
                address = address_add(user=request.user, **form.service_fields())
                created = True
            else:
                address_update(address=address, **form.service_fields())
                created = False
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The address is saved."))
            if created and request.GET.get("next") == "checkout":
                return redirect(f"{reverse('web:checkout')}?address={address.pk}")
            return redirect("web:account")
    return _render(request, form, address)


def _render(request: HttpRequest, form: AddressForm, address) -> HttpResponse:
    return render(
        request,
        "etalage/storefront/address_form.html",
        {"form": form, "address": address, "steps": form.steps},
    )


@buyer_required
def address_new(request):
    return _address_page(request, None)


@buyer_required
def address_edit(request, pk):
    address = address_of(user=request.user, key=pk)
    if address is None:
        raise Http404
    return _address_page(request, address)


@buyer_required
@require_POST
def address_default(request, pk):
    address = address_of(user=request.user, key=pk)
    if address is None:
        raise Http404
    address_make_default(address=address)
    messages.success(request, _("This is now your default address."))
    return redirect("web:account")


@require_GET
def address_regions(request):
    """The three lists for the choices so far (htmx swaps them in as each list
    changes)."""
    form = AddressForm(initial={n: request.GET.get(n, "") for n in REGION_FIELDS})
    response = render(
        request,
        "etalage/storefront/_region_fields.html",
        {"form": form, "steps": form.steps},
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


@buyer_required
@require_POST
def address_remove(request, pk):
    address = address_of(user=request.user, key=pk)
    if address is None:
        raise Http404  # another's address reads as none
    address_delete(address=address)
    messages.success(request, _("The address is deleted."))
    return redirect("web:account")
