"""In Chromium, on a phone (390 px) and a desktop, in Chinese, French, Dutch and
English: a merchant creates a spend-and-save offer for one product picked by its
SKU, finds it with its figures on its own page, and puts a variant on a timed sale
that the product list then shows; no page is wider than the screen."""

import os
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _

from etalage.merchants.models import MerchantMember
from etalage.money import Money, format_money
from etalage.promotions.models import Promotion, SalePrice
from etalage.web.tests.test_browser import _fits, browser_page  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SHOTS = os.environ.get("ETALAGE_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.parametrize(
    ("language", "width"),
    [(language, width) for language in ("zh-hans", "fr", "nl", "en")
     for width in (390, 1280)],
)  # fmt: skip
def test_a_merchant_creates_a_spend_and_save_and_a_sale_price(
    browser_page,  # noqa: F811 (the fixture imported above)
    live_server,
    catalogue,
    language,
    width,
):
    merchant = catalogue.merchant("Chocolaterie")
    product = catalogue.product(merchant=merchant, name="Pralines", prices=("10.00",))
    catalogue.product(merchant=merchant, name="Truffles")
    sku = product.variants.get().sku
    owner = get_user_model().objects.create_user("owner", password="pw-owner-123")
    MerchantMember.objects.create(merchant=merchant, user=owner, role="owner")
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.set_extra_http_headers({"Accept-Language": language})
    prefix = "" if language == "zh-hans" else f"/{language}"
    page.goto(f"{live_server.url}{prefix}/login/")
    page.fill("input[name=username]", "owner")
    page.fill("input[name=password]", "pw-owner-123")
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}{prefix}/portal/promotions/")
    page.locator("main a.button").first.click()
    page.wait_for_url("**/portal/promotions/new/")
    # Only the kind's own terms show, named for it, as the kind changes.
    assert page.locator("input[name=code]").is_visible()
    page.select_option("select[name=kind]", "free_shipping")
    assert not page.locator("input[name=amount_off]").is_visible()
    assert page.locator("input[name=threshold]").is_visible()
    _shot(page, f"promotion-free-shipping-{language}-{width}")
    page.select_option("select[name=kind]", "spend_and_save")
    for name in ("code", "percent_off", "cap", "claimable"):
        assert not page.locator(f"[name={name}]").is_visible(), name
    assert not page.locator("button[name=show_kind]").count()  # no-JS only
    step = page.locator("label[for=id_threshold]").inner_text()
    with translation.override(language):
        assert step.startswith(str(_("For every step spent (CNY)"))), step
    page.fill("input[name=name]", "Autumn")
    page.fill("input[name=amount_off]", "30")
    page.fill("input[name=threshold]", "300")
    page.fill("input[name=budget]", "500")
    page.fill("input[name=starts_at]", "2030-10-01T00:00")
    page.fill("input[name=ends_at]", "2030-10-31T23:59")
    page.fill("#product-search", sku.lower())
    picked = page.locator("#product-picker-list li:visible")
    assert picked.count() == 1
    picked.locator("input[type=checkbox]").check()
    _fits(page, "the new promotion's form")
    _shot(page, f"promotion-new-{language}-{width}")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url("**/portal/promotions/*-*/")
    promotion = Promotion.objects.get()
    assert (promotion.kind, promotion.merchant_id) == ("spend_and_save", merchant.pk)
    assert list(promotion.products.all()) == [product]
    assert page.locator("dl.figures dd").count() >= 4
    _fits(page, "the promotion's page")
    _shot(page, f"promotion-page-{language}-{width}")

    page.goto(f"{live_server.url}{prefix}/portal/products/{product.pk}/sales/")
    page.fill("input[name=price_eur]", "7.50")
    page.fill("input[name=starts_at]", "2030-10-01T00:00")
    page.fill("input[name=ends_at]", "2030-10-02T00:00")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_load_state()
    assert SalePrice.objects.get().price_eur == 7.5
    _fits(page, "the sale prices' page")
    _shot(page, f"sale-prices-{language}-{width}")
    page.goto(f"{live_server.url}{prefix}/portal/products/")
    listing = page.locator("main").inner_text()
    sale = format_money(Money(Decimal("7.50"), "EUR"), language)  # 7,50 € in French
    assert sale in listing and "2030-10-01 00:00" in listing
    _fits(page, "the product list")
    _shot(page, f"products-{language}-{width}")


@pytest.mark.parametrize(("language", "width"), [("zh-hans", 390), ("fr", 1280)])
def test_without_javascript_the_kind_is_chosen_then_its_terms_shown(
    browser_page,  # noqa: F811
    live_server,
    catalogue,
    language,
    width,
):
    merchant = catalogue.merchant("Chocolaterie")
    catalogue.product(merchant=merchant, name="Pralines")
    owner = get_user_model().objects.create_user("owner", password="pw-owner-123")
    MerchantMember.objects.create(merchant=merchant, user=owner, role="owner")
    context = browser_page.context.browser.new_context(
        java_script_enabled=False,
        viewport={"width": width, "height": 900},
        extra_http_headers={"Accept-Language": language},
    )
    page = context.new_page()
    prefix = "" if language == "zh-hans" else f"/{language}"
    page.goto(f"{live_server.url}{prefix}/login/")
    page.fill("input[name=username]", "owner")
    page.fill("input[name=password]", "pw-owner-123")
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}{prefix}/portal/promotions/new/")
    assert page.locator("input[name=code]").is_visible()  # a coupon at first
    page.fill("input[name=name]", "Over 199")
    page.select_option("select[name=kind]", "free_shipping")
    page.locator("button[name=show_kind]").click()
    page.wait_for_load_state()
    assert page.locator("input[name=name]").input_value() == "Over 199"
    assert page.locator("input[name=threshold]").is_visible()
    for name in ("amount_off", "percent_off", "cap", "code", "claimable"):
        assert not page.locator(f"[name={name}]").is_visible(), name
    _fits(page, "the form without JavaScript")
    _shot(page, f"promotion-no-js-{language}-{width}")
    page.fill("input[name=threshold]", "199")
    page.fill("input[name=budget]", "500")
    page.fill("input[name=starts_at]", "2030-10-01T00:00")
    page.fill("input[name=ends_at]", "2030-10-31T23:59")
    page.get_by_role("button", name=_save_label(language)).click()
    page.wait_for_url("**/portal/promotions/*-*/")
    assert Promotion.objects.get().kind == "free_shipping"
    context.close()


def _save_label(language: str) -> str:
    with translation.override(language):
        return str(_("Save the promotion"))
