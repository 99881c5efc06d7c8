"""The hub's return desk: the returns on their way back, received and checked."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from etalage.logistics.codes import code_normalised
from etalage.logistics.selectors import line_name
from etalage.returns.models import ReturnLine, ReturnRequest
from etalage.returns.services import (
    ReturnError,
    return_receive,
)
from etalage.web.access import hub_staff_required


class ReceiveForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Return number (scan or type)"), max_length=30
    )


@hub_staff_required
def hub_returns(request):
    """The return warehouse: scan a return, say what becomes of each item."""
    form = ReceiveForm(request.GET or None)
    found = None
    if form.is_valid():
        found = ReturnRequest.objects.filter(
            number=code_normalised(form.cleaned_data["number"])
        ).first()
        if found is None:
            form.add_error("number", _("No return has this number."))
        elif found.state != ReturnRequest.State.APPROVED:
            form.add_error("number", _("This return is %(state)s, not awaited.")
                           % {"state": found.get_state_display()})  # fmt: skip
            found = None
    waiting = ReturnRequest.objects.filter(state=ReturnRequest.State.APPROVED)
    items = []  # each item named in the worker's language
    if found is not None:
        named = found.lines.select_related("line__variant__product")
        for item in named.prefetch_related("line__variant__product__translations"):
            item.name = line_name(item.line, get_language())
            items.append(item)
    return render(
        request,
        "etalage/hub/returns.html",
        {"form": form, "found": found, "items": items, "waiting":
            waiting.select_related("sub_order")[:100],
         "outcomes": ReturnLine.Outcome.choices},
    )  # fmt: skip


@hub_staff_required
@require_POST
def hub_return_receive(request, return_number: str):
    made = ReturnRequest.objects.filter(number=return_number).first()
    if made is None:
        raise Http404
    outcomes = {
        item.pk: (request.POST.get(f"outcome_{item.pk}", ""),
                  request.POST.get(f"why_{item.pk}", ""))
        for item in made.lines.all()
    }  # fmt: skip
    try:
        return_receive(request=made, outcomes=outcomes, by=request.user)
    except ReturnError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect(reverse("web:hub-returns") + f"?number={made.number}")
    messages.success(request, _("%(number)s received: the buyer is refunded.")
                     % {"number": made.number})  # fmt: skip
    return redirect("web:hub-returns")
