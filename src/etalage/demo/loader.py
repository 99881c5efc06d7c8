"""Load the demo marketplace: the same services and checks as real data.

Twelve fictional Belgian merchants, 152 products with four-language texts and drawn
illustrations, the ECB's real rate history, a curated pavilion and demo logins.
Loading is idempotent: when the marketplace already has merchants, nothing changes.
"""

from __future__ import annotations

import io
import random
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from PIL import Image
from stdnum import ean

from etalage.catalog.models import (
    Category,
    CategoryTranslation,
    PavilionEntry,
    Product,
    Variant,
)
from etalage.catalog.services import (
    ProductText,
    VariantData,
    product_approve,
    product_create,
    product_image_add,
    product_reject,
    product_submit_for_review,
)
from etalage.checkout.models import Cart
from etalage.checkout.placement import order_place
from etalage.checkout.services import cart_add
from etalage.customs.models import PositiveListEntry
from etalage.customs.routes import Route
from etalage.customs.services import address_add, identity_add
from etalage.demo.customs import demo_customs
from etalage.demo.history import demo_history
from etalage.demo.illustrations import draw_illustration
from etalage.demo.merchants import CATEGORIES, MERCHANTS
from etalage.demo.money import demo_money
from etalage.demo.products import LINES
from etalage.demo.promotions import demo_promotions
from etalage.demo.reviews import demo_reviews
from etalage.inventory.models import Warehouse
from etalage.inventory.services import stock_receive
from etalage.logistics.services import (
    hub_staff_add,
    parcel_hand_over,
    parcel_pack,
)
from etalage.merchants.models import Merchant, MerchantMember, MerchantTranslation
from etalage.money import Money
from etalage.orders.services import order_cancel, order_pay
from etalage.payments.models import Refund, SandboxPayment
from etalage.payments.notifications import notification_process, notification_receive
from etalage.payments.sandbox import NOTICES
from etalage.payments.services import (
    order_refund_cancelled,
    payment_start,
    refund_ask,
)
from etalage.pricing.models import ExchangeRate, FreightRate, Market
from etalage.pricing.selectors import market_strategy
from etalage.pricing.services import exchange_rates_import

ECB_FILE = Path(__file__).resolve().parent / "data" / "eurofxref-hist.zip"

DEMO_LOGINS = [
    ("operator (back-office)", "operator", "etalage-operator"),
    ("merchant Maison Verhaeghe", "verhaeghe", "etalage-merchant"),
    ("merchant Brasserie", "brasserie", "etalage-merchant"),
    ("buyer", "buyer", "etalage-buyer"),
    ("hub staff (the Liège hub's screen, /hub/)", "hub", "etalage-hub"),
]
_MERCHANT_LOGINS = {
    "verhaeghe": "maison-verhaeghe",
    "brasserie": "brasserie-val-ourthe",
}

# The pavilion the operator curates: four makers and six products, in order.
PAVILION_MERCHANTS = [
    "maison-verhaeghe",
    "brasserie-val-ourthe",
    "dentelles-vermeire",
    "diamanthuis-peeters",
]
PAVILION_PRODUCTS = [
    ("maison-verhaeghe", 0, 3),
    ("pralines-lemaire", 0, 1),
    ("brasserie-val-ourthe", 2, 0),
    ("chapellerie-lambrecht", 0, 1),
    ("herbarium-ardennes", 1, 0),
    ("speelgoed-maes", 0, 1),
]


def demo_is_loaded() -> bool:
    return Merchant.objects.exists()


def _price(value: str, *factors: str) -> Decimal:
    amount = Decimal(value)
    for factor in factors:
        amount *= Decimal(factor)
    return Money(amount, "EUR").rounded().amount


def _gtin(seed: int) -> str:
    body = f"54{seed:010d}"  # GS1 prefix 54: Belgium and Luxembourg
    return body + ean.calc_check_digit(body)


