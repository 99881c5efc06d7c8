"""Merchants edit their products in the portal: texts side by side, variants, review."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from etalage.catalog.models import Product
from etalage.merchants.models import MerchantMember


@pytest.fixture
def editor(client, catalogue):
    merchant = catalogue.merchant("Maison")
    user = get_user_model().objects.create_user("editor")
    MerchantMember.objects.create(merchant=merchant, user=user, role="catalogue")
    client.force_login(user)
    client.merchant = merchant
    client.category = catalogue.category("pralines")
    return client


def form_data(category, **changes):
    data = {
        "category": str(category.pk),
        "brand": "Maison",
        "hs_code": "1806.90.00.00",
        "tax_class": "ordinary-13",
        "origin_country": "BE",
        "name_zh-hans": "果仁糖",
        "name_fr": "Pralines",
        "description_fr": "Faites main.",
        "variants-TOTAL_FORMS": "1",
        "variants-INITIAL_FORMS": "0",
        "variants-0-sku": "PR-250",
        "variants-0-price_eur": "24.50",
        "variants-0-weight_grams": "350",
        "variants-0-net_content": "250",
        "variants-0-net_unit": "g",
        "variants-0-attributes": "flavour: dark",
        "variants-0-is_active": "on",
    }
    data.update(changes)
    return data


def test_a_catalogue_manager_creates_edits_and_submits_a_product(editor):
    response = editor.post("/en/portal/products/new/", form_data(editor.category))
    product = Product.objects.get()
    assert response["Location"] == f"/en/portal/products/{product.pk}/"
    assert product.status == "draft"
    assert product.variants.get().attributes == {"flavour": "dark"}

    variant = product.variants.get()
    edit = form_data(
        editor.category,
        **{
            "name_nl": "Pralines (nl)",
            "variants-TOTAL_FORMS": "2",
            "variants-INITIAL_FORMS": "1",
            "variants-0-price_eur": "22.00",
            "variants-1-sku": "PR-500",
            "variants-1-price_eur": "40.00",
            "variants-1-weight_grams": "600",
            "variants-1-net_content": "500",
            "variants-1-net_unit": "g",
        },
    )
    editor.post(f"/en/portal/products/{product.pk}/", edit)
    product.refresh_from_db()
    variant.refresh_from_db()
    assert variant.price_eur == 22
    assert product.variants.count() == 2
    assert product.price_from_eur == 22
    assert product.translations.get(language="nl").name == "Pralines (nl)"

    editor.post(f"/en/portal/products/{product.pk}/", {"submit_for_review": "1"})
    product.refresh_from_db()
    assert product.status == "in_review"


def test_wrong_values_are_listed_by_field_and_nothing_is_saved(editor):
    html = editor.post(
        "/en/portal/products/new/",
        form_data(editor.category, hs_code="1806", **{"variants-0-price_eur": "-1",
                                                      "variants-0-attributes": "dark"}),
    ).content.decode()  # fmt: skip
    summary = html[html.index('id="error-summary"') :]
    assert "HS code" in summary and "10 digits" in summary
    assert "Variant 1 · Price (EUR)" in summary
    assert "Line 1: write name: value." in summary
    assert not Product.objects.exists()


def test_another_merchants_product_does_not_exist_here(editor, catalogue):
    theirs = catalogue.product(merchant=catalogue.merchant("Other"), status="draft")
    assert editor.get(f"/en/portal/products/{theirs.pk}/").status_code == 404
    response = editor.post(
        f"/en/portal/products/{theirs.pk}/", {"submit_for_review": "1"}
    )
    assert response.status_code == 404
    assert theirs.slug not in editor.get("/en/portal/products/").content.decode()
    theirs.refresh_from_db()
    assert theirs.status == "draft"


def test_fulfilment_staff_cannot_edit_products(editor, catalogue):
    packer = get_user_model().objects.create_user("packer")
    MerchantMember.objects.create(
        merchant=editor.merchant, user=packer, role="fulfilment"
    )
    editor.force_login(packer)
    assert editor.get("/en/portal/products/").status_code == 403
    assert (
        editor.post("/en/portal/products/new/", form_data(editor.category)).status_code
        == 403
    )


def test_the_merchant_counts_stock_and_each_count_is_a_movement(editor, catalogue):
    from etalage.inventory.checks import inventory_problems
    from etalage.inventory.models import Stock

    product = catalogue.product(merchant=editor.merchant, status="draft")
    variant = product.variants.get()
    editor.post(f"/en/portal/products/{product.pk}/",
                {"set_stock": "1", f"stock-{variant.pk}": "12"})  # fmt: skip
    stock = Stock.objects.get(variant=variant)
    assert (stock.on_hand, stock.warehouse.merchant) == (12, editor.merchant)
    assert stock.movements.get().reason == "adjusted"
    editor.post(f"/en/portal/products/{product.pk}/",
                {"set_stock": "1", f"stock-{variant.pk}": "-1"})  # fmt: skip
    html = editor.get(f"/en/portal/products/{product.pk}/").content.decode()
    assert "A count cannot be negative." in html
    assert inventory_problems() == []


def test_a_suspended_merchant_s_portal_shows_but_changes_nothing(editor):
    from etalage.merchants.models import Merchant

    Merchant.objects.filter(pk=editor.merchant.pk).update(status="suspended")
    assert editor.get("/en/portal/products/").status_code == 200
    refused = editor.post("/en/portal/products/new/", form_data(editor.category))
    assert refused.status_code == 403
    assert not Product.objects.exists()
    assert editor.post("/en/portal/import/", {}).status_code == 403


def test_the_portal_has_its_own_frame_and_names_products_in_the_reader_s_language(
    editor,
):
    editor.post("/en/portal/products/new/", form_data(editor.category))
    html = editor.get("/en/portal/products/").content.decode()
    assert ">Pralines<" in html and "果仁糖" not in html  # no English name: French
    assert "Ship to" not in html and 'href="/en/cart/"' not in html
    assert "Merchant portal" in html and 'href="/en/portal/orders/"' in html
    # The editor is titled with the name the reader reads, not the first stored.
    product = editor.merchant.products.get()
    page = editor.get(f"/en/portal/products/{product.pk}/").content.decode()
    assert "<h1>Pralines</h1>" in page and "<title>Pralines ·" in page


def test_a_save_is_confirmed(editor):
    response = editor.post("/en/portal/products/new/", form_data(editor.category),
                           follow=True)  # fmt: skip
    assert "The product is saved." in response.content.decode()


def test_a_refusal_of_the_service_shows_on_its_variant_and_nothing_is_saved(
    editor, catalogue
):
    taken = catalogue.product(merchant=editor.merchant, status="draft")
    sku = taken.variants.get().sku
    editor.post("/en/portal/products/new/", form_data(editor.category))
    product = Product.objects.exclude(pk=taken.pk).get()
    edit = form_data(editor.category, **{
        "name_nl": "Pralines (nl)", "variants-0-price_eur": "22.00",
        "variants-TOTAL_FORMS": "2", "variants-INITIAL_FORMS": "1",
        "variants-1-sku": sku, "variants-1-price_eur": "40.00",
        "variants-1-weight_grams": "600", "variants-1-net_content": "500",
        "variants-1-net_unit": "g",
    })  # fmt: skip
    html = editor.post(f"/en/portal/products/{product.pk}/", edit).content.decode()
    assert f"Variant 2 · SKU</a>: SKU already used by this merchant: {sku}" in html
    assert not product.translations.filter(language="nl").exists()
    assert product.variants.get().price_eur == Decimal("24.50")


def test_removing_a_picture_takes_its_files_off_the_disk_once_recorded(
    editor, catalogue
):
    from etalage.events.outbox import outbox_deliver

    product = catalogue.product(merchant=editor.merchant, status="draft")
    picture = catalogue.picture(product)
    files = [Path(f.path) for f in (picture.image, picture.thumbnail, picture.medium)]
    editor.post(f"/en/portal/products/{product.pk}/",
                {"delete_image": str(picture.pk)})  # fmt: skip
    assert not product.images.exists()
    outbox_deliver()
    assert not any(path.exists() for path in files)


def test_stock_counts_are_recorded_all_together_or_not_at_all(editor, catalogue):
    from etalage.inventory.models import StockMovement

    product = catalogue.product(
        merchant=editor.merchant, status="draft", prices=("10.00", "20.00")
    )
    first, second = product.variants.order_by("position")
    page = f"/en/portal/products/{product.pk}/"

    def count(second_count):
        editor.post(page, {"set_stock": "1", f"stock-{first.pk}": "12",
                           f"stock-{second.pk}": second_count})  # fmt: skip
        return editor.get(page).content.decode()

    assert f"{second.sku}: A count cannot be negative." in count("-1")
    assert not StockMovement.objects.filter(stock__variant=first).exists()
    assert f"{second.sku}: Enter a whole number." in count("a dozen")
