"""A prepared read gives exactly the ORM's answer (values and their types), on
SQLite and on PostgreSQL (run with ``DATABASE_URL=postgres://…``), compiling its
SQL once."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from unittest import mock
from uuid import UUID

import pytest
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from etalage.catalog.models import Product, ProductImage, Variant
from etalage.catalog.selectors import product_page
from etalage.core.prepared import PreparedRead
from etalage.inventory.models import Stock
from etalage.inventory.services import stock_available_by_kind
from etalage.promotions.models import SalePrice
from etalage.promotions.selectors import sale_prices_in_force_until
from etalage.reviews.selectors import STAR_FIELDS, _sold_subquery, product_summary

pytestmark = pytest.mark.django_db


def _same(prepared, orm):
    """Equal, and of the same types (a UUID is not its hex, an aware datetime not
    a naive one, a Decimal keeps its places)."""
    assert prepared == orm
    assert repr(prepared) == repr(orm)


def _model_values(rows):
    return [
        tuple((f.attname, getattr(row, f.attname)) for f in row._meta.concrete_fields)
        for row in rows
    ]


@pytest.fixture
def products(catalogue):
    merchant = catalogue.merchant()
    first = catalogue.product(merchant=merchant, prices=("10.00", "12.50", "7.05"))
    second = catalogue.product(merchant=merchant, prices=("3.10",))
    Variant.objects.filter(product=first, sku__endswith="-1").update(
        attributes={"flavour": {"en": "Dark 72%", "zh-hans": "黑巧克力"}, "n": 3},
        gtin="5410000000001",
        is_active=False,
    )
    return first, second


def _variants_read():
    return PreparedRead(
        lambda product_id: Variant.objects.filter(product_id=product_id).values_list(
            "id",
            "sku",
            "gtin",
            "attributes",
            "price_eur",
            "weight_grams",
            "is_active",
            "product__created_at",
            "product_id",
            "position",
        ),  # fmt: skip
        Variant._meta.get_field("product"),
    )


def test_values_of_every_kind_are_the_orms(products):
    read = _variants_read()
    for product in products:
        orm = list(_variants_read()._build(product.pk))
        assert orm
        _same(read(product.pk), orm)
    row = read(products[0].pk)[0]
    assert isinstance(row[0], UUID) and isinstance(row[4], Decimal)
    assert row[7].tzinfo is not None and row[6] in (True, False)
    assert read(Product._meta.pk.default()) == []


def test_a_model_read_builds_the_orms_models_with_lists_of_any_length(products):
    now = datetime(2030, 1, 1, 12, tzinfo=UTC)
    variants = list(Variant.objects.filter(product__in=products))
    for i, variant in enumerate(variants):
        SalePrice.objects.create(
            variant=variant,
            price_eur=Decimal("1.25") + i,
            starts_at=now - timedelta(hours=i),
            ends_at=now + timedelta(days=1, microseconds=123456),
        )

    def build(ids, moment):
        return SalePrice.objects.filter(variant_id__in=ids, ends_at__gt=moment)

    read = PreparedRead(
        build,
        [SalePrice._meta.get_field("variant")],
        SalePrice._meta.get_field("ends_at"),
    )
    ids = [v.pk for v in variants]
    for chosen in (ids, ids[:1], ids[1:3], ids, []):
        got = read(chosen, now)
        _same(_model_values(got), _model_values(build(chosen, now)))
        assert all(isinstance(sale, SalePrice) and sale.pk for sale in got)
    assert read(ids, now + timedelta(days=2)) == []
    assert read(ids, now)[0].ends_at.tzinfo is not None


def test_an_annotated_subquery_and_a_flat_read(products, shopping):
    since = datetime(2020, 1, 1, tzinfo=UTC)

    def build(product_id, moment):
        return (
            Product.objects.filter(pk=product_id)
            .annotate(sold=Coalesce(_sold_subquery(moment), Value(0)))
            .values_list("sold", *(f"rating__{name}" for name in STAR_FIELDS), "slug")
        )

    read = PreparedRead(
        build,
        Product._meta.pk,
        Product._meta.get_field("created_at"),
    )
    for product in products:
        _same(read(product.pk, since), list(build(product.pk, since)))
    flat = PreparedRead(
        lambda slug: Product.objects.filter(slug=slug).values_list("id", flat=True),
        Product._meta.get_field("slug"),
    )
    _same(flat(products[1].slug), list(Product.objects.filter(slug=products[1].slug)
                                       .values_list("id", flat=True)))  # fmt: skip


def test_the_sql_is_compiled_once_and_is_the_orms(products):
    read = _variants_read()
    with CaptureQueriesContext(connection) as orm:
        list(read._build(products[0].pk))
    read(products[0].pk)
    with (
        mock.patch.object(
            SQLCompiler, "as_sql", side_effect=AssertionError
        ) as compiled,
        CaptureQueriesContext(connection) as prepared,
    ):
        read(products[1].pk)
        read(products[0].pk)
    assert not compiled.called
    assert len(prepared) == 2
    assert prepared[1]["sql"] == orm[0]["sql"]


def test_the_pages_reads_are_the_orms(products, shopping):
    first = products[0]
    page = product_page(slug=first.slug)
    variants = Variant.objects.filter(product=first, is_active=True).order_by(
        "position", "sku"
    )
    assert [v.id for v in page.variants] == [v.pk for v in variants]
    assert [v.price_eur for v in page.variants] == [v.price_eur for v in variants]
    assert {t.language for t in page.texts} == {"zh-hans", "fr", "nl", "en"}
    assert page.merchant_stories == (("en", "A story."),)
    assert page.images == tuple(ProductImage.objects.none())
    assert product_page(slug="no-such-product") is None
    assert product_summary(first.pk) == product_summary(first.pk)
    assert sale_prices_in_force_until(variant_ids=[], now=datetime.now(UTC)) == (
        {},
        None,
    )


def test_a_field_without_a_marker_is_refused():
    read = PreparedRead(
        lambda ok: Variant.objects.filter(is_active=ok),
        Variant._meta.get_field("is_active"),
    )
    with pytest.raises(TypeError, match="BooleanField"):
        read(True)


def test_the_stock_by_kind_is_the_orms(products, shopping):
    first = products[0]
    shopping.stock(first, quantity=7)
    shopping.stock(first, quantity=3, kind="merchant")
    ids = [v.pk for v in first.variants.all()]
    expected = {}
    for variant_id, kind, on_hand, allocated in Stock.objects.filter(
        variant_id__in=ids, warehouse__is_active=True
    ).values_list("variant_id", "warehouse__kind", "on_hand", "allocated"):
        expected[(variant_id, kind)] = (
            expected.get((variant_id, kind), 0) + on_hand - allocated
        )
    assert expected
    assert (
        stock_available_by_kind(variant_ids=ids, kinds=["hub", "merchant"]) == expected
    )
    hub = {key: n for key, n in expected.items() if key[1] == "hub"}
    assert stock_available_by_kind(variant_ids=iter(ids), kinds=("hub",)) == hub
    assert stock_available_by_kind(variant_ids=[], kinds=["hub"]) == {}
