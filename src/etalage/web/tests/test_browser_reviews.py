"""In Chromium: a buyer reviews a delivered line with a photo from the order's
page (on a phone, then the rest on a laptop), the merchant replies in the portal,
and the product card shows the rating; the product page shows the photo and the
reply under a verified purchase."""

import pytest

from etalage.merchants.models import MerchantMember
from etalage.reviews.models import Review
from etalage.reviews.tests.conftest import delivered_order, line_of, png
from etalage.web.tests.test_browser import (  # noqa: F401 (fixtures)
    _end_the_connections_the_test_server_leaves,
    browser_page,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "a decent password"


def _sign_in(page, live_server, username, next_url):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/en/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_url}")


def _fits(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1"
    )


def test_a_buyer_reviews_with_a_photo_the_merchant_replies_the_card_shows_it(
    live_server,
    browser_page,  # noqa: F811
    shopping,
    settings,
    tmp_path,
    django_user_model,
):
    settings.ETALAGE_SITE_URL = live_server.url
    buyer = shopping.buyer()
    buyer.set_password(PASSWORD)
    buyer.save()
    order = delivered_order(shopping, buyer)
    product = shopping.products["a"]
    line = line_of(order, product)
    owner = django_user_model.objects.create_user("chocolatier", password=PASSWORD)
    MerchantMember.objects.create(merchant=product.merchant, user=owner, role="owner")
    photo = tmp_path / "box.png"
    photo.write_bytes(png((640, 480), (120, 60, 30)))

    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    _sign_in(page, live_server, buyer.username, f"/en/orders/{order.number}/")
    page.get_by_role("link", name="Review this item").click()
    page.wait_for_url(f"**/account/reviews/line/{line.pk}/")
    assert _fits(page)
    page.locator("input[name=stars][value='5']").check()
    page.get_by_label("Your review").fill("Fondant, arrivé intact à Shanghai.")
    page.get_by_label("Written in").select_option("fr")
    page.set_input_files("input[name=photos]", str(photo))
    page.get_by_role("button", name="Publish my review").click()
    page.wait_for_url(f"**/orders/{order.number}/")
    assert "your review is published" in page.content()
    assert Review.objects.get(line=line).photos.count() == 1

    page.set_viewport_size({"width": 1200, "height": 900})
    _sign_in(page, live_server, "chocolatier", "/en/portal/reviews/")
    assert "Fondant, arrivé intact" in page.content()
    page.get_by_label("Your public reply").fill("Merci, à bientôt !")
    page.get_by_role("button", name="Publish the reply").click()
    page.wait_for_url("**/en/portal/reviews/")
    assert "Your reply is published." in page.content()

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/en/m/{product.merchant.slug}/")
    card = page.locator(".card", has_text=product.translations.get(
        language="en").name).first  # fmt: skip
    assert "★ 5.0 (1)" in card.inner_text()
    card.locator(".card-link").click()
    page.wait_for_url(f"**/p/{product.slug}/")
    reviews = page.locator("#reviews")
    assert "Verified purchase" in reviews.inner_text()
    assert "Merci, à bientôt !" in reviews.inner_text()
    assert "Written in French" in reviews.inner_text()
    thumbnail = reviews.locator(".review-photos img").first
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth > 0")
