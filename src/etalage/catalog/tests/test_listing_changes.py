"""Changes to the reviewed fields of a live listing wait for the operator while the
approved version stays on sale (names, HS code, tax class, origin, category, net
content); everything else changes at once."""

import csv
import io
from dataclasses import replace

import pytest
from django.contrib.auth import get_user_model

from etalage.catalog.changes import listing_change_approve, listing_change_reject
from etalage.catalog.exceptions import ListingRuleBroken
from etalage.catalog.models import ListingChange, Product
from etalage.catalog.services import (
    ProductText,
    VariantData,
    product_update,
    variant_update,
)
from etalage.imports import import_template_csv, product_import
from etalage.merchants.api_keys import api_key_create
from etalage.merchants.models import MerchantMember

OFF_THE_LIST = "2203000000"  # beer: not on the test positive list


@pytest.fixture
def live(catalogue):
    product = catalogue.product(status="live", name="Pralines")
    catalogue.picture(product)
    return product


@pytest.fixture
def operator(db):
    return get_user_model().objects.create_superuser("op", "op@example.com", "pw")


def zh_name(product):
    return product.translations.get(language="zh-hans").name


def test_a_patch_through_the_api_leaves_the_live_listing_as_approved(
    client, catalogue, live
):
    owner = get_user_model().objects.create_user("owner")
    _key, key = api_key_create(merchant=live.merchant, name="ERP",
                               scopes=["catalog:write"], created_by=owner)  # fmt: skip
    before = zh_name(live)
    response = client.patch(
        f"/api/v1/merchant/products/{live.pk}",
        {"hs_code": OFF_THE_LIST, "tax_class": "beer", "brand": "New brand",
         "texts": {"zh-hans": {"name": "新名字", "description": "新的介绍"}}},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    body = response.json()
    # On sale: the approved HS code, tax class and name; the brand and the
    # description (not reviewed) changed at once.
    assert (body["hs_code"], body["tax_class"]) == ("1806900000", "ordinary-13")
    assert body["texts"]["zh-hans"]["name"] == before
    assert body["texts"]["zh-hans"]["description"] == "新的介绍"
    assert body["brand"] == "New brand"
    change = body["latest_change"]
    assert change["status"] == "pending"
    assert change["fields"] == {"hs_code": OFF_THE_LIST, "tax_class": "beer"}
    assert change["names"] == {"zh-hans": "新名字"}
    # Buyers still see and can quote the approved version.
    shown = client.get(
        f"/api/v1/products/{live.slug}", headers={"Accept-Language": "zh-hans"}
    )
    assert shown.status_code == 200, shown.json()
    on_sale = shown.json()["product"]
    assert (on_sale["hs_code"], on_sale["name"]) == ("1806900000", before)
    live.refresh_from_db()
    assert live.is_live and live.hs_code == "1806900000"


def test_the_operator_cannot_approve_a_change_that_breaks_the_rules(live, operator):
    product_update(product=live, fields={"hs_code": OFF_THE_LIST})
    change = ListingChange.objects.get(product=live)
    with pytest.raises(ListingRuleBroken) as error:
        listing_change_approve(change=change, reviewer=operator)
    assert "positive list" in error.value.messages[0]
    change.refresh_from_db()
    live.refresh_from_db()
    assert change.status == ListingChange.Status.PENDING
    assert live.hs_code == "1806900000"
    listing_change_reject(
        change=change, reviewer=operator, reason="Beer is not chocolate."
    )
    change.refresh_from_db()
    assert (change.status, change.rejection_reason) == (
        "rejected",
        "Beer is not chocolate.",
    )


def test_an_approved_change_goes_live(live, operator, catalogue):
    other = catalogue.category("truffles")
    product_update(
        product=live,
        fields={"tax_class": "food-9", "category": other},
        texts={"zh-hans": ProductText(name="松露巧克力")},
    )
    live.refresh_from_db()
    assert live.tax_class == "ordinary-13" and live.category != other
    listing_change_approve(change=ListingChange.objects.get(), reviewer=operator)
    live.refresh_from_db()
    assert (live.tax_class, live.category, zh_name(live)) == (
        "food-9",
        other,
        "松露巧克力",
    )
    assert live.is_live


def test_a_new_net_content_waits_and_changing_it_back_withdraws_it(live, operator):
    variant = live.variants.get()
    data = VariantData(sku=variant.sku, price_eur=variant.price_eur,
                       weight_grams=variant.weight_grams, net_content=500,
                       net_unit="g")  # fmt: skip
    variant_update(variant=variant, data=data, is_active=True)
    variant.refresh_from_db()
    assert variant.net_content == 250
    assert ListingChange.objects.get().nets == {str(variant.pk): [500, "g"]}
    variant_update(variant=variant, data=replace(data, net_content=250), is_active=True)
    assert not ListingChange.objects.exists()


def test_a_draft_changes_at_once(catalogue):
    draft = catalogue.product(status="draft")
    product_update(product=draft, fields={"tax_class": "food-9"})
    draft.refresh_from_db()
    assert draft.tax_class == "food-9"
    assert not ListingChange.objects.exists()


def test_an_import_holds_the_reviewed_changes_of_a_live_listing(catalogue, operator):
    catalogue.category("pralines")
    merchant = catalogue.merchant("Maison Exemple")
    product_import(merchant=merchant, file_name="a.csv",
                   data=import_template_csv(example=True))  # fmt: skip
    product = Product.objects.get()
    Product.objects.filter(pk=product.pk).update(status="live")
    rows = list(csv.DictReader(io.StringIO(
        import_template_csv(example=True).decode("utf-8-sig"))))  # fmt: skip
    rows[0]["tax_class"] = "food-9"
    rows[0]["name_zh-hans"] = "新名字"
    rows[0]["description_en"] = "Now with more hazelnuts."
    rows[1]["net_content"] = "300 g"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    summary = product_import(merchant=merchant, file_name="b.csv",
                             data=buffer.getvalue().encode())  # fmt: skip
    assert summary.changes_in_review == 1
    product.refresh_from_db()
    assert product.tax_class == "ordinary-13"
    assert zh_name(product) == "果仁糖礼盒"
    assert product.translations.get(language="en").description == (
        "Now with more hazelnuts."
    )
    milk = product.variants.get(sku="PRAL-250-MILK")
    assert milk.net_content == 250
    change = ListingChange.objects.get()
    assert change.fields == {"tax_class": "food-9"}
    assert change.texts == {"zh-hans": {"name": "新名字"}}
    assert change.nets == {str(milk.pk): [300, "g"]}


def test_the_portal_shows_the_change_waiting_and_the_storefront_the_approved_name(
    client, live
):
    user = get_user_model().objects.create_user("editor")
    MerchantMember.objects.create(merchant=live.merchant, user=user, role="catalogue")
    client.force_login(user)
    page = client.get(f"/en/portal/products/{live.pk}/")
    form = page.context["form"]
    variants = page.context["variants"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["name_zh-hans"] = "新名字"
    # As a browser sends it: the variant, and the empty card for a new one, whose
    # unit menu always sends its first choice.
    data.update({"variants-TOTAL_FORMS": "2", "variants-INITIAL_FORMS": "1"})
    for name, value in variants.forms[0].initial.items():
        data[f"variants-0-{name}"] = value
    data["variants-0-is_active"] = "on"
    data["variants-1-net_unit"] = "g"
    data["variants-1-is_active"] = "on"
    saved = client.post(f"/en/portal/products/{live.pk}/", data, follow=True)
    html = saved.content.decode()
    assert "wait for the marketplace&#x27;s review" in html
    assert "Changes waiting for review" in html and "新名字" in html
    client.logout()
    storefront = client.get(f"/zh-hans/p/{live.slug}/").content.decode()
    assert "新名字" not in storefront


def test_the_operator_decides_on_the_products_own_page(client, live, operator):
    product_update(product=live, fields={"tax_class": "food-9"})
    client.force_login(operator)
    page = client.get(f"/backoffice/catalog/product/{live.pk}/change/").content.decode()
    assert "Changes waiting for review" in page and "food-9" in page
    client.post(f"/backoffice/catalog/product/{live.pk}/decide/",
                {"decision": "approve_change"})  # fmt: skip
    live.refresh_from_db()
    assert live.tax_class == "food-9"
    # A listing in review is approved or rejected from its page too.
    Product.objects.filter(pk=live.pk).update(status="in_review")
    page = client.get(f"/backoffice/catalog/product/{live.pk}/change/").content.decode()
    assert "Approve: put it live" in page
    reason = "The picture is blurred."
    client.post(f"/backoffice/catalog/product/{live.pk}/decide/",
                {"decision": "reject", "reason": reason})  # fmt: skip
    live.refresh_from_db()
    assert (live.status, live.rejection_reason) == (
        "rejected",
        "The picture is blurred.",
    )
