"""The buyer's API a mini-program lives on: a buyer reads only their own orders,
returns, payments and refunds (another's read as none: 404); refusals name the
field and say why in the reader's language; the account; a merchant's page."""

import io
import uuid

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from etalage.orders import states
from etalage.orders.services import order_pay, sub_order_move
from etalage.returns.models import ReturnRequest
from etalage.returns.services import return_ask


def signed_in(user, language=None):
    client = Client(headers={"Accept-Language": language} if language else {})
    client.force_login(user)
    return client


def delivered_order(shopping, buyer, products=("a",)):
    shopping.cart(buyer, [(shopping.products[p], 2) for p in products])
    order = order_pay(order=shopping.place(buyer, key=uuid.uuid4().hex).order)
    for sub in order.sub_orders.all():
        for to in (
            states.CUSTOMS_DECLARED,
            states.RELEASED,
            states.SHIPPED,
            states.DELIVERED,
        ):
            sub = sub_order_move(sub_order=sub, to=to, reason="on its way")
    return order


def png(size=(300, 300)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 90, 160)).save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), "image/png")


def ask(client, order, items, **fields):
    sub = order.sub_orders.first()
    url = f"/api/v1/orders/{order.number}/parcels/{sub.number}/returns"
    return client.post(url, {"reason": "damaged", "items": items, **fields})


def test_another_buyer_s_order_return_and_money_are_not_found(shopping):
    owner, stranger = shopping.buyer(), shopping.buyer()
    order = delivered_order(shopping, owner)
    sub = order.sub_orders.get()
    made = return_ask(
        sub_order=sub,
        buyer=owner,
        reason="damaged",
        details="",
        quantities={sub.lines.get().pk: 1},
        photos=[png().read()],
    )
    photo = made.photos.get()
    mine, theirs = signed_in(owner), signed_in(stranger, "fr")
    urls = [
        f"/api/v1/orders/{order.number}",
        f"/api/v1/orders/{order.number}/payments",
        f"/api/v1/orders/{order.number}/refunds",
        f"/api/v1/returns/{made.number}",
        f"/api/v1/returns/{made.number}/label",
        f"/api/v1/returns/{made.number}/photos/{photo.pk}",
    ]
    for url in urls:
        assert mine.get(url).status_code in (200, 409), url  # (no label yet: 409)
        refused = theirs.get(url)
        assert refused.status_code == 404, url
        error = refused.json()["error"]
        assert error["code"] == "not_found" and error["field"], url
        assert "Vous n'avez aucun" in error["message"] or "photo" in error["message"]
    assert theirs.get("/api/v1/returns").json() == {"items": [], "next": None}
    assert theirs.get(f"/api/v1/returns?order={order.number}").json()["items"] == []
    stolen = ask(theirs, order, [f"{sub.lines.get().sku}:1"])
    assert stolen.status_code == 404 and stolen.json()["error"]["field"] == "sub_number"
    assert ReturnRequest.objects.count() == 1


def test_signed_out_the_buyer_s_api_answers_401_saying_how_to_sign_in(shopping):
    anybody = Client(headers={"Accept-Language": "fr"})
    for url in ("/api/v1/me", "/api/v1/returns", "/api/v1/orders/E1"):
        refused = anybody.get(url)
        assert refused.status_code == 401, url
        error = refused.json()["error"]
        assert error["message"].startswith("Connectez-vous d'abord"), error
        assert error["field"] is None
    keyless = anybody.get("/api/v1/merchant/orders").json()["error"]
    assert keyless["field"] == "Authorization" and "clé d'API" in keyless["message"]


def test_a_return_is_refused_whole_naming_the_field_in_the_reader_s_language(
    shopping,
):
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    unpaid = shopping.place(buyer).order
    client = signed_in(buyer, "fr")
    sku = unpaid.sub_orders.get().lines.get().sku
    early = ask(client, unpaid, [f"{sku}:1"])
    assert early.status_code == 422
    assert early.json()["error"] == {
        "code": "invalid",
        "message": "Seul un colis livré peut être retourné.",
        "field": "sub_number",
    }
    order = delivered_order(shopping, buyer)
    sku = order.sub_orders.get().lines.get().sku
    line = f"{sku}:1"
    refusals = [
        ({"items": ["two of them"]}, "items", "<sku>:<quantité>"),
        ({"items": ["NOPE-1:1"]}, "items", "pas dans ce colis"),
        ({"items": [f"{sku}:3"]}, "items", "Au plus 2"),
        ({"items": [line], "reason": "bored"}, "reason", "Choisissez une raison."),
        ({"items": [line], "photos": [png() for _ in range(6)]}, "photos", "5 photos"),
        ({"items": [line], "photos": [png((120, 120))]}, "photos", "200 pixels"),
        ({"items": [line], "photos": [SimpleUploadedFile("a.png", b"%PDF-1")]},
         "photos", "pas une image lisible"),
        ({}, "items", "Ce champ est obligatoire."),
    ]  # fmt: skip
    sub = order.sub_orders.get()
    url = f"/api/v1/orders/{order.number}/parcels/{sub.number}/returns"
    for fields, field, words in refusals:
        answer = client.post(url, {"reason": "damaged", **fields})
        assert answer.status_code == 422, (fields, answer.content)
        error = answer.json()["error"]
        assert error["field"] == field, error
        assert words in error["message"], error
    assert not ReturnRequest.objects.exists()


