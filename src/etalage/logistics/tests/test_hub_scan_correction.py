"""A weight far from the packed one is asked again before the parcel is refused, and
the hub corrects its own last scan with a reason, kept in the parcel's history."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from etalage.logistics.models import HubScan, Parcel
from etalage.logistics.services import (
    ParcelRefused,
    WeightOutOfTolerance,
    hub_receive,
    hub_refuse,
    hub_scan_correct,
    parcel_hand_over,
    parcel_pack,
)
from etalage.logistics.vocabulary import Step


@pytest.fixture
def parcel(shopping):
    from etalage.orders.services import order_pay

    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    sub = order_pay(order=shopping.place(buyer).order).sub_orders.get()
    return parcel_hand_over(parcel=parcel_pack(sub_order=sub, grams=640))


def steps(parcel):
    return list(parcel.events.values_list("step", flat=True))


def test_a_weight_out_of_tolerance_is_asked_again_and_writes_nothing(parcel):
    with translation.override("en"), pytest.raises(WeightOutOfTolerance) as asked:
        hub_receive(code=parcel.code, grams=6400)  # a zero too many
    assert asked.value.field == "grams"
    assert "6400 g is 5760 g more than the 640 g packed (±64 g allowed)" in str(
        asked.value
    )
    parcel.refresh_from_db()
    assert parcel.state == "handed_over" and not parcel.hub_scans.exists()
    assert steps(parcel) == [Step.INFO_RECEIVED]
    # Weighed again: the right weight is received, as if nothing happened.
    assert hub_receive(code=parcel.code, grams=650).state == "received"
    assert steps(parcel) == [Step.INFO_RECEIVED, Step.RECEIVED_AT_HUB]


def test_a_lighter_parcel_confirmed_is_refused_as_underweight(parcel):
    with translation.override("fr"), pytest.raises(WeightOutOfTolerance) as asked:
        hub_receive(code=parcel.code, grams=300)
    assert "moins" in str(asked.value)  # in the hub worker's language
    refused = hub_receive(code=parcel.code, grams=300, confirmed=True)
    assert (refused.state, refused.refusal, refused.measured_grams) == (
        "refused",
        "underweight",
        300,
    )
    assert steps(parcel)[-1] == Step.EXCEPTION


def test_the_hub_corrects_a_confirmed_mistake_and_the_parcel_is_received(parcel):
    worker = get_user_model().objects.create_user("hub-worker")
    hub_receive(code=parcel.code, grams=6400, confirmed=True, by=worker)
    with translation.override("en"), pytest.raises(ParcelRefused, match="correct it"):
        hub_receive(code=parcel.code, grams=640)  # a scan again is not the way
    with translation.override("en"), pytest.raises(ParcelRefused) as why:
        hub_scan_correct(code=parcel.code, grams=640, reason="  ")
    assert why.value.field == "reason"
    corrected = hub_scan_correct(
        code=parcel.code.lower(), grams=640, reason="typed 6400 for 640", by=worker
    )
    assert (corrected.state, corrected.refusal, corrected.measured_grams) == (
        "received",
        "",
        640,
    )
    assert corrected.received_at is not None
    first, correction = parcel.hub_scans.all()
    assert (first.outcome, first.grams, first.refusal) == (
        "refused",
        6400,
        "overweight",
    )
    assert (correction.outcome, correction.grams, correction.corrects) == (
        "received",
        640,
        first,
    )
    assert (correction.reason, correction.by) == ("typed 6400 for 640", worker)
    # The timeline keeps the refusal and tells the correction.
    assert steps(parcel) == [Step.INFO_RECEIVED, Step.EXCEPTION, Step.RECEIVED_AT_HUB]


def test_a_received_parcel_is_corrected_to_refused_and_a_weight_quietly(parcel):
    hub_receive(code=parcel.code, grams=660)
    hub_scan_correct(code=parcel.code, grams=645, reason="the scale was not zeroed")
    parcel.refresh_from_db()
    assert (parcel.state, parcel.measured_grams) == ("received", 645)
    assert steps(parcel) == [Step.INFO_RECEIVED, Step.RECEIVED_AT_HUB]  # no new step
    with translation.override("en"), pytest.raises(ParcelRefused, match="already"):
        hub_scan_correct(code=parcel.code, grams=645, reason="again")
    refused = hub_scan_correct(
        code=parcel.code, refusal="damaged", note="corner crushed", reason="missed it"
    )
    assert (refused.state, refused.refusal, refused.received_at) == (
        "refused",
        "damaged",
        None,
    )
    assert steps(parcel)[-1] == Step.EXCEPTION
    chain = list(parcel.hub_scans.values_list("outcome", "corrects__outcome"))
    assert chain == [
        ("received", None),
        ("received", "received"),
        ("refused", "received"),
    ]


def test_a_correction_out_of_tolerance_is_asked_again_too(parcel):
    hub_refuse(code=parcel.code, refusal="unlabelled")
    with pytest.raises(WeightOutOfTolerance):
        hub_scan_correct(code=parcel.code, grams=64, reason="label was there")
    assert Parcel.objects.get(pk=parcel.pk).refusal == "unlabelled"
    hub_scan_correct(code=parcel.code, grams=64, confirmed=True, reason="weighed")
    assert Parcel.objects.get(pk=parcel.pk).refusal == "underweight"


def test_no_correction_once_bagged_packed_again_or_never_scanned(parcel):
    from etalage.logistics.consolidation import bag_fill

    with translation.override("en"):
        with pytest.raises(ParcelRefused, match="no scan of the hub's to correct"):
            hub_scan_correct(code=parcel.code, grams=640, reason="x")
        with pytest.raises(ParcelRefused, match="No parcel has the code NOPE"):
            hub_scan_correct(code="NOPE", grams=640, reason="x")
        hub_receive(code=parcel.code, grams=640)
        bag_fill(bag_code="BAG-7", codes=[parcel.code])
        with pytest.raises(ParcelRefused, match="in bag BAG-7 already"):
            hub_scan_correct(code=parcel.code, grams=641, reason="x")
    assert HubScan.objects.count() == 1


def test_a_parcel_refused_and_packed_again_is_the_merchant_s_again(parcel):
    hub_receive(code=parcel.code, grams=900, confirmed=True)
    parcel_pack(sub_order=parcel.sub_order, grams=900)
    with translation.override("en"), pytest.raises(ParcelRefused, match="is packed"):
        hub_scan_correct(code=parcel.code, grams=900, reason="x")
    assert hub_receive(code=parcel.code, grams=905).state == "received"
    # Each refusal and each receipt is in the timeline, not only the first.
    assert steps(parcel).count(Step.RECEIVED_AT_HUB) == 1
    assert steps(parcel).count(Step.EXCEPTION) == 1
