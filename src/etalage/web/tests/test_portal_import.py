"""The merchant portal's import pages: roles, isolation, results and reports."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from etalage.catalog.models import Product, ProductImportRun
from etalage.imports import import_template_csv
from etalage.merchants.models import MerchantMember


@pytest.fixture
def shop(catalogue):
    catalogue.category("pralines")
    return catalogue.merchant("Maison Exemple")


def member(merchant, role, name=None):
    user = get_user_model().objects.create_user(name or f"{role}-{merchant.slug}")
    MerchantMember.objects.create(merchant=merchant, user=user, role=role)
    return user


def upload(client, data, name="catalogue.csv", review=True):
    payload = {"file": SimpleUploadedFile(name, data)}
    if review:
        payload["submit_for_review"] = "on"
    return client.post("/en/portal/import/", payload, follow=True)


def test_a_catalogue_manager_imports_and_sees_what_was_created(client, shop):
    client.force_login(member(shop, "catalogue"))
    html = upload(client, import_template_csv(example=True)).content.decode()
    assert "The file is imported." in html
    product = Product.objects.get(merchant=shop)
    assert product.status == Product.Status.IN_REVIEW
    assert product.submitted_at is not None


def test_a_refused_file_shows_every_problem_and_offers_the_report(client, shop):
    client.force_login(member(shop, "owner"))
    response = upload(client, b"sku,product_ref,price_eur,weight\nA,,x,1 g\n")
    html = response.content.decode()
    assert "Nothing was imported: " in html
    assert "required column missing" in html
    run = ProductImportRun.objects.get()
    report = client.get(f"/en/portal/import/{run.pk}/errors.csv")
    assert report["Content-Type"].startswith("text/csv")
    assert b"required column missing" in report.content
    assert not Product.objects.exists()


@pytest.mark.parametrize("role", ["fulfilment", "finance"])
def test_other_roles_may_not_import(client, shop, role):
    client.force_login(member(shop, role))
    assert client.get("/en/portal/import/").status_code == 403
    assert upload(client, import_template_csv(example=True)).status_code == 403
    assert not Product.objects.exists()


def test_a_merchant_cannot_see_another_merchants_import(client, shop, catalogue):
    other = catalogue.merchant("Other")
    client.force_login(member(other, "owner"))
    upload(client, import_template_csv(example=True))
    run = ProductImportRun.objects.get()
    client.force_login(member(shop, "owner"))
    assert client.get(f"/en/portal/import/{run.pk}/").status_code == 404
    assert client.get(f"/en/portal/import/{run.pk}/errors.csv").status_code == 404
    assert run.file_name not in client.get("/en/portal/import/").content.decode()


def test_the_template_and_the_example_download(client, shop):
    client.force_login(member(shop, "owner"))
    template = client.get("/en/portal/import/template.csv")
    example = client.get("/en/portal/import/example.csv")
    assert template.content.decode("utf-8-sig").startswith("product_ref,category,brand")
    assert "PRAL-250-DARK" in example.content.decode("utf-8-sig")


def test_problems_are_written_in_the_merchants_language(client, shop):
    client.force_login(member(shop, "owner"))
    payload = {"file": SimpleUploadedFile("c.csv", b"sku\nA\n")}
    html = client.post("/fr/portal/import/", payload, follow=True).content.decode()
    assert "colonne obligatoire manquante" in html


def test_a_large_file_imports_in_the_background_and_its_page_follows_it(
    client, shop, settings, django_capture_on_commit_callbacks
):
    settings.ETALAGE_IMPORT_INLINE_BYTES = 10
    client.force_login(member(shop, "owner"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(client, import_template_csv(example=True))
    run = ProductImportRun.objects.get()
    assert run.status == ProductImportRun.Status.QUEUED
    assert run.upload.name.startswith(f"imports/{shop.pk}/")
    assert not run.upload.path.startswith(str(settings.MEDIA_ROOT))  # never public
    html = response.content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert not Product.objects.exists()

    for callback in callbacks:  # the commit happens: the worker runs the task
        callback()
    run.refresh_from_db()
    assert (run.status, run.progress) == (ProductImportRun.Status.IMPORTED, 100)
    assert not run.upload  # the merchant's file is not kept once imported
    html = client.get(f"/en/portal/import/{run.pk}/").content.decode()
    assert "The file is imported." in html
    assert "every 2s" not in html
    assert Product.objects.filter(merchant=shop).count() == 1


def test_a_spreadsheet_always_imports_in_the_background(
    client, shop, django_capture_on_commit_callbacks
):
    from openpyxl import Workbook

    client.force_login(member(shop, "owner"))
    workbook = Workbook()
    workbook.active.append(["sku"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with django_capture_on_commit_callbacks(execute=False):
        upload(client, buffer.getvalue(), name="small.xlsx")
    assert ProductImportRun.objects.get().status == ProductImportRun.Status.QUEUED