def load_demo(*, log=print, with_images: bool = True) -> bool:
    """Load the demo marketplace unless one is already there; return whether it did."""
    if demo_is_loaded():
        log("The demo marketplace is already loaded; nothing changed.")
        return False
    if not ExchangeRate.objects.exists():
        result = exchange_rates_import(
            data=ECB_FILE.read_bytes(), file_name=ECB_FILE.name
        )
        log(
            f"Imported {result.created} ECB reference rates "
            f"({result.first_date} to {result.last_date})."
        )
    # All or nothing: a load interrupted (Ctrl-C, a crash, a failure) leaves no half
    # a demo that the next run would take for a loaded one.
    with transaction.atomic():
        products = _load_catalogue(log, with_images)
        _demo_stock(products)
        _demo_orders(log)
    return True


def _illustrate(products, with_images: bool) -> None:
    """Give each product its picture (a listing needs one to go live): a drawn
    illustration, or, for quick test loads, a plain square of the merchant's colour,
    marked as an illustration all the same."""
    for index, (product, category_slug, colour) in enumerate(products):
        if with_images:
            data = draw_illustration(
                category=category_slug, colour=colour, seed=product.slug, variant=index
            )
        else:
            buffer = io.BytesIO()
            Image.new("RGB", (200, 200), colour).save(buffer, "PNG")
            data = buffer.getvalue()
        product_image_add(product=product, data=data, is_illustration=True)


def create_categories() -> dict[str, Category]:
    """Create the demo's category tree, named in four languages, by slug."""
    categories: dict[str, Category] = {}
    for position, (slug, parent, names) in enumerate(CATEGORIES):
        category = Category.objects.create(
            slug=slug, parent=categories.get(parent), position=position
        )
        CategoryTranslation.objects.bulk_create(
            CategoryTranslation(category=category, language=code, name=name)
            for code, name in names.items()
        )
        categories[slug] = category
    return categories


FLEMISH_CITIES = {"Brugge", "Antwerpen", "Hasselt", "Kortrijk", "Gent"}


def _add_an_applicant(categories) -> None:
    """A producer whose application waits for the operator, to review in the demo."""
    merchant = Merchant.objects.create(
        slug="chocolaterie-meuse",
        name="Chocolaterie de la Meuse",
        legal_name="Chocolaterie de la Meuse SRL",
        enterprise_number="0765432146",  # invented; passes the mod-97 check
        vat_number="BE0765432146",
        street="Quai de la Batte 10",
        postal_code="4000",
        city="Liège",
        contact_name="Claire Lambert",
        contact_email="claire@chocolaterie-meuse.example",
        email_verified_at=timezone.now(),
        phone="+3242222222",
        iban="BE71096123456769",
        bic="GKCCBEBB",
        language="fr",
        status=Merchant.Status.APPLIED,
    )
    merchant.categories.set([categories["chocolate"], categories["pralines"]])
    MerchantTranslation.objects.create(
        merchant=merchant,
        language="fr",
        story="Une jeune chocolaterie liégeoise, au bord de la Meuse.",
    )


def _demo_positive_list(lines) -> None:
    """List the demo's HS codes on the positive list, marked as demo entries.

    A real marketplace loads the official list with `etalage positive_list load`.
    """

    codes = sorted(
        {
            base.get("hs", line["hs"])
            for line in lines.values()
            for base in line["bases"]
        }
    )
    PositiveListEntry.objects.bulk_create(
        PositiveListEntry(
            hs_code=code,
            description="Demo entry for the sample catalogue (not the official list)",
            list_version="demo",
        )
        for code in codes
        if not PositiveListEntry.objects.filter(hs_code=code).exists()
    )


# The demo's price list for direct mail through the Liège hub, per parcel, in CNY. An
# operator enters its carrier's real prices in the back-office (Freight rates).
DEMO_FREIGHT = [(500, "58.00"), (1000, "78.00"), (2000, "118.00"), (5000, "228.00"),
                (10000, "398.00")]  # fmt: skip


