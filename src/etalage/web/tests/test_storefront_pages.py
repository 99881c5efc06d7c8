import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from etalage.catalog.models import PavilionEntry
from etalage.merchants.models import MerchantMember

pytestmark = pytest.mark.usefixtures("ecb_rates", "today_is_2024_07_01")


@pytest.fixture
def shop(catalogue):
    chocolate = catalogue.category(
        "chocolate",
        names={
            "zh-hans": "巧克力",
            "fr": "Chocolat",
            "nl": "Chocolade",
            "en": "Chocolate",
        },
    )
    pralines = catalogue.category("pralines", parent=chocolate)
    maker = catalogue.merchant("Maison Test")
    cheap = catalogue.product(
        merchant=maker, category=pralines, prices=("10.00", "18.00"), name="Ballotin"
    )
    dear = catalogue.product(merchant=maker, category=chocolate, prices=("100.00",))
    hidden = catalogue.product(merchant=maker, category=chocolate, status="in_review")
    PavilionEntry.objects.create(merchant=maker, story_en="Our favourite maker.")
    PavilionEntry.objects.create(product=cheap)
    return {
        "chocolate": chocolate,
        "pralines": pralines,
        "maker": maker,
        "cheap": cheap,
        "dear": dear,
        "hidden": hidden,
    }


def test_the_home_page_is_in_chinese_with_cny_prices(client, shop):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-Hans" ' in html
    assert "比利时国家馆" in html
    # 10.00 EUR at 7.7748 CNY and a 2 % margin: 79.30 CNY, the lowest of two variants,
    # plus its estimated CBEC tax: 79.30 x 13 % x 70 % = 7.22 -> 86.52 CNY.
    assert "¥86.52 起" in html
    assert "Maison Test" in html
    assert "巧克力" in html


def test_the_home_page_in_french_says_where_prices_come_from(client, shop):
    html = client.get("/fr/").content.decode()
    assert "Le pavillon belge" in html
    assert "Banque centrale européenne" in html
    assert "2024-06-28" in html
    assert "Our favourite maker." in html  # the operator's story, English fallback


def test_a_category_page_lists_its_subcategories_products(client, shop):
    html = client.get("/en/c/chocolate/").content.decode()
    assert "2 products" in html
    assert shop["cheap"].slug in html
    assert shop["dear"].slug in html
    assert shop["hidden"].slug not in html


def test_a_category_page_filters_by_price_in_the_market_currency(client, shop):
    # The range is of the prices the cards show: 79.30 goods + 7.22 tax = 86.52.
    html = client.get("/en/c/chocolate/", {"price_max": "86.52"}).content.decode()
    assert "1 product" in html
    assert shop["cheap"].slug in html and "86.52" in html
    html = client.get("/en/c/chocolate/", {"price_max": "86.51"}).content.decode()
    assert "No product matches these filters." in html


def test_a_category_page_sorts_by_price(client, shop):
    html = client.get("/en/c/chocolate/", {"sort": "-price"}).content.decode()
    assert html.index(shop["dear"].slug) < html.index(shop["cheap"].slug)


