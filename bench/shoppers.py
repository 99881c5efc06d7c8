"""Prepared checkouts for the checkout benchmarks: merchants, stocked products and
buyers who are signed in, with an identity, an address and a filled cart.

Everything is written with bulk inserts through the real models (ID numbers
encrypted with the configured keys, sessions signed with the server's secret key),
so the server under test sees buyers exactly like ones who signed in themselves.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Shopper:
    session: str
    csrf: str
    identity: str
    address: str


def resident_id(n: int) -> str:
    """A valid, distinct mainland resident ID number for each ``n``."""
    from stdnum.cn import ric

    born = datetime.date(1960, 1, 1) + datetime.timedelta(days=n // 1000)
    body = f"360426{born:%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # it ignores the last digit


def prepare_market(
    *, merchants: int = 10, products_per_merchant: int = 10, stock: int = 1_000_000
) -> dict:
    """Migrate, load the ECB rates and freight, and stock products at the hub."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.utils import timezone

    from etalage.catalog.models import Product, ProductTranslation, Variant
    from etalage.customs.models import PositiveListEntry
    from etalage.demo.loader import create_categories
    from etalage.inventory.models import Stock, StockMovement, Warehouse
    from etalage.merchants.models import Merchant
    from etalage.pricing.models import FreightRate
    from etalage.pricing.services import exchange_rates_import

    ecb = ROOT / "src/etalage/demo/data/eurofxref-hist.zip"
    exchange_rates_import(data=ecb.read_bytes(), file_name=ecb.name)
    FreightRate.objects.create(
        route="direct_liege",
        max_grams=30_000,
        price_cny=Decimal("58.00"),
        effective_from=datetime.date(2020, 1, 1),
    )
    PositiveListEntry.objects.get_or_create(
        hs_code="1806900000",
        defaults={
            "description": "Chocolate (benchmark entry)",
            "list_version": "bench",
        },
    )
    category = next(c for c in create_categories().values() if not c.children.exists())
    hub = Warehouse.objects.create(code="liege-hub", name="Liège hub", kind="hub")
    shops, variants = [], []
    for m in range(merchants):
        body = f"{4200000 + m:08d}"
        number = body + f"{97 - int(body) % 97:02d}"
        merchant = Merchant.objects.create(
            name=f"Bench merchant {m}",
            slug=f"bench-merchant-{m}",
            legal_name=f"Bench merchant {m} SRL",
            enterprise_number=number,
            vat_number="BE" + number,
            city="Liège",
            status=Merchant.Status.APPROVED,
        )
        shop = []
        for p in range(products_per_merchant):
            product = Product.objects.create(
                merchant=merchant,
                category=category,
                slug=f"bench-{m}-{p}",
                brand=merchant.name,
                hs_code="1806900000",
                tax_class="ordinary-13",
                status=Product.Status.LIVE,
                price_from_eur=Decimal("12.50"),
                active_variant_count=1,
            )
            ProductTranslation.objects.bulk_create(
                ProductTranslation(product=product, language=code, name=f"{name} {p}")
                for code, name in (
                    ("zh-hans", "比利时巧克力"),
                    ("fr", "Pralines"),
                    ("nl", "Pralines"),
                    ("en", "Pralines"),
                )
            )
            variant = Variant.objects.create(
                product=product,
                merchant=merchant,
                sku=f"B-{m}-{p}",
                price_eur=Decimal("12.50"),
                weight_grams=300,
                net_content=250,
                net_unit="g",
            )
            stock_row = Stock.objects.create(
                warehouse=hub, variant=variant, on_hand=stock
            )
            StockMovement.objects.create(
                stock=stock_row,
                reason="received",
                on_hand_delta=stock,
                note="benchmark",
            )
            shop.append(variant)
            variants.append(variant)
        shops.append(shop)
    return {"shops": shops, "hub": hub, "today": timezone.localdate()}


def prepare_shoppers(count: int, lines, first: int = 0) -> list[Shopper]:
    """``count`` signed-in buyers, each with a cart: ``lines(n)`` -> [(variant, n)]."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from etalage.checkout.models import Cart, CartLine
    from etalage.customs.identity_crypto import (
        encrypt_id_number,
        id_number_hmac,
        mask_id_number,
    )
    from etalage.customs.models import BuyerIdentity, DeliveryAddress

    User = get_user_model()
    shoppers: list[Shopper] = []
    batch = 2000
    for start in range(first, first + count, batch):
        numbers = range(start, min(start + batch, first + count))
        users = User.objects.bulk_create(
            User(
                username=f"bench-buyer-{n}",
                email=f"bench-buyer-{n}@example.cn",
                password="!" + secrets.token_urlsafe(20),
            )
            for n in numbers
        )
        now = timezone.now()
        identities, addresses, carts, cart_lines, sessions = [], [], [], [], []
        for n, user in zip(numbers, users, strict=True):
            plain = resident_id(n)
            identities.append(
                BuyerIdentity(
                    user=user,
                    real_name="王小明",
                    id_number_encrypted=encrypt_id_number(plain),
                    id_number_hmac=id_number_hmac(plain),
                    id_number_masked=mask_id_number(plain),
                    mobile="+8613800138000",
                    consent_at=now,
                )
            )
            addresses.append(
                DeliveryAddress(
                    user=user,
                    recipient="王小明",
                    phone="+8613800138000",
                    province="上海市",
                    city="上海市",
                    district="浦东新区",
                    street="世纪大道 100 号",
                )
            )
            cart = Cart(user=user)
            carts.append(cart)
            for variant, quantity in lines(n):
                cart_lines.append(
                    CartLine(cart=cart, variant=variant, quantity=quantity)
                )
            key = secrets.token_hex(16)
            data = SessionStore().encode(
                {
                    "_auth_user_id": str(user.pk),
                    "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                    "_auth_user_hash": user.get_session_auth_hash(),
                }
            )
            expires = now + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
            sessions.append(
                Session(session_key=key, session_data=data, expire_date=expires)
            )
        BuyerIdentity.objects.bulk_create(identities)
        DeliveryAddress.objects.bulk_create(addresses)
        Cart.objects.bulk_create(carts)
        CartLine.objects.bulk_create(cart_lines)
        Session.objects.bulk_create(sessions)
        for identity, address, session in zip(
            identities, addresses, sessions, strict=True
        ):
            shoppers.append(
                Shopper(
                    session=session.session_key,
                    csrf=secrets.token_hex(16),
                    identity=str(identity.pk),
                    address=str(address.pk),
                )
            )
    return shoppers


def order_request(shopper: Shopper, key: str, lang: str = "zh-hans") -> bytes:
    """The raw HTTP request that places ``shopper``'s cart with ``key``."""
    import json

    body = json.dumps(
        {"identity": shopper.identity, "address": shopper.address, "lang": lang}
    ).encode()
    head = (
        "POST /api/v1/orders HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Cookie: sessionid={shopper.session}; csrftoken={shopper.csrf}\r\n"
        f"X-CSRFToken: {shopper.csrf}\r\nIdempotency-Key: {key}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
    )
    return head.encode() + body
