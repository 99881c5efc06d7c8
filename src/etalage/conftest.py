"""Fixtures shared by Étalage's tests: a small catalogue built through the services."""

import os
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("ETALAGE_TESTING", "1")

import pytest  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "pricing" / "tests" / "files"


def _hypothesis_profile() -> None:
    """Property tests judge results, never speed: on a busy two-core machine (CI,
    or tests running beside others) drawing examples may be slow, which is no
    failure of the code under test."""
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "etalage", deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    settings.load_profile("etalage")


_hypothesis_profile()


def pytest_configure(config):
    """ETALAGE_TEST_DAYS_AHEAD=N runs the whole suite with the clock N days on (each
    worker's clock ticks from there), so a test whose outcome hangs on today's date
    shows itself before the calendar finds it: `make test-later`."""
    days = os.environ.get("ETALAGE_TEST_DAYS_AHEAD")
    if days:
        from datetime import UTC, datetime, timedelta

        import time_machine

        later = datetime.now(UTC) + timedelta(days=int(days))
        config._etalage_later = time_machine.travel(later, tick=True)
        config._etalage_later.start()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Hand the files holding a test marked ``heavy`` (minutes: the whole demo
    loaded) to the workers first. ``--dist loadfile`` gives out whole files in this
    order; a file of minutes given out late keeps one worker busy while the other
    waits. Only the order of files changes: every test still runs, each file on
    one worker, its tests in pytest-django's order (none of these files holds a
    transactional test, which must stay after the others)."""
    heavy_files = {item.path for item in items if item.get_closest_marker("heavy")}
    items.sort(key=lambda item: item.path not in heavy_files)
    unserialized = [
        item.nodeid for item in items if _flushes_the_database(item) == (True, False)
    ]
    if unserialized:  # its flush would let post_migrate make content types anew
        raise pytest.UsageError(
            "transactional tests must be marked serialized_rollback=True (their "
            "flush otherwise re-creates content types under new ids, and the next "
            "transactional test's reload of the migrations' rows fails): "
            + ", ".join(unserialized[:5])
        )


def _flushes_the_database(item) -> tuple[bool, bool]:
    """(transactional, serialized_rollback) for a test, as pytest-django decides."""
    marker = item.get_closest_marker("django_db")
    kwargs = marker.kwargs if marker else {}
    fixtures = getattr(item, "fixturenames", ())
    transactional = bool(kwargs.get("transaction") or kwargs.get("reset_sequences"))
    transactional = (
        transactional or "transactional_db" in fixtures or "live_server" in fixtures
    )
    serialized = bool(kwargs.get("serialized_rollback")) or (
        "django_db_serialized_rollback" in fixtures
    )
    return transactional, serialized


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Put back the rows the data migrations seeded (markets, rates in force, the
    customs tables, content types...) once a transactional test has flushed them.

    A transactional test ends with a flush of every table; ``serialized_rollback``
    reloads the migrations' rows only at the *start* of the next such test
    (Django's way), so the test after it in the same process found no market.
    pytest-django runs transactional tests last in one process, but ``--dist
    loadfile`` gives a worker whole files one after another: the next file's
    tests came after the flush ("no active market is configured"). The rows are
    reloaded here, after the flush, once per run of transactional tests: not when
    the next test reloads them itself, nor after the last test."""
    result = yield
    transactional, _ = _flushes_the_database(item)
    if (
        transactional
        and nextitem is not None
        and _flushes_the_database(nextitem)
        != (
            True,
            True,
        )
    ):
        _reload_the_migrations_rows(item.config)
    return result


def _reload_the_migrations_rows(config) -> None:
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    with config.stash[blocking_manager_key].unblock():
        for alias in connections:
            connection = connections[alias]
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _search_index_in_tmp(settings, tmp_path):
    """Each test its own search index folder (none until a test builds one), so
    tests in parallel processes never share an index, and none sees another's."""
    settings.ETALAGE_SEARCH_DIR = tmp_path / "search"


@pytest.fixture(autouse=True)
def _fresh_shared_cache(settings):
    """Every test starts from an empty cache (Redis or each process's memory), as
    the database's rows roll back: counts and once-a-second wake-ups of one test
    never reach the next."""
    from django.core.cache import caches

    from etalage.core.reference import reference_forget

    caches["default"].clear()
    reference_forget()


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
            texts=texts,
            variants=[
                VariantData(
                    sku=f"SKU-{n}-{i}",
                    price_eur=Decimal(price),
                    weight_grams=300,
                    net_content=250,
                    net_unit="g",
                )
                for i, price in enumerate(prices)
            ],
        )
        if status != "draft":
            Product.objects.filter(pk=product.pk).update(status=status)
            product.refresh_from_db()
        return product

    def picture(self, product, colour=(120, 60, 30)):
        """Attach a plain picture (a listing needs one to go live)."""
        import io

        from PIL import Image

        from etalage.catalog.services import product_image_add

        buffer = io.BytesIO()
        Image.new("RGB", (200, 200), colour).save(buffer, "PNG")
        return product_image_add(product=product, data=buffer.getvalue())


