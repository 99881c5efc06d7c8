"""The company's details the owner keeps up to date: its address, contacts
and payout account."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from etalage.merchants.permissions import OWNER_ROLES
from etalage.merchants.services import (
    CompanyDetails,
    merchant_details_update,
)
from etalage.web.access import merchant_member
from etalage.web.forms import add_service_errors
from etalage.web.portal.onboarding import CompanyDetailsForm


@merchant_member(OWNER_ROLES)
def company(request):
    """The owner keeps the company's address, contacts and payout account up to date."""

    membership = request.membership
    merchant = membership.merchant
    initial = {
        name: getattr(merchant, name)
        for name in (
            "street",
            "postal_code",
            "city",
            "contact_name",
            "phone",
            "language",
        )
    }
    initial["iban"] = merchant.pending_iban or merchant.iban
    initial["bic"] = merchant.pending_bic or merchant.bic
    form = CompanyDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            merchant_details_update(
                merchant=merchant, details=CompanyDetails(**form.cleaned_data)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The company details are saved."))
            return redirect("web:portal-company")
    return render(
        request, "etalage/portal/company.html", {"merchant": merchant, "form": form}
    )
