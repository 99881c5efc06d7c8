"""The buyer's phone, in a real browser (Chromium at 390 px): inside WeChat, a new
buyer signs in with WeChat (the sandbox's authorization page), pays by JSAPI (the
sandbox's stand-in for WeChat's bridge and payment sheet) and sees the order paid;
in a plain phone browser, WeChat Pay's H5 and Alipay's phone cashier (WAP) do the
same. Every language; no page wider than the screen."""

import os
import re

import pytest

from etalage.web.tests import test_browser
from etalage.web.tests.test_browser import PHONE, _fits

browser_page = test_browser.browser_page
_end_the_connections = test_browser._end_the_connections_the_test_server_leaves

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WECHAT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x18003237) "
    "NetType/WIFI Language/zh_CN"
)
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
PAID = {"zh-hans": "已付款", "fr": "Payée", "nl": "Betaald", "en": "Paid"}


def _keep(page, name: str) -> None:
    if os.environ.get("ETALAGE_KEEP_RENDERINGS"):
        path = os.path.join(os.environ["ETALAGE_KEEP_RENDERINGS"], f"{name}.png")
        page.screenshot(path=path, full_page=True)


def _phone(browser_page, agent: str):
    """A phone: 390 px wide, touch, the user agent of ``agent``."""
    context = browser_page.context.browser.new_context(
        user_agent=agent, viewport=PHONE, is_mobile=True, has_touch=True
    )
    return context.new_page()


def _site(live_server, language: str) -> str:
    return live_server.url + ("" if language == "zh-hans" else f"/{language}")


def _identity_added(page, site: str) -> None:
    """The buyer gives the person named for customs, with the mobile number customs
    asks for (every buyer does, WeChat's or not)."""
    page.goto(f"{site}/account/")
    page.fill("#id_real_name", "李娜")
    page.fill("#id_id_number", "310115198505120032")
    page.fill("#id_mobile", "13912345678")
    page.check("#id_consent")
    page.locator("form:has(#id_real_name) button[type=submit]").click()
    page.wait_for_url("**/account/")


def _checked_out(page, site: str, shopping, user) -> str:
    """An address (the addresses' pages are tested on their own), then the
    checkout: returns the order's number."""
    from etalage.customs.services import address_add

    address_add(
        user=user, recipient="李娜", phone="13912345678", province="上海市",
        city="上海市", district="浦东新区", street="世纪大道 100 号",
    )  # fmt: skip
    page.goto(f"{site}/checkout/")
    _fits(page, "checkout")
    page.locator("#checkout button[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/orders/E[^/]+/$"))
    return page.url.rstrip("/").rsplit("/", 1)[1]


def _sees_paid(page, number: str, language: str) -> None:
    from etalage.orders.models import Order

    page.wait_for_url(f"**/orders/{number}/")
    page.wait_for_selector(
        f"#order-live .state:text-is('{PAID[language]}')", timeout=20000
    )
    assert Order.objects.get(number=number).state == "paid"


