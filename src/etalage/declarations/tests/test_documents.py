"""The payment, waybill, inventory, cancellation and return messages, and customs'
answers: each matches its golden file (a two-line sub-order, on each route) and
its schema; a wrong field is refused by name; the simulator matches the three
documents and the inventory on every field customs compares, each wrong in turn."""

import os
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from etalage.declarations.inventory import (
    BONDED,
    InventoryDoc,
    InventoryLineDoc,
    ReturnLineDoc,
    WithdrawalDoc,
    ceb621,
    ceb623,
    ceb625,
)
from etalage.declarations.messages import (
    MessageRefused,
    Party,
    PaymentDoc,
    WaybillDoc,
    ceb411,
    ceb511,
)
from etalage.declarations.receipts import (
    ReceiptDoc,
    TaxBillDoc,
    TaxLineDoc,
    read_answer,
    receipt_xml,
    tax_bill_xml,
)
from etalage.declarations.simulator import mismatches
from etalage.declarations.tests.test_messages import ORDER, TRANSFER

GOLDEN = Path(__file__).parent / "golden"
D = Decimal
ENVELOPE = "0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0"
AT = datetime(2026, 11, 30, 18, 5, 0)
PLATFORM = ORDER.platform
SELLER = ORDER.seller
LOGISTICS = Party("4101980ETH", "Etalage Liege hub logistics")

PAYMENT = PaymentDoc(
    guid="7A1B2C3D-4E5F-4061-8273-94A5B6C7D8E9",
    app_time=AT,
    order_no=ORDER.order_no,
    platform=PLATFORM,
    pay_company=Party("31222699S7", "支付宝（中国）网络技术有限公司"),
    pay_transaction_id="2026113022001",
    payer_name="王小明",
    payer_id_number="360426199101010071",
    telephone="13800138000",
    amount_paid=D("332.01"),
    pay_time=datetime(2026, 11, 30, 17, 58, 12),
)
WAYBILL = WaybillDoc(
    guid="1C2D3E4F-5A6B-4C7D-8E9F-A0B1C2D3E4F5",
    app_time=AT,
    order_no=ORDER.order_no,
    logistics=LOGISTICS,
    logistics_no="ETP-7Q4K-2M9X",
    bill_no="00000000011",
    freight=D("58.00"),
    grams=1480,
    consignee="王小明",
    consignee_address=ORDER.consignee_address,
    consignee_telephone="13800138000",
    goods_info="果仁糖礼盒 · 经典; 黑巧克力板",
)
INVENTORY = InventoryDoc(
    guid="2D3E4F5A-6B7C-4D8E-9FA0-B1C2D3E4F5A6",
    app_time=AT,
    order_no=ORDER.order_no,
    platform=PLATFORM,
    seller=SELLER,
    logistics=LOGISTICS,
    logistics_no="ETP-7Q4K-2M9X",
    cop_no="E2611XWN8D3CQ487Z1",
    customs_code="4600",
    port_code="4600",
    buyer_name="王小明",
    buyer_id_number="360426199101010071",
    buyer_telephone="13800138000",
    consignee_address=ORDER.consignee_address,
    trade_mode="9610",
    freight=D("58.00"),
    gross_grams=1480,
    flight="TC101",
    bill_no="00000000011",
    lines=[
        InventoryLineDoc(
            item_no="MV-101-1000",
            name="果仁糖礼盒 · 经典",
            hs_code="1806900000",
            declared_name="巧克力制品",
            model="Maison Verhaeghe; 1000 g",
            qty=2,
            grams=1100,
            price=D("79.30"),
        ),
        InventoryLineDoc(
            item_no="MV-205-250",
            name="黑巧克力板",
            hs_code="1806320000",
            declared_name="巧克力",
            model="Maison Verhaeghe; 250 g",
            qty=1,
            grams=260,
            price=D("88.20"),
            bar_code="5412345000013",
        ),
    ],
)
WITHDRAWAL = WithdrawalDoc(
    guid="3E4F5A6B-7C8D-4E9F-A0B1-C2D3E4F5A6B7",
    app_time=AT,
    customs_code="4600",
    order_no=ORDER.order_no,
    platform=PLATFORM,
    seller=SELLER,
    logistics=LOGISTICS,
    logistics_no="ETP-7Q4K-2M9X",
    cop_no="E2611XWN8D3CQ487Z1",
    invt_no="46002026I000000001",
    buyer_name="王小明",
    buyer_id_number="360426199101010071",
    buyer_telephone="13800138000",
    reason="订单取消",
)
RETURN = replace(
    WITHDRAWAL,
    reason="质量问题: 包装破损",
    lines=[ReturnLineDoc(hs_code="1806900000", declared_name="巧克力制品", qty=1)],
)