def resident_id(n: int) -> str:
    """A valid mainland resident ID number, different for each ``n``."""
    import datetime

    from stdnum.cn import ric

    born = datetime.date(1991, 1, 1) + datetime.timedelta(days=n // 1000)
    body = f"360426{born:%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # (it skips the last digit)


class CheckoutFactory:
    """Buyers with an identity and an address, and carts across merchants."""

    def __init__(self, catalogue):
        self.catalogue = catalogue
        self.count = 0

    def buyer(self, name=None):
        from django.contrib.auth import get_user_model

        from etalage.customs.services import address_add, identity_add

        self.count += 1
        user = get_user_model().objects.create_user(
            name or f"buyer{self.count}", email=f"buyer{self.count}@example.cn"
        )
        identity_add(
            user=user,
            real_name="王小明",
            id_number=resident_id(self.count),
            mobile="13800138000",
            consent=True,
        )
        address_add(
            user=user,
            recipient="王小明",
            phone="13800138000",
            province="上海市",
            city="上海市",
            district="浦东新区",
            street="世纪大道 100 号",
        )
        return user

    def stock(self, product, quantity=20, kind="hub"):
        from etalage.inventory.models import Warehouse
        from etalage.inventory.services import merchant_warehouse, stock_receive

        if kind == "merchant":
            warehouse = merchant_warehouse(merchant=product.merchant)
        else:
            warehouse = Warehouse.objects.get_or_create(
                code=kind, defaults={"name": kind.title(), "kind": kind}
            )[0]
        for variant in product.variants.all():
            stock_receive(warehouse=warehouse, variant=variant, quantity=quantity)
        return warehouse

    def cart(self, buyer, lines):
        """Put ``[(product, quantity)]`` in the buyer's cart; return the cart."""
        from etalage.checkout.models import Cart
        from etalage.checkout.services import cart_add

        cart = Cart.objects.filter(user=buyer).first() or Cart.objects.create(
            user=buyer
        )
        for product, quantity in lines:
            cart_add(cart=cart, variant_id=product.variants.get().pk, quantity=quantity)
        return cart

    def place(self, buyer, key="k1", language="en", **overrides):
        from etalage.checkout.models import Cart
        from etalage.checkout.placement import order_place
        from etalage.pricing.models import Market
        from etalage.pricing.selectors import market_strategy

        market = Market.objects.get(code="CN")
        values = {
            "buyer": buyer,
            "cart": Cart.objects.filter(user=buyer).first(),
            "market": market,
            "strategy": market_strategy(market=market),
            "identity_id": buyer.identities.first().pk,
            "address_id": buyer.addresses.first().pk,
            "idempotency_key": key,
            "language": language,
        }
        values.update(overrides)
        return order_place(**values)


@pytest.fixture
def shopping(catalogue, ecb_rates, today_is_2024_07_01):
    """Two merchants' chocolates in stock at the Liège hub, direct-mail freight, and a
    factory of buyers and carts."""
    from datetime import date

    from etalage.pricing.models import FreightRate

    FreightRate.objects.create(
        route="direct_liege",
        max_grams=5000,
        price_cny=Decimal("58.00"),
        effective_from=date(2024, 1, 1),
    )
    factory = CheckoutFactory(catalogue)
    first, second = catalogue.merchant("First"), catalogue.merchant("Second")
    factory.products = {
        "a": catalogue.product(merchant=first, prices=("10.00",)),
        "b": catalogue.product(merchant=first, prices=("20.00",)),
        "c": catalogue.product(merchant=second, prices=("30.00",)),
    }
    for product in factory.products.values():
        factory.stock(product)
    return factory


@pytest.fixture
def no_call_in_transaction(db):
    """Fails the test if a call to a party outside (``etalage.core.outbound``) is
    made while a database transaction is open: counted from the test's own
    transaction (pytest-django's), the baseline."""
    from django.db import connection

    from etalage.core.outbound import WATCHERS

    baseline = len(connection.atomic_blocks)
    calls: list[str] = []

    def watcher(url: str) -> None:
        calls.append(url)
        depth = len(connection.atomic_blocks)
        assert depth <= baseline, f"{url} called with a transaction open ({depth})"

    WATCHERS.append(watcher)
    yield calls
    WATCHERS.remove(watcher)
