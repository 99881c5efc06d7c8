"""The operator's moderation: hide a review or a shop's reply with a reason (one
of ``HideReason`` and the operator's own words), show it again, or keep a reported
review. Only staff decide; every decision is kept (``ModerationDecision``: who,
when, what, why), the review's open reports are closed, the ratings move in the
same transaction, and the one whose words were hidden or shown again is told by
email, or by text when they signed up by phone, in their language once the
decision commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from etalage.accounts.models import NoticePreferences
from etalage.core.languages import pick_translation
from etalage.events.types import ReviewHidden, ReviewReplyModerated, ReviewShown
from etalage.merchants.notifications import notify_merchant
from etalage.orders.notices import Notice, buyer_notify
from etalage.reviews.exceptions import ReviewConflict, ReviewError
from etalage.reviews.models import HideReason, ModerationDecision, Review
from etalage.reviews.rating import rating_delta
from etalage.reviews.writing import changes_record, tallies_move, text_check

User = AbstractBaseUser | AnonymousUser
Action = ModerationDecision.Action


def _operator(by: User) -> Any:
    """The operator's key, when ``by`` is active staff."""
    if not getattr(by, "is_staff", False) or not by.is_active or by.pk is None:
        raise ReviewError({"review": _("Only the operator may moderate reviews.")})
    return by.pk


def _why(code: str, reason: str) -> tuple[str, str]:
    """The reason's code checked and the operator's words (needed for "other")."""
    if code not in HideReason.values:
        raise ReviewError({"code": _("Choose why it is hidden.")})
    reason = text_check(reason, "reason", 500, required=code == HideReason.OTHER)
    return code, reason


def _locked(review: Review) -> Review:
    return (
        Review.objects.select_related(
            "line__sub_order__order__buyer", "merchant", "product"
        )
        .select_for_update(of=("self",))
        .get(pk=review.pk)
    )


def _decide(
    review: Review, *, action: str, by: User, now: datetime, code: str = "",
    reason: str = "",
) -> ModerationDecision:  # fmt: skip
    """Record the decision and close the review's open reports."""
    closed = review.reports.filter(resolved_at__isnull=True).update(resolved_at=now)
    return ModerationDecision.objects.create(
        review=review, action=action, code=code, reason=reason, by_id=_operator(by),
        reports_closed=closed,
    )  # fmt: skip


def review_hide(
    *, review: Review, by: User, reason: str = "", code: str = HideReason.OTHER,
    now: datetime | None = None,
) -> Review:  # fmt: skip
    """The operator hides a review: it leaves the pages and the ratings at once,
    its reports are closed and its author is told why."""
    _operator(by)
    code, reason = _why(code, reason)
    now = now or timezone.now()
    with transaction.atomic():
        review = _locked(review)
        if review.hidden_at is not None:
            raise ReviewConflict({"review": _("This review is hidden already.")})
        review.hidden_at, review.hidden_by_id = now, by.pk
        review.hidden_code, review.hidden_reason = code, reason
        review.save()
        decision = _decide(review, action=Action.HIDE, by=by, now=now, code=code,
                           reason=reason)  # fmt: skip
        tallies_move(review, rating_delta(review.stars, None))
        changes_record(
            review,
            ReviewHidden(review_id=review.pk, product_id=review.product_id,
                         reason=code),
        )  # fmt: skip
        _tell_author(review, decision, "hidden")
    return review


def review_show(
    *, review: Review, by: User, reason: str = "", now: datetime | None = None
) -> Review:
    """The operator shows a hidden review again (a mistake, an appeal upheld): it
    counts in the ratings again and its author is told."""
    _operator(by)
    reason = text_check(reason, "reason", 500)
    now = now or timezone.now()
    with transaction.atomic():
        review = _locked(review)
        if review.hidden_at is None:
            raise ReviewConflict({"review": _("This review is not hidden.")})
        review.hidden_at, review.hidden_by_id = None, None
        review.hidden_code, review.hidden_reason = "", ""
        review.save()
        decision = _decide(review, action=Action.SHOW, by=by, now=now,
                           reason=reason)  # fmt: skip
        tallies_move(review, rating_delta(None, review.stars))
        changes_record(
            review, ReviewShown(review_id=review.pk, product_id=review.product_id)
        )
        _tell_author(review, decision, "shown")
    return review


