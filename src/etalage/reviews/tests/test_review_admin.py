"""The operator moderates in the back-office: the reported reviews listed, one
hidden with a reason (its author told), another kept (its reports closed)."""

import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from etalage.merchants.models import MerchantMember
from etalage.reviews.models import ModerationDecision, Review, ReviewReport
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
                          "confirm": "1", "code": "advertising",
                          "reason": "An advert"})  # fmt: skip
    client.post(url, {"action": "keep", "_selected_action": [reviews[1].pk]})
    hidden, kept = (Review.objects.get(pk=r.pk) for r in reviews)
    assert hidden.hidden_reason == "An advert" and kept.hidden_at is None
    assert hidden.hidden_code == "advertising"
    assert not ReviewReport.objects.filter(resolved_at__isnull=True).exists()
    assert [m.subject for m in mail.outbox].count("Your review was hidden") == 1
    decisions = ModerationDecision.objects.order_by("action")
    assert [(d.action, d.by) for d in decisions] == [
        ("hide", operator), ("keep", operator)
    ]  # fmt: skip


def _reported(shopping, reason="spam", product="a"):
    buyer = shopping.buyer()
    order = delivered_order(shopping, buyer, products=(product,))
    line = line_of(order, shopping.products[product])
    review = review_write(line=line, buyer=buyer, stars=1, text="加我微信",
                          language="zh-hans")  # fmt: skip
    review_report(review=review, by=shopping.buyer(), reason=reason)
    return review


def test_the_queue_lists_reports_oldest_first_with_who_and_why(shopping):
    first = _reported(shopping, reason="spam")
    second = _reported(shopping, reason="offensive", product="b")
    owner = get_user_model().objects.create_user("owner")
    MerchantMember.objects.create(merchant=first.merchant, user=owner, role="owner")
    review_report(review=second, by=owner, reason="false", details="Never sold")
    ReviewReport.objects.filter(review=first).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    operator = get_user_model().objects.create_superuser("boss", "boss@example.be")
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(operator)
    page = client.get("/backoffice/reviews/queue/")
    assert page.status_code == 200
    rows = [item for item, _form in page.context["rows"]]
    assert [item.review.pk for item in rows] == [first.pk, second.pk]
    assert [r.reason for r in rows[1].reports] == [
        "Offensive or abusive", "False or misleading"
    ]  # fmt: skip
    assert rows[1].reports[1].by_shop == first.merchant.name
    assert "Never sold" in page.content.decode()


def test_only_staff_open_the_queue_or_decide(shopping):
    review = _reported(shopping)
    buyer = shopping.buyer()
    owner = get_user_model().objects.create_user("owner")
    MerchantMember.objects.create(merchant=review.merchant, user=owner, role="owner")
    clerk = get_user_model().objects.create_user("clerk", is_staff=True)
    url = f"/backoffice/reviews/queue/{review.pk}/decide/"
    data = {f"{review.pk}-decision": "hide", f"{review.pk}-code": "advertising"}
    for person in (None, buyer, owner):
        client = Client()
        if person:
            client.force_login(person)
        assert client.get("/backoffice/reviews/queue/").status_code == 302
        assert client.post(url, data).status_code == 302
    client = Client()
    client.force_login(clerk)  # staff, but not given the reviews' permission
    assert client.get("/backoffice/reviews/queue/").status_code == 403
    assert client.post(url, data).status_code == 403
    assert Review.objects.get(pk=review.pk).hidden_at is None


def test_the_operator_decides_from_the_queue_and_a_refusal_names_the_field(
    shopping, django_capture_on_commit_callbacks
):
    review = _reported(shopping)
    operator = get_user_model().objects.create_superuser("boss", "boss@example.be")
    client = Client(headers={"Accept-Language": "fr"})
    client.force_login(operator)
    url = f"/backoffice/reviews/queue/{review.pk}/decide/"
    p = f"{review.pk}-"
    refused = client.post(url, {p + "decision": "hide", p + "code": ""})
    assert refused.status_code == 200
    assert refused.context["rows"][0][1].errors["code"] == [
        "Choisissez la raison du masquage."
    ]
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {p + "decision": "hide", p + "code": "advertising",
                                 p + "reason": "Un numéro WeChat"})  # fmt: skip
    assert done.status_code == 302 and done.url == "/backoffice/reviews/queue/"
    hidden = Review.objects.get(pk=review.pk)
    assert hidden.hidden_code == "advertising" and hidden.is_hidden
    assert client.get("/backoffice/reviews/queue/").context["total"] == 0


def test_the_back_office_s_first_page_counts_the_reviews_to_judge(shopping):
    _reported(shopping)
    review = _reported(shopping, product="b")
    review_report(review=review, by=shopping.buyer(), reason="false")
    operator = get_user_model().objects.create_superuser("boss", "boss@example.be")
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(operator)
    html = client.get("/backoffice/").content.decode()
    found = re.search(r'href="/backoffice/reviews/queue/">Reported reviews to judge'
                      r"</a></th><td>(\d+)<", html)  # fmt: skip
    assert found and found.group(1) == "2"


def test_the_queue_s_queries_do_not_grow_with_the_reviews(
    shopping, django_assert_max_num_queries
):
    operator = get_user_model().objects.create_superuser("boss", "boss@example.be")
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(operator)
    _reported(shopping)
    client.get("/backoffice/reviews/queue/")  # sessions and caches warmed
    with CaptureQueriesContext(connection) as one:
        client.get("/backoffice/reviews/queue/")
    for product in ("a", "b", "c", "a"):
        review = _reported(shopping, product=product)
        review_report(review=review, by=shopping.buyer(), reason="false")
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get("/backoffice/reviews/queue/")
    assert page.context["total"] == 5
