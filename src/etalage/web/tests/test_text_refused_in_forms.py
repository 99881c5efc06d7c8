"""A control character typed into a form that feeds customs, carriers, banks or
labels is refused on its field, and nothing is written."""

import pytest
from django.contrib.auth import get_user_model

from etalage.catalog.models import Product
from etalage.customs.models import BuyerIdentity, DeliveryAddress
from etalage.merchants.models import Merchant, MerchantMember
from etalage.web.tests.test_merchant_onboarding import GOOD, chocolate  # noqa: F401
from etalage.web.tests.test_portal_company import DETAILS
from etalage.web.tests.test_portal_products import form_data

REFUSED = "Remove the invisible control character U+0001"


def refused_fields(response) -> set[str]:
    """The fields of the page's form refused with the rule's message, after checking
    that the page shows that message."""
    assert REFUSED in response.content.decode()
    errors = response.context["form"].errors
    return {name for name, messages in errors.items() if REFUSED in " ".join(messages)}


@pytest.fixture
def buyer(client, markets):
    user = get_user_model().objects.create_user("buyer", email="b@example.cn")
    client.force_login(user)
    return user


ADDRESS = {
    "recipient": "王小明",
    "phone": "13912345678",
    "province": "上海市",
    "city": "上海市",
    "district": "浦东新区",
    "street": "世纪大道 100 号",
}


def test_an_address_with_a_control_character_is_refused_on_its_field(client, buyer):
    response = client.post(
        "/en/account/addresses/new/", {**ADDRESS, "street": "世纪大道\x01100 号"}
    )
    assert refused_fields(response) == {"street"}
    assert not DeliveryAddress.objects.exists()


def test_a_line_break_in_an_address_line_is_refused(client, buyer):
    response = client.post(
        "/en/account/addresses/new/", {**ADDRESS, "recipient": "王\n小明"}
    )
    assert "Write this on one line" in response.content.decode()
    assert not DeliveryAddress.objects.exists()


def test_an_identity_name_with_a_control_character_is_refused(client, buyer):
    response = client.post(
        "/en/account/",
        {"real_name": "王\x01小明", "id_number": "11010519491231002X",
         "mobile": "13912345678", "consent": "on"},
    )  # fmt: skip
    assert refused_fields(response) == {"real_name"}
    assert not BuyerIdentity.objects.exists()


def test_an_application_with_a_control_character_is_refused(client, chocolate):  # noqa: F811
    response = client.post(
        "/en/portal/apply/",
        {**GOOD, "legal_name": "Chocolaterie\x01Test SRL",
         "categories": [str(chocolate.pk)]},
    )  # fmt: skip
    assert refused_fields(response) == {"legal_name"}
    assert not Merchant.objects.exists()
    assert not get_user_model().objects.exists()


def test_company_details_with_a_control_character_change_nothing(client, catalogue):
    merchant = catalogue.merchant("Maison")
    user = get_user_model().objects.create_user("anne")
    MerchantMember.objects.create(merchant=merchant, user=user, role="owner")
    client.force_login(user)
    response = client.post(
        "/en/portal/company/", {**DETAILS, "street": "Rue\x01Neuve 2"}
    )
    assert refused_fields(response) == {"street"}
    merchant.refresh_from_db()
    assert "\x01" not in merchant.street


def test_a_product_name_with_a_control_character_is_refused(client, catalogue):
    merchant = catalogue.merchant("Maison")
    user = get_user_model().objects.create_user("editor")
    MerchantMember.objects.create(merchant=merchant, user=user, role="catalogue")
    client.force_login(user)
    category = catalogue.category("pralines")
    response = client.post(
        "/en/portal/products/new/",
        form_data(category, **{"name_fr": "Pra\x01lines",
                               "description_fr": "Faites main.\nÀ Liège."}),
    )  # fmt: skip
    assert refused_fields(response) == {"name_fr"}
    assert not Product.objects.exists()
