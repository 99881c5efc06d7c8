"""The merchant portal's returns: the returns of the merchant's own parcels only;
approving (the buyer gets the return label) or refusing with a note."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from etalage.merchants.permissions import ORDER_ROLES, SHIP_ROLES
from etalage.returns.models import ReturnPhoto, ReturnRequest
from etalage.returns.services import ReturnError, return_decide
from etalage.web.access import merchant_member
from etalage.web.photos import photo_response


class DecisionForm(forms.Form):
    decision_note = forms.CharField(
        label=gettext_lazy("Note to the buyer (required to refuse)"),
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


@merchant_member(ORDER_ROLES)
def return_list(request):
    merchant = request.membership.merchant
    returns = ReturnRequest.objects.filter(sub_order__merchant=merchant)
    state = request.GET.get("state", "")
    if state in ReturnRequest.State.values:
        returns = returns.filter(state=state)
    return render(
        request,
        "etalage/portal/returns.html",
        {"merchant": merchant, "returns": returns.select_related("sub_order")[:200],
         "states": ReturnRequest.State.choices, "state": state},
    )  # fmt: skip


def _own_return(merchant, number: str) -> ReturnRequest:
    made = (
        ReturnRequest.objects.filter(sub_order__merchant=merchant, number=number)
        .select_related("sub_order__order")
        .prefetch_related("lines__line", "photos")
        .first()
    )
    if made is None:
        raise Http404
    return made


@merchant_member(ORDER_ROLES)
def return_detail(request, number: str):
    membership = request.membership
    made = _own_return(membership.merchant, number)
    return render(
        request,
        "etalage/portal/return.html",
        {"merchant": membership.merchant, "made": made, "form": DecisionForm(),
         "may_decide": membership.role in SHIP_ROLES},
    )  # fmt: skip


@merchant_member(SHIP_ROLES)
def return_decide_view(request, number: str):
    membership = request.membership
    made = _own_return(membership.merchant, number)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = DecisionForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    if form.is_valid():
        try:
            return_decide(request=made, approve=approve, by=request.user,
                          note=form.cleaned_data["decision_note"])  # fmt: skip
        except ReturnError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            said = (
                _("Approved: the buyer can print the label.")
                if approve
                else _("Refused: the buyer is told why.")
            )
            messages.success(request, said)
    return redirect("web:portal-return", made.number)


@merchant_member(ORDER_ROLES)
def return_photo(request, number: str, pk: int):
    merchant = request.membership.merchant
    photo = ReturnPhoto.objects.filter(
        pk=pk, request__number=number, request__sub_order__merchant=merchant
    ).first()
    if photo is None:
        raise Http404
    return photo_response(photo)
