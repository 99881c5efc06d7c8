"""The customs console: the operator reads what was sent to customs for a parcel
(ID numbers masked), what came back, what needs attention, and sends a message
again under the same guid."""

import pytest

from etalage.customs.identity_crypto import decrypt_id_number
from etalage.declarations.models import Declaration, Message


@pytest.fixture
def operator(client, django_user_model):
    user = django_user_model.objects.create_superuser("op", "op@example.com", "pw")
    client.force_login(user)
    return user


def test_the_console_shows_messages_and_receipts_never_the_id_number(
    client, operator, customs
):
    order = customs.paid()
    customs.declare()
    customs.flown(order)
    customs.declare()
    customs.answer()
    number = decrypt_id_number(order.identity.id_number_encrypted)
    sub = order.sub_orders.get()
    listing = client.get(f"/backoffice/declarations/declaration/?q={sub.number}")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert page.count(sub.number) >= 4 and number not in page
    inventory = sub.declarations.get(kind="621")
    detail = client.get(
        f"/backoffice/declarations/declaration/{inventory.pk}/change/"
    ).content.decode()
    assert number not in detail
    assert order.identity.id_number_masked in detail
    assert "&lt;ceb:tradeMode&gt;9610&lt;/ceb:tradeMode&gt;" in detail
    assert "放行" in detail and "399" in detail  # customs' answers, in order
    assert "T" + inventory.invt_no in detail  # its tax bill


def test_a_message_not_delivered_needs_attention_and_is_sent_again_under_its_guid(
    client, operator, customs, monkeypatch
):
    from etalage.declarations import gateway

    def refusing(self, **_kwargs):
        raise gateway.GatewayError("the customs client is not running")

    monkeypatch.setattr(gateway.SimulatorGateway, "send", refusing)
    customs.paid()
    customs.declare()
    failed = Message.objects.get(kind="311")
    assert failed.state == "failed" and "not running" in failed.failure
    attention = client.get("/backoffice/declarations/declaration/?attention=yes")
    assert attention.content.decode().count("field-sub_order") == 2  # order, payment
    monkeypatch.undo()
    with customs.capture(execute=True):
        response = client.post(
            "/backoffice/declarations/message/",
            {"action": "send_again", "_selected_action": [str(failed.pk)]},
            follow=True,
        )
    assert "1 message sent again under its guid." in response.content.decode()
    failed.refresh_from_db()
    assert failed.state == "sent" and failed.attempts == 2
    customs.answer(rounds=1)
    head = Declaration.objects.get(message=failed)
    assert head.state == "accepted"  # customs took it under the same guid