def test_the_buyer_s_language_answers_when_the_request_names_none(shopping):
    buyer = shopping.buyer()
    order = delivered_order(shopping, buyer)
    client = signed_in(buyer)
    url = f"/api/v1/orders/{order.number}"
    assert client.get(url).json()["state_label"] == "已送达"  # none chosen: Chinese
    chosen = client.put(
        "/api/v1/me/preferences",
        {"order_emails": False, "order_texts": True, "language": "fr"},
        content_type="application/json",
    )
    assert chosen.status_code == 200
    assert chosen.json()["notices"] == {"order_emails": False, "order_texts": True}
    french = client.get(url).json()
    assert french["state_label"] == "Livrée"
    assert french["history"][1] == {
        **french["history"][1],
        "state": "paid",
        "state_label": "Payée",
    }
    english = client.get(url, headers={"Accept-Language": "en"}).json()
    assert english["state_label"] == "Delivered"
    # The account's calls too: a refusal said in the buyer's language.
    wrong_id = {
        "real_name": "张伟",
        "id_number": "310115198505120033",
        "mobile": "13912345678",
        "consent": True,
    }
    refused = client.post(
        "/api/v1/me/identities", wrong_id, content_type="application/json"
    )
    assert refused.json()["error"]["field"] == "id_number"
    assert "contrôle" in refused.json()["error"]["message"]
    wrong = client.put(
        "/api/v1/me/preferences",
        {"order_emails": True, "order_texts": True, "language": "de"},
        content_type="application/json",
    )
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "language"
    assert "fr, nl" in wrong.json()["error"]["message"]


