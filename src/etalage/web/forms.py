from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from etalage.catalog.selectors import Sort
from etalage.web.widgets_html import StorefrontWidgets


class ListingFilterForm(forms.Form):
    """Filters of a category or merchant page, read from the query string."""

    default_renderer = StorefrontWidgets

    merchant = forms.ChoiceField(label=_("Merchant"), required=False)
    price_min = forms.DecimalField(
        label=_("Price from"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )
    price_max = forms.DecimalField(
        label=_("Price up to"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            (Sort.NEWEST, _("Newest")),
            (Sort.PRICE_LOW, _("Price: low to high")),
            (Sort.PRICE_HIGH, _("Price: high to low")),
        ],
    )

    def __init__(self, *args, merchants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merchant"].choices = [("", _("All merchants")), *merchants]

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("price_min"), cleaned.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "price_max", _("The maximum price must not be below the minimum price.")
            )
        return cleaned


class MarketForm(forms.Form):
    market = forms.CharField(max_length=8)
    next = forms.CharField(max_length=2000, required=False)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its field when the form has one,
    otherwise at the top, still naming the field."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field_name, messages in error.message_dict.items():
        for message in messages:
            if field_name in form.fields:
                form.add_error(field_name, message)
            else:
                form.add_error(None, f"{field_name}: {message}")


def posted_or_404(queryset, pk):
    """The object a form posted the key of, or 404 (also for a malformed key)."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, ValidationError):
        raise Http404("no such object") from None


def form_errors_text(form: forms.Form) -> str:
    """A form's errors as one line for a message, each with its field's label."""
    parts = []
    for name, messages in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        text = " ".join(messages)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)
