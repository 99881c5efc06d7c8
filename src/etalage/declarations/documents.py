"""A sub-order as customs reads it: the plain documents the messages are built
from (``messages``, ``inventory``), read from the order, its payment, its parcel
and the installation's registration with customs.

The buyer's ID number is passed in decrypted by the caller, for the message only;
nothing here keeps or logs it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from django.conf import settings

from etalage.customs.cbec import allocate
from etalage.customs.routes import Route
from etalage.declarations.inventory import (
    BONDED,
    DIRECT,
    InventoryDoc,
    InventoryLineDoc,
    ReturnLineDoc,
    WithdrawalDoc,
)
from etalage.declarations.messages import (
    MessageRefused,
    OrderDoc,
    OrderLineDoc,
    Party,
    PaymentDoc,
    Transfer,
    WaybillDoc,
)
from etalage.logistics.models import Parcel
from etalage.merchants.models import Merchant
from etalage.orders.models import Order, OrderLine, SubOrder
from etalage.payments.models import CustomsDeclaration, Payment
from etalage.promotions.selectors import parcel_discount_of


def platform() -> Party:
    """The platform (ebp), also the guarantor and the declaring agent."""
    return Party(
        settings.ETALAGE_MERCHANT_CUSTOMS_CODE, settings.ETALAGE_MERCHANT_CUSTOMS_NAME
    )


def seller(merchant: Merchant) -> Party:
    """The e-commerce enterprise (ebc): the merchant, by its Belgian enterprise
    number (merchants' own customs registration codes are not recorded yet)."""
    digits = re.sub(r"\D", "", merchant.enterprise_number)
    return Party(f"BE{digits}", merchant.legal_name[:100] or merchant.name)


def logistics() -> Party:
    return Party(
        settings.ETALAGE_CUSTOMS_LOGISTICS_CODE, settings.ETALAGE_CUSTOMS_LOGISTICS_NAME
    )


def transfer() -> Transfer:
    return Transfer(cop=platform(), dxp_id=settings.ETALAGE_CUSTOMS_DXP_ID)


def pay_company(provider: str) -> Party:
    code, name = settings.ETALAGE_CUSTOMS_PAY_COMPANIES[provider]
    return Party(code, name)


def cop_no(sub: SubOrder) -> str:
    """The customs copy number of a sub-order's inventory (copNo, at most 20
    characters): its number without the dashes, 17 characters of the order's and
    the sub-order's index, so unique as the number is."""
    number = re.sub(r"[^0-9A-Za-z]", "", sub.number)
    if len(number) > 20:
        raise MessageRefused(f"{sub.number} makes no copy number of 20", "copNo")
    return number


def _telephone(phone: str) -> str:
    return re.sub(r"[^0-9+]", "", phone)[:20]


def _buyer_telephone(order: Order) -> str:
    """The buyer's telephone, the same in every message that names the buyer
    (customs compares them): the identity's mobile, else the order's phone."""
    mobile = order.identity.mobile if order.identity else ""
    return _telephone(mobile or order.phone)


def _address(order: Order) -> str:
    """The address on one line (an address typed on several lines has its breaks
    and tabs as spaces: customs' fields have one line); other control characters
    are left for the message to refuse by field."""
    parts = (order.province, order.city, order.district, order.street)
    one_line = (re.sub(r"[ \t\r\n]+", " ", part).strip() for part in parts)
    return " ".join(part for part in one_line if part)[:200]


def _lines(sub: SubOrder) -> list[OrderLine]:
    return sorted(sub.lines.all(), key=lambda line: line.pk)


def order_doc(
    sub: SubOrder,
    payment: Payment,
    *,
    guid: str,
    id_number: str,
    now: datetime,
    transaction_id: str,
) -> OrderDoc:
    order = sub.order
    return OrderDoc(
        guid=guid,
        app_time=now,
        order_no=sub.number,
        platform=platform(),
        seller=seller(sub.merchant),
        goods_value=sub.goods,
        freight=sub.freight,
        discount=parcel_discount_of(sub.pk),
        tax_total=sub.tax,
        paid=sub.total,
        buyer_reg_no=str(order.buyer_id),
        buyer_name=order.buyer_name,
        buyer_telephone=_buyer_telephone(order),
        buyer_id_number=id_number,
        pay_company=pay_company(payment.provider),
        pay_transaction_id=transaction_id,
        consignee=order.recipient,
        consignee_telephone=_telephone(order.phone),
        consignee_address=_address(order),
        consignee_district=order.region_code,
        lines=[
            OrderLineDoc(
                item_no=line.sku,
                name=line.name_zh,
                qty=line.quantity,
                price=_declared_unit_price(line),
                total_price=line.goods,
                model=_model(line),
            )
            for line in _lines(sub)
        ],
    )


def payment_transaction(
    payment: Payment, declared: CustomsDeclaration | None
) -> tuple[str, str]:
    """The payment transaction id customs matches on, and its verifying
    department: the provider's own declaration's when it declared the parcel,
    else the provider's payment id."""
    accepted = CustomsDeclaration.State.SUCCEEDED
    if declared and declared.state == accepted and declared.pay_transaction_id:
        return declared.pay_transaction_id, verifying_department_code(
            declared.verifying_department
        )
    return payment.provider_payment_id or payment.request_id, ""


# Who verified the payment, as customs codes it (1 UnionPay, 2 NetsUnion, 3
# another); the providers name it (Antom's ``clearingChannel``, WeChat Pay's
# ``verify_department``). CEB411 has no field for it (customs' schema, both
# versions): it is kept with the provider's declaration and not sent.
VERIFYING_DEPARTMENTS = {"UNIONPAY": "1", "NETSUNION": "2"}


def verifying_department_code(named: str) -> str:
    """1 UnionPay, 2 NetsUnion, 3 another; empty when the provider said none."""
    named = named.strip().upper()
    if named in ("1", "2", "3") or not named:
        return named
    return VERIFYING_DEPARTMENTS.get(named, "3")


def payment_doc(
    sub: SubOrder,
    payment: Payment,
    *,
    guid: str,
    id_number: str,
    now: datetime,
    transaction_id: str,
) -> PaymentDoc:
    order = sub.order
    return PaymentDoc(
        guid=guid,
        app_time=now,
        order_no=sub.number,
        platform=platform(),
        pay_company=pay_company(payment.provider),
        pay_transaction_id=transaction_id,
        payer_name=order.buyer_name,
        payer_id_number=id_number,
        telephone=_buyer_telephone(order),
        amount_paid=sub.total,
        pay_time=payment.paid_at or now,
    )


def _flight(parcel: Parcel) -> tuple[str, str]:
    """The master air waybill and flight of a parcel flown from Liège."""
    bag = parcel.bag
    flight = bag.flight if bag is not None and bag.flight_id else None
    if flight is None:
        return "", ""
    return flight.mawb.replace("-", ""), flight.flight_number


def gross_grams(parcel: Parcel) -> int:
    return parcel.measured_grams or parcel.declared_grams


def waybill_doc(
    sub: SubOrder, parcel: Parcel, *, guid: str, now: datetime
) -> WaybillDoc:
    order = sub.order
    bill_no, _flight_number = _flight(parcel)
    return WaybillDoc(
        guid=guid,
        app_time=now,
        order_no=sub.number,
        logistics=logistics(),
        logistics_no=parcel.code,
        bill_no=bill_no,
        freight=sub.freight,
        grams=gross_grams(parcel),
        consignee=order.recipient,
        consignee_address=_address(order),
        consignee_telephone=_telephone(order.phone),
        goods_info="; ".join(line.name_zh for line in _lines(sub)),
    )


def _net_grams(lines: list[OrderLine], gross: int) -> list[int]:
    """Each line's net weight: its items' catalogue weights, scaled down to fit in
    the parcel when those (which include the items' own packaging) come to more."""
    weights = [line.variant.weight_grams * line.quantity for line in lines]
    if sum(weights) <= gross:
        return weights
    shares = allocate(Decimal(gross - len(lines)), [Decimal(w) for w in weights])
    return [max(1, int(share)) for share in shares]


def inventory_doc(
    sub: SubOrder, parcel: Parcel, *, guid: str, id_number: str, now: datetime
) -> InventoryDoc:
    order = sub.order
    lines = _lines(sub)
    gross = gross_grams(parcel)
    bill_no, flight = _flight(parcel)
    return InventoryDoc(
        guid=guid,
        app_time=now,
        order_no=sub.number,
        platform=platform(),
        seller=seller(sub.merchant),
        logistics=logistics(),
        logistics_no=parcel.code,
        cop_no=cop_no(sub),
        customs_code=settings.ETALAGE_CUSTOMS_DECLARING_OFFICE,
        port_code=settings.ETALAGE_CUSTOMS_PORT,
        buyer_name=order.buyer_name,
        buyer_id_number=id_number,
        buyer_telephone=_buyer_telephone(order),
        consignee_address=_address(order),
        trade_mode=BONDED if sub.route == Route.BONDED else DIRECT,
        freight=sub.freight,
        gross_grams=gross,
        flight=flight,
        bill_no=bill_no,
        lines=[
            InventoryLineDoc(
                item_no=line.sku,
                name=line.name_zh,
                hs_code=line.hs_code.ljust(10, "0"),
                declared_name=line.name_zh,
                model=_model(line),
                qty=line.quantity,
                grams=grams,
                price=_declared_unit_price(line),
                total_price=line.goods,
            )
            for line, grams in zip(lines, _net_grams(lines, gross), strict=True)
        ],
    )


def _declared_unit_price(line: OrderLine) -> Decimal:
    """A unit's real transaction price: the line's declared goods (after the
    seller's discounts, ``docs/promotions.md``) over its units."""
    if line.goods == line.unit_price * line.quantity:
        return line.unit_price
    return line.goods / line.quantity


def _model(line: OrderLine) -> str:
    """gmodel: the brand and what the variant is (size, contents)."""
    described = ", ".join(f"{k} {v}" for k, v in sorted(line.attributes.items()))
    return (
        f"{line.name_merchant}; {described}"[:250]
        if described
        else (line.name_merchant[:250])
    )


def withdrawal_doc(
    sub: SubOrder,
    parcel: Parcel,
    *,
    guid: str,
    id_number: str,
    invt_no: str,
    reason: str,
    now: datetime,
    returned: Sequence[tuple[OrderLine, int]] = (),
) -> WithdrawalDoc:
    order = sub.order
    return WithdrawalDoc(
        guid=guid,
        app_time=now,
        customs_code=settings.ETALAGE_CUSTOMS_DECLARING_OFFICE,
        order_no=sub.number,
        platform=platform(),
        seller=seller(sub.merchant),
        logistics=logistics(),
        logistics_no=parcel.code,
        cop_no=cop_no(sub),
        invt_no=invt_no,
        buyer_name=order.buyer_name,
        buyer_id_number=id_number,
        buyer_telephone=_buyer_telephone(order),
        reason=reason,
        lines=[
            ReturnLineDoc(
                hs_code=line.hs_code.ljust(10, "0"), declared_name=line.name_zh, qty=qty
            )
            for line, qty in returned
        ],
    )
