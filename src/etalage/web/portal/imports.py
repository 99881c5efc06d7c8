"""The merchant's product import: upload a CSV, follow its run, fetch its
problems and the template."""

from django import forms
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from etalage.catalog.models import ProductImportRun
from etalage.imports import (
    COLUMNS,
    ImportProblem,
    import_template_csv,
    problems_csv,
    product_import_enqueue,
    product_import_run,
)
from etalage.merchants.permissions import CATALOGUE_ROLES
from etalage.web.access import merchant_member


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


@merchant_member(CATALOGUE_ROLES)
def import_upload(request):
    membership = request.membership
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
    membership = request.membership
    return get_object_or_404(ProductImportRun, pk=pk, merchant=membership.merchant)


@merchant_member(CATALOGUE_ROLES)
def import_run(request, pk):
    run = _run(request, pk)
    return render(
        request,
        "etalage/portal/import_run.html",
        {"merchant": run.merchant, "run": run},
    )


@merchant_member(CATALOGUE_ROLES)
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


@merchant_member(CATALOGUE_ROLES)
def import_template(request, kind):
    response = HttpResponse(
        import_template_csv(example=kind == "example"),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="etalage-{kind}.csv"'
    return response
