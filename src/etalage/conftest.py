"""Fixtures shared by Étalage's tests: a small catalogue built through the services."""

import os
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("ETALAGE_TESTING", "1")

import pytest  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "pricing" / "tests" / "files"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english_messages():
    """Read service messages in English unless a test picks a language."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def markets(db):
    """The default markets and CBEC rates, as the migrations make them.

    A transactional test (the browser tests) flushes the tables afterwards, the
    migrations' rows included; tests that need the markets ask for them here.
    """
    from etalage.customs.defaults import create_default_tax_rates
    from etalage.customs.models import TaxClassRate
    from etalage.pricing.defaults import create_default_markets
    from etalage.pricing.models import Market

    create_default_markets(Market)
    create_default_tax_rates(TaxClassRate)


@pytest.fixture
def ecb_rates(markets):
    """The ECB daily file of 2024-06-28 (1 EUR = 7.7748 CNY), imported."""
    from etalage.pricing.services import exchange_rates_import

    path = FIXTURES / "eurofxref-daily-2024-06-28.xml"
    return exchange_rates_import(data=path.read_bytes(), file_name=path.name)


@pytest.fixture
def today_is_2024_07_01(monkeypatch):
    """Make 'today' a Monday after the fixture's Friday rate."""
    import datetime

    from django.utils import timezone

    monkeypatch.setattr(
        timezone, "localdate", lambda *a, **k: datetime.date(2024, 7, 1)
    )


@pytest.fixture
def catalogue(markets):
    """Return a factory of categories, merchants and products made by the services.

    Its products' HS code, 1806.90 (chocolate), is on the CBEC positive list.
    """
    from etalage.customs.models import PositiveListEntry

    PositiveListEntry.objects.get_or_create(
        hs_code="1806900000",
        defaults={"description": "Chocolate (test entry)", "list_version": "test"},
    )
    return CatalogueFactory()


class CatalogueFactory:
    def __init__(self):
        self.counter = 0

    def _next(self):
        self.counter += 1
        return self.counter

    def category(self, slug=None, parent=None, names=None):
        from etalage.catalog.models import Category, CategoryTranslation

        slug = slug or f"category-{self._next()}"
        category = Category.objects.create(slug=slug, parent=parent)
        names = names or {
            "zh-hans": f"类目{slug}",
            "fr": f"Catégorie {slug}",
            "nl": f"Categorie {slug}",
            "en": f"Category {slug}",
        }
        for language, name in names.items():
            CategoryTranslation.objects.create(
                category=category, language=language, name=name
            )
        return category

    def merchant(self, name=None, status="approved"):
        from etalage.merchants.models import Merchant, MerchantTranslation

        n = self._next()
        body = f"{(4000000 + n):08d}"
        number = body + f"{97 - int(body) % 97:02d}"
        merchant = Merchant.objects.create(
            name=name or f"Merchant {n}",
            slug=f"merchant-{n}",
            legal_name=f"Merchant {n} SRL",
            enterprise_number=number,
            vat_number="BE" + number,
            city="Liège",
            status=status,
        )
        MerchantTranslation.objects.create(
            merchant=merchant, language="en", tagline="Fine things", story="A story."
        )
        return merchant

    def product(
        self,
        *,
        merchant=None,
        category=None,
        prices=("10.00",),
        status="live",
        languages=("zh-hans", "fr", "nl", "en"),
        name=None,
    ):
        from etalage.catalog.models import Product
        from etalage.catalog.services import ProductText, VariantData, product_create

        n = self._next()
        merchant = merchant or self.merchant()
        category = category or self.category()
        base = name or f"Pralines {n}"
        texts = {
            language: ProductText(
                name=f"{base} ({language})",
                description=f"Description {language}",
                ingredients="Cocoa",
            )
            for language in languages
        }
        product = product_create(
            merchant=merchant,
            category=category,
            brand="Brand",
            hs_code="1806.90.00.00",
            tax_class="ordinary-13",
            net_weight_grams=250,
            texts=texts,
            variants=[
                VariantData(
                    sku=f"SKU-{n}-{i}", price_eur=Decimal(price), weight_grams=300
                )
                for i, price in enumerate(prices)
            ],
        )
        if status != "draft":
            Product.objects.filter(pk=product.pk).update(status=status)
            product.refresh_from_db()
        return product
