"""A suspended merchant writes nothing, whatever the door: the portal's pages, the
services they call, and work queued before the suspension."""

import pytest
from django.contrib.auth.models import User

from etalage.catalog.models import Product, ProductImportRun, Variant
from etalage.catalog.product_save import ProductFields, VariantEdit, product_save
from etalage.catalog.services import ProductText
from etalage.catalog.tests.test_product_save import variant
from etalage.imports import (
    import_template_csv,
    product_import_enqueue,
    product_import_run_queued,
)
from etalage.merchants.permissions import MerchantMayNotWrite
from etalage.merchants.services import merchant_suspend


@pytest.fixture
def operator(db):
    return User.objects.create_user("operator", is_staff=True)


@pytest.fixture
def maker(catalogue):
    catalogue.category("pralines")
    return catalogue.merchant("Maison Exemple")


def test_an_import_queued_before_a_suspension_is_refused_and_writes_nothing(
    maker, operator
):
    run = product_import_enqueue(merchant=maker, user=None, file_name="c.csv",
                                 data=import_template_csv(example=True))  # fmt: skip
    merchant_suspend(merchant=maker, operator=operator, reason="unpaid fees")
    run = product_import_run_queued(run_id=str(run.pk))
    assert run.status == ProductImportRun.Status.REFUSED
    assert [problem["row"] for problem in run.errors] == [0]
    assert "suspendue" in run.errors[0]["message"]  # in the merchant's French
    assert not Product.objects.filter(merchant=maker).exists()
    assert not Variant.objects.filter(product__merchant=maker).exists()


def test_the_same_queued_import_writes_when_the_merchant_may(maker):
    run = product_import_enqueue(merchant=maker, user=None, file_name="c.csv",
                                 data=import_template_csv(example=True))  # fmt: skip
    run = product_import_run_queued(run_id=str(run.pk))
    assert run.status == ProductImportRun.Status.IMPORTED
    assert Product.objects.filter(merchant=maker).exists()


def test_a_suspended_merchants_product_save_is_refused(maker, operator, catalogue):
    merchant_suspend(merchant=maker, operator=operator, reason="unpaid fees")
    with pytest.raises(MerchantMayNotWrite):
        product_save(
            merchant=maker, product=None,
            fields=ProductFields(category=catalogue.category(), brand="Maison",
                                 hs_code="1806.90.00.00", tax_class="ordinary-13"),
            texts={"fr": ProductText(name="Pralines")},
            variants=[VariantEdit(data=variant("PR-1"))],
        )  # fmt: skip
    assert not Product.objects.filter(merchant=maker).exists()


def test_a_suspended_merchant_packs_no_parcel(shopping, operator):
    from etalage.logistics.models import Parcel
    from etalage.logistics.services import parcel_pack
    from etalage.orders.services import order_pay

    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 2)])
    sub = order_pay(order=shopping.place(buyer).order).sub_orders.get()
    merchant_suspend(merchant=sub.merchant, operator=operator, reason="unpaid fees")
    with pytest.raises(MerchantMayNotWrite):
        parcel_pack(sub_order=sub, grams=1000)
    assert not Parcel.objects.filter(sub_order=sub).exists()