def _demo_freight() -> None:

    if FreightRate.objects.exists():
        return
    FreightRate.objects.bulk_create(
        FreightRate(
            route=Route.DIRECT_MAIL,
            max_grams=grams,
            price_cny=Decimal(price),
            effective_from=date(2026, 1, 1),
        )
        for grams, price in DEMO_FREIGHT
    )


def _demo_stock(products) -> None:
    """Each merchant keeps stock in its own warehouse; one also at the Liège hub."""

    rng = random.Random(5)  # noqa: S311 (demo quantities, not secrets)
    hub = Warehouse.objects.create(code="liege-hub", name="Liège hub", kind="hub")
    own = {}
    for product, _category, _colour in products:
        merchant = product.merchant
        if merchant.pk not in own:
            own[merchant.pk] = Warehouse.objects.create(
                code=f"{merchant.slug}-own",
                name=f"{merchant.name} ({merchant.city})",
                kind=Warehouse.Kind.MERCHANT,
                merchant=merchant,
            )
        for variant in product.variants.all():
            stock_receive(
                warehouse=own[merchant.pk],
                variant=variant,
                quantity=rng.randint(5, 150),
                note="demo opening stock",
            )
            if merchant.slug == "maison-verhaeghe":
                stock_receive(
                    warehouse=hub,
                    variant=variant,
                    quantity=rng.randint(10, 40),
                    note="demo stock at the hub",
                )


def _demo_orders(log) -> None:
    """The demo buyer's orders, placed and moved by the services: two paid (the
    demo's clock carries their parcels on), one cancelled, one cancelled and
    refunded; then the history the money demo pays out, and the parcels the customs
    demo releases, refuses and returns. Both demo merchants' portals list parcels."""

    buyer = get_user_model().objects.get(username="buyer")
    market = Market.objects.get(code="CN")
    strategy = market_strategy(market=market)
    operator = get_user_model().objects.get(username="operator")

    def place(key, picks):
        cart = Cart.objects.create(user=buyer)
        for slug, quantity in picks:
            variant = (
                Variant.objects.filter(product__merchant__slug=slug, is_active=True,
                                       product__status="live", stock__on_hand__gt=5,
                                       weight_grams__lte=3000)
                .order_by("sku")
                .first()
            )  # fmt: skip
            cart_add(cart=cart, variant_id=variant.pk, quantity=quantity,
                     strategy=strategy)  # fmt: skip
        placed = order_place(
            buyer=buyer,
            cart=cart,
            market=market,
            strategy=strategy,
            identity_id=buyer.identities.get().pk,
            address_id=buyer.addresses.get().pk,
            idempotency_key=f"demo-{key}",
            language="zh-hans",
        )
        return placed.order

    def pay(order, provider):
        if settings.ETALAGE_PAYMENT_SANDBOX:
            _paid_in_sandbox(order, provider)
        else:  # no sandbox: the operator records a bank transfer
            order_pay(order=order, by=operator, reason="demo bank transfer")

    # Paid, two parcels: the demo's clock carries the brewery's through the hub,
    # the flight, customs and the carrier while the demo runs; Maison Verhaeghe's
    # are left to people (ETALAGE_DEMO_BY_HAND_MERCHANT): one to pack in its
    # portal, and one packed and handed over, for the hub's staff to receive.
    pay(place(1, [("maison-verhaeghe", 2), ("brasserie-val-ourthe", 1)]), "alipay")
    handed = place(2, [("maison-verhaeghe", 1)])
    pay(handed, "wechat")
    for sub in handed.sub_orders.all():
        parcel_hand_over(
            parcel=parcel_pack(sub_order=sub, grams=sub.weight_grams + 150)
        )
    order_cancel(order=place(3, [("brasserie-val-ourthe", 2)]), by=buyer,
                 reason="cancelled by the buyer")  # fmt: skip
    refunded = place(4, [("brasserie-val-ourthe", 1)])
    pay(refunded, "alipay")
    order_cancel(order=refunded, by=buyer, reason="cancelled by the buyer")
    # (what the OrderCancelled handler does when the worker delivers the event;
    # it then finds the parcel covered and does nothing again)
    refund = order_refund_cancelled(
        order=refunded, sub_order_ids=tuple(s.pk for s in refunded.sub_orders.all())
    )
    # (inside the load's transaction the provider is asked once it commits; the
    # demo's sandbox answers in this process, so ask it now, as the task would)
    if refund is not None and refund.state == Refund.State.REQUESTED:
        refund_ask(refund)
    log(
        "Placed 4 demo orders for the demo buyer (paid in the payment sandbox, one "
        "refunded)."
        if settings.ETALAGE_PAYMENT_SANDBOX
        else "Placed 4 demo orders for the demo buyer (paid by bank transfer as the "
        "operator records it, one cancelled after payment: the operator refunds it "
        "by hand)."
    )
    demo_history(log)
    demo_money(place, pay, log)
    demo_customs(place, pay, log)
    demo_reviews(pay, log)
    demo_promotions(log)  # after the orders, placed at full price


