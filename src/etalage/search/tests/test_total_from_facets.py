"""A search with facets gives the same total and page as one without, whatever
the order, the filters and the page; and the in-stock flag's two buckets (every
document has one) sum to the total, so the count could come from the
aggregation (tried on 2026-12-08: no CPU saved, see docs/search-speed.md)."""

import uuid
from decimal import Decimal

import pytest
import tantivy

from etalage.money.money import Money
from etalage.search.documents import Document
from etalage.search.engines import (
    Criteria,
    TantivyEngine,
    schema_build,
    tantivy_document,
)


@pytest.fixture(scope="module")
def engine() -> TantivyEngine:
    """37 products: "pralines" in 30 (some out of stock, some unpriced in CN,
    some 4 stars and up), "gaufres" in the others."""
    index = tantivy.Index(schema_build(["CN"]))
    writer = index.writer(15_000_000, 1)
    category, merchant = uuid.uuid4(), uuid.uuid4()
    for n in range(37):
        word = "pralines" if n < 30 else "gaufres"
        document = Document(
            id=uuid.uuid4(), title=[word], body=["chocolat"],
            category=category, categories=[category], merchant=merchant,
            origin="BE" if n % 3 else "FR", listed=n, in_stock=n % 4 != 0,
            featured=n % 5 == 0, sales=n, stars_tenths=45 if n % 2 else 30,
            prices={} if n % 7 == 0 else {"CN": Money(Decimal(10 + n), "CNY")},
        )  # fmt: skip
        writer.add_document(tantivy_document(document, ["CN"]))
    writer.commit()
    index.reload()
    return TantivyEngine(index, ["CN"])


CASES = [
    {},
    {"in_stock": True},
    {"origin": "FR"},
    {"min_stars": 4},
    {"price_min": Decimal(20), "price_max": Decimal(30)},
    {"offset": 24},
    {"offset": 48},
]


@pytest.mark.parametrize("sort", ["relevance", "price_low", "price_high", "newest"])
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("groups", [[{"pralines"}], [], [{"nougat"}]])
def test_the_total_with_facets_is_the_counting_searchs(engine, sort, case, groups):
    asked = {"groups": groups, "market": "CN", "sort": sort, "limit": 24, **case}
    counted = engine.search(Criteria(**asked, facets=False))
    faceted = engine.search(Criteria(**asked, facets=True))
    assert faceted.total == counted.total
    assert faceted.ids == counted.ids
    if counted.total:
        stocked = faceted.facets["in_stock"][0][1]
        in_stock = engine.search(
            Criteria(**{**asked, "in_stock": True}, facets=False)
        ).total
        assert stocked == in_stock
    else:
        assert faceted.facets == {} and faceted.price_bands == []
