"""The hub's scan screen in a real browser, on a tablet, in French: a mistyped weight
asked again, a confirmed one refused, then corrected with a reason."""

import os

import pytest

from etalage.web.tests import test_browser
from etalage.web.tests.test_browser import _fits

# The browser tests' own fixtures: Chromium's page, the connections ended.
browser_page = test_browser.browser_page
_end_the_connections = test_browser._end_the_connections_the_test_server_leaves

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _keep(page, name: str) -> None:
    if os.environ.get("ETALAGE_KEEP_RENDERINGS"):
        path = os.path.join(os.environ["ETALAGE_KEEP_RENDERINGS"], f"{name}.png")
        page.screenshot(path=path, full_page=True)


def test_the_hub_asks_again_refuses_on_confirmation_and_corrects_its_scan(
    live_server, browser_page, shopping, django_user_model
):
    from etalage.logistics.models import Parcel
    from etalage.logistics.services import hub_staff_add, parcel_pack
    from etalage.orders.services import order_pay

    parcels = []
    for _ in range(2):
        buyer = shopping.buyer()
        shopping.cart(buyer, [(shopping.products["a"], 1)])
        sub = order_pay(order=shopping.place(buyer).order).sub_orders.get()
        parcels.append(parcel_pack(sub_order=sub, grams=400))
    first, second = parcels
    staff = django_user_model.objects.create_user("hubby", password="hub password")
    hub_staff_add(staff)
    page = browser_page
    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto(f"{live_server.url}/fr/login/?next=/fr/hub/")
    page.fill("input[name=username]", "hubby")
    page.fill("input[name=password]", "hub password")
    page.click("form:has(input[name=password]) [type=submit]")
    page.wait_for_url("**/fr/hub/")
    # A zero too many: asked again, nothing written; weighed again, received.
    page.fill("#id_code", first.code)
    page.fill("#id_grams", "4000")
    page.click("form.hub-scan button[type=submit]:not([name])")
    page.wait_for_selector("#confirm-weight")
    assert "4000 g, c'est 3600 g de plus" in page.inner_text("main")
    _fits(page, "the weight asked again")
    _keep(page, "hub-weight-asked-again")
    page.fill("#id_grams", "405")
    page.click("form.hub-scan button[type=submit]:not([name])")
    page.wait_for_selector(f"text={first.code} reçu.")
    # Confirmed: refused; then the hub corrects its own scan, saying why.
    page.fill("#id_code", second.code)
    page.fill("#id_grams", "4000")
    page.click("form.hub-scan button[type=submit]:not([name])")
    page.click("#confirm-weight button[name=confirm]")
    page.wait_for_selector(f"text={second.code} refusé")
    page.click(f"a[href='/fr/hub/parcels/{second.code}/correct/']")
    page.wait_for_url(f"**/fr/hub/parcels/{second.code}/correct/")
    _fits(page, "the correction page")
    page.fill("#id_grams", "400")
    page.fill("#id_reason", "4000 tapé pour 400")
    page.click("form.hub-scan button[type=submit]")
    page.wait_for_selector(f"text={second.code} corrigé : reçu.")
    assert Parcel.objects.get(pk=second.pk).state == "received"
    page.goto(f"{live_server.url}/fr/hub/parcels/{second.code}/correct/")
    history = page.inner_text("#hub-scans")
    assert "refusé · 4000 g" in history and "reçu · 400 g" in history
    assert "4000 tapé pour 400" in history
    _keep(page, "hub-scan-corrected")
