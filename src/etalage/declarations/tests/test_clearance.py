"""Customs' answers move the parcels: a paid parcel is declared (order and payment
at once, waybill and inventory when it flies), the simulated single window answers
and releases it, and the last mile takes it; a refused parcel is cancelled,
refunded and its allowance given back."""

from etalage.customs.identity_crypto import decrypt_carrying_id
from etalage.declarations.models import Declaration, Message, TaxBill
from etalage.orders import states


def test_a_paid_parcel_is_declared_released_and_handed_to_the_carrier(customs):
    order = customs.paid()
    assert customs.declare() == 1  # its order and payment
    sub = order.sub_orders.get()
    assert set(sub.declarations.values_list("kind", flat=True)) == {"311", "411"}
    sub.refresh_from_db()
    assert sub.state == states.PAID  # not flown yet: nothing else to declare
    customs.flown(order)
    assert customs.declare() == 1  # its waybill and inventory
    sub.refresh_from_db()
    assert sub.state == states.CUSTOMS_DECLARED
    customs.answer()
    sub.refresh_from_db()
    assert sub.state == states.SHIPPED  # released, then taken by the carrier
    inventory = sub.declarations.get(kind="621")
    assert inventory.state == Declaration.State.RELEASED and inventory.invt_no
    assert set(
        sub.declarations.exclude(kind="621").values_list("state", flat=True)
    ) == {"accepted"}
    bill = TaxBill.objects.get(declaration=inventory)
    assert bill.total == sub.tax and bill.paid_at is not None


def test_the_message_is_kept_encrypted_and_signed(customs):
    order = customs.paid()
    customs.declare()
    message = Message.objects.get(kind="311")
    identity = order.identity
    from etalage.customs.identity_crypto import decrypt_id_number

    number = decrypt_id_number(identity.id_number_encrypted)
    assert number.encode() not in message.body_encrypted.encode()
    body = decrypt_carrying_id(message.body_encrypted)
    assert number.encode() in body and b"<ds:SignatureValue>" in body
