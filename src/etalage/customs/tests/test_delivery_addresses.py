"""Delivery addresses: the division by its GB/T 2260 code (or by names typed), an
optional postcode, one default per buyer; refusals name the field and the reason."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from etalage.customs.selectors import addresses_of
from etalage.customs.services import (
    address_add,
    address_delete,
    address_make_default,
    address_update,
)

FIELDS = {"recipient": "王小明", "phone": "138 0013 8000", "street": "世纪大道 100 号"}


@pytest.fixture
def buyer(db):
    return get_user_model().objects.create_user("buyer", password="pw")


def test_an_address_chosen_by_its_district_code_keeps_the_table_s_names(buyer):
    address = address_add(
        user=buyer, region_code="310115", postcode=" 200120", **FIELDS
    )
    assert (address.province, address.city, address.district) == (
        "上海市",
        "上海市",
        "浦东新区",
    )
    assert (address.region_code, address.postcode, address.phone) == (
        "310115",
        "200120",
        "+8613800138000",
    )


def test_names_typed_as_before_find_their_code(buyer):
    address = address_add(
        user=buyer, province="广东", city="深圳市", district="南山区", **FIELDS
    )
    assert address.region_code == "440305" and address.province == "广东省"


@pytest.mark.parametrize(
    "region, field",
    [
        ({"region_code": "440300"}, "district"),  # Shenzhen has districts
        ({"region_code": "440000"}, "city"),
        ({"region_code": "999999"}, "province"),
        ({"province": "上海市", "city": "上海市", "district": "南山区"}, "district"),
        ({"province": "Nowhere", "city": "X", "district": "Y"}, "province"),
        ({"region_code": "310115", "postcode": "20012"}, "postcode"),
    ],
)
def test_a_place_that_is_not_one_is_refused_naming_the_step(buyer, region, field):
    with pytest.raises(ValidationError) as refused:
        address_add(user=buyer, **FIELDS, **region)
    assert field in refused.value.message_dict
    assert not buyer.addresses.exists()


def test_the_first_address_is_the_default_and_another_can_become_it(buyer):
    first = address_add(user=buyer, region_code="310115", **FIELDS)
    second = address_add(user=buyer, region_code="441900", **FIELDS)
    assert [a.pk for a in addresses_of(user=buyer)] == [first.pk, second.pk]
    address_make_default(address=second)
    assert [a.pk for a in addresses_of(user=buyer)] == [second.pk, first.pk]
    assert buyer.addresses.filter(is_default=True).count() == 1
    address_update(address=first, region_code="110105", is_default=True, **FIELDS)
    assert addresses_of(user=buyer)[0].pk == first.pk


def test_deleting_the_default_makes_the_oldest_left_the_default(buyer):
    first = address_add(user=buyer, region_code="310115", **FIELDS)
    second = address_add(user=buyer, region_code="441900", **FIELDS)
    third = address_add(user=buyer, region_code="110105", **FIELDS)
    address_delete(address=first)
    assert buyer.addresses.get(is_default=True).pk == second.pk
    assert third.pk in {a.pk for a in addresses_of(user=buyer)}
