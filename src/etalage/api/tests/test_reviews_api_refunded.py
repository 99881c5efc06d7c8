"""A line refunded in full cannot be reviewed over the API either: the same
reason as the page's, in the reader's language, on the field ``line``."""

from django.test import Client

from etalage.orders.returned import sub_order_returned
from etalage.reviews.models import Review
from etalage.reviews.services import review_refusal
from etalage.reviews.tests.conftest import delivered_order, line_of


def test_a_line_returned_in_full_is_refused_with_the_page_s_reason(shopping):
    buyer = shopping.buyer()
    line = line_of(delivered_order(shopping, buyer), shopping.products["a"])
    sub_order_returned(sub_order=line.sub_order, quantities={line.pk: line.quantity})
    client = Client(headers={"Accept-Language": "fr"})
    client.force_login(buyer)
    answer = client.post(f"/api/v1/lines/{line.pk}/review",
                         {"stars": "2", "text": "", "language": "fr"})  # fmt: skip
    error = answer.json()["error"]
    line.refresh_from_db()
    assert answer.status_code == 422 and error["field"] == "line"
    assert "remboursé" in error["message"]
    from django.utils import translation

    with translation.override("fr"):
        assert error["message"] == review_refusal(line)
    assert not Review.objects.exists()