def test_a_bad_filter_names_the_field_and_the_reason(client, shop):
    response = client.get("/en/c/chocolate/", {"price_min": "abc", "price_max": "-5"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a number." in html
    assert "greater than or equal to 0" in html


def test_a_range_upside_down_is_refused(client, shop):
    html = client.get("/en/c/chocolate/", {"price_min": "50", "price_max": "10"})
    assert "must not be below the minimum price" in html.content.decode()


def test_htmx_filtering_gets_only_the_results(client, shop):
    response = client.get(
        "/en/c/chocolate/",
        {"sort": "price"},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )
    html = response.content.decode()
    assert html.startswith('<div id="results"')
    assert "<header" not in html


def test_the_product_page_shows_variants_prices_origin_and_the_tax_note(client, shop):
    html = client.get(f"/p/{shop['cheap'].slug}/").content.decode()
    assert "Ballotin (zh-hans)" in html
    assert "¥86.52" in html  # 79.30 goods + 7.22 estimated tax
    assert "¥155.74" in html  # 18.00 EUR -> 142.75 goods + 12.99 tax
    assert "价格已包含预估的跨境电商税费" in html
    assert "¥7.22" in html  # the tax line of the breakdown
    assert "比利时" in html
    assert "1806900000" in html


def test_a_product_not_live_is_not_found(client, shop):
    assert client.get(f"/p/{shop['hidden'].slug}/").status_code == 404
    assert client.get("/p/no-such-product/").status_code == 404
    assert client.get("/c/no-such-category/").status_code == 404


def test_a_product_of_a_suspended_merchant_is_not_found(client, shop):
    shop["maker"].status = "suspended"
    shop["maker"].save()
    assert client.get(f"/p/{shop['cheap'].slug}/").status_code == 404
    assert client.get(f"/m/{shop['maker'].slug}/").status_code == 404


def test_a_text_missing_in_the_readers_language_says_so(client, catalogue, shop):
    product = catalogue.product(languages=("en",), category=shop["chocolate"])
    html = client.get(f"/nl/p/{product.slug}/").content.decode()
    assert "Deze tekst is nog niet beschikbaar in uw taal." in html
    assert 'lang="en"' in html


def test_the_merchant_page_tells_the_story_and_lists_products(client, shop):
    html = client.get(f"/en/m/{shop['maker'].slug}/").content.decode()
    assert "A story." in html
    assert shop["cheap"].slug in html


def test_switching_to_the_belgian_market_shows_euro_prices(client, shop):
    response = client.post("/market/", {"market": "BE", "next": "/fr/"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/"
    html = client.get(f"/fr/p/{shop['cheap'].slug}/").content.decode()
    assert "10,00\xa0€" in html
    assert "¥" not in html


def test_the_market_switch_refuses_to_redirect_elsewhere(client, shop):
    response = client.post(
        "/market/", {"market": "BE", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_an_unknown_market_cookie_falls_back_to_china(client, shop):
    client.cookies["etalage_market"] = "XX"
    assert "¥86.52" in client.get("/").content.decode()


def test_without_any_rate_the_page_says_prices_cannot_be_shown(client, catalogue):
    from etalage.pricing.models import ExchangeRate

    ExchangeRate.objects.all().delete()
    catalogue.product()
    html = client.get("/en/").content.decode()
    assert "prices cannot be shown" in html
    assert "¥" not in html


def test_the_language_links_point_to_the_same_page(client, shop):
    html = client.get(f"/p/{shop['cheap'].slug}/").content.decode()
    for prefix in ("/fr", "/nl", "/en"):
        assert f'href="{prefix}/p/{shop["cheap"].slug}/"' in html


def test_the_merchant_portal_shows_the_merchants_own_listings(client, catalogue, shop):
    user = get_user_model().objects.create_user("owner", password="x")
    MerchantMember.objects.create(merchant=shop["maker"], user=user, role="owner")
    other = catalogue.product(status="rejected")
    other.rejection_reason = "Someone else's secret"
    other.save()
    client.force_login(user)
    html = client.get("/en/portal/").content.decode()
    assert "Maison Test" in html
    assert "Someone else" not in html


def test_the_merchant_portal_refuses_a_buyer_and_asks_strangers_to_sign_in(
    client, shop
):
    assert client.get("/en/portal/").status_code == 302
    client.force_login(get_user_model().objects.create_user("buyer"))
    assert client.get("/en/portal/").status_code == 403


def test_prices_are_decimal_all_the_way(shop):
    assert isinstance(shop["cheap"].price_from_eur, Decimal)


def test_the_portal_opens_in_the_merchants_language(client, shop):
    response = client.get(
        "/portal/?tab=1", headers={"accept-language": "fr-BE,fr;q=0.9"}
    )
    assert response["Location"] == "/fr/portal/?tab=1"
    assert client.get("/portal/")["Location"] == "/en/portal/"


def test_a_missing_page_is_a_friendly_page_in_the_readers_language(client, shop):
    response = client.get("/fr/p/no-such-thing/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_the_portal_tells_the_merchant_which_hs_codes_china_refuses(client, shop):
    from etalage.customs.models import PositiveListEntry

    user = get_user_model().objects.create_user("owner-hs", password="x")
    MerchantMember.objects.create(merchant=shop["maker"], user=user, role="owner")
    PositiveListEntry.objects.all().delete()
    client.force_login(user)
    html = client.get("/en/portal/").content.decode()
    assert "not on China's CBEC positive list" in html
    # named as the merchant reads it, in the portal's language (not by its slug)
    name = shop["cheap"].translations.get(language="en").name
    assert f">{name}</a>" in html and shop["cheap"].slug not in html


def test_the_product_page_says_which_versions_are_in_stock(client, shop):
    from etalage.inventory.models import Warehouse
    from etalage.inventory.services import stock_receive

    hub = Warehouse.objects.create(code="hub", name="Hub", kind="hub")
    first, second = shop["cheap"].variants.order_by("position")
    stock_receive(warehouse=hub, variant=first, quantity=3)
    html = client.get(f"/en/p/{shop['cheap'].slug}/").content.decode()
    assert "Only 3 left" in html
    assert "Out of stock" in html
    assert f'<option value="{second.pk}" disabled>' in html


def test_the_ship_to_menu_says_which_markets_take_no_orders_yet(client, shop):
    html = client.get("/en/").content.decode()
    china = re.search(r'<option value="CN"[^>]*>([^<]*)</option>', html).group(1)
    belgium = re.search(r'<option value="BE"[^>]*>([^<]*)</option>', html).group(1)
    assert "no orders" not in china
    assert "prices only, no orders yet" in belgium


def test_the_merchant_filter_offers_only_merchants_selling_in_the_category(
    client, catalogue, shop
):
    hats = catalogue.category("hats")
    milliner = catalogue.merchant("Chapellerie")
    catalogue.product(merchant=milliner, category=hats)
    idle = catalogue.merchant("Nothing on sale")
    catalogue.product(merchant=idle, category=shop["pralines"], status="draft")
    html = client.get("/en/c/chocolate/").content.decode()
    options = re.findall(
        r'<option value="([^"]*)"',
        html.split('name="merchant"')[1].split("</select>")[0],
    )
    assert options == ["", shop["maker"].slug]
    hats_page = client.get("/en/c/hats/").content.decode()
    assert milliner.slug in hats_page and shop["maker"].slug not in hats_page


@pytest.mark.parametrize("language", ["zh-hans", "fr", "nl", "en"])
def test_sign_in_and_sign_up_have_two_names_in_the_header(client, shop, language):
    import re

    prefix = "" if language == "zh-hans" else f"/{language}"
    header = client.get(f"{prefix}/").content.decode().split("</header>")[0]
    sign_in = re.search(r'href="[^"]*/login/">([^<]+)</a>', header).group(1)
    sign_up = re.search(r'href="[^"]*/signup/">([^<]+)</a>', header).group(1)
    assert sign_in != sign_up


def test_the_home_page_s_newest_come_from_the_index_whatever_its_size(
    client, shop, catalogue
):
    """The home page's "New in the pavilion" is the listings' newest, served by the
    search index: no query walks the catalogue, so it costs the same at a million."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from etalage.search.index import search_reindex

    search_reindex()
    client.get("/en/")  # (reference data read once)
    with CaptureQueriesContext(connection) as before:
        html = client.get("/en/").content.decode()
    assert shop["dear"].slug in html and shop["hidden"].slug not in html
    for _n in range(5):
        catalogue.product(merchant=shop["maker"], category=shop["chocolate"])
    search_reindex()
    with CaptureQueriesContext(connection) as after:
        client.get("/en/")
    assert len(after.captured_queries) == len(before.captured_queries)
    newest_first = '"catalog_product"."created_at" DESC'
    assert not [q for q in after.captured_queries if newest_first in q["sql"]]
