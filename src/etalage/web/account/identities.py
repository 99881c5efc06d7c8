"""The buyer's identities for customs: correct one's name or mobile, delete one."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from etalage.core.text import validate_text
from etalage.customs.selectors import identity_of
from etalage.customs.services import (
    identity_delete,
    identity_update,
)
from etalage.web.access import buyer_required
from etalage.web.forms import add_service_errors


class IdentityEditForm(forms.Form):
    real_name = forms.CharField(
        label=_("Real name, as on your ID card"),
        max_length=60,
        validators=[validate_text],
    )
    mobile = forms.CharField(label=_("Mobile number"), max_length=20)


def _own(found):
    """The buyer's own identity, else 404 (another's reads as none)."""
    if found is None:
        raise Http404
    return found


@buyer_required
def identity_edit(request, pk):
    identity = _own(identity_of(user=request.user, key=pk))
    form = IdentityEditForm(
        request.POST or None,
        initial={"real_name": identity.real_name, "mobile": identity.mobile},
    )
    if request.method == "POST" and form.is_valid():
        try:
            identity_update(identity=identity, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The identity is saved."))
            return redirect("web:account")
    return render(request, "etalage/accounts/identity_form.html",
                  {"form": form, "identity": identity})  # fmt: skip


@buyer_required
@require_POST
def identity_remove(request, pk):
    identity_delete(identity=_own(identity_of(user=request.user, key=pk)))
    messages.success(request, _("The identity is deleted."))
    return redirect("web:account")