def _paid_in_sandbox(order, provider: str) -> None:
    """Pay a demo order as a buyer would in the payment sandbox: the payment asked
    of the provider's stand-in, paid there, and its signed notification received
    and verified by Étalage (in this process: the server is not up yet)."""
    payment = payment_start(
        order=order, provider=provider,
        return_url=f"{settings.ETALAGE_SITE_URL}/orders/{order.number}/",
    )  # fmt: skip
    sandboxed = SandboxPayment.objects.get(request_id=payment.request_id)
    sandboxed.state, sandboxed.paid_at = SandboxPayment.State.PAID, timezone.now()
    sandboxed.save(update_fields=["state", "paid_at", "updated_at"])
    payment_notice, _refund_notice = NOTICES[provider]
    url, headers, body = payment_notice(sandboxed)
    kept = notification_receive(provider=provider, headers=headers, body=body,
                                remote_addr="127.0.0.1")  # fmt: skip
    if notification_process(kept).verdict != "processed":
        raise RuntimeError(f"the demo payment {payment.request_id} did not verify")


def _demo_buyer_identity(buyer) -> None:
    """The demo buyer's identity and address, fictional (the ID number only passes
    the checksum, date and area checks), so that checkout works at once."""

    identity_add(
        user=buyer,
        real_name="王小明",
        id_number="360426199101010071",
        mobile="13800138000",
        consent=True,
    )
    address_add(
        user=buyer,
        recipient="王小明",
        phone="13800138000",
        province="上海市",
        city="上海市",
        district="浦东新区",
        street="世纪大道 100 号 (demo)",
    )


