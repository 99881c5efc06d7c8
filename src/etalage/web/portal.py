"""The merchant portal: a merchant's own listings and what needs its attention."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from etalage.analytics.selectors import merchant_work
from etalage.catalog.models import Product, ProductImportRun
from etalage.customs.models import PositiveListEntry
from etalage.demo.clock import demo_by_hand_name
from etalage.imports import (
    COLUMNS,
    ImportProblem,
    import_template_csv,
    problems_csv,
    product_import_enqueue,
    product_import_run,
)
from etalage.ledger.eligibility import returned_to_current_account
from etalage.ledger.models import Payout
from etalage.merchants.api_keys import api_key_create, api_key_revoke
from etalage.merchants.models import ApiKey, Merchant, MerchantMember
from etalage.merchants.selectors import merchant_decision_told
from etalage.merchants.services import (
    CompanyDetails,
    merchant_details_update,
)
from etalage.web.forms import add_service_errors, posted_or_404
from etalage.web.onboarding import CompanyDetailsForm

CATALOGUE_ROLES = (MerchantMember.Role.OWNER, MerchantMember.Role.CATALOGUE)


def _membership(request, roles=None) -> MerchantMember:
    membership = (
        MerchantMember.objects.select_related("merchant")
        .filter(user=request.user)
        .order_by("created_at")
        .first()
    )
    if membership is None:
        raise PermissionDenied("this account does not belong to a merchant")
    if roles is not None and membership.role not in roles:
        raise PermissionDenied("this role may not do this")
    if request.method not in ("GET", "HEAD") and not membership.merchant.may_change:
        raise PermissionDenied(
            _("Your shop is suspended: the portal shows your data but changes nothing.")
        )
    return membership


@login_required
def dashboard(request):
    membership = _membership(request)
    merchant = membership.merchant
    counts = dict(
        Product.objects.filter(merchant=merchant)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    statuses = [
        {"status": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Product.Status.choices
    ]
    rejected = list(
        Product.objects.filter(merchant=merchant, status=Product.Status.REJECTED)
        .prefetch_related("translations")
        .order_by("-reviewed_at")[:50]
    )
    missing_chinese = list(
        Product.objects.filter(merchant=merchant)
        .exclude(translations__language="zh-hans")
        .prefetch_related("translations")
        .order_by("slug")[:50]
    )

    off_positive_list = list(
        Product.objects.filter(merchant=merchant)
        .exclude(hs_code__in=PositiveListEntry.objects.values("hs_code"))
        .prefetch_related("translations")
        .order_by("slug")[:50]
    )

    role = membership.role
    sees_payouts = role in (MerchantMember.Role.OWNER, MerchantMember.Role.FINANCE)
    return render(
        request,
        "etalage/portal/dashboard.html",
        {
            "merchant": merchant,
            "membership": membership,
            "work": merchant_work(merchant=merchant),
            "sees_orders": role != MerchantMember.Role.CATALOGUE,
            "sees_listings": role in CATALOGUE_ROLES,
            "sees_payouts": sees_payouts,
            "decision": merchant_decision_told(merchant),
            "demo_by_hand": demo_by_hand_name(),  # None outside the demo
            "handling_days": settings.ETALAGE_HANDLING_DAYS,
            "statuses": statuses,
            "payout_returned": _payout_returned(merchant) if sees_payouts else None,
            "rejected": _named(rejected, merchant),
            "missing_chinese": _named(missing_chinese, merchant),
            "off_positive_list": _named(off_positive_list, merchant),
        },
    )


def _payout_returned(merchant: Merchant) -> Payout | None:
    """The payout the bank sent back to the account the merchant still has, when
    that is the latest to it (nothing goes there until it gives another)."""
    return returned_to_current_account([merchant.pk]).get(merchant.pk)


def _named(products: list[Product], merchant: Merchant) -> list[tuple[Product, str]]:
    """Each product with its name as the merchant's people read it: in the portal's
    language, else the merchant's own, else any it has (its slug only when it has
    no name at all). The products' translations are prefetched."""
    named = []
    for product in products:
        names = {t.language: t.name for t in product.translations.all() if t.name}
        name = (
            names.get(get_language() or "")
            or names.get(merchant.language)
            or next(iter(names.values()), product.slug)
        )
        named.append((product, name))
    return named


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Catalogue file"),
        help_text=_(
            "CSV (UTF-8, comma or semicolon), XLSX, "
            "or a ZIP with one of them and the images."
        ),
    )
    submit_for_review = forms.BooleanField(
        label=_("Submit the new products for review"), required=False, initial=True
    )


@login_required
def import_upload(request):
    membership = _membership(request, CATALOGUE_ROLES)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # A ZIP or a spreadsheet (whose size says little of its rows) is read by the
        # background worker, never by a web worker.
        in_background = upload.size > settings.ETALAGE_IMPORT_INLINE_BYTES or (
            upload.name.lower().endswith((".zip", ".xlsx"))
        )
        run = (product_import_enqueue if in_background else product_import_run)(
            merchant=membership.merchant,
            user=request.user,
            file_name=upload.name,
            data=upload.read(),
            submit_for_review=form.cleaned_data["submit_for_review"],
        )
        return redirect("web:portal-import-run", pk=run.pk)
    runs = ProductImportRun.objects.filter(merchant=membership.merchant)[:10]
    return render(
        request,
        "etalage/portal/import.html",
        {
            "merchant": membership.merchant,
            "form": form,
            "runs": runs,
            "columns": COLUMNS,
        },
    )


def _run(request, pk) -> ProductImportRun:
    membership = _membership(request, CATALOGUE_ROLES)
    return get_object_or_404(ProductImportRun, pk=pk, merchant=membership.merchant)


@login_required
def import_run(request, pk):
    run = _run(request, pk)
    return render(
        request,
        "etalage/portal/import_run.html",
        {"merchant": run.merchant, "run": run},
    )


@login_required
def import_report(request, pk):
    run = _run(request, pk)
    problems = [ImportProblem(**problem) for problem in run.errors]
    response = HttpResponse(
        problems_csv(problems), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="errors-{run.file_name}.csv"'
    )
    return response


@login_required
def import_template(request, kind):
    _membership(request, CATALOGUE_ROLES)
    response = HttpResponse(
        import_template_csv(example=kind == "example"),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="etalage-{kind}.csv"'
    return response


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name of the key"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"),
        choices=ApiKey.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[ApiKey.Scope.CATALOG_READ],
    )


@login_required
def api_keys(request):
    """The owner's API keys: create one (shown once), see their use, revoke."""
    membership = _membership(request, (MerchantMember.Role.OWNER,))
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


@login_required
def company(request):
    """The owner keeps the company's address, contacts and payout account up to date."""

    membership = _membership(request, (MerchantMember.Role.OWNER,))
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
