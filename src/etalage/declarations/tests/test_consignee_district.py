"""The consignee's division code goes to customs: CEB311's ``consigneeDistrict``,
from the address's GB/T 2260 code kept with the order, valid against customs' own
import XSD (both revisions)."""

from lxml import etree

from etalage.declarations.tests.test_conformance import (
    _sent,
    assert_official,
    reference,
)

NS = {"ceb": "http://www.chinaport.gov.cn/ceb"}


def _district(message: bytes) -> str | None:
    root = etree.fromstring(message)
    return root.findtext("ceb:Order/ceb:OrderHead/ceb:consigneeDistrict", namespaces=NS)


def test_a_parcel_s_order_message_names_the_consignee_s_district_code(customs):
    reference()
    order = customs.paid()  # the buyer's address: 上海市 浦东新区
    assert order.region_code == "310115"
    customs.declare()
    message = _sent(order.sub_orders.get(), "311")
    assert _district(message) == "310115"
    assert_official(message, "CEB311 with consigneeDistrict")


def test_an_order_placed_from_an_address_chosen_in_the_lists_carries_its_code(
    customs, shopping
):
    from etalage.customs.services import address_add

    reference()
    buyer = shopping.buyer()
    address_add(
        user=buyer,
        recipient="陈静",
        phone="13700001234",
        region_code="441900",
        street="长安镇振安中路 88 号",
        is_default=True,
    )
    order = customs.paid(buyer=buyer)
    assert (order.province, order.city, order.district) == ("广东省", "东莞市", "")
    customs.declare()
    message = _sent(order.sub_orders.get(), "311")
    assert _district(message) == "441900"
    assert_official(message, "CEB311 for a city without districts")
