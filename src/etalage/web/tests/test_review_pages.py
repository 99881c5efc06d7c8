"""Reviews through the pages: a buyer reviews a delivered line from the order's
page with a photo, the product page and the cards show it, the merchant replies
in the portal, the reader's language comes first, a review is reported."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from etalage.merchants.models import MerchantMember
from etalage.reviews.models import Review, ReviewReport
from etalage.reviews.moderation import reply_hide, review_hide
from etalage.reviews.services import review_reply, review_write
from etalage.reviews.tests.conftest import delivered_order, line_of, png


def _client(user, language="en"):
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


def _member(merchant, name):
    user = get_user_model().objects.create_user(name)
    MerchantMember.objects.create(merchant=merchant, user=user, role="owner")
    return _client(user)


@pytest.fixture
def bought(shopping):
    buyer = shopping.buyer()
    order = delivered_order(shopping, buyer)
    return buyer, order, line_of(order, shopping.products["a"])


def test_a_buyer_reviews_a_line_with_a_photo_from_the_order_page(shopping, bought):
    buyer, order, line = bought
    client = _client(buyer)
    page = client.get(f"/en/orders/{order.number}/").content.decode()
    form_url = f"/en/account/reviews/line/{line.pk}/"
    assert form_url in page and "Review this item" in page
    photo = SimpleUploadedFile("box.png", png(), "image/png")
    answer = client.post(form_url, {"stars": "5", "text": "Fondant, parfait.",
                                    "language": "fr", "photos": [photo]})  # fmt: skip
    assert answer.status_code == 302 and answer["Location"].endswith(
        f"/orders/{order.number}/"
    )
    review = Review.objects.get(line=line)
    assert review.stars == 5 and review.photos.count() == 1
    product = shopping.products["a"]
    shown = Client().get(f"/en/p/{product.slug}/").content.decode()
    assert "Fondant, parfait." in shown and "Verified purchase" in shown
    assert review.photos.get().thumbnail.url in shown
    assert "Written in French" in shown  # an English reader
    listing = Client().get(f"/en/m/{product.merchant.slug}/").content.decode()
    assert "★ 5.0 (1)" in listing
    assert "2 sold this month" in listing


def test_a_kept_product_page_shows_a_review_once_delivered(shopping, bought, settings):
    """With the shared cache, the reviews' section is kept with the page and
    renewed by the product's change the review records."""
    from etalage.events.outbox import outbox_deliver

    settings.ETALAGE_FRAGMENT_CACHE_SECONDS = 30
    buyer, _order, line = bought
    product = shopping.products["a"]
    assert "Fondant" not in Client().get(f"/en/p/{product.slug}/").content.decode()
    review_write(line=line, buyer=buyer, stars=4, text="Fondant.", language="fr")
    outbox_deliver()
    shown = Client().get(f"/en/p/{product.slug}/").content.decode()
    assert "Fondant." in shown and "1 review" in shown


def test_a_review_form_names_the_refused_field(bought):
    buyer, _order, line = bought
    answer = _client(buyer).post(
        f"/en/account/reviews/line/{line.pk}/",
        {"stars": "9", "text": "", "language": "fr"},
    )
    assert answer.status_code == 200 and not Review.objects.exists()
    assert answer.context["form"].errors["stars"]


def test_a_stranger_cannot_open_someone_else_s_line(shopping, bought):
    _buyer, _order, line = bought
    answer = _client(shopping.buyer()).get(f"/en/account/reviews/line/{line.pk}/")
    assert answer.status_code == 404


def test_the_merchant_replies_in_the_portal_and_the_product_page_shows_it(
    shopping, bought
):
    buyer, _order, line = bought
    review = review_write(line=line, buyer=buyer, stars=4, text="Bien",
                          language="fr")  # fmt: skip
    product = shopping.products["a"]
    other = _member(shopping.products["c"].merchant, "other-shop")
    url = f"/en/portal/reviews/{review.pk}/reply/"
    refused = other.post(url, {f"{review.pk}-reply": "Non",
                               f"{review.pk}-reply_language": "fr"})  # fmt: skip
    assert refused.status_code == 404
    owner = _member(product.merchant, "shop-owner")
    assert "Bien" in owner.get("/en/portal/reviews/").content.decode()
    answer = owner.post(url, {f"{review.pk}-reply": "Merci !",
                              f"{review.pk}-reply_language": "fr"})  # fmt: skip
    assert answer.status_code == 302
    assert "Merci !" in Client().get(f"/en/p/{product.slug}/").content.decode()


def test_reviews_in_the_reader_s_language_come_first(shopping):
    product = shopping.products["a"]
    for text, language in (("很好吃", "zh-hans"), ("Heerlijk", "nl"), ("Top", "en")):
        buyer = shopping.buyer()
        line = line_of(delivered_order(shopping, buyer), product)
        review_write(line=line, buyer=buyer, stars=5, text=text, language=language)
    page = Client().get(f"/nl/p/{product.slug}/")
    html = page.content.decode()
    assert html.index("Heerlijk") < html.index("Top") < html.index("很好吃")
    assert "Geschreven in het Chinees" in html or "Chinees" in html


def test_a_buyer_reports_a_review_once(shopping, bought):
    buyer, _order, line = bought
    review = review_write(line=line, buyer=buyer, stars=1, text="Nul",
                          language="fr")  # fmt: skip
    reporter = _client(shopping.buyer())
    url = f"/en/reviews/{review.pk}/report/"
    assert reporter.post(url, {"reason": "offensive"}).status_code == 302
    again = reporter.post(url, {"reason": "spam"})
    assert again.status_code == 200 and ReviewReport.objects.count() == 1


def test_hidden_words_leave_the_product_page_their_authors_read_why(shopping, bought):
    buyer, order, line = bought
    review = review_write(line=line, buyer=buyer, stars=2, text="Appelez le 0470",
                          language="fr")  # fmt: skip
    product = shopping.products["a"]
    review_reply(review=review, merchant=product.merchant, text="Écrivez-nous ici",
                 language="fr")  # fmt: skip
    operator = get_user_model().objects.create_user("op", is_staff=True)
    reply_hide(review=review, by=operator, code="advertising", reason="Un lien")
    page = Client().get(f"/fr/p/{product.slug}/").content.decode()
    assert "Appelez le 0470" in page and "Écrivez-nous ici" not in page
    owner = _member(product.merchant, "shop-owner")
    portal = owner.get("/en/portal/reviews/").content.decode()
    assert "Écrivez-nous ici" in portal
    assert "Why: Advertising or contact details — Un lien" in portal
    assert "Publish the reply" not in portal  # answered once, even if hidden
    review_hide(review=review, by=operator, code="personal_data")
    assert (
        "Appelez le 0470" not in Client().get(f"/fr/p/{product.slug}/").content.decode()
    )
    mine = _client(buyer).get(f"/en/orders/{order.number}/").content.decode()
    assert "Hidden by Étalage: “Shows someone&#x27;s personal data”" in mine
