"""Returns on the web: the buyer asks from the order's page and prints the label;
the return warehouse's staff (hub staff) receive what comes back. Views only: the
rules are ``returns``'s."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from etalage.orders.models import SubOrder
from etalage.returns.labels import return_label_pdf
from etalage.returns.models import ReturnPhoto, ReturnRequest
from etalage.returns.services import (
    MAX_PHOTOS,
    ReturnError,
    return_ask,
)
from etalage.web.access import buyer_required
from etalage.web.forms import add_service_errors
from etalage.web.photos import photo_response


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented way)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class ReturnForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Why"), choices=ReturnRequest.Reason.choices,
        widget=forms.RadioSelect,
    )  # fmt: skip
    details = forms.CharField(
        label=gettext_lazy("What happened (optional)"), max_length=1000,
        required=False, widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    photos = MultipleFileField(
        label=gettext_lazy("Photos (up to 5, JPEG, PNG or WebP)"), required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )  # fmt: skip

    def __init__(self, *args, sub: SubOrder, **kwargs):
        super().__init__(*args, **kwargs)
        self.sub = sub
        for line in sub.lines.all():
            left = line.quantity - line.returned
            if left:
                self.fields[f"line_{line.pk}"] = forms.TypedChoiceField(
                    label=f"{line.name_zh} · {line.sku}", coerce=int, initial=0,
                    choices=[(n, str(n)) for n in range(left + 1)], required=False,
                )  # fmt: skip

    def quantities(self) -> dict[int, int]:
        return {
            int(name.removeprefix("line_")): value or 0
            for name, value in self.cleaned_data.items()
            if name.startswith("line_")
        }


def _show(form: ReturnForm, error: ReturnError) -> None:
    """The service's refusal on the form: the items' errors above the items, the
    parcel's at the top, the others on their field."""
    for name, texts in error.message_dict.items():
        for text in texts:
            if name in ("lines", "sub_order"):
                form.add_error(None, text)
            else:
                add_service_errors(form, ReturnError({name: text}))


def _buyers_parcel(request, number: str, sub_number: str) -> SubOrder:
    sub = (
        SubOrder.objects.filter(
            order__buyer=request.user, order__number=number, number=sub_number
        )
        .select_related("order")
        .prefetch_related("lines")
        .first()
    )
    if sub is None:
        raise Http404
    return sub


@buyer_required
def return_start(request, number: str, sub_number: str):
    """Ask to return items of a delivered parcel."""
    sub = _buyers_parcel(request, number, sub_number)
    form = ReturnForm(request.POST or None, request.FILES or None, sub=sub)
    if request.method == "POST" and form.is_valid():
        photos = form.cleaned_data["photos"]
        try:
            made = return_ask(
                sub_order=sub, buyer=request.user,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
                quantities=form.quantities(),
                photos=[p.read() for p in photos[: MAX_PHOTOS + 1]],
            )  # fmt: skip
        except ReturnError as error:
            _show(form, error)
        else:
            messages.success(
                request,
                _("Return %(number)s is asked: the seller will answer by email.")
                % {"number": made.number},
            )
            return redirect(reverse("web:order", args=[number]) + f"#sub-{sub.number}")
    return render(request, "etalage/storefront/return.html",
                  {"sub": sub, "order": sub.order, "form": form})  # fmt: skip


@buyer_required
def return_label(request, number: str, return_number: str):
    made = (
        ReturnRequest.objects.filter(
            number=return_number, sub_order__order__number=number,
            sub_order__order__buyer=request.user,
            state=ReturnRequest.State.APPROVED,
        )
        .select_related("sub_order__order")
        .first()
    )  # fmt: skip
    if made is None:
        raise Http404
    response = HttpResponse(return_label_pdf(made), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{made.number}.pdf"'
    return response


@buyer_required
def return_photo(request, number: str, return_number: str, pk: int):
    photo = ReturnPhoto.objects.filter(
        pk=pk, request__number=return_number,
        request__sub_order__order__number=number,
        request__sub_order__order__buyer=request.user,
    ).first()  # fmt: skip
    if photo is None:
        raise Http404
    return photo_response(photo)
