"""The buyer's account page: identities for customs (masked), delivery addresses,
contact points and how the buyer hears about orders; adding an identity."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters

from etalage.accounts.services import person_name
from etalage.customs.selectors import addresses_of, identities_of
from etalage.customs.services import identity_add
from etalage.orders.notices import buyer_mobile, preferences_of
from etalage.web.access import buyer_required
from etalage.web.forms import add_service_errors
from etalage.web.identity_form import IdentityForm, identity_form_data


@sensitive_post_parameters("id_number", "id_number_kept")
@buyer_required
def account(request):
    """The buyer's account: identities for customs (masked) and delivery addresses."""
    form = IdentityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            identity = identity_add(user=request.user, **identity_form_data(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if request.GET.get("next") == "checkout":
                return redirect(f"{reverse('web:checkout')}?identity={identity.pk}")
            return redirect("web:account")
    if form.errors:
        form.keep_id_number()
    return render(
        request,
        "etalage/storefront/account.html",
        {
            "identities": identities_of(user=request.user),
            "addresses": addresses_of(user=request.user),
            "person_name": person_name(request.user),
            "form": form,
            "notices": (notices := preferences_of(request.user)),
            "mobile": buyer_mobile(request.user, notices),
        },
    )
