"""Drive the storefront in a real browser: Playwright with Debian's Chromium."""

import os
import shutil

import pytest

from etalage.catalog.models import PavilionEntry
from etalage.catalog.services import product_image_add
from etalage.catalog.tests.test_product_images import picture

# serialized_rollback keeps the markets that the migrations create, which a
# transactional test would otherwise flush away for the tests after it.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHROMIUM = os.environ.get("ETALAGE_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session", autouse=True)
def _end_the_connections_the_test_server_leaves(django_db_setup, django_db_blocker):
    """End the database connections that the test server's threads leave behind.

    When the browser abandons a request (it navigates on before a response is
    read), the test server's request thread ends without Django closing its
    database connection; PostgreSQL then refuses to drop the test database. Done
    once, when the session ends: the test server lives as long, and a browser test
    module after another would find its connections ended under it.
    """
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture
def browser_page():
    if not shutil.which(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: install Debian's chromium package"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM
    # calls happen before it starts and are not concurrent with it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        yield page
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def shop(catalogue, ecb_rates, today_is_2024_07_01):
    chocolate = catalogue.category(
        "chocolate",
        names={
            "zh-hans": "巧克力",
            "fr": "Chocolat",
            "nl": "Chocolade",
            "en": "Chocolate",
        },
    )
    maker = catalogue.merchant("Maison Test")
    product = catalogue.product(
        merchant=maker, category=chocolate, prices=("10.00",), name="Ballotin"
    )
    product_image_add(product=product, data=picture((600, 600)), is_illustration=True)
    PavilionEntry.objects.create(merchant=maker, story_en="Our favourite maker.")
    PavilionEntry.objects.create(product=product)
    return product


def test_a_buyer_opens_the_pavilion_in_chinese_then_a_product_then_reads_it_in_french(
    live_server, browser_page, shop
):
    page = browser_page
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("h1").inner_text() == "比利时国家馆"

    # The skip link comes first for keyboard users.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"

    page.get_by_role("link", name="Ballotin (zh-hans)").first.click()
    page.wait_for_url(f"**/p/{shop.slug}/")
    assert page.locator("h1").inner_text() == "Ballotin (zh-hans)"
    assert "¥86.52" in page.locator(".summary .price.big").inner_text()
    image = page.locator(".gallery img").first
    assert image.get_attribute("alt") == "Ballotin (zh-hans)（插画）"  # drawn
    assert page.evaluate("(img) => img.naturalWidth", image.element_handle()) > 0

    page.get_by_role("link", name="Français").click()
    page.wait_for_url(f"**/fr/p/{shop.slug}/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Ballotin (fr)"
    assert page.get_by_role("heading", name="À propos de ce produit").is_visible()
    price = page.locator(".summary .price.big").inner_text()
    assert price == "86,52\xa0CNY taxes comprises, envoi à l’unité"


def test_filters_narrow_the_results_without_reloading_the_page(
    live_server, browser_page, shop, catalogue
):
    catalogue.product(category=shop.category, prices=("200.00",), name="Grand coffret")
    page = browser_page
    page.goto(live_server.url + "/en/c/chocolate/")
    assert page.locator(".count").inner_text() == "2 products"
    page.evaluate("window.__marker = 'still here'")
    page.get_by_label("Price up to (CNY, tax incl.)").fill("100")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_selector(".count:has-text('1 product')")
    assert page.evaluate("window.__marker") == "still here"  # htmx swapped the results
    assert "price_max=100" in page.url


def test_a_merchant_fixes_two_bad_rows_and_sees_the_products_in_review(
    live_server, browser_page, catalogue, tmp_path, django_user_model
):
    from etalage.imports import import_template_csv
    from etalage.merchants.models import MerchantMember

    catalogue.category("pralines")
    merchant = catalogue.merchant("Maison Exemple")
    owner = django_user_model.objects.create_user("anne", password="a decent password")
    MerchantMember.objects.create(merchant=merchant, user=owner, role="owner")
    good = import_template_csv(example=True).decode("utf-8-sig")
    lines = good.splitlines()
    bad = "\n".join(
        [
            lines[0],
            lines[1].replace("1806.90.00.00", "1806"),
            lines[2].replace("23,90", "cheap"),
        ]
    )
    bad_file, good_file = tmp_path / "catalogue.csv", tmp_path / "catalogue-fixed.csv"
    bad_file.write_text(bad, encoding="utf-8")
    good_file.write_text(good, encoding="utf-8")

    page = browser_page
    page.goto(live_server.url + "/en/login/?next=/en/portal/import/")
    page.get_by_label("User name").fill("anne")
    page.get_by_label("Password").fill("a decent password")
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/en/portal/import/")

    page.get_by_label("Catalogue file").set_input_files(str(bad_file))
    assert page.get_by_label("Submit the new products for review").is_checked()
    page.get_by_role("button", name="Import").click()
    page.wait_for_selector(".import-errors")
    errors = page.locator(".import-errors tbody tr")
    assert errors.count() == 2
    assert "hs_code" in errors.nth(0).inner_text()
    assert "price_eur" in errors.nth(1).inner_text()
    assert (
        "Nothing was imported: 2 problems to fix."
        in page.locator("#error-summary").inner_text()
    )

    page.locator("main").get_by_role("link", name="Import products").click()
    page.get_by_label("Catalogue file").set_input_files(str(good_file))
    page.get_by_role("button", name="Import").click()
    page.wait_for_selector("text=The file is imported.")
    page.goto(live_server.url + "/en/portal/")
    in_review = page.locator("tr", has_text="In review").locator("td")
    assert in_review.inner_text() == "1"


def test_a_buyer_fills_the_cart_signs_in_checks_out_and_cancels(
    live_server, browser_page, shopping
):
    from etalage.orders.models import Order

    buyer = shopping.buyer("mei")
    buyer.set_password("a decent password")
    buyer.save()
    product = shopping.products["a"]
    page = browser_page
    page.goto(f"{live_server.url}/en/p/{product.slug}/")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url("**/en/cart/")
    page.goto(live_server.url + "/en/login/?next=/en/cart/")
    page.get_by_label("User name").fill("mei")
    page.get_by_label("Password").fill("a decent password")
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/en/cart/")
    page.get_by_role("link", name="Check out").click()
    page.wait_for_url("**/en/checkout/")
    identity = page.get_by_role("group", name="Identity for customs")
    assert identity.get_by_role("radio").is_checked()
    assert "3604**********" in identity.inner_text()
    assert "Parcel 1: First" in page.locator("main").inner_text()
    page.get_by_role("button", name="Place the order").click()
    page.wait_for_url("**/en/orders/E*/")
    order = Order.objects.get()
    main = page.locator("main").inner_text()
    assert order.number in main and "Placed, awaiting payment" in main
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Cancel what has not shipped").click()
    page.wait_for_selector("text=Cancelled")
    order.refresh_from_db()
    assert order.state == "cancelled"
    assert asked == ["Cancel every parcel of this order that has not shipped yet?"]


def test_a_new_visitor_signs_up_confirms_adds_a_real_id_and_checks_out(
    live_server, browser_page, shopping
):
    import re

    from django.core import mail

    from etalage.orders.models import Order

    page = browser_page
    page.goto(f"{live_server.url}/en/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email address or mainland China mobile number").fill(
        "zhang.wei@example.cn"
    )
    page.get_by_label("Password", exact=True).fill("a quiet harbour 42")
    page.get_by_label("Password again").fill("a quiet harbour 42")
    page.get_by_role("button", name="Create the account").click()
    page.wait_for_url("**/en/signup/sent/")
    assert "zhang.wei@example.cn" in page.locator("main").inner_text()
    link = re.search(r"https?://\S+/en/signup/confirm/\S+/", mail.outbox[-1].body)
    assert link.group(0).startswith(live_server.url)  # the address actually served
    page.goto(link.group(0))
    page.wait_for_url("**/en/account/")
    assert "Your email address is confirmed" in page.locator("main").inner_text()

    page.get_by_label("Real name, as on your ID card").fill("张伟")
    page.get_by_label("Resident ID number").fill("310115198505120032")
    page.fill("form:has(#id_real_name) #id_mobile", "13912345678")
    page.check("#id_consent")
    page.get_by_role("button", name="Add this identity").click()
    page.wait_for_url("**/en/account/")
    assert "3101**********0032" in page.locator("main").inner_text()
    page.get_by_role("link", name="Add a delivery address").click()
    address = {
        "Recipient": "张伟",
        "Mobile number": "13912345678",
        "Street address": "世纪大道 100 号",
    }
    for label, value in address.items():
        page.get_by_label(label).fill(value)
    # The lists: a province, then (a municipality's one city chosen) a district.
    page.get_by_label("Province", exact=True).select_option(label="上海市")
    page.wait_for_selector("#id_district option[value='310115']", state="attached")
    page.wait_for_function("!document.querySelector('.htmx-request, .htmx-settling')")
    page.get_by_label("District", exact=True).select_option(label="浦东新区")
    page.get_by_role("button", name="Save this address").click()
    page.wait_for_url("**/en/account/")

    product = shopping.products["a"]
    page.goto(f"{live_server.url}/en/p/{product.slug}/")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url("**/en/cart/")
    page.get_by_role("link", name="Check out").click()
    page.wait_for_url("**/en/checkout/")
    page.get_by_role("button", name="Place the order").click()
    page.wait_for_url("**/en/orders/E*/")
    order = Order.objects.get()
    assert order.buyer.username == "zhang.wei@example.cn"
    assert order.id_number_masked == "3101**********0032"
    assert order.number in page.locator("main").inner_text()


def test_on_a_phone_the_header_takes_two_rows_and_products_show_at_once(
    live_server, browser_page, shop, catalogue
):
    for n in range(8):  # more categories than a phone's width holds
        catalogue.category(f"category-{n}", names={"fr": f"Catégorie numéro {n}"})
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(live_server.url + "/fr/c/chocolate/")
    tops = page.evaluate(
        """() => [".brand", ".languages", ".account", ".search-box", ".market-form"]
            .map((s) => document.querySelector(s).getBoundingClientRect())
            .map((r) => [Math.round(r.top + r.height / 2), Math.round(r.right)])"""
    )
    (brand, _), (languages, _), (account, _), (search, _), (market, _) = tops
    assert abs(brand - languages) < 12 and abs(brand - account) < 12  # one row
    assert abs(search - market) < 12 and search > brand + 20  # and a second
    assert max(right for _, right in tops) <= 360  # nothing sticks out
    assert page.locator(".account a[href$='/signup/']").is_visible()  # sign up too
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.select_option("#market-select", "BE")  # applies at once, no button
    page.wait_for_url("**/fr/c/chocolate/")
    assert page.locator("#market-select").input_value() == "BE"
    page.select_option("#market-select", "CN")
    page.wait_for_url("**/fr/c/chocolate/")
    bar = page.locator(".categories ul")
    assert bar.evaluate("(el) => el.scrollWidth > el.clientWidth")  # it scrolls
    card = page.locator(".card").first.bounding_box()
    assert card["y"] < 780  # the first product is in the first screen
    page.get_by_text("Filtrer et trier").click()  # the folded filters open
    assert page.get_by_label("Prix jusqu’à (CNY, taxes comprises)").is_visible()


def test_on_a_wide_screen_every_category_is_in_sight(
    live_server, browser_page, shop, catalogue
):
    for n in range(8):
        catalogue.category(f"category-{n}", names={"fr": f"Catégorie numéro {n}"})
    page = browser_page
    page.goto(live_server.url + "/fr/c/chocolate/")
    width = page.viewport_size["width"]
    rights = page.locator(".categories a").evaluate_all(
        "(links) => links.map((a) => a.getBoundingClientRect().right)"
    )
    assert max(rights) <= width


def _operator_signed_in(live_server, page, django_user_model):
    """An operator account, signed in to the back-office. Returns the page."""
    django_user_model.objects.create_superuser("op", "op@example.com", "op password")
    page.goto(live_server.url + "/backoffice/login/")
    page.fill("#id_username", "op")
    page.fill("#id_password", "op password")
    page.click("input[type=submit]")
    return page


def test_the_operator_approves_a_change_to_a_live_listing_from_its_page(
    live_server, browser_page, shop, catalogue, django_user_model
):
    from etalage.catalog.models import ListingChange
    from etalage.catalog.services import product_update

    product = shop  # live
    assert product.is_live
    product_update(product=product, fields={"tax_class": "food-9"})
    page = _operator_signed_in(live_server, browser_page, django_user_model)
    page.goto(f"{live_server.url}/backoffice/catalog/product/{product.pk}/change/")
    # The page fits the screen, under the product's name rather than its slug.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1200
    assert page.locator("#content h2").first.inner_text() == "Ballotin (en)"
    page.get_by_role("button", name="Approve the changes").click()
    page.wait_for_selector(".messagelist")
    assert "Decision recorded." in page.locator(".messagelist").inner_text()
    product.refresh_from_db()
    assert product.tax_class == "food-9"
    assert ListingChange.objects.get().status == "approved"


def _signed_in_at_the_order(live_server, page, shopping, settings):
    """A buyer with a placed order signs in and is at its page. Returns the order."""
    settings.ETALAGE_SITE_URL = live_server.url
    buyer = shopping.buyer()
    buyer.set_password("a decent password")
    buyer.save()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    order = shopping.place(buyer).order
    page.goto(f"{live_server.url}/en/login/?next=/en/orders/{order.number}/")
    page.fill("#id_username", buyer.username)
    page.fill("#id_password", "a decent password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/orders/{order.number}/")
    return order


def _at_the_cashier(live_server, page, shopping, settings):
    """The buyer presses Pay with Alipay; the page is left at the sandbox's cashier."""
    order = _signed_in_at_the_order(live_server, page, shopping, settings)
    page.get_by_role("button", name="Pay with Alipay").click()
    page.wait_for_url("**/sandbox/antom/cashier/**")
    return order


def test_a_buyer_scans_the_wechat_qr_code_and_the_order_page_turns_paid(
    live_server, browser_page, shopping, settings
):
    """Pay with WeChat Pay: the order page shows the QR code; "scanning" it (the
    sandbox's page, in a second tab as a phone would) and paying turns the first
    page paid by itself."""
    page = browser_page
    order = _signed_in_at_the_order(live_server, page, shopping, settings)
    page.get_by_role("button", name="Pay with WeChat Pay").click()
    page.wait_for_selector("figure.pay-qr img[src^='data:image/svg+xml']")
    # Another device, no session: a phone in China, whose page speaks Chinese.
    phone = page.context.browser.new_page(locale="zh-CN")
    phone.goto(page.locator("figure.pay-qr a").get_attribute("href"))
    assert "微信支付" in phone.content()
    phone.locator("button[value=pay]").click()
    phone.wait_for_load_state()
    phone.close()
    page.bring_to_front()  # the buyer looks back at the order (a visible page polls)
    page.wait_for_selector("#order-live .state:text-is('Paid')", timeout=20000)
    order.refresh_from_db()
    assert order.state == "paid"


def test_a_buyer_pays_with_alipay_in_the_sandbox_and_sees_the_order_paid(
    live_server, browser_page, shopping, settings
):
    """Place, pay at the sandbox cashier, come back: the sandbox's notification
    travels over HTTP to the live server and the order page says paid."""
    page = browser_page
    order = _at_the_cashier(live_server, page, shopping, settings)
    assert "Sandbox" in page.content() or "沙盒" in page.content()
    page.locator("button[value=pay]").click()
    page.wait_for_url(f"**/orders/{order.number}/")
    assert page.locator(".state").first.inner_text() == "Paid"
    order.refresh_from_db()
    assert order.state == "paid"


def test_the_order_page_turns_paid_by_itself_when_the_notification_comes(
    live_server, browser_page, shopping, settings
):
    from etalage.payments import sandbox_antom
    from etalage.payments.models import SandboxPayment
    from etalage.payments.notifications import (
        notification_process,
        notification_receive,
    )

    page = browser_page
    _at_the_cashier(live_server, page, shopping, settings)
    page.go_back()  # the buyer comes back before paying: the page follows
    page.reload()
    assert page.locator(".state").first.inner_text() == "Placed, awaiting payment"
    paid = SandboxPayment.objects.get()
    paid.state = SandboxPayment.State.PAID
    paid.save()
    _url, headers, body = sandbox_antom.payment_notice(paid)
    kept = notification_receive(
        provider="alipay", headers=headers, body=body, remote_addr="127.0.0.1"
    )
    notification_process(kept)
    # No reload: the page follows the payment by itself.
    page.wait_for_selector("#order-live .state:text-is('Paid')", timeout=5000)


def test_the_operator_reads_an_order_and_its_parcel_on_a_laptop_screen(
    live_server, browser_page, shopping, django_user_model
):
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 2), (shopping.products["b"], 1)])
    order = shopping.place(buyer).order
    page = _operator_signed_in(live_server, browser_page, django_user_model)
    sub_order = order.sub_orders.first()
    for address in (
        f"/backoffice/orders/order/{order.pk}/change/",
        f"/backoffice/orders/suborder/{sub_order.pk}/change/",
        "/backoffice/orders/order/",
    ):
        page.goto(live_server.url + address)
        assert order.number in page.locator("#content").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 1200, address


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", ("received.", "Bag BAG-7 opened; {code} in it.", "The check digit")),
        ("fr", ("reçu.", "Sac BAG-7 ouvert ; {code} y est.", "Le chiffre de contrôle")),
    ],
)
def test_hub_staff_receive_bag_and_fly_a_parcel_on_a_tablet(
    live_server, browser_page, shopping, django_user_model, language, said
):
    """On a tablet-sized screen, in English and in French: scan a parcel in (the
    scanner types the code and Enter), bag it, seal the bag, load it on a flight
    under its air waybill (a wrong check digit refused first), depart: the parcel's
    timeline says so; no page wider than the tablet."""
    from etalage.logistics.services import hub_staff_add, parcel_pack
    from etalage.orders.services import order_pay

    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    sub = order_pay(order=shopping.place(buyer).order).sub_orders.get()
    parcel = parcel_pack(sub_order=sub, grams=400)
    staff = django_user_model.objects.create_user("hubby", password="hub password")
    hub_staff_add(staff)
    page = browser_page
    page.set_viewport_size({"width": 820, "height": 1180})
    hub = f"{live_server.url}/{language}/hub"
    page.goto(f"{live_server.url}/{language}/login/?next=/{language}/hub/")
    page.fill("input[name=username]", "hubby")
    page.fill("input[name=password]", "hub password")
    page.click("form:has(input[name=password]) [type=submit]")
    page.wait_for_url(f"**/{language}/hub/")
    _fits(page, "the hub's scan screen")
    assert page.evaluate("document.activeElement.id") == "id_code"  # ready to scan
    page.fill("#id_grams", "410")
    page.focus("#id_code")
    page.keyboard.type(parcel.code.lower())
    page.keyboard.press("Enter")
    page.wait_for_selector(f"text={parcel.code} {said[0]}")
    page.click(f"a[href='/{language}/hub/bags/']")
    _fits(page, "the hub's bags")
    page.fill("#id_bag", "bag-7")
    page.fill("#id_code", parcel.code)
    page.click("form:has(#id_bag) button[type=submit]")
    page.wait_for_selector(f"text={said[1].format(code=parcel.code)}")
    page.click("#bags form button")
    page.click(f"a[href='/{language}/hub/flights/']")
    page.wait_for_url(f"{hub}/flights/")
    _fits(page, "the hub's flights")
    page.fill("#id_mawb", "176-12345674")
    page.fill("#id_airline", "Air Cargo")
    page.fill("#id_flight_number", "AC123")
    page.fill("#id_destination", "CGO")
    page.click("form:has(#id_mawb) button[type=submit]")
    page.wait_for_selector(f"text={said[2]}")
    page.fill("#id_mawb", "176-12345675")
    page.click("form:has(#id_mawb) button[type=submit]")
    page.click("#flight-176-12345675 form:has(select[name=bag]) button")
    page.wait_for_selector("#flight-176-12345675 code:has-text('BAG-7')")
    _fits(page, "the flight loaded")
    page.click("#flight-176-12345675 button[value=depart]")
    page.wait_for_selector("#flight-176-12345675 button[value=arrive]")
    assert list(parcel.events.values_list("step", flat=True)) == [
        "info_received",
        "received_at_hub",
        "departed_liege",
    ]


