"""One home per catalogue rule: the same bad SKU, price or weight is refused with the
same words, in the merchant's language and naming the field, whichever door it came
through — the portal's product form, the merchant API or the catalogue import."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.html import escape

from etalage.catalog.models import Category, Product
from etalage.imports import COLUMNS, ImportRefused, import_template_csv, product_import
from etalage.merchants.api_keys import api_key_create
from etalage.merchants.models import MerchantMember
from etalage.money import format_number
from etalage.web.portal.products import VariantForm

LANGUAGES = ["en", "fr", "nl", "zh-hans"]

# (field, what the portal and the API are sent, what the import file holds,
#  the import's column, the refusal in English, the rule's figure it states)
BAD = {
    "sku": (
        "sku", "PR 250!", "PR 250!", "sku",
        "The SKU is 1 to 64 characters: letters, digits and . _ / -, starting "
        "with a letter or a digit.", 64,
    ),
    "price": (
        "price_eur", "1000000.00", "1000000.00", "price_eur",
        "The price (EUR) is more than 0 and below 1,000,000, with at most 2 "
        "decimals.", 1_000_000,
    ),
    "weight": (
        "weight_grams", "2000000", "2000 kg", "weight",
        "The shipping weight is a whole number of grams from 1 to 1,000,000.",
        1_000_000,
    ),
}  # fmt: skip


@pytest.fixture
def maison(client, catalogue):
    """A merchant with a catalogue manager signed in and an API key."""
    catalogue.category("pralines", names={"en": "Pralines", "fr": "Pralines"})
    merchant = catalogue.merchant("Maison")
    user = get_user_model().objects.create_user("editor")
    MerchantMember.objects.create(merchant=merchant, user=user, role="catalogue")
    client.force_login(user)
    _key, secret = api_key_create(
        merchant=merchant, name="ERP", scopes=["catalog:write"], created_by=user
    )
    return {"merchant": merchant, "client": client, "key": secret}


def portal_refusal(maison, language, field, value):
    """The portal's product form, posted with one bad value: the refusal shown
    on that field of the variant's card."""
    variant = {"sku": "PR-250", "price_eur": "24.50", "weight_grams": "350",
               field: value}  # fmt: skip
    prefix = "" if language == "zh-hans" else f"/{language}"  # the default: none
    html = maison["client"].post(f"{prefix}/portal/products/new/", {
        "category": str(Category.objects.get(slug="pralines").pk),
        "brand": "Maison", "hs_code": "1806.90.00.00", "tax_class": "ordinary-13",
        "origin_country": "BE", "name_fr": "Pralines",
        "variants-TOTAL_FORMS": "1", "variants-INITIAL_FORMS": "0",
        **{f"variants-0-{name}": v for name, v in variant.items()},
        "variants-0-net_content": "250", "variants-0-net_unit": "g",
        "variants-0-is_active": "on",
    }, headers={"Accept-Language": language}).content.decode()  # fmt: skip
    begins = html.index('id="error-summary"')
    summary = html[begins : html.index("</ul>", begins)]
    with translation.override(language):
        label = escape(str(VariantForm.base_fields[field].label))
    start = summary.index(f"{label}</a>: ") + len(f"{label}</a>: ")
    return summary[start : summary.index("</li>", start)]


def api_refusal(maison, language, field, value):
    """The merchant API's product creation with one bad value: the error."""
    variant = {"sku": "PR-250", "price_eur": "24.50", "weight_grams": 350,
               "net_content": 250, "net_unit": "g"}  # fmt: skip
    variant[field] = int(value) if field == "weight_grams" else value
    response = maison["client"].post(
        "/api/v1/merchant/products",
        {"category": "pralines", "brand": "Maison", "hs_code": "1806.90.00.00",
         "tax_class": "ordinary-13", "texts": {"fr": {"name": "Pralines"}},
         "variants": [variant]},
        content_type="application/json",
        headers={"Authorization": f"Bearer {maison['key']}",
                 "Accept-Language": language},
    )  # fmt: skip
    assert response.status_code == 422, response.content
    return response.json()["error"]


def import_refusal(maison, language, column, cell):
    """A catalogue file whose first row holds one bad cell: its problems."""
    text = import_template_csv(example=True).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))[:1]
    rows[0][column] = cell
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*COLUMNS, "attr_flavour"])
    writer.writeheader()
    writer.writerows(rows)
    with translation.override(language), pytest.raises(ImportRefused) as refused:
        product_import(merchant=maison["merchant"], file_name="catalogue.csv",
                       data=buffer.getvalue().encode())  # fmt: skip
    return {(p.row, p.column): p.message for p in refused.value.problems}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("bad", BAD, ids=list(BAD))
def test_the_portal_the_api_and_the_import_refuse_a_bad_value_alike(
    maison, markets, language, bad
):
    field, sent, cell, column, english, figure = BAD[bad]

    api = api_refusal(maison, language, field, sent)
    portal = portal_refusal(maison, language, field, sent)
    file = import_refusal(maison, language, column, cell)

    assert api["field"] == f"variants.0.{field}"
    assert escape(api["message"]) == portal
    assert file == {(2, column): api["message"]}
    # In the reader's language, with the rule's figure written as it writes them.
    assert (api["message"] == english) == (language == "en")
    assert format_number(figure, language) in api["message"]
    assert not Product.objects.exists()
