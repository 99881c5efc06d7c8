"""CEB311: a two-line sub-order's message matches its golden file and its schema;
each arithmetic or format fault is refused by field before anything is sent."""

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from etalage.declarations.messages import (
    MessageRefused,
    OrderDoc,
    OrderLineDoc,
    Party,
    Transfer,
    ceb311,
)

GOLDEN = Path(__file__).parent / "golden"
D = Decimal

ORDER = OrderDoc(
    guid="4CDE1CDA-9B6F-4A63-8E4C-2F0B7A1D5E21",
    app_time=datetime(2026, 11, 30, 18, 5, 0),
    order_no="E2611-XWN8-D3CQ-487Z-1",
    platform=Party("1105910159", "Etalage demo operator"),
    seller=Party("1105910160", "Maison Verhaeghe Chocolatier SRL"),
    goods_value=D("246.80"),
    freight=D("58.00"),
    discount=D("0.00"),
    tax_total=D("27.21"),
    paid=D("332.01"),
    buyer_reg_no="buyer-7",
    buyer_name="王小明",
    buyer_telephone="13800138000",
    buyer_id_number="360426199101010071",
    pay_company=Party("312226T001", "Alipay"),
    pay_transaction_id="2026113022001",
    consignee="王小明",
    consignee_telephone="13800138000",
    consignee_address="上海市 上海市 浦东新区 世纪大道 100 号",
    consignee_district="310115",
    lines=[
        OrderLineDoc(
            item_no="MV-101-1000",
            name="果仁糖礼盒 · 经典",
            qty=2,
            price=D("79.30"),
            model="Maison Verhaeghe; 1000 g",
        ),
        OrderLineDoc(
            item_no="MV-205-250",
            name="黑巧克力板",
            qty=1,
            price=D("88.20"),
            model="Maison Verhaeghe; 250 g",
            bar_code="5412345000013",
        ),
    ],
)
TRANSFER = Transfer(
    cop=Party("1105910159", "Etalage demo operator"), dxp_id="DXPENT0000000001"
)


def test_a_two_line_order_is_the_golden_message_and_valid():
    message = ceb311([ORDER], TRANSFER, guid="0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0")
    assert message == (GOLDEN / "ceb311-direct-two-lines.xml").read_bytes()
    root = etree.fromstring(message)
    ns = {"ceb": "http://www.chinaport.gov.cn/ceb"}
    assert (
        root.findtext("ceb:Order/ceb:OrderHead/ceb:acturalPaid", namespaces=ns)
        == "332.01"
    )
    assert root.findtext("ceb:Order/ceb:OrderList[2]/ceb:gnum", namespaces=ns) == "2"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"paid": D("332.00")}, "acturalPaid"),
        ({"goods_value": D("246.81"), "paid": D("332.02")}, "goodsValue"),
        ({"buyer_id_number": "36042619910101007"}, "buyerIdNumber"),
        ({"guid": "not-a-guid"}, "guid"),
        ({"consignee_telephone": "1" * 51}, "consigneeTelephone"),
        ({"buyer_name": "王\x01小明"}, "buyerName"),
        ({"consignee_address": "世纪大道\x0b100 号"}, "consigneeAddress"),
        ({"lines": []}, "OrderList"),
        ({"consignee_district": "31011"}, "consigneeDistrict"),
        ({"consignee_district": "上海浦东"}, "consigneeDistrict"),
    ],
)
def test_a_wrong_field_is_refused_by_name(change, field):
    with pytest.raises(MessageRefused) as refused:
        ceb311(
            [replace(ORDER, **change)],
            TRANSFER,
            guid="0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0",
        )
    assert refused.value.field == field


def test_a_refused_id_number_is_named_but_never_repeated():
    wrong = "36042619910101007"
    with pytest.raises(MessageRefused) as refused:
        ceb311(
            [replace(ORDER, buyer_id_number=wrong)],
            TRANSFER,
            guid="0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0",
        )
    assert refused.value.field == "buyerIdNumber"
    assert wrong not in str(refused.value)


def test_an_address_without_a_region_code_leaves_consignee_district_out():
    message = ceb311(
        [replace(ORDER, consignee_district="")],
        TRANSFER,
        guid="0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0",
    )
    assert b"consigneeDistrict" not in message
    assert b"<ceb:consigneeAddress>" in message