def reply_hide(
    *, review: Review, by: User, reason: str = "", code: str = HideReason.OTHER,
    now: datetime | None = None,
) -> Review:  # fmt: skip
    """The operator hides the shop's reply to a review (the review stays); the
    shop is told why."""
    _operator(by)
    code, reason = _why(code, reason)
    now = now or timezone.now()
    with transaction.atomic():
        review = _locked(review)
        if review.replied_at is None:
            raise ReviewError({"review": _("This review has no reply.")})
        if review.reply_hidden_at is not None:
            raise ReviewConflict({"review": _("This reply is hidden already.")})
        review.reply_hidden_at = now
        review.reply_hidden_code, review.reply_hidden_reason = code, reason
        review.save()
        decision = _decide(review, action=Action.HIDE_REPLY, by=by, now=now,
                           code=code, reason=reason)  # fmt: skip
        changes_record(
            review,
            ReviewReplyModerated(review_id=review.pk, merchant_id=review.merchant_id,
                                 hidden=True),
        )  # fmt: skip
        _tell_shop(review, decision, "reply_hidden")
    return review


def reply_show(
    *, review: Review, by: User, reason: str = "", now: datetime | None = None
) -> Review:
    """The operator shows a hidden reply again; the shop is told."""
    _operator(by)
    reason = text_check(reason, "reason", 500)
    now = now or timezone.now()
    with transaction.atomic():
        review = _locked(review)
        if review.reply_hidden_at is None:
            raise ReviewConflict({"review": _("This reply is not hidden.")})
        review.reply_hidden_at = None
        review.reply_hidden_code, review.reply_hidden_reason = "", ""
        review.save()
        decision = _decide(review, action=Action.SHOW_REPLY, by=by, now=now,
                           reason=reason)  # fmt: skip
        changes_record(
            review,
            ReviewReplyModerated(review_id=review.pk, merchant_id=review.merchant_id,
                                 hidden=False),
        )  # fmt: skip
        _tell_shop(review, decision, "reply_shown")
    return review


def reports_dismiss(
    *, review: Review, by: User, reason: str = "", now: datetime | None = None
) -> int:
    """The operator keeps a reported review: its open reports are closed and the
    decision kept. Returns how many reports were closed."""
    _operator(by)
    reason = text_check(reason, "reason", 500)
    now = now or timezone.now()
    with transaction.atomic():
        review = _locked(review)
        decision = _decide(review, action=Action.KEEP, by=by, now=now, reason=reason)
        if not decision.reports_closed:
            raise ReviewError({"review": _("This review has no open report.")})
    return decision.reports_closed


def _prefix(language: str) -> str:
    """The addresses' language prefix (none for the default language's)."""
    return "" if language == settings.LANGUAGE_CODE else f"/{language}"


def _product_name(review: Review, language: str) -> str:
    """The product's name in ``language`` (else a fallback's), as the order kept it
    when the catalogue has none."""
    row = pick_translation(review.product.translations.all(), language)
    if row is not None:
        return row.name
    line = review.line
    return line.name_zh if language == "zh-hans" else line.name_merchant


def _tell_author(review: Review, decision: ModerationDecision, template: str) -> None:
    """Tell the review's author in their language (an account's own choice, else
    their order's) by email and, when they signed up by phone or added a mobile,
    by text (``orders.notices``, which owes them these whatever their choices);
    the email address, when emailed, is kept on the decision."""
    order = review.line.sub_order.order
    buyer = order.buyer
    chosen = (
        NoticePreferences.objects.filter(user=buyer)
        .values_list("language", flat=True)
        .first()
    )
    language = chosen or order.language
    channels = buyer_notify(
        order=order, key=str(decision.pk), language=language,
        notice=Notice.REVIEW_HIDDEN if template == "hidden" else Notice.REVIEW_SHOWN,
        email=(f"etalage/reviews/email/{template}",
               {"review": review, "decision": decision,
                "product": _product_name(review, language),
                "language_prefix": _prefix(language)}),
    )  # fmt: skip
    decision.told = buyer.email if "email" in channels else ""
    decision.save(update_fields=["told"])


def _tell_shop(review: Review, decision: ModerationDecision, template: str) -> None:
    """Email the shop's contact in the shop's language."""
    merchant = review.merchant
    notify_merchant(
        merchant=merchant, template=template, package="reviews",
        context={"review": review, "decision": decision,
                 "product": _product_name(review, merchant.language),
                 "language_prefix": _prefix(merchant.language)},
    )  # fmt: skip
    decision.told = merchant.contact_email
    decision.save(update_fields=["told"])
