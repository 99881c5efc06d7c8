"""The addresses of reviews' pages (added to ``web.urls``'s, in its namespace)."""

from django.urls import path

from etalage.web.account import reviews as account_reviews
from etalage.web.backoffice import reviews as backoffice_reviews
from etalage.web.portal import reviews as portal_reviews
from etalage.web.storefront import reviews as storefront_reviews

urlpatterns = [
    path(
        "p/<slug:slug>/reviews/",
        storefront_reviews.product_reviews_view,
        name="product-reviews",
    ),
    path(
        "reviews/<uuid:review_id>/report/",
        storefront_reviews.review_report_view,
        name="review-report",
    ),
    path(
        "account/reviews/line/<int:line_id>/",
        account_reviews.review_line,
        name="review-line",
    ),
    path(
        "account/reviews/line/<int:line_id>/follow-up/",
        account_reviews.review_follow_up_view,
        name="review-follow-up",
    ),
    path("portal/reviews/", portal_reviews.review_list, name="portal-reviews"),
    path(
        "portal/reviews/<uuid:pk>/reply/",
        portal_reviews.review_reply_view,
        name="portal-review-reply",
    ),
]

# The operator's moderation queue, under the back-office (no language prefix):
# added to the site's addresses before Django's admin.
backoffice_urlpatterns = [
    path("queue/", backoffice_reviews.review_queue, name="review-queue"),
    path(
        "queue/<uuid:pk>/decide/",
        backoffice_reviews.review_decide,
        name="review-decide",
    ),
]
