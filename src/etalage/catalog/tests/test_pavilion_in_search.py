"""A product or a merchant the operator features in the pavilion is ranked as
featured by search once the index follows, and no longer once taken out: the
back-office says so to search as it says any listing or merchant change."""

import tantivy
from django.contrib.auth import get_user_model

from etalage.catalog.models import PavilionEntry
from etalage.events.outbox import outbox_deliver
from etalage.search.feed import search_follow
from etalage.search.index import search_reindex
from etalage.search.store import engine


def _featured(product) -> bool:
    """Whether the index holds ``product`` as featured."""
    found = engine()
    query = tantivy.Query.term_query(found.schema, "id", product.pk.hex)
    (_score, address), *_ = found.searcher.search(query, 1).hits
    return bool(found.searcher.doc(address).get_first("featured"))


def _followed(capture):
    with capture(execute=True):
        outbox_deliver()
    search_follow()


def test_featuring_in_the_back_office_reaches_search(
    client, catalogue, django_capture_on_commit_callbacks
):
    operator = get_user_model().objects.create_superuser("op", "op@example.com", "p")
    client.force_login(operator)
    product = catalogue.product()
    other = catalogue.product()
    search_reindex()
    assert not _featured(product)
    answer = client.post(
        "/backoffice/catalog/pavilionentry/add/",
        {"product": product.pk, "position": 0, "is_active": "on"},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    _followed(django_capture_on_commit_callbacks)
    assert _featured(product) and not _featured(other)
    entry = PavilionEntry.objects.get()
    client.post(
        f"/backoffice/catalog/pavilionentry/{entry.pk}/change/",
        {"merchant": other.merchant_id, "position": 0, "is_active": "on"},
    )
    _followed(django_capture_on_commit_callbacks)
    assert not _featured(product) and _featured(other)  # its merchant's, now
    client.post(
        f"/backoffice/catalog/pavilionentry/{entry.pk}/delete/", {"post": "yes"}
    )
    _followed(django_capture_on_commit_callbacks)
    assert not _featured(other)
