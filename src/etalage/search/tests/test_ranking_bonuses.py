"""Near-equal texts are ordered by stock, then by the pavilion's featuring, whichever
side of each flag has fewer products (the engine asks the rarer side: a bonus for
one side orders exactly as a penalty for the other)."""

import uuid
from itertools import product

import pytest
import tantivy

from etalage.search.documents import Document
from etalage.search.engines import (
    Criteria,
    TantivyEngine,
    schema_build,
    tantivy_document,
)


def _engine(flags: list[tuple[bool, bool]]) -> tuple[TantivyEngine, list[uuid.UUID]]:
    """An index in memory of products with the same text, one per (in stock,
    featured) in ``flags``."""
    index = tantivy.Index(schema_build(["CN"]))
    writer = index.writer(15_000_000, 1)
    category, merchant = uuid.uuid4(), uuid.uuid4()
    ids = []
    for in_stock, featured in flags:
        document = Document(
            id=uuid.uuid4(), title=["pralines"], body=["chocolat"],
            category=category, categories=[category], merchant=merchant,
            origin="BE", listed=0, in_stock=in_stock, featured=featured,
        )  # fmt: skip
        writer.add_document(tantivy_document(document, ["CN"]))
        ids.append(document.id)
    writer.commit()
    index.reload()
    return TantivyEngine(index, ["CN"]), ids


# Each flag's majority on either side: 3 of the commonest pair, one of each other.
MAJORITIES = list(product([True, False], repeat=2))


@pytest.mark.parametrize(("stocked", "featured"), MAJORITIES)
def test_in_stock_then_featured_order_equal_texts_whichever_side_is_rarer(
    stocked, featured
):
    pairs = [(s, f) for s in (True, False) for f in (True, False)]
    flags = pairs + [(stocked, featured)] * 3
    found, ids = _engine(flags)
    hits = found.search(Criteria(groups=[{"pralines"}], market="CN", facets=False))
    order = [flags[ids.index(pk)] for pk in hits.ids]
    assert order == sorted(flags, key=lambda f: (not f[0], not f[1]))
    assert hits.total == len(flags)