def test_an_email_is_added_and_confirmed_by_its_link_s_token(
    shopping, django_capture_on_commit_callbacks
):
    buyer = shopping.buyer()
    buyer.email = ""
    buyer.save()
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    token = client.get("/api/v1/auth/csrf").json()["csrf_token"]

    def post(url, body, **headers):
        return client.post(
            url,
            body,
            content_type="application/json",
            headers={"X-CSRFToken": token, **headers},
        )

    wrong = post(
        "/api/v1/me/email", {"email": "not an address"}, **{"Accept-Language": "fr"}
    )
    assert wrong.status_code == 422
    assert wrong.json()["error"] == {
        "code": "invalid",
        "field": "email",
        "message": "Saisissez une adresse e-mail valide.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        sent = post("/api/v1/me/email", {"email": "Wang@Example.cn"})
    assert sent.status_code == 202 and sent.json() == {"sent_to": "wang@example.cn"}
    me = client.get("/api/v1/me").json()
    assert (me["email"], me["email_pending"]) == (None, "wang@example.cn")
    link = mail.outbox[-1].body.split("/account/email/confirm/")[1].split("/")[0]
    stranger = Client(enforce_csrf_checks=True)
    unsent = stranger.post(
        "/api/v1/auth/email/confirm", {"token": link}, content_type="application/json"
    )
    assert unsent.status_code == 403  # no CSRF token
    assert post("/api/v1/auth/email/confirm", {"token": link + "x"}).status_code == 422
    assert post("/api/v1/auth/email/confirm", {"token": link}).status_code == 200
    me = client.get("/api/v1/me").json()
    assert (me["email"], me["email_pending"]) == ("wang@example.cn", None)
    assert me["wechat"] == []


def test_orders_come_by_cursor_newest_first_none_twice(shopping):
    buyer = shopping.buyer()
    numbers = []
    for _n in range(5):
        shopping.cart(buyer, [(shopping.products["a"], 1)])
        numbers.append(shopping.place(buyer, key=uuid.uuid4().hex).order.number)
    client = signed_in(buyer)
    first = client.get("/api/v1/orders?limit=2").json()
    assert [o["number"] for o in first["items"]] == numbers[::-1][:2]
    # An order placed while the buyer pages comes first, not in the next pages.
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    shopping.place(buyer, key=uuid.uuid4().hex)
    seen, page = [o["number"] for o in first["items"]], first
    while page["next"]:
        assert "limit=2" in page["next"] and "cursor=" in page["next"]
        page = client.get(page["next"]).json()
        seen += [o["number"] for o in page["items"]]
    assert seen == numbers[::-1]
    returns_cursor = client.get(first["next"].replace("/orders", "/returns"))
    assert returns_cursor.status_code == 422  # a cursor is its list's own
    assert returns_cursor.json()["error"]["field"] == "cursor"


def test_every_buyer_list_answers_one_page_shape(client, db):
    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    lists = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            names = {p["name"] for p in operation.get("parameters", [])}
            if "cursor" not in names:
                continue
            lists += 1
            assert method == "get" and "limit" in names, path
            answer = operation["responses"]["200"]["content"]["application/json"]
            schema = schemas[answer["schema"]["$ref"].rsplit("/", 1)[1]]
            assert {"items", "next"} <= set(schema["properties"]), path
            assert schema["properties"]["items"]["type"] == "array", path
    assert lists >= 5  # orders, payments, refunds, returns, a merchant's products


def test_the_order_page_s_queries_do_not_grow_with_its_parcels(shopping):
    buyer = shopping.buyer()
    one = delivered_order(shopping, buyer, products=("a",))
    two = delivered_order(shopping, buyer, products=("a", "c"))
    client = signed_in(buyer)
    counts = []
    for order in (one, two):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/orders/{order.number}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 16, counts


@pytest.mark.parametrize(
    ("language", "story"), [("en", "A story."), ("fr", "Une histoire.")]
)
def test_a_merchant_s_page_tells_its_story_in_the_reader_s_language(
    shopping, language, story
):
    from etalage.merchants.models import MerchantTranslation

    merchant = shopping.products["a"].merchant
    MerchantTranslation.objects.create(
        merchant=merchant,
        language="fr",
        tagline="De belles choses",
        story="Une histoire.",
    )
    client = Client(headers={"Accept-Language": language})
    page = client.get(f"/api/v1/merchants/{merchant.slug}?limit=1").json()
    assert (page["name"], page["story"], page["text_language"]) == (
        merchant.name,
        story,
        language,
    )
    assert page["products"]["pricing"]["language"] == language
    newest, oldest = shopping.products["b"], shopping.products["a"]
    assert [p["slug"] for p in page["products"]["items"]] == [newest.slug]
    assert page["products"]["next"].startswith(
        f"http://testserver/api/v1/merchants/{merchant.slug}/products?"
    )
    rest = client.get(page["products"]["next"]).json()
    assert [p["slug"] for p in rest["items"]] == [oldest.slug] and not rest["next"]
    missing = client.get("/api/v1/merchants/nobody")
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "slug"


def test_the_account_shows_the_wechat_users_linked_to_it(shopping):
    from etalage.accounts.models import WeChatIdentity

    buyer, other = shopping.buyer(), shopping.buyer()
    WeChatIdentity.objects.create(
        user=buyer, app_id="wx0001", openid="o-1", unionid="u-1", nickname="小王"
    )
    WeChatIdentity.objects.create(user=other, app_id="wx0001", openid="o-2")
    (linked,) = signed_in(buyer).get("/api/v1/me").json()["wechat"]
    assert (linked["app_id"], linked["nickname"]) == ("wx0001", "小王")
    assert "openid" not in linked and "unionid" not in linked


def test_photos_come_one_a_request_until_the_seller_decides(shopping):
    from etalage.returns.services import return_decide

    buyer = shopping.buyer()
    order = delivered_order(shopping, buyer)
    client = signed_in(buyer, "fr")
    sku = order.sub_orders.get().lines.get().sku
    number = ask(client, order, [f"{sku}:1"]).json()["number"]
    url = f"/api/v1/returns/{number}/photos"
    for count in range(1, 6):
        added = client.post(url, {"photo": png()})
        assert added.status_code == 201, added.content
        assert len(added.json()["photos"]) == count
    sixth = client.post(url, {"photo": png()})
    assert sixth.status_code == 422 and sixth.json()["error"]["field"] == "photos"
    assert signed_in(shopping.buyer()).post(url, {"photo": png()}).status_code == 404
    made = ReturnRequest.objects.get(number=number)
    made.photos.last().delete()
    return_decide(request=made, approve=True, by=buyer)
    late = client.post(url, {"photo": png()})
    assert late.status_code == 422
    assert "avant que le vendeur" in late.json()["error"]["message"]
    assert made.photos.count() == 4


def test_placing_and_cancelling_say_why_not_in_the_reader_s_language(shopping):
    buyer = shopping.buyer()
    order = delivered_order(shopping, buyer)
    client = signed_in(buyer, "zh-CN")
    late = client.post(f"/api/v1/orders/{order.number}/cancel")
    assert late.status_code == 409
    assert late.json()["error"]["message"] == "此订单状态为“已送达”，已无法取消。"
    keyless = signed_in(buyer, "fr").post(
        "/api/v1/orders",
        {"identity": "x", "address": "y"},
        content_type="application/json",
    )
    assert keyless.status_code == 422
    assert keyless.json()["error"]["field"] == "Idempotency-Key"
    assert keyless.json()["error"]["message"].startswith("Envoyez un en-tête")
