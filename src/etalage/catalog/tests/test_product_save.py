"""Saving a product as its editor submits it: all of it, or nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from etalage.catalog.models import Product
from etalage.catalog.product_save import (
    NewImage,
    ProductFields,
    VariantEdit,
    product_save,
)
from etalage.catalog.services import ProductText, VariantData, product_create
from etalage.catalog.tests.test_product_images import picture


def fields(category):
    return ProductFields(category=category, brand="Maison",
                         hs_code="1806.90.00.00", tax_class="ordinary-13")  # fmt: skip


def variant(sku, price="24.50"):
    return VariantData(sku=sku, price_eur=Decimal(price), weight_grams=350,
                       net_content=250, net_unit="g")  # fmt: skip


def test_a_new_product_is_saved_with_its_variants_and_picture(catalogue):
    merchant, category = catalogue.merchant(), catalogue.category()
    product = product_save(
        merchant=merchant, product=None, fields=fields(category),
        texts={"fr": ProductText(name="Pralines")},
        variants=[VariantEdit(data=variant("PR-1")), VariantEdit(data=variant("PR-2"))],
        image=NewImage(data=picture(), is_illustration=True),
    )  # fmt: skip
    assert product.status == Product.Status.DRAFT
    assert sorted(product.variants.values_list("sku", flat=True)) == ["PR-1", "PR-2"]
    assert product.images.get().is_illustration


def test_a_picture_that_is_no_image_is_refused_before_anything_is_written(catalogue):
    with pytest.raises(ValidationError, match="not a readable image"):
        product_save(
            merchant=catalogue.merchant(), product=None,
            fields=fields(catalogue.category()),
            texts={"fr": ProductText(name="Pralines")},
            variants=[VariantEdit(data=variant("PR-1"))],
            image=NewImage(data=b"%PDF-1.4"),
        )  # fmt: skip
    assert not Product.objects.exists()


def test_a_refused_variant_is_named_by_its_place_and_nothing_changes(catalogue):
    merchant, category = catalogue.merchant(), catalogue.category()
    product = product_create(
        merchant=merchant, category=category, brand="Maison",
        hs_code="1806.90.00.00", tax_class="ordinary-13",
        texts={"fr": ProductText(name="Pralines")}, variants=[variant("PR-1")],
    )  # fmt: skip
    first = product.variants.get()
    with pytest.raises(ValidationError) as refused:
        product_save(
            merchant=merchant, product=product, fields=fields(category),
            texts={"fr": ProductText(name="Pralines"),
                   "nl": ProductText(name="Pralines (nl)")},
            variants=[VariantEdit(data=variant("PR-1", "20.00"), variant_id=first.pk),
                      VariantEdit(data=variant("PR-2", "0.001"))],
        )  # fmt: skip
    assert list(refused.value.message_dict) == ["variants.1.price_eur"]
    first.refresh_from_db()
    assert first.price_eur == Decimal("24.50")
    assert not product.translations.filter(language="nl").exists()


def test_a_merchant_saves_only_its_own_products(catalogue):
    theirs = catalogue.product(status="draft")
    with pytest.raises(ValueError):
        product_save(
            merchant=catalogue.merchant("Another"), product=theirs,
            fields=fields(theirs.category), texts={},
        )  # fmt: skip
