"""Codes scanned or typed at the hub are read one way: a bag is never opened twice
because a code came with a space, in lower case or in full-width forms."""

import pytest
from django.utils import translation

from etalage.logistics.codes import code_normalised, is_bag_code
from etalage.logistics.models import Bag
from etalage.logistics.services import (
    ParcelRefused,
    hub_receive,
    parcel_hand_over,
    parcel_pack,
)


@pytest.mark.parametrize(
    "typed",
    [
        "BAG-12",
        " bag-12 ",
        "BAG -12",
        "B A G-1 2",
        "\tbag-12\r\n",
        "BAG-12\x1d",  # a GS1 scanner's group separator
        "BAG\u00a0-12",  # a no-break space
        "BAG\u200b-12",  # a zero-width one, pasted along
        "ＢＡＧ－１２",  # a Chinese input method's full-width forms
        "BAG\u3000-12",  # and its ideographic space
    ],
)
def test_a_code_is_read_without_its_spaces_in_upper_case(typed):
    assert code_normalised(typed) == "BAG-12"


def test_only_letters_digits_and_hyphens_name_a_bag():
    assert is_bag_code("BAG-12") and is_bag_code("7")
    assert not is_bag_code("") and not is_bag_code("BAG#12")
    assert not is_bag_code("-12") and not is_bag_code("B" * 21)


@pytest.fixture
def received(shopping):
    from etalage.orders.services import order_pay

    parcels = []
    for n in range(2):
        buyer = shopping.buyer()
        shopping.cart(buyer, [(shopping.products["a"], 1)])
        sub = order_pay(order=shopping.place(buyer, key=f"k{n}").order).sub_orders.get()
        parcel = parcel_hand_over(parcel=parcel_pack(sub_order=sub, grams=400))
        parcels.append(hub_receive(code=f" {parcel.code.lower()} ", grams=400))
    return parcels


def test_a_bag_scanned_with_spaces_is_the_bag_already_open(received):
    from etalage.logistics.consolidation import bag_fill

    first, second = received
    bag = bag_fill(bag_code="BAG-12", codes=[first.code])
    again = bag_fill(bag_code=" bag - 12 ", codes=[f"  {second.code} "])
    assert again.pk == bag.pk and Bag.objects.count() == 1
    assert set(bag.parcels.values_list("code", flat=True)) == {
        first.code,
        second.code,
    }


def test_a_parcel_typed_with_inner_spaces_is_found(shopping):
    from etalage.orders.services import order_pay

    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    sub = order_pay(order=shopping.place(buyer).order).sub_orders.get()
    parcel = parcel_hand_over(parcel=parcel_pack(sub_order=sub, grams=400))
    spaced = " ".join(parcel.code.lower().split("-", 1))
    assert hub_receive(code=spaced.replace(" ", " - "), grams=400).state == "received"


def test_a_bag_code_that_cannot_be_one_is_refused_by_name(received):
    from etalage.logistics.consolidation import bag_fill

    with translation.override("en"), pytest.raises(ParcelRefused) as refused:
        bag_fill(bag_code="bag #12", codes=[received[0].code])
    assert refused.value.field == "bag" and "letters, digits or hyphens" in str(
        refused.value
    )
    assert not Bag.objects.exists()
