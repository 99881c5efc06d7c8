"""Reviews over the API, through the HTTP client: a buyer reviews a delivered
line with a photo, changes it, adds a follow-up, reports another's; anyone reads
a product's reviews; a merchant lists its own and replies once; nobody reaches
another's line or another shop's review."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from etalage.merchants.api_keys import api_key_create
from etalage.reviews.models import Review, ReviewReport
from etalage.reviews.moderation import reply_hide, review_hide
from etalage.reviews.services import review_reply, review_write
from etalage.reviews.tests.conftest import delivered_order, line_of, paid_order


def _signed_in(user):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), (200, 40, 40)).save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), "image/png")


def _key(merchant, scopes=("catalog:read", "catalog:write")):
    user = get_user_model().objects.create_user(f"erp-{merchant.slug}-{len(scopes)}")
    return api_key_create(merchant=merchant, name="ERP", scopes=list(scopes),
                          created_by=user)[1]  # fmt: skip


@pytest.fixture
def bought(shopping):
    buyer = shopping.buyer()
    order = delivered_order(shopping, buyer)
    return buyer, line_of(order, shopping.products["a"])


def test_a_buyer_reviews_changes_and_follows_up_over_the_api(shopping, bought):
    buyer, line = bought
    client = _signed_in(buyer)
    url = f"/api/v1/lines/{line.pk}/review"
    answer = client.post(url, {"stars": "3", "text": "好吃", "language": "zh-hans",
                               "photos": [_png()]})  # fmt: skip
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["stars"] == 3 and body["verified_purchase"] is True
    assert body["language"] == "zh-hans" and len(body["photos"]) == 1
    again = client.post(url, {"stars": "5", "text": "", "language": "en"})
    assert again.status_code == 409 and again.json()["error"]["field"] == "line"
    changed = client.post(f"{url}/change", {"stars": "5", "text": "很好吃",
                                            "language": "zh-hans",
                                            "remove_photos": ["0"]})  # fmt: skip
    assert changed.status_code == 200, changed.content
    assert changed.json()["stars"] == 5 and changed.json()["photos"] == []
    follow = client.post(f"{url}/follow-up", {"text": "Still good", "language": "en"},
                         content_type="application/json")  # fmt: skip
    assert follow.status_code == 200 and follow.json()["follow_up"] == "Still good"
    read = Client().get(f"/api/v1/products/{line.variant.product.slug}/reviews",
                        {"lang": "en"}).json()  # fmt: skip
    assert read["rating"]["count"] == 1 and read["rating"]["distribution"]["5"] == 1
    assert read["sold_this_month"] == 2
    assert read["items"][0]["text"] == "很好吃"
    assert read["items"][0]["language_name"] == "Chinese (Simplified)"


def test_refusals_name_the_field(shopping, bought):
    buyer, line = bought
    client = _signed_in(buyer)
    url = f"/api/v1/lines/{line.pk}/review"
    bad = client.post(url, {"stars": "7", "text": "", "language": "en"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "stars"
    unpaid = line_of(paid_order(shopping, buyer), shopping.products["a"])
    early = client.post(f"/api/v1/lines/{unpaid.pk}/review",
                        {"stars": "4", "text": "", "language": "en"})  # fmt: skip
    assert early.status_code == 422 and early.json()["error"]["field"] == "line"
    stranger = _signed_in(shopping.buyer())
    assert stranger.post(url, {"stars": "4", "language": "en"}).status_code == 404
    assert not Review.objects.exists()
    assert Client().post(url, {"stars": "4", "language": "en"}).status_code == 401


def test_a_buyer_reports_a_review_once(shopping, bought):
    buyer, line = bought
    review = review_write(line=line, buyer=buyer, stars=1, text="x", language="en")
    client = _signed_in(shopping.buyer())
    url = f"/api/v1/reviews/{review.pk}/reports"
    first = client.post(url, {"reason": "spam"}, content_type="application/json")
    assert first.status_code == 201
    second = client.post(url, {"reason": "spam"}, content_type="application/json")
    assert second.status_code == 409 and ReviewReport.objects.count() == 1


def test_a_merchant_lists_its_reviews_and_replies_once(shopping, bought):
    buyer, line = bought
    review = review_write(line=line, buyer=buyer, stars=4, text="Bon", language="fr")
    mine = _key(shopping.products["a"].merchant)
    theirs = _key(shopping.products["c"].merchant)
    client = Client()

    def call(method, path, key, body=None):
        extra = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        if body is None:
            return getattr(client, method)(f"/api/v1/merchant{path}", **extra)
        return getattr(client, method)(
            f"/api/v1/merchant{path}", body, content_type="application/json", **extra
        )

    listed = call("get", "/reviews", mine).json()
    assert [r["id"] for r in listed["items"]] == [str(review.pk)]
    assert listed["rating"]["average"] == "4.0"
    assert call("get", "/reviews", theirs).json()["items"] == []
    reply = {"text": "Merci !", "language": "fr"}
    assert call("post", f"/reviews/{review.pk}/reply", theirs, reply).status_code == 404
    answered = call("post", f"/reviews/{review.pk}/reply", mine, reply)
    assert answered.status_code == 200 and answered.json()["reply"] == "Merci !"
    twice = call("post", f"/reviews/{review.pk}/reply", mine, reply)
    assert twice.status_code == 409 and twice.json()["error"]["field"] == "text"
    read_only = _key(shopping.products["a"].merchant, scopes=("catalog:read",))
    refused = call("post", f"/reviews/{review.pk}/reply", read_only, reply)
    assert refused.status_code == 403


def test_the_openapi_document_describes_the_review_calls(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/lines/{line_id}/review",
        "/api/v1/reviews/{review_id}/reports",
        "/api/v1/products/{slug}/reviews",
        "/api/v1/merchant/reviews",
        "/api/v1/merchant/reviews/{review_id}/reply",
    ):
        assert path in paths, path


def test_the_reader_s_language_comes_first_and_a_bad_lang_is_a_422(shopping, bought):
    buyer, line = bought
    review_write(line=line, buyer=buyer, stars=4, text="Bon", language="fr")
    other = shopping.buyer()
    line = line_of(delivered_order(shopping, other), shopping.products["a"])
    review_write(line=line, buyer=other, stars=5, text="Goed", language="nl")
    url = f"/api/v1/products/{line.variant.product.slug}/reviews"
    dutch = Client().get(url, {"lang": "nl"}).json()["items"]
    assert [r["text"] for r in dutch] == ["Goed", "Bon"]
    assert dutch[1]["language_name"] == "Frans"  # named in the reader's language
    french = Client(headers={"Accept-Language": "fr"}).get(url).json()["items"]
    assert [r["text"] for r in french] == ["Bon", "Goed"]  # no lang: the request's
    bad = Client().get(url, {"lang": "klingon"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "lang"


def test_a_hidden_review_or_reply_leaves_the_api_the_shop_still_sees_its_reply(
    shopping, bought
):
    buyer, line = bought
    review = review_write(line=line, buyer=buyer, stars=1, text="Bof", language="fr")
    merchant = shopping.products["a"].merchant
    review_reply(review=review, merchant=merchant, text="Appelez-nous",
                 language="fr")  # fmt: skip
    operator = get_user_model().objects.create_user("op", is_staff=True)
    reply_hide(review=review, by=operator, code="advertising")
    url = f"/api/v1/products/{line.variant.product.slug}/reviews"
    assert Client().get(url).json()["items"][0]["reply"] == ""
    key = _key(merchant)
    own = Client().get("/api/v1/merchant/reviews",
                       HTTP_AUTHORIZATION=f"Bearer {key}").json()  # fmt: skip
    item = own["items"][0]
    assert item["reply"] == "Appelez-nous" and item["reply_hidden"] is True
    assert item["reply_hidden_reason"] == "Publicité ou coordonnées"  # the shop's
    review_hide(review=review, by=operator, code="off_topic", reason="Hors sujet")
    read = Client().get(url).json()
    assert read["items"] == [] and read["rating"]["count"] == 0
    own = Client().get("/api/v1/merchant/reviews",
                       HTTP_AUTHORIZATION=f"Bearer {key}").json()  # fmt: skip
    assert own["items"][0]["hidden"] is True and own["rating"]["count"] == 0


def test_a_buyer_reads_only_their_own_review_hidden_ones_with_why(shopping, bought):
    buyer, line = bought
    review = review_write(line=line, buyer=buyer, stars=1, text="Nul", language="fr")
    operator = get_user_model().objects.create_user("op", is_staff=True)
    review_hide(review=review, by=operator, code="offensive", reason="Insultes")
    url = f"/api/v1/lines/{line.pk}/review"
    mine = _signed_in(buyer).get(url)
    assert mine.status_code == 200
    body = mine.json()
    assert body["text"] == "Nul" and body["hidden"] is True
    assert body["hidden_reason"] == "Offensive, abusive or hateful — Insultes"
    stranger = _signed_in(shopping.buyer()).get(url)
    assert stranger.status_code == 404 and "Nul" not in stranger.content.decode()
    assert Client().get(url).status_code == 401