def _golden(name: str, message: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("ETALAGE_WRITE_GOLDEN"):
        path.write_bytes(message)
    assert message == path.read_bytes(), f"{name} differs from its golden file"


@pytest.mark.parametrize(
    "name, build",
    [
        ("ceb411-two-lines.xml", lambda: ceb411([PAYMENT], TRANSFER, guid=ENVELOPE)),
        ("ceb511-direct.xml", lambda: ceb511([WAYBILL], TRANSFER, guid=ENVELOPE)),
        (
            "ceb621-direct-two-lines.xml",
            lambda: ceb621([INVENTORY], TRANSFER, guid=ENVELOPE),
        ),
        (
            "ceb511-bonded.xml",
            lambda: ceb511([replace(WAYBILL, bill_no="")], TRANSFER, guid=ENVELOPE),
        ),
        (
            "ceb621-bonded-two-lines.xml",
            lambda: ceb621(
                [replace(INVENTORY, trade_mode=BONDED, flight="", bill_no="")],
                TRANSFER,
                guid=ENVELOPE,
            ),
        ),
        ("ceb623.xml", lambda: ceb623([WITHDRAWAL], TRANSFER, guid=ENVELOPE)),
        ("ceb625-one-line.xml", lambda: ceb625([RETURN], TRANSFER, guid=ENVELOPE)),
    ],
)
def test_each_message_is_its_golden_file_and_valid(name, build):
    _golden(name, build())  # ``build`` validates against the schema first


@pytest.mark.parametrize(
    "build, field",
    [
        (
            lambda: ceb411(
                [replace(PAYMENT, payer_id_number="12")], TRANSFER, guid=ENVELOPE
            ),
            "payerIdNumber",
        ),
        (
            lambda: ceb411(
                [replace(PAYMENT, payer_name="王\x1b小明")], TRANSFER, guid=ENVELOPE
            ),
            "payerName",
        ),
        (
            lambda: ceb621(
                [replace(INVENTORY, cop_no="E2611-XWN8-D3CQ-487Z-1")],
                TRANSFER,
                guid=ENVELOPE,
            ),
            "copNo",
        ),
        (
            lambda: ceb621(
                [
                    replace(
                        INVENTORY, lines=[replace(INVENTORY.lines[0], item_no="X" * 21)]
                    )
                ],
                TRANSFER,
                guid=ENVELOPE,
            ),
            "itemNo",
        ),
        (
            lambda: ceb511([replace(WAYBILL, grams=0)], TRANSFER, guid=ENVELOPE),
            "weight",
        ),
        (
            lambda: ceb621([replace(INVENTORY, bill_no="")], TRANSFER, guid=ENVELOPE),
            "billNo",
        ),
        (
            lambda: ceb621(
                [replace(INVENTORY, gross_grams=1000)], TRANSFER, guid=ENVELOPE
            ),
            "netWeight",
        ),
        (
            lambda: ceb621(
                [replace(INVENTORY, trade_mode="0110")], TRANSFER, guid=ENVELOPE
            ),
            "tradeMode",
        ),
        (
            lambda: ceb621(
                [replace(INVENTORY, customs_code="ZHENGZHOU")], TRANSFER, guid=ENVELOPE
            ),
            "customsCode",
        ),
        (
            lambda: ceb621(
                [
                    replace(
                        INVENTORY, lines=[replace(INVENTORY.lines[0], hs_code="1806")]
                    )
                ],
                TRANSFER,
                guid=ENVELOPE,
            ),
            "gcode",
        ),
        (
            lambda: ceb623([replace(WITHDRAWAL, invt_no="")], TRANSFER, guid=ENVELOPE),
            "invtNo",
        ),
        (lambda: ceb625([WITHDRAWAL], TRANSFER, guid=ENVELOPE), "InvtRefundList"),
    ],
)
def test_a_wrong_field_of_any_message_is_refused_by_name(build, field):
    with pytest.raises(MessageRefused) as refused:
        build()
    assert refused.value.field == field


BILL = TaxBillDoc(
    guid=INVENTORY.guid,
    at=AT,
    invt_no="46002026I000000001",
    tax_no="T46002026I000000001",
    customs_tax=D("0.00"),
    vat=D("27.21"),
    consumption_tax=D("0.00"),
    status="2",
    customs_code="4600",
    assure_code="4101960ETL",
    ebc_code=SELLER.code,
    logistics_code=LOGISTICS.code,
    lines=[
        TaxLineDoc("1806900000", D("158.60"), D("0.00"), D("17.48"), D("0")),
        TaxLineDoc("1806320000", D("88.20"), D("0.00"), D("9.73"), D("0")),
    ],
)
RELEASED = ReceiptDoc(
    declared="621",
    guid=INVENTORY.guid,
    status=800,
    at=AT.replace(microsecond=120000),
    info="放行",
    fields={
        "customsCode": "4600",
        "ebpCode": PLATFORM.code,
        "ebcCode": SELLER.code,
        "agentCode": PLATFORM.code,
        "copNo": INVENTORY.cop_no,
        "preNo": "B20261130000000001",
        "invtNo": "46002026I000000001",
    },
)


def test_receipts_and_tax_bills_read_back_as_they_were_written():
    entered = replace(
        RELEASED, status=120, info="入库", fields={**RELEASED.fields, "invtNo": ""}
    )
    written = receipt_xml([RELEASED, entered], guid=ENVELOPE)
    _golden("ceb622-released.xml", written)
    assert b"<ceb:returnTime>20261130180500120<" in written  # 17 digits
    assert read_answer(written) == [
        RELEASED,
        replace(entered, fields={k: v for k, v in entered.fields.items() if v}),
    ]
    written = tax_bill_xml(BILL, guid=ENVELOPE)
    _golden("ceb816-paid.xml", written)
    (bill,) = read_answer(written)
    assert bill == BILL and bill.paid and bill.total == D("27.21")


def test_an_answer_with_an_entity_or_a_wrong_field_is_refused():
    sneaky = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'  # noqa: E501
    with pytest.raises(MessageRefused):
        read_answer(sneaky)
    good = receipt_xml([RELEASED], guid=ENVELOPE)
    for wrong, field in (
        (
            good.replace(b"<ceb:returnStatus>800", b"<ceb:returnStatus>ok"),
            "returnStatus",
        ),
        (good.replace(b"20261130180500120", b"2026113018050012X"), "returnTime"),
        (good.replace(b"20261130180500120", b"20261131180500120"), "returnTime"),
        (good.replace(b"20261130180500120", b"20261130180500"), "returnTime"),
        (good.replace(b"</ceb:copNo>", b"XXXXXXXXX</ceb:copNo>"), "copNo"),
        (good.replace(b"?>", b"?><!DOCTYPE x>", 1), "DOCTYPE"),
        ("放行".encode("gbk").join(good.split("放行".encode())), "xml"),
    ):
        with pytest.raises(MessageRefused) as refused:
            read_answer(wrong)
        assert refused.value.field == field, wrong


# The three documents and the inventory, as the simulator reads them ------------------

ADDRESS = "上海市 浦东新区 世纪大道 100 号"
FACTS = {
    "311": {"orderNo": "S1", "acturalPaid": "332.01", "goodsValue": "246.80",
            "freight": "58.00", "taxTotal": "27.21", "buyerName": "王小明",
            "buyerIdNumber": "360426199101010071", "consignee": "王小明",
            "consigneeAddress": ADDRESS, "ebcCode": "BE1"},
    "411": {"orderNo": "S1", "amountPaid": "332.01", "payerName": "王小明",
            "payerIdNumber": "360426199101010071", "payTransactionId": "P1"},
    "511": {"orderNo": "S1", "logisticsNo": "ETP-1", "weight": "1.480",
            "consignee": "王小明", "consigneeAddress": ADDRESS,
            "freight": "58.00"},
    "621": {"orderNo": "S1", "logisticsNo": "ETP-1", "grossWeight": "1.480",
            "buyerName": "王小明", "buyerIdNumber": "360426199101010071",
            "consigneeAddress": ADDRESS, "freight": "58.00",
            "ebcCode": "BE1", "goods": "246.80"},
}  # fmt: skip


def _match(changed: str | None = None, field: str = "", value: str = "") -> list:
    facts = {kind: dict(values) for kind, values in FACTS.items()}
    if changed:
        facts[changed][field] = value
    return mismatches(facts["311"], facts["411"], facts["511"], facts["621"])


def test_the_three_documents_that_agree_pass():
    assert _match() == []


@pytest.mark.parametrize(
    "document, field, value, reason",
    [
        ("411", "amountPaid", "332.00", "支付单金额与订单实付金额不一致"),
        ("411", "payerIdNumber", "110101199003070011", "支付人与订购人不一致"),
        ("411", "payerName", "李雷", "支付人与订购人不一致"),
        ("621", "buyerIdNumber", "110101199003070011", "清单订购人与订单不一致"),
        ("621", "buyerName", "李雷", "清单订购人与订单不一致"),
        ("511", "consignee", "李雷", "运单收货人与订单不一致"),
        ("511", "consigneeAddress", "北京市", "运单收货人与订单不一致"),
        ("621", "logisticsNo", "ETP-2", "清单运单号与运单不一致"),
        ("621", "grossWeight", "1.481", "清单毛重与运单重量不一致"),
        ("511", "weight", "1.200", "清单毛重与运单重量不一致"),
        ("621", "goods", "246.81", "清单货值与订单商品价格不一致"),
        ("511", "freight", "60.00", "运费不一致"),
        ("621", "freight", "0.00", "运费不一致"),
        ("621", "ebcCode", "BE2", "清单电商企业与订单不一致"),
    ],
)
def test_each_field_wrong_in_turn_is_refused_with_customs_reason(
    document, field, value, reason
):
    assert _match(document, field, value) == [reason]


@pytest.mark.parametrize("missing", ["311", "411", "511"])
def test_a_missing_document_is_refused(missing):
    facts = {kind: dict(values) for kind, values in FACTS.items()}
    facts[missing] = None
    (reason,) = mismatches(facts["311"], facts["411"], facts["511"], facts["621"])
    assert reason.startswith("三单比对失败: 未收到")


def test_times_are_written_in_beijing_time_as_customs_reads_them():
    from datetime import UTC

    from etalage.declarations.messages import stamp

    assert stamp(datetime(2026, 11, 30, 10, 0, tzinfo=UTC)) == "20261130180000"
    assert stamp(datetime(2026, 11, 30, 17, 0, tzinfo=UTC), "%Y%m%d") == "20261201"
    assert stamp(datetime(2026, 11, 30, 18, 5)) == "20261130180500"  # naive: as is
