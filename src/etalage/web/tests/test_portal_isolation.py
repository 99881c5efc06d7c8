"""Every portal page that names an object answers 404 for another merchant's object."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import get_resolver

from etalage.catalog.models import ProductImportRun
from etalage.imports import product_import_run
from etalage.merchants.models import MerchantMember

# Each portal URL that takes an object of a merchant, and how to build it for the
# other merchant. A new such page must be added here (the last test checks).
PAGES = {
    "portal-product": lambda other: {"pk": other["product"].pk},
    "portal-import-run": lambda other: {"pk": other["run"].pk},
    "portal-import-report": lambda other: {"pk": other["run"].pk},
    "portal-order": lambda other: {"number": other["sub_order"].number},
    "portal-parcel-pack": lambda other: {"number": other["sub_order"].number},
    "portal-parcel-hand-over": lambda other: {"number": other["sub_order"].number},
    "portal-parcel-label": lambda other: {"number": other["sub_order"].number},
    "portal-parcel-packing-list": lambda other: {"number": other["sub_order"].number},
    "portal-webhook": lambda other: {"pk": other["endpoint"].pk},
    "portal-webhook-send-again": lambda other: {"pk": other["delivery"].pk},
    "portal-return": lambda other: {"number": other["return"].number},
    "portal-return-decide": lambda other: {"number": other["return"].number},
    "portal-promotion-end": lambda other: {"key": other["promotion"].pk},
    "portal-promotion": lambda other: {"key": other["promotion"].pk},
    "portal-promotion-action": lambda o: {"key": o["promotion"].pk, "action": "pause"},
    "portal-sale-prices": lambda other: {"pk": other["product"].pk},
    "portal-sale-price-end": lambda other: _their_sale(other["product"]),
    "portal-review-reply": lambda other: {"pk": other["review"].pk},
    "portal-return-photo": lambda other: {
        "number": other["return"].number,
        "pk": other["photo"].pk,
    },
}
# Portal URLs whose arguments are not a merchant's object (the statement's is its
# format; whose money it shows is the signed-in merchant's: test_money_pages).
NOT_OBJECTS = {
    "merchant-verify",
    "portal-import-template",
    "portal-money-statement",
    "portal-sales-csv",  # a chart's name; its figures are the signed-in shop's
}


@pytest.fixture
def setting(client, catalogue, ecb_rates, today_is_2024_07_01):
    catalogue.category("pralines")
    mine, theirs = catalogue.merchant("Mine"), catalogue.merchant("Theirs")
    owner = get_user_model().objects.create_user("mine-owner")
    MerchantMember.objects.create(merchant=mine, user=owner, role="owner")
    run = product_import_run(
        merchant=theirs, user=None, file_name="x.csv", data=b"sku\nA\n"
    )
    client.force_login(owner)
    product = catalogue.product(merchant=theirs)
    from etalage.webhooks.delivery import endpoint_create
    from etalage.webhooks.models import Delivery

    endpoint, _secret = endpoint_create(
        merchant=theirs, url="https://theirs.example/", events=["order.paid"]
    )
    delivery = Delivery.objects.create(
        endpoint=endpoint, message_id="msg_theirs", event="order.paid", payload={}
    )
    from etalage.returns.models import ReturnPhoto, ReturnRequest

    sub_order = _their_sub_order(product)
    made = ReturnRequest.objects.create(
        sub_order=sub_order, number=f"{sub_order.number}-R1", reason="damaged"
    )
    from etalage.reviews.models import Review

    line = sub_order.lines.get()
    review = Review.objects.create(
        line=line, product=product, merchant=theirs, buyer=sub_order.order.buyer,
        stars=5, text="Très bon.", language="fr",
    )  # fmt: skip
    return {
        "review": review,
        "promotion": _their_promotion(theirs),
        "product": product,
        "run": run,
        "sub_order": sub_order,
        "endpoint": endpoint,
        "delivery": delivery,
        "return": made,
        "photo": ReturnPhoto.objects.create(request=made, image="returns/x.webp"),
    }


def _their_promotion(merchant):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from etalage.promotions.services import PromotionTerms, promotion_create

    now = timezone.now()
    terms = PromotionTerms(
        kind="spend_and_save", name="Theirs", amount_off=Decimal("10.00"),
        threshold=Decimal("100.00"), budget=Decimal("100.00"),
        starts_at=now, ends_at=now + timedelta(days=1),
    )  # fmt: skip
    owner = get_user_model().objects.create_user("their-owner")
    return promotion_create(terms=terms, merchant=merchant, by=owner)


def _their_sale(product):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from etalage.promotions.models import SalePrice

    now = timezone.now()
    sale = SalePrice.objects.create(
        variant=product.variants.first(), price_eur=Decimal("1.00"),
        starts_at=now, ends_at=now + timedelta(days=1),
    )  # fmt: skip
    return {"pk": product.pk, "key": sale.pk}


def _their_sub_order(product):
    from etalage.conftest import CheckoutFactory
    from etalage.orders.models import SubOrder

    shop = CheckoutFactory(None)
    shop.stock(product)
    buyer = shop.buyer()
    shop.cart(buyer, [(product, 1)])
    shop.place(buyer)
    return SubOrder.objects.get()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_another_merchants_object_is_not_found_on_every_portal_page(
    client, setting, name
):
    from django.urls import reverse

    url = reverse(f"web:{name}", kwargs=PAGES[name](setting))
    assert client.get(url).status_code == 404
    assert client.post(url, {"submit_for_review": "1"}).status_code in (404, 405)
    assert ProductImportRun.objects.count() == 1


def test_every_portal_page_with_an_object_is_in_the_isolation_test():
    names = set()
    web = get_resolver().url_patterns[-1].url_patterns[0].url_patterns
    for pattern in web:
        route = str(pattern.pattern)
        if route.startswith("portal/") and "<" in route:
            names.add(pattern.name)
    assert names - NOT_OBJECTS == set(PAGES)
