from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from etalage.catalog.exceptions import ListingRuleBroken
from etalage.catalog.models import Product
from etalage.catalog.selectors import storefront_products, visible_products
from etalage.catalog.services import (
    ProductText,
    VariantData,
    product_approve,
    product_create,
    product_reject,
    product_submit_for_review,
)


@pytest.fixture
def operator(db):
    return get_user_model().objects.create_user("op", is_staff=True)


def test_a_product_without_a_chinese_name_cannot_go_live(catalogue, operator):
    product = catalogue.product(status="draft", languages=("fr", "nl", "en"))
    product_submit_for_review(product=product)
    with pytest.raises(ListingRuleBroken) as error:
        product_approve(product=product, reviewer=operator)
    assert "简体中文" in error.value.messages[0]
    assert "China" in error.value.messages[0]
    product.refresh_from_db()
    assert product.status == Product.Status.IN_REVIEW


def test_the_operator_puts_a_complete_listing_live(catalogue, operator):
    product = catalogue.product(status="draft")
    catalogue.picture(product)
    product_submit_for_review(product=product)
    product_approve(product=product, reviewer=operator)
    product.refresh_from_db()
    assert product.status == Product.Status.LIVE
    assert product.reviewed_by == operator
    assert product.reviewed_at is not None


def test_a_rejection_needs_a_reason_that_the_merchant_then_sees(catalogue, operator):
    product = catalogue.product(status="draft")
    product_submit_for_review(product=product)
    with pytest.raises(ValidationError, match="reason"):
        product_reject(product=product, reviewer=operator, reason="  ")
    product_reject(product=product, reviewer=operator, reason="Blurred photo")
    product.refresh_from_db()
    assert (product.status, product.rejection_reason) == ("rejected", "Blurred photo")


def test_a_rejected_listing_can_be_submitted_again(catalogue, operator):
    product = catalogue.product(status="rejected")
    product_submit_for_review(product=product)
    product.refresh_from_db()
    assert product.status == Product.Status.IN_REVIEW


def test_a_live_listing_cannot_be_submitted_for_review(catalogue):
    product = catalogue.product(status="live")
    with pytest.raises(ListingRuleBroken, match="draft or a rejected"):
        product_submit_for_review(product=product)


def test_only_live_products_of_approved_merchants_are_visible(catalogue):
    approved = catalogue.merchant()
    suspended = catalogue.merchant()
    applied = catalogue.merchant(status="applied")
    shown = catalogue.product(merchant=approved, status="live")
    for status in ("draft", "in_review", "rejected"):
        catalogue.product(merchant=approved, status=status)
    catalogue.product(merchant=suspended, status="live")
    # Suspended once its product is live (a suspended shop writes nothing).
    type(suspended).objects.filter(pk=suspended.pk).update(status="suspended")
    catalogue.product(merchant=applied, status="live")
    assert list(visible_products()) == [shown]
    assert list(storefront_products()) == [shown]


def test_the_listing_price_is_the_lowest_active_variant(catalogue):
    product = catalogue.product(prices=("12.00", "8.50", "30.00"))
    assert product.price_from_eur == Decimal("8.50")
    assert product.active_variant_count == 3


def test_a_sku_is_unique_per_merchant_and_the_error_names_it(catalogue):
    merchant = catalogue.merchant()
    product = catalogue.product(merchant=merchant)
    sku = product.variants.get().sku
    with pytest.raises(ValidationError) as error:
        product_create(
            merchant=merchant,
            category=product.category,
            brand="B",
            hs_code="1806900000",
            tax_class="ordinary-13",
            texts={"en": ProductText(name="Copy")},
            variants=[
                VariantData(
                    sku=sku,
                    price_eur=Decimal("1"),
                    weight_grams=1,
                    net_content=1,
                    net_unit="g",
                )
            ],
        )
    assert sku in str(error.value.message_dict["sku"])
    assert Product.objects.count() == 1


def test_the_same_sku_may_be_used_by_two_merchants(catalogue):
    first = catalogue.product()
    sku = first.variants.get().sku

    product_create(
        merchant=catalogue.merchant(),
        category=first.category,
        brand="B",
        hs_code="1806900000",
        tax_class="ordinary-13",
        texts={"en": ProductText(name="Other")},
        variants=[
            VariantData(
                sku=sku,
                price_eur=Decimal("1"),
                weight_grams=1,
                net_content=1,
                net_unit="g",
            )
        ],
    )


def test_a_bad_hs_code_or_gtin_creates_nothing(catalogue):
    category = catalogue.category()
    merchant = catalogue.merchant()
    for hs_code, gtin in (("1806", ""), ("1806900000", "4006381333932")):
        with pytest.raises(ValidationError):
            product_create(
                merchant=merchant,
                category=category,
                brand="B",
                hs_code=hs_code,
                tax_class="ordinary-13",
                texts={"en": ProductText(name="X")},
                variants=[
                    VariantData(
                        sku="X1",
                        price_eur=Decimal("1"),
                        weight_grams=1,
                        gtin=gtin,
                        net_content=1,
                        net_unit="g",
                    )
                ],
            )
    assert not Product.objects.exists()


def test_a_listing_without_a_picture_cannot_go_live(catalogue, operator):
    product = catalogue.product(status="draft")
    product_submit_for_review(product=product)
    with pytest.raises(ListingRuleBroken) as error:
        product_approve(product=product, reviewer=operator)
    assert error.value.messages == [
        "The product has no picture: buyers see one on every card."
    ]
    catalogue.picture(product)
    product_approve(product=product, reviewer=operator)


def test_a_product_off_the_positive_list_cannot_go_live_for_china(catalogue, operator):
    from etalage.customs.models import PositiveListEntry

    product = catalogue.product(status="draft")
    catalogue.picture(product)
    PositiveListEntry.objects.filter(hs_code=product.hs_code).delete()
    product_submit_for_review(product=product)
    with pytest.raises(ListingRuleBroken) as error:
        product_approve(product=product, reviewer=operator)
    assert error.value.messages == [
        "HS code 1806900000 is not on China's cross-border e-commerce positive list: "
        "the product cannot be sold to China."
    ]
