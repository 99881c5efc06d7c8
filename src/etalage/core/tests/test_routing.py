"""Which database a read goes to with replicas configured (core.routing): the
storefront's catalogue pages read the catalogue from a replica; the cart, the
checkout, orders, every write and every transaction read the primary."""

import pytest

from etalage.catalog.models import Product
from etalage.checkout.models import Cart
from etalage.core import routing
from etalage.core.routing import ReplicaRouter, replica_reads


@pytest.fixture
def replicas(monkeypatch):
    monkeypatch.setattr(routing, "replica_aliases", lambda: ["replica0", "replica1"])


def test_only_the_catalogue_read_for_a_storefront_page_goes_to_a_replica(
    replicas, monkeypatch
):
    router = ReplicaRouter()
    monkeypatch.setattr(routing, "_in_transaction", lambda: False)
    assert router.db_for_read(Product) == "default"  # outside a storefront page
    with replica_reads():
        assert router.db_for_read(Product) in ("replica0", "replica1")
        assert router.db_for_read(Cart) == "default"  # the buyer's own writes
        # What a transaction reads, it reads on the primary.
        monkeypatch.setattr(routing, "_in_transaction", lambda: True)
        assert router.db_for_read(Product) == "default"
    assert router.db_for_write(Product) == "default"
    assert router.allow_migrate("replica0", "catalog") is False


def test_related_rows_come_from_where_the_row_came(replicas):
    router = ReplicaRouter()
    product = Product(slug="x")
    product._state.db = "replica1"
    assert router.db_for_read(Product, instance=product) == "replica1"


@pytest.fixture
def reads(monkeypatch):
    """Record, for each read the router places, whether replica reads were open."""
    seen = []
    place = ReplicaRouter.db_for_read

    def spy(self, model, **hints):
        seen.append((model._meta.app_label, routing._replica_ok.get()))
        return place(self, model, **hints)

    monkeypatch.setattr(ReplicaRouter, "db_for_read", spy)
    return seen


@pytest.mark.usefixtures("ecb_rates", "today_is_2024_07_01")
def test_the_storefront_pages_open_replica_reads_and_the_rest_does_not(
    client, catalogue, reads
):
    product = catalogue.product()
    assert client.get(f"/en/p/{product.slug}/").status_code == 200
    assert ("catalog", True) in reads
    reads.clear()
    assert client.get("/en/cart/").status_code == 200
    assert reads and not any(replica for _app, replica in reads)
    reads.clear()
    variant = product.variants.first()
    client.post("/en/cart/add/", {"variant": str(variant.pk), "quantity": 1})
    assert reads and not any(replica for _app, replica in reads)
    reads.clear()
    client.get("/portal/")
    assert not any(replica for _app, replica in reads)
    assert not routing._replica_ok.get()  # closed with the response
