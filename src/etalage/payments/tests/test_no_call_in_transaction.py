"""The providers are asked with no database transaction open (a slow provider
holds no lock): starting a payment and asking about a quiet one."""

from etalage.payments.models import Payment
from etalage.payments.notifications import payment_refresh, payments_quiet_queried


def _order(shopping, client):
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    client.force_login(buyer)
    return shopping.place(buyer).order


def test_starting_a_payment_asks_the_provider_outside_any_transaction(
    shopping, client, no_call_in_transaction
):
    order = _order(shopping, client)
    for provider in ("wechat", "alipay"):
        response = client.post(f"/en/orders/{order.number}/pay/{provider}/")
        assert response.status_code == 302, response.content
    assert any("/pay" in u for u in no_call_in_transaction)  # Antom asked
    assert any("native" in u for u in no_call_in_transaction)  # WeChat Pay asked
    # Two clicks make one payment (asked again with the same request id).
    client.post(f"/en/orders/{order.number}/pay/wechat/")
    assert Payment.objects.filter(order=order, provider="wechat").count() == 1


def test_asking_about_a_quiet_payment_is_outside_any_transaction(
    shopping, client, no_call_in_transaction, settings
):
    order = _order(shopping, client)
    client.post(f"/en/orders/{order.number}/pay/wechat/")
    payment = Payment.objects.get(order=order)
    payment_refresh(payment)
    settings.ETALAGE_PAYMENT_ASK_AFTER = 0
    payments_quiet_queried()
    assert len(no_call_in_transaction) >= 2
