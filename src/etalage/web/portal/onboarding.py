"""The producer's way in: the public application form and the email confirmation."""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from etalage.catalog.models import Category
from etalage.core.text import validate_multiline_text, validate_text
from etalage.merchants.services import (
    MerchantApplication,
    merchant_apply,
    merchant_email_verify,
)
from etalage.merchants.validators import (
    normalize_bic,
    normalize_enterprise_number,
    normalize_iban,
    normalize_phone,
    normalize_vat_number,
)
from etalage.web.forms import add_service_errors
from etalage.web.request_data import request_category_tree

STORY_LANGUAGES = [
    ("fr", _("Brand story in French")),
    ("nl", _("Brand story in Dutch")),
    ("en", _("Brand story in English")),
    ("zh-hans", _("Brand story in Simplified Chinese")),
]


class ContactAndPayoutCleaning:
    """Phone, IBAN and BIC checks shared by the application and the company details."""

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])

    def clean_iban(self):
        return normalize_iban(self.cleaned_data["iban"])

    def _clean_bic(self, cleaned):
        if cleaned.get("bic"):
            try:
                cleaned["bic"] = normalize_bic(cleaned["bic"], cleaned.get("iban"))
            except ValidationError as error:
                self.add_error("bic", error)


def _address_and_payout_fields():
    return {
        "street": forms.CharField(
            label=_("Street and number"), max_length=200, validators=[validate_text]
        ),
        "postal_code": forms.RegexField(
            label=_("Postal code"),
            regex=r"^[1-9]\d{3}$",
            error_messages={"invalid": _("A Belgian postal code has 4 digits.")},
        ),
        "city": forms.CharField(
            label=_("City"), max_length=100, validators=[validate_text]
        ),
        "contact_name": forms.CharField(
            label=_("Contact person"), max_length=200, validators=[validate_text]
        ),
        "phone": forms.CharField(
            label=_("Phone"), max_length=30, help_text=_("e.g. +32 2 511 11 11")
        ),
        "iban": forms.CharField(label=_("IBAN for payouts"), max_length=42),
        "bic": forms.CharField(label=_("BIC of the bank"), max_length=11),
        "language": forms.ChoiceField(
            label=_("Language for our messages"),
            choices=[("fr", "Français"), ("nl", "Nederlands"), ("en", "English")],
        ),
    }


class CompanyDetailsForm(ContactAndPayoutCleaning, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_address_and_payout_fields())

    def clean(self):
        cleaned = super().clean()
        self._clean_bic(cleaned)
        return cleaned


class MerchantApplicationForm(ContactAndPayoutCleaning, forms.Form):
    name = forms.CharField(
        label=_("Brand or trading name"), max_length=120, validators=[validate_text]
    )
    legal_name = forms.CharField(
        label=_("Legal name of the company"),
        max_length=200,
        validators=[validate_text],
    )
    enterprise_number = forms.CharField(
        label=_("Enterprise number (KBO/BCE)"),
        max_length=20,
        help_text=_("10 digits, e.g. 0403.019.261"),
    )
    vat_number = forms.CharField(
        label=_("VAT number"),
        max_length=20,
        help_text=_("BE followed by the enterprise number"),
    )
    email = forms.EmailField(label=_("Email address"))
    password = forms.CharField(
        label=_("Password for the merchant portal"), widget=forms.PasswordInput
    )
    categories = forms.MultipleChoiceField(
        label=_("What you sell"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_address_and_payout_fields())
        self.order_fields(
            ["name", "legal_name", "enterprise_number", "vat_number", "street",
             "postal_code", "city", "contact_name", "email", "phone", "password",
             "iban", "bic", "language", "categories"]
        )  # fmt: skip
        self.fields["categories"].choices = [(str(n.id), n.name) for n in categories]
        for code, label in STORY_LANGUAGES:
            self.fields[f"story_{code}"] = forms.CharField(
                label=label,
                widget=forms.Textarea(attrs={"rows": 4}),
                required=False,
                validators=[validate_multiline_text],
            )
        self.fields["language"].initial = (
            get_language() if get_language() in ("fr", "nl", "en") else "fr"
        )

    def clean_enterprise_number(self):
        return normalize_enterprise_number(self.cleaned_data["enterprise_number"])

    def clean_vat_number(self):
        return normalize_vat_number(self.cleaned_data["vat_number"])

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        number, vat = cleaned.get("enterprise_number"), cleaned.get("vat_number")
        if number and vat and vat != "BE" + number:
            self.add_error(
                "vat_number",
                _(
                    "The VAT number must be BE followed by the enterprise number "
                    "(BE%(n)s)."
                )
                % {"n": number},
            )
        if cleaned.get("bic"):
            try:
                cleaned["bic"] = normalize_bic(cleaned["bic"], cleaned.get("iban"))
            except ValidationError as error:
                self.add_error("bic", error)
        if not any(
            cleaned.get(f"story_{code}", "").strip() for code, _l in STORY_LANGUAGES
        ):
            self.add_error(
                "story_fr", _("Tell your brand's story in at least one language.")
            )
        return cleaned

    def application(self) -> MerchantApplication:
        data = self.cleaned_data
        return MerchantApplication(
            name=data["name"],
            legal_name=data["legal_name"],
            enterprise_number=data["enterprise_number"],
            vat_number=data["vat_number"],
            street=data["street"],
            postal_code=data["postal_code"],
            city=data["city"],
            contact_name=data["contact_name"],
            email=data["email"],
            password=data["password"],
            phone=data["phone"],
            iban=data["iban"],
            bic=data["bic"],
            language=data["language"],
            category_ids=list(
                Category.objects.filter(pk__in=data["categories"]).values_list(
                    "pk", flat=True
                )
            ),
            stories={code: data[f"story_{code}"] for code, _l in STORY_LANGUAGES},
        )


@require_http_methods(["GET", "POST"])
def apply(request):
    categories = request_category_tree(request).roots
    form = MerchantApplicationForm(request.POST or None, categories=categories)
    if request.method == "POST" and form.is_valid():
        try:
            merchant_apply(application=form.application())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # The same page whether or not the address had an account already.
            return render(
                request,
                "etalage/portal/applied.html",
                {"email": form.cleaned_data["email"]},
            )
    return render(request, "etalage/portal/apply.html", {"form": form})


def verify_email(request, token):
    try:
        merchant = merchant_email_verify(token=token)
    except ValidationError as error:
        return render(
            request,
            "etalage/portal/verified.html",
            {"error": error.messages[0]},
            status=400,
        )
    return render(request, "etalage/portal/verified.html", {"merchant": merchant})
