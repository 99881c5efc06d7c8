"""The sandbox's cashier speaks the buyer's language, as the real cashiers do: the
language of the shop's page the payment returns to, else the browser's, else
Chinese; in its provider's colours."""

from urllib.parse import urlsplit

import pytest


@pytest.fixture
def order(shopping, client, settings):
    settings.ETALAGE_PAYMENT_SANDBOX = True
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    client.force_login(buyer)
    return shopping.place(buyer).order


@pytest.mark.parametrize(
    ("prefix", "said"),
    [
        ("/fr", "aucun argent ne circule"),
        ("/nl", "er gaat geen geld over"),
        ("/en", "no money moves"),
        ("", "不会有资金流动"),
    ],
)
def test_the_alipay_cashier_speaks_the_language_the_buyer_paid_from(
    client, order, prefix, said
):
    cashier = client.post(f"{prefix}/orders/{order.number}/pay/alipay/")["Location"]
    answer = client.get(urlsplit(cashier).path, HTTP_ACCEPT_LANGUAGE="de")
    page = answer.content.decode()
    assert said in page
    language = prefix.strip("/") or "zh-Hans"
    assert f'<html lang="{language}"' in page
    assert 'class="cashier-band cashier-alipay"' in page


def test_the_wechat_scan_page_follows_the_phone_s_language(client, order):
    from etalage.payments.models import Payment, SandboxPayment

    client.post(f"/fr/orders/{order.number}/pay/wechat/")
    scanned = SandboxPayment.objects.get(provider="wechat")
    assert Payment.objects.get().qr_code  # a QR code, no page to return to
    url = f"/sandbox/wechat/scan/{scanned.payment_id}/"
    dutch = client.get(url, HTTP_ACCEPT_LANGUAGE="nl-BE,nl;q=0.9").content.decode()
    assert "er gaat geen geld over" in dutch
    assert 'class="cashier-band cashier-wechat"' in dutch
    unknown = client.get(url, HTTP_ACCEPT_LANGUAGE="").content.decode()
    assert "不会有资金流动" in unknown