def test_the_api_docs_render_in_swagger_ui_without_an_error(live_server, browser_page):
    page = browser_page
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda said: errors.append(said.text) if said.type == "error" else None,
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
    text = page.locator(".swagger-ui").inner_text()
    assert "Étalage API" in text and "/api/v1/products" in text
    assert "/api/v1/merchant/orders/{number}/parcel/label" in text
    assert errors == []


PHONE = {"width": 390, "height": 844}
# The innermost elements that reach past the screen's right edge, to name in a failure.
WIDER_THAN_THE_SCREEN = """() => {
  const edge = document.documentElement.clientWidth;
  const clips = (a) => getComputedStyle(a).overflowX !== "visible";
  const scrolls = (e) => {
    for (let a = e.parentElement; a; a = a.parentElement) if (clips(a)) return true;
    return false;
  };
  const past = (e) => e.getBoundingClientRect().right > edge + 0.5 && !scrolls(e);
  return [...document.querySelectorAll("body *")]
    .filter((e) => past(e) && ![...e.children].some(past))
    .slice(0, 5)
    .map((e) => `${e.tagName}.${e.className}: ${e.getBoundingClientRect().right}`);
}"""
DESKTOP = {"width": 1280, "height": 900}


def _fits(page, where: str) -> None:
    """Fail when the page is wider than the screen (the buyer would scroll sideways)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    screen = page.evaluate("document.documentElement.clientWidth")
    wide = page.evaluate(WIDER_THAN_THE_SCREEN)
    assert width <= screen, f"{where} ({page.url}) is {width} px on {screen}: {wide}"


def _submit(page, field: str) -> None:
    page.locator(f"form:has({field}) button[type=submit]").first.click()


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("language", ["zh-hans", "fr", "nl", "en"])
def test_a_new_buyer_orders_from_two_merchants_and_pays_in_every_language(
    live_server, browser_page, shopping, settings, language, screen
):
    """Sign up, confirm, add an identity and an address, put two merchants' products
    in the cart, check out, pay at the Alipay sandbox's cashier and see the order
    paid: in each language, on a phone and a desktop, no page wider than the screen."""
    import re

    from django.core import mail

    from etalage.orders.models import Order

    settings.ETALAGE_SITE_URL = live_server.url
    page = browser_page
    page.set_viewport_size(screen)
    prefix = "" if language == "zh-hans" else f"/{language}"
    site = f"{live_server.url}{prefix}"
    page.goto(f"{site}/signup/")
    _fits(page, "sign-up")
    page.fill("#id_login", "li.na@example.cn")
    page.fill("#id_password", "a quiet harbour 42")
    page.fill("#id_password_again", "a quiet harbour 42")
    _submit(page, "#id_login")
    page.wait_for_url("**/signup/sent/")
    link = re.search(r"https?://\S+/signup/confirm/\S+/", mail.outbox[-1].body)
    page.goto(link.group(0))
    page.wait_for_url("**/account/")
    _fits(page, "my account")

    page.fill("#id_real_name", "李娜")
    page.fill("#id_id_number", "310115198505120032")
    page.fill("#id_mobile", "13912345678")
    page.check("#id_consent")
    _submit(page, "#id_real_name")
    page.wait_for_url("**/account/")
    assert "3101**********0032" in page.locator("main").inner_text()
    page.goto(f"{site}/account/addresses/new/")
    _fits(page, "new address")
    # An address as buyers paste it: the form is filled, its lists chosen.
    page.fill("#id_paste", "李娜 13912345678 上海市浦东新区世纪大道 100 号")
    # A full-page post: wait for the answer, then for the district list it fills (the
    # element is absent while the new page is parsed, so the check allows for that).
    with page.expect_navigation():
        page.locator("button[name=fill]").click()
    page.wait_for_function("(document.querySelector('#id_district') || {}).value")
    assert page.input_value("#id_district") == "310115"
    page.locator("button[name=save]:not(.visually-hidden)").click()
    page.wait_for_url("**/account/")

    for key in ("a", "c"):  # two merchants
        page.goto(f"{site}/p/{shopping.products[key].slug}/")
        _fits(page, "product")
        page.locator(
            "form:has(#add-variant) button[type=submit], form.add button[type=submit]"
        ).first.click()
        page.wait_for_url("**/cart/")
    _fits(page, "cart")
    page.locator(f"a[href='{prefix}/checkout/']").first.click()
    page.wait_for_url("**/checkout/")
    _fits(page, "checkout")
    page.locator("#checkout button[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/orders/E[^/]+/$"))
    _fits(page, "order")
    order = Order.objects.get()
    assert order.sub_orders.count() == 2 and order.language == language
    page.locator("form[action$='/pay/alipay/'] button").click()
    page.wait_for_url("**/sandbox/antom/cashier/**")
    _fits(page, "Alipay cashier")
    page.locator("button[value=pay]").click()
    page.wait_for_url(f"**/orders/{order.number}/")
    order.refresh_from_db()
    assert order.state == "paid"
    _fits(page, "paid order")
    page.goto(f"{site}/orders/")
    _fits(page, "my orders")


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_merchant_packs_prints_the_label_and_hands_over_in_french(
    live_server, browser_page, shopping, django_user_model, screen
):
    """The merchant's fulfilment in French: the paid parcel in the orders list,
    packed, the label a PDF, handed over to the Liège hub; no page wider than the
    screen. (A weight refused is the page test's: the browser holds it back.)"""
    from etalage.inventory.services import merchant_warehouse, stock_receive
    from etalage.logistics.models import Parcel
    from etalage.merchants.models import MerchantMember
    from etalage.orders.services import order_pay

    product = shopping.products["a"]
    warehouse = merchant_warehouse(merchant=product.merchant)
    stock_receive(warehouse=warehouse, variant=product.variants.get(), quantity=5)
    buyer = shopping.buyer()
    shopping.cart(buyer, [(product, 1)])
    sub = order_pay(order=shopping.place(buyer).order).sub_orders.get()
    user = django_user_model.objects.create_user("claire", password="a pralines box")
    MerchantMember.objects.create(merchant=product.merchant, user=user, role="owner")
    page = browser_page
    page.set_viewport_size(screen)
    page.goto(f"{live_server.url}/fr/login/?next=/fr/portal/")
    page.fill("input[name=username]", "claire")
    page.fill("input[name=password]", "a pralines box")
    page.click("form:has(input[name=password]) [type=submit]")
    page.wait_for_url("**/fr/portal/")
    _fits(page, "the portal")
    page.click("a[href='/fr/portal/orders/']")
    page.wait_for_url("**/fr/portal/orders/")
    _fits(page, "the portal's orders")
    page.click(f"a[href='/fr/portal/orders/{sub.number}/']")
    page.wait_for_url(f"**/fr/portal/orders/{sub.number}/")
    _fits(page, "the parcel to pack")
    assert not Parcel.objects.exists()
    page.fill("#id_grams", "640")
    page.click(f"form[action$='/{sub.number}/pack/'] button")
    page.wait_for_selector(f"form[action$='/{sub.number}/hand-over/']")
    label = page.request.get(
        f"{live_server.url}/fr/portal/orders/{sub.number}/label.pdf"
    )
    assert label.ok and label.body().startswith(b"%PDF")
    page.click(f"form[action$='/{sub.number}/hand-over/'] button")
    page.wait_for_selector("text=Remis au hub de Liège.")
    _fits(page, "the parcel handed over")
    assert Parcel.objects.get(sub_order=sub).state == "handed_over"


def test_checkout_recomputes_when_the_address_changes_with_one_button_to_press(
    live_server, browser_page, shopping, settings
):
    """With JavaScript, choosing another address recomputes the totals at once: no
    button recomputes; besides the coupon's "Apply", the only button left is the
    one that places the order."""
    from etalage.customs.services import address_add

    buyer = shopping.buyer()
    buyer.set_password("a decent password")
    buyer.save()
    other = address_add(user=buyer, recipient="李娜", phone="13912345678",
                        province="北京市", city="北京市", district="朝阳区",
                        street="建国路 1 号")  # fmt: skip
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    page = browser_page
    page.goto(f"{live_server.url}/en/login/?next=/en/checkout/")
    page.fill("#id_username", buyer.username)
    page.fill("#id_password", "a decent password")
    page.click("form:has(#id_password) [type=submit]")
    page.wait_for_url("**/en/checkout/")
    assert not page.locator("#recompute").is_visible()
    visible = page.locator("#checkout button:visible:not(#coupon-apply)")
    assert visible.count() == 1 and visible.inner_text() == "Place the order"
    with page.expect_navigation():  # posted back: the address stays out of the URL
        page.check(f"input[name=address][value='{other.pk}']")
    assert page.url.endswith("/en/checkout/")
    assert page.locator(f"input[name=address][value='{other.pk}']").is_checked()


def test_the_search_suggestions_are_reached_with_the_arrow_keys(
    live_server, browser_page, shop
):
    page = browser_page
    page.goto(f"{live_server.url}/en/")
    box = page.locator("#search-q")
    box.click()
    page.keyboard.type("Choc")
    page.wait_for_selector("#search-suggest [role=option]")
    assert box.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    first = page.locator("#search-suggest [role=option]").first
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    target = first.locator("a").get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{target}")
    page.goto(f"{live_server.url}/en/")
    page.locator("#search-q").click()
    page.keyboard.type("Choc")
    page.wait_for_selector("#search-suggest [role=option]")
    page.keyboard.press("Escape")
    assert page.locator("#search-suggest [role=option]").count() == 0
