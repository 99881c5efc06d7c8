"""The operator moderates in the back-office: the reported reviews listed, one
hidden with a reason (its author told), another kept (its reports closed)."""

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from etalage.reviews.models import Review, ReviewReport
from etalage.reviews.services import review_report, review_write
from etalage.reviews.tests.conftest import delivered_order, line_of


def test_the_operator_hides_one_reported_review_and_keeps_another(
    shopping, django_capture_on_commit_callbacks
):
    reviews = []
    for stars, product in ((1, "a"), (2, "b")):
        buyer = shopping.buyer()
        order = delivered_order(shopping, buyer, products=(product,))
        line = line_of(order, shopping.products[product])
        review = review_write(line=line, buyer=buyer, stars=stars, text="…",
                              language="en")  # fmt: skip
        review_report(review=review, by=shopping.buyer(), reason="spam")
        reviews.append(review)
    operator = get_user_model().objects.create_superuser("boss", "boss@example.be")
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(operator)
    listed = client.get("/backoffice/reviews/review/", {"reported": "open"})
    assert listed.status_code == 200 and listed.context["cl"].result_count == 2
    url = "/backoffice/reviews/review/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "hide", "_selected_action": [reviews[0].pk],
                          "confirm": "1", "reason": "An advert"})  # fmt: skip
    client.post(url, {"action": "keep", "_selected_action": [reviews[1].pk]})
    hidden, kept = (Review.objects.get(pk=r.pk) for r in reviews)
    assert hidden.hidden_reason == "An advert" and kept.hidden_at is None
    assert not ReviewReport.objects.filter(resolved_at__isnull=True).exists()
    assert [m.subject for m in mail.outbox].count("Your review was hidden") == 1
