"""The operator's back-office: reviewing listings, curating, importing ECB files."""

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from etalage.catalog.models import Product
from etalage.pricing.models import ExchangeRate

FILES = Path(__file__).resolve().parents[2] / "pricing" / "tests" / "files"


@pytest.fixture
def operator_client(client, db):
    operator = get_user_model().objects.create_superuser("op", "op@example.com", "pw")
    client.force_login(operator)
    return client


@pytest.mark.parametrize(
    "page",
    [
        "merchants/merchant/",
        "catalog/product/",
        "catalog/product/?status__exact=in_review",
        "catalog/category/",
        "catalog/pavilionentry/",
        "pricing/market/",
        "pricing/exchangerate/",
        "pricing/exchangerateimport/",
        "pricing/exchangerate/import/",
    ],
)
def test_every_back_office_page_opens(operator_client, catalogue, page):
    catalogue.product()
    assert operator_client.get(f"/backoffice/{page}").status_code == 200


def test_a_product_opens_with_its_texts_variants_and_images(operator_client, catalogue):
    product = catalogue.product()
    response = operator_client.get(f"/backoffice/catalog/product/{product.pk}/change/")
    assert response.status_code == 200
    assert product.variants.get().sku in response.content.decode()


def test_the_operator_rejects_listings_with_a_reason(operator_client, catalogue):
    first = catalogue.product(status="in_review")
    second = catalogue.product(status="in_review")
    url = "/backoffice/catalog/product/"
    selected = {"action": "reject", "_selected_action": [first.pk, second.pk]}
    form = operator_client.post(url, selected)
    assert "Reason, shown to the merchant" in form.content.decode()
    operator_client.post(
        url, {**selected, "confirm": "1", "reason": "The label lacks the importer."}
    )
    for product in (first, second):
        product.refresh_from_db()
        assert product.status == Product.Status.REJECTED
        assert product.rejection_reason == "The label lacks the importer."


def test_approving_says_what_stops_a_listing_from_going_live(
    operator_client, catalogue
):
    complete = catalogue.product(status="in_review")
    catalogue.picture(complete)
    no_chinese = catalogue.product(status="in_review", languages=("fr", "en"))
    response = operator_client.post(
        "/backoffice/catalog/product/",
        {"action": "approve", "_selected_action": [complete.pk, no_chinese.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "1 listing(s) are live." in html
    assert (
        f"Listing {no_chinese.slug} cannot go live: The name in 简体中文 is missing"
        in html
    )
    complete.refresh_from_db()
    no_chinese.refresh_from_db()
    assert (complete.status, no_chinese.status) == ("live", "in_review")


def test_the_operator_uploads_an_ecb_file(operator_client):
    upload = SimpleUploadedFile(
        "eurofxref-daily.xml", (FILES / "eurofxref-daily-2024-06-28.xml").read_bytes()
    )
    response = operator_client.post(
        "/backoffice/pricing/exchangerate/import/", {"file": upload}, follow=True
    )
    assert "6 rates added" in response.content.decode()
    assert ExchangeRate.objects.filter(currency="CNY").count() == 1


def test_a_bad_ecb_upload_names_the_line_and_imports_nothing(operator_client):
    upload = SimpleUploadedFile(
        "rates.csv", b"Date,CNY,\n2024-06-28,7.77,\n2024-06-27,x,\n"
    )
    response = operator_client.post(
        "/backoffice/pricing/exchangerate/import/", {"file": upload}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "rates.csv: line 3: rate &#x27;x&#x27; for CNY is not a number" in html
    assert "Nothing was imported." in html
    assert not ExchangeRate.objects.exists()


def test_the_back_office_is_for_staff_only(client, db):
    client.force_login(get_user_model().objects.create_user("buyer"))
    response = client.get("/backoffice/catalog/product/")
    assert response.status_code == 302
    assert "/backoffice/login/" in response["Location"]


def test_staff_without_the_permission_cannot_import_rates(client, db):
    clerk = get_user_model().objects.create_user("clerk", is_staff=True)
    client.force_login(clerk)
    upload = SimpleUploadedFile(
        "eurofxref-daily.xml", (FILES / "eurofxref-daily-2024-06-28.xml").read_bytes()
    )
    response = client.post("/backoffice/pricing/exchangerate/import/", {"file": upload})
    assert response.status_code == 403
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize(
    "page", ["pricing/market/", "pricing/exchangerate/", "merchants/merchant/"]
)
def test_markets_rates_and_merchants_cannot_be_deleted_in_bulk(operator_client, page):
    html = operator_client.get(f"/backoffice/{page}").content.decode()
    assert 'value="delete_selected"' not in html


def test_the_first_page_shows_what_waits_for_the_operator(operator_client, catalogue):
    catalogue.product(status="in_review")
    html = operator_client.get("/backoffice/").content.decode()
    assert "What waits for you" in html
    listings = re.search(r"Listings to review</a></th><td>(\d+)<", html)
    assert listings.group(1) == "1"


def test_every_page_warns_when_the_rate_in_force_is_stale(operator_client, settings):
    from datetime import date

    from django.utils import timezone

    from etalage.pricing.models import ExchangeRate

    today = timezone.localdate()
    ExchangeRate.objects.create(currency="CNY", rate="7.8", rate_date=today)
    assert (
        "more than three business days old"
        not in operator_client.get("/backoffice/").content.decode()
    )
    ExchangeRate.objects.all().delete()
    ExchangeRate.objects.create(currency="CNY", rate="7.8", rate_date=date(2020, 1, 3))
    html = operator_client.get("/backoffice/catalog/product/").content.decode()
    assert "The EUR/CNY rate in force is of 2020-01-03" in html


def test_business_days_count_weekdays_only():
    from datetime import date

    from etalage.pricing.core import business_days_after

    friday, monday = date(2026, 11, 27), date(2026, 11, 30)
    assert business_days_after(friday, monday) == 1
    assert business_days_after(friday, date(2026, 12, 3)) == 4
    assert business_days_after(monday, monday) == 0


def test_products_are_listed_by_name_with_their_picture(operator_client, catalogue):
    from etalage.catalog.services import product_image_add
    from etalage.catalog.tests.test_product_images import picture

    product = catalogue.product(name="Grand coffret")
    product_image_add(product=product, data=picture((400, 300)))
    html = operator_client.get("/backoffice/catalog/product/").content.decode()
    assert ">Grand coffret (en)<" in html  # the operator's language
    assert re.search(r'<img src="[^"]+\.webp" alt="" width="48"', html)


def test_a_picture_deleted_in_the_back_office_leaves_the_disk_too(
    catalogue, rf, django_user_model
):
    from django.contrib import admin as django_admin

    from etalage.catalog.admin import ProductImageInline
    from etalage.events.outbox import outbox_deliver

    product = catalogue.product()
    picture = catalogue.picture(product)
    request = rf.post("/")
    request.user = django_user_model.objects.create_superuser("op2", "o@x.be", "pw")
    formset_class = ProductImageInline(Product, django_admin.site).get_formset(
        request, product
    )
    formset = formset_class(
        {"images-TOTAL_FORMS": "1", "images-INITIAL_FORMS": "1",
         "images-0-id": str(picture.pk), "images-0-product": str(product.pk),
         "images-0-position": "0", "images-0-DELETE": "on"},
        instance=product, prefix="images",
    )  # fmt: skip
    assert formset.is_valid(), formset.errors
    formset.save()
    assert not product.images.exists()
    outbox_deliver()
    assert not Path(picture.image.path).exists()