@pytest.mark.parametrize("language", ["zh-hans", "fr", "nl", "en"])
def test_in_wechat_a_new_buyer_signs_in_with_wechat_pays_by_jsapi_and_sees_paid(
    live_server, browser_page, shopping, settings, language
):
    from etalage.accounts.models import WeChatIdentity
    from etalage.payments.models import Payment

    settings.ETALAGE_SITE_URL = live_server.url
    site = _site(live_server, language)
    page = _phone(browser_page, WECHAT)
    # A visitor in WeChat puts a product in the cart, then signs in with WeChat.
    page.goto(f"{site}/p/{shopping.products['a'].slug}/")
    page.locator(
        "form:has(#add-variant) button[type=submit], form.add button[type=submit]"
    ).first.click()
    page.wait_for_url("**/cart/")
    page.goto(f"{site}/login/")
    _fits(page, "sign-in in WeChat")
    _keep(page, f"wechat-login-{language}")
    page.locator("form[action$='/wechat/sign-in/'] button[type=submit]").click()
    page.wait_for_url("**/sandbox/weixin/open/connect/oauth2/authorize**")
    _fits(page, "WeChat's authorization (sandbox)")
    _keep(page, f"wechat-authorize-{language}")
    page.fill("#id_nickname", "李娜")
    page.locator("form:has(#id_nickname) button[type=submit]").click()
    # Silent (snsapi_base): back home, signed in (the browser keeps the fragment
    # WeChat's address ends with through the redirects).
    page.wait_for_url(re.compile(re.escape(site) + r"/(#wechat_redirect)?$"))
    user = WeChatIdentity.objects.get().user
    assert not user.has_usable_password() and user.carts.exists()  # the cart kept
    _identity_added(page, site)
    _fits(page, "my account, WeChat linked")
    _keep(page, f"wechat-account-{language}")
    number = _checked_out(page, site, shopping, user)
    _fits(page, "order in WeChat")
    _keep(page, f"wechat-order-{language}")
    # WeChat Pay is the way offered first in WeChat: JSAPI, started by WeChat.
    first = page.locator(".pay-buttons").first.locator("form.pay")
    assert first.count() == 1
    first.locator("button").click()
    page.wait_for_url("**/sandbox/wechat/scan/**")  # WeChat's payment sheet
    payment = Payment.objects.get(order__number=number)
    assert (payment.scene, payment.app_id) == ("jsapi", "wxSANDBOXETALAGE")
    _fits(page, "WeChat's payment sheet (sandbox)")
    page.locator("button[value=pay]").click()
    _sees_paid(page, number, language)
    _fits(page, "paid order in WeChat")
    _keep(page, f"wechat-paid-{language}")
    page.context.close()


def _phone_buyer(page, live_server, language: str, shopping):
    """A buyer with an account, signed in on the phone, with an order placed."""
    prefix = "" if language == "zh-hans" else f"/{language}"
    buyer = shopping.buyer()
    buyer.set_password("a decent password")
    buyer.save()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    order = shopping.place(buyer, language=language).order
    page.goto(f"{live_server.url}{prefix}/login/?next={prefix}/orders/{order.number}/")
    page.fill("#id_username", buyer.username)
    page.fill("#id_password", "a decent password")
    page.locator("form:has(#id_username) button[type=submit]").click()
    page.wait_for_url(f"**/orders/{order.number}/")
    return order


@pytest.mark.parametrize("language", ["zh-hans", "fr", "nl", "en"])
@pytest.mark.parametrize("provider", ["wechat", "alipay"])
def test_in_a_phone_browser_h5_and_alipay_wap_pay_and_come_back_paid(
    live_server, browser_page, shopping, settings, language, provider
):
    from etalage.payments.models import Payment

    settings.ETALAGE_SITE_URL = live_server.url
    page = _phone(browser_page, SAFARI)
    order = _phone_buyer(page, live_server, language, shopping)
    _fits(page, "order in a phone browser")
    _keep(page, f"phone-order-{language}")
    # Both are offered first on a phone; the QR code among the others.
    scenes = page.locator(".pay-buttons").first.locator("input[name=scene]")
    assert scenes.evaluate_all("(s) => s.map((i) => i.value)") == ["h5", "wap"]
    page.locator(f"form[action$='/pay/{provider}/']").first.locator("button").click()
    where = "**/sandbox/wechat/scan/**" if provider == "wechat" else "**/cashier/**"
    page.wait_for_url(where)
    payment = Payment.objects.get(order=order)
    assert payment.scene == ("h5" if provider == "wechat" else "wap")
    _fits(page, f"{provider}'s page (sandbox)")
    _keep(page, f"phone-{provider}-{language}")
    page.locator("button[value=pay]").click()
    _sees_paid(page, order.number, language)
    _fits(page, "paid order in a phone browser")
    page.context.close()
