"""The owner's API keys: create one (shown once) and revoke it."""

from django import forms
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from etalage.merchants.api_keys import api_key_create, api_key_revoke
from etalage.merchants.models import ApiKey
from etalage.merchants.permissions import OWNER_ROLES
from etalage.web.access import merchant_member
from etalage.web.forms import posted_or_404


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name of the key"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"),
        choices=ApiKey.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[ApiKey.Scope.CATALOG_READ],
    )


@merchant_member(OWNER_ROLES)
def api_keys(request):
    """The owner's API keys: create one (shown once), see their use, revoke."""
    membership = request.membership
    merchant = membership.merchant
    form = ApiKeyForm(request.POST or None)
    created = None
    if request.method == "POST" and "revoke" in request.POST:
        key = posted_or_404(
            ApiKey.objects.filter(merchant=merchant), request.POST["revoke"]
        )
        api_key_revoke(key=key)
        return redirect("web:portal-api-keys")
    if request.method == "POST" and form.is_valid():
        _key, created = api_key_create(
            merchant=merchant,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            created_by=request.user,
        )
        form = ApiKeyForm()
    return render(
        request,
        "etalage/portal/api_keys.html",
        {
            "merchant": merchant,
            "form": form,
            "created": created,
            "keys": ApiKey.objects.filter(merchant=merchant),
        },
    )
