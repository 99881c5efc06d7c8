"""The demo's reviews: four demo buyers, one for each storefront language, buy
a few of the demo's products, receive them and review them through the review
services (stars, words in their language, some with a photo: the product's own
demo picture), so that the cards, the product pages and the merchants' pages show
ratings. One review is answered by its shop, one is reported and hidden by the
operator with a reason. The demo buyer's own delivered parcels are left to review
by hand."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.contrib.auth import get_user_model
from stdnum.cn import ric

from etalage.catalog.models import Variant
from etalage.checkout.models import Cart
from etalage.checkout.placement import order_place
from etalage.checkout.services import cart_add
from etalage.customs.services import address_add, identity_add
from etalage.orders.models import Order, OrderLine
from etalage.orders.services import sub_order_move
from etalage.pricing.models import Market
from etalage.pricing.selectors import market_strategy
from etalage.reviews.models import HideReason, Review
from etalage.reviews.services import (
    review_hide,
    review_reply,
    review_report,
    review_write,
)

ON_ITS_WAY = ("customs_declared", "released", "shipped", "delivered")

# (user name, recipient, language, products' merchants)
REVIEWERS = [
    ("demo-reviewer-zh", "李娜", "zh-hans",
     ["maison-verhaeghe", "brasserie-val-ourthe", "pralines-lemaire"]),
    ("demo-reviewer-fr", "张伟", "fr",
     ["maison-verhaeghe", "brasserie-val-ourthe", "herbarium-ardennes"]),
    ("demo-reviewer-nl", "陈静", "nl",
     ["maison-verhaeghe", "pralines-lemaire", "speelgoed-maes"]),
    ("demo-reviewer-en", "刘洋", "en",
     ["brasserie-val-ourthe", "herbarium-ardennes", "speelgoed-maes"]),
]  # fmt: skip

# What each says, by language, of its first, second and third item: stars, words,
# and whether it adds the product's picture as a photo.
SAID = {
    "zh-hans": [
        (5, "巧克力非常新鲜，包装精美，送礼很有面子。", True),
        (4, "啤酒味道浓郁，物流比预期慢了两天。", False),
        (5, "夹心口感细腻，家人都很喜欢，会回购。", False),
    ],
    "fr": [
        (5, "Pralines fondantes, arrivées intactes à Shanghai. Parfait.", True),
        (3, "Bonne bière, mais une bouteille était un peu secouée.", False),
        (4, "Tisane parfumée, le sachet se referme bien.", False),
    ],
    "nl": [
        (4, "Heerlijke chocolade, mooi verpakt. Levering duurde wat lang.", False),
        (5, "Zacht en romig, precies zoals in België.", True),
        (2, "Leuk speelgoed, maar kleiner dan ik dacht.", False),
    ],
    "en": [
        (4, "Rich, malty beer; well packed for the long trip.", False),
        (5, "Lovely herbal tea, smells of the Ardennes.", True),
        (1, "This seller is a scam, call me on WeChat for a better price!", False),
    ],
}
REPLY = ("Merci pour votre avis ! Nous emballons désormais chaque bouteille dans "
         "du carton alvéolé.", "fr")  # fmt: skip
# The operator's own words beside the fixed reason (advertising or contact details).
HIDDEN_WORDS = "A WeChat contact to trade outside Étalage, not a review of the product."


def _resident_id(n: int) -> str:
    """A fictional mainland ID number that passes the checksum and date checks."""
    body = f"360426{datetime.date(1990, 5, 1) + datetime.timedelta(days=n):%Y%m%d}071"
    return body + ric.calc_check_digit(body + "0")


def _reviewer(n: int, username: str, recipient: str):
    buyer = get_user_model().objects.create_user(
        username, f"{username}@etalage.example", None
    )
    identity_add(user=buyer, real_name=recipient, id_number=_resident_id(n),
                 mobile="13800138000", consent=True)  # fmt: skip
    address_add(user=buyer, recipient=recipient, phone="13800138000",
                province="北京市", city="北京市", district="朝阳区",
                street="建国路 88 号 (demo)")  # fmt: skip
    return buyer


def _delivered_order(buyer, merchants: list[str], key: str,
                     pay: Callable[[Order, str], None]) -> Order:  # fmt: skip
    market = Market.objects.get(code="CN")
    strategy = market_strategy(market=market)
    cart = Cart.objects.create(user=buyer)
    for slug in merchants:
        variant = (
            Variant.objects.filter(product__merchant__slug=slug, is_active=True,
                                   product__status="live", stock__on_hand__gt=5,
                                   weight_grams__lte=3000)
            .order_by("product__slug", "sku")
            .first()
        )  # fmt: skip
        if variant is not None:
            cart_add(cart=cart, variant_id=variant.pk, quantity=1, strategy=strategy)
    order = order_place(
        buyer=buyer, cart=cart, market=market, strategy=strategy,
        identity_id=buyer.identities.get().pk, address_id=buyer.addresses.get().pk,
        idempotency_key=f"demo-review-{key}", language="zh-hans",
    ).order  # fmt: skip
    pay(order, "alipay")
    operator = get_user_model().objects.get(username="operator")
    for sub in order.sub_orders.all():
        for state in ON_ITS_WAY:
            sub = sub_order_move(sub_order=sub, to=state, by=operator, reason="demo")
    return order


def _photo(line: OrderLine) -> list[bytes]:
    image = line.variant.product.images.first()
    if image is None:
        return []
    with image.image.open("rb") as stored:
        return [stored.read()]


def demo_reviews(
    pay: Callable[[Order, str], None], log: Callable[[str], object]
) -> None:
    """Reviews in the four languages on delivered demo orders."""
    written: list[Review] = []
    for n, (username, recipient, language, merchants) in enumerate(REVIEWERS):
        buyer = _reviewer(n, username, recipient)
        order = _delivered_order(buyer, merchants, username, pay)
        lines = sorted(
            OrderLine.objects.filter(sub_order__order=order).select_related(
                "variant__product__merchant"
            ),
            key=lambda line: merchants.index(line.variant.product.merchant.slug),
        )
        for line, (stars, text, photo) in zip(lines, SAID[language], strict=False):
            written.append(review_write(
                line=line, buyer=buyer, stars=stars, text=text, language=language,
                photos=_photo(line) if photo else [],
            ))  # fmt: skip
    operator = get_user_model().objects.get(username="operator")
    answered = next(r for r in written if r.stars == 3)
    review_reply(review=answered, merchant=answered.merchant, text=REPLY[0],
                 language=REPLY[1], by=None)  # fmt: skip
    spam = next(r for r in written if r.stars == 1)
    review_report(review=spam, by=written[0].buyer, reason="spam")
    review_hide(review=spam, by=operator, code=HideReason.ADVERTISING,
                reason=HIDDEN_WORDS)  # fmt: skip
    log(
        f"Demo reviews: {len(written)} by four demo buyers in four languages, one "
        "answered by its shop, one reported and hidden by the operator."
    )