def _load_catalogue(log, with_images: bool = True):
    User = get_user_model()
    operator = User.objects.create_superuser(
        "operator",
        "operator@etalage.example",
        "etalage-operator",
        first_name="Operator",
    )
    buyer = User.objects.create_user(
        "buyer",
        "buyer@etalage.example",
        "etalage-buyer",
        first_name="小明",
        last_name="王",
    )
    _demo_buyer_identity(buyer)
    hub_staff_add(User.objects.create_user("hub", "hub@etalage.example", "etalage-hub",
                                           first_name="Hub"))  # fmt: skip

    categories = create_categories()
    _demo_positive_list(LINES)
    _demo_freight()

    merchants = {}
    for data in MERCHANTS:
        merchant = Merchant(
            slug=data["slug"],
            name=data["name"],
            legal_name=data["legal_name"],
            enterprise_number=data["enterprise_number"],
            vat_number="BE" + data["enterprise_number"],
            city=data["city"],
            founded_year=data["founded"],
            iban=data["iban"],
            bic="GKCCBEBB" if data["iban"] else "",
            contact_email=f"contact@{data['slug']}.example",
            email_verified_at=timezone.now(),
            language="nl" if data["city"] in FLEMISH_CITIES else "fr",
            status=Merchant.Status.APPROVED,
            approved_at=timezone.now(),
        )
        merchant.full_clean()
        merchant.save()
        MerchantTranslation.objects.bulk_create(
            MerchantTranslation(
                merchant=merchant,
                language=code,
                tagline=data["tagline"][code],
                story=data["story"][code],
            )
            for code in data["story"]
        )
        merchants[data["slug"]] = (merchant, data)

    _add_an_applicant(categories)

    for username, slug in _MERCHANT_LOGINS.items():
        user = User.objects.create_user(
            username, f"{username}@etalage.example", "etalage-merchant"
        )
        MerchantMember.objects.create(
            merchant=merchants[slug][0], user=user, role=MerchantMember.Role.OWNER
        )

    created = []
    by_key = {}
    gtin_seed = 1000
    for slug, line in LINES.items():
        merchant, data = merchants[slug]
        prefix = "".join(word[0] for word in data["name"].replace("'", " ").split())[:3]
        for b, base in enumerate(line["bases"]):
            for e, edition in enumerate(line["editions"]):
                texts = {
                    code: ProductText(
                        name=f"{base['name'][code]} · {edition['name'][code]}",
                        description=base["desc"][code],
                        ingredients=base["ing"][code],
                    )
                    for code in base["name"]
                }
                variants = []
                for code, attributes, factor, weight_factor in base["variants"]:
                    gtin_seed += 1
                    net = base["net"] * weight_factor
                    variants.append(
                        VariantData(
                            sku=f"{prefix.upper()}-{b + 1}{e + 1:02d}-{code}",
                            price_eur=_price(base["price"], edition["factor"], factor),
                            weight_grams=int(net * Decimal("1.15")) + 60,
                            net_content=int(net),
                            net_unit=base.get("unit", line.get("unit", "g")),
                            gtin=_gtin(gtin_seed),
                            attributes=attributes,
                        )
                    )
                category_slug = base.get("category", line["category"])
                product = product_create(
                    merchant=merchant,
                    category=categories[category_slug],
                    brand=data["name"],
                    hs_code=base.get("hs", line["hs"]),
                    tax_class=base.get("tax_override", line["tax"]),
                    texts=texts,
                    variants=variants,
                )
                created.append((product, category_slug, data["colour"]))
                by_key[(slug, b, e)] = product

    _illustrate(created, with_images)
    if with_images:
        log(f"Drew {len(created)} product illustrations.")
    # Every listing is reviewed by the operator, except a few of Maison Verhaeghe's
    # that show the merchant portal's other states.
    in_review = {("maison-verhaeghe", 3, 2), ("maison-verhaeghe", 3, 3)}
    rejected = {("maison-verhaeghe", 2, 3)}
    draft = {("maison-verhaeghe", 2, 2)}
    for key, product in by_key.items():
        if key in draft:
            product.translations.filter(language="zh-hans").delete()
            continue
        product_submit_for_review(product=product)
        if key in in_review:
            continue
        if key in rejected:
            product_reject(
                product=product,
                reviewer=operator,
                # Written as an operator writes to the merchant: in its language
                # (Dutch, in Brugge); the portal shows it as written.
                reason=(
                    "De foto toont een andere doos dan de beschreven doos; "
                    "upload een foto van de feestelijke doos orangettes."
                ),
            )
            continue
        product_approve(product=product, reviewer=operator)

    for position, slug in enumerate(PAVILION_MERCHANTS):
        PavilionEntry.objects.create(merchant=merchants[slug][0], position=position)
    for position, key in enumerate(PAVILION_PRODUCTS):
        PavilionEntry.objects.create(product=by_key[key], position=position)

    live = Product.objects.filter(status=Product.Status.LIVE).count()
    log(
        f"Loaded {len(merchants)} merchants, {len(created)} products "
        f"({live} live), {len(categories)} categories."
    )
    return created
