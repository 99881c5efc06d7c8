"""The carrier is told where the parcel goes as carriers in China ask for it: the
division's names and its GB/T 2260 code; the sandbox carrier routes by the code."""

from etalage.logistics import sandbox_carrier
from etalage.logistics.last_mile import consignee_of
from etalage.logistics.tests.test_last_mile import released  # noqa: F401 (fixture)


def test_the_carrier_gets_the_division_code_and_routes_by_it(released):  # noqa: F811
    consignee = consignee_of(released.sub_order.order)
    assert (consignee.province, consignee.city, consignee.district) == (
        "上海市",
        "上海市",
        "浦东新区",
    )
    assert consignee.region_code == "310115" and consignee.phone
    shipment = sandbox_carrier.SandboxShipment.objects.get(waybill=released.waybill)
    assert shipment.region_code == "310115"
    places = {place for _status, place, _detail in sandbox_carrier._steps(shipment)}
    assert "上海市浦东新区" in places
