"""The operator moderates reviews: a hidden review leaves the ratings at once and
comes back when shown again, a shop's reply is hidden on its own, every decision is
kept (who, when, why), and the author or the shop is told by email in their own
language. Only staff moderate."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import translation

from etalage.accounts import sms
from etalage.accounts.models import NoticePreferences
from etalage.core.emails import render_email
from etalage.events.models import OutboxEvent
from etalage.events.outbox import outbox_deliver
from etalage.merchants.models import MerchantMember
from etalage.orders.models import BuyerNotice
from etalage.reviews.exceptions import ReviewConflict, ReviewError
from etalage.reviews.models import HideReason, ModerationDecision, ReviewReport
from etalage.reviews.moderation import (
    reply_hide,
    reply_show,
    reports_dismiss,
    review_hide,
    review_show,
)
from etalage.reviews.selectors import (
    merchant_rating,
    product_rating,
    product_reviews,
    product_summary,
)
from etalage.reviews.services import review_reply, review_report, review_write
from etalage.reviews.tests.conftest import delivered_order, line_of
from etalage.search.feed import search_follow
from etalage.search.index import search_reindex
from etalage.search.selectors import products_listed


def _operator(name="moderator"):
    return get_user_model().objects.create_user(name, is_staff=True)


def _review(shopping, stars=5, language="fr", product="a"):
    buyer = shopping.buyer()
    line = line_of(delivered_order(shopping, buyer), shopping.products[product])
    return buyer, review_write(line=line, buyer=buyer, stars=stars, text="Très bon",
                               language=language)  # fmt: skip


def test_a_hidden_review_leaves_both_ratings_at_once_and_comes_back_when_shown(
    shopping, django_capture_on_commit_callbacks
):
    _, kept = _review(shopping, stars=5)
    _, review = _review(shopping, stars=1)
    product, merchant = review.product_id, review.merchant
    assert product_rating(product).count == 2
    operator = _operator()
    with django_capture_on_commit_callbacks(execute=True):
        review_hide(review=review, by=operator, code=HideReason.ADVERTISING,
                    reason="A shop's WeChat ID")  # fmt: skip
    assert product_rating(product).count == 1
    assert product_rating(product).average == 5
    assert merchant_rating(merchant).count == 1
    assert product_summary(product)[0].count == 1  # the product page's one read
    page = product_reviews(product_id=product, reader="fr")
    assert [r.id for r in page.reviews] == [str(kept.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        review_show(review=review, by=operator, reason="Appeal upheld")
    assert product_rating(product).count == 2
    assert merchant_rating(merchant).count == 2
    assert product_rating(product).average == 3
    assert OutboxEvent.objects.filter(topic="ReviewShown").count() == 1


def test_every_decision_is_kept_with_who_when_and_why(shopping):
    _, review = _review(shopping)
    first, second = shopping.buyer(), shopping.buyer()
    review_report(review=review, by=first, reason="spam")
    review_report(review=review, by=second, reason="offensive", details="insults")
    operator = _operator()
    review_hide(review=review, by=operator, code=HideReason.OFFENSIVE, reason="")
    review_show(review=review, by=operator, reason="Read again: it is fair")
    decisions = list(ModerationDecision.objects.filter(review=review))
    assert [d.action for d in decisions] == ["hide", "show"]
    hide, show = decisions
    assert hide.by == operator and hide.code == "offensive"
    assert hide.reports_closed == 2 and show.reports_closed == 0
    assert show.reason == "Read again: it is fair"
    assert hide.created_at <= show.created_at
    assert not ReviewReport.objects.filter(resolved_at__isnull=True).exists()


def test_the_author_is_told_in_their_own_language_when_hidden_and_shown_again(
    shopping, django_capture_on_commit_callbacks
):
    buyer, review = _review(shopping, language="fr")
    NoticePreferences.objects.create(user=buyer, language="zh-hans",
                                     order_emails=False)  # fmt: skip
    operator = _operator()
    with django_capture_on_commit_callbacks(execute=True):
        review_hide(review=review, by=operator, code=HideReason.PERSONAL_DATA,
                    reason="电话号码")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        review_show(review=review, by=operator)
    hidden, shown = [m for m in mail.outbox if "评价" in m.subject]
    assert hidden.to == shown.to == [buyer.email]
    assert hidden.subject == "您的评价已被隐藏"
    assert "显示了他人的个人信息" in hidden.body and "电话号码" in hidden.body
    assert shown.subject == "您的评价已重新显示"
    assert ModerationDecision.objects.filter(told=buyer.email).count() == 2


def test_the_shop_s_reply_is_hidden_alone_and_the_shop_told_in_its_language(
    shopping, django_capture_on_commit_callbacks
):
    _, review = _review(shopping)
    merchant = review.merchant
    merchant.language, merchant.contact_email = "nl", "shop@example.be"
    merchant.save()
    review_reply(review=review, merchant=merchant, text="Bel ons: 0470 12 34 56",
                 language="fr")  # fmt: skip
    operator = _operator()
    with django_capture_on_commit_callbacks(execute=True):
        reply_hide(review=review, by=operator, code=HideReason.ADVERTISING)
    view = product_reviews(product_id=review.product_id, reader="fr").reviews[0]
    assert view.text == "Très bon" and view.reply == ""
    assert product_rating(review.product_id).count == 1  # the review still counts
    told = [m for m in mail.outbox if "antwoord" in m.subject]
    assert [m.to for m in told] == [["shop@example.be"]]
    assert told[0].subject == "Uw antwoord op een beoordeling is verborgen"
    assert "Reclame of contactgegevens" in told[0].body
    with pytest.raises(ReviewConflict):
        reply_hide(review=review, by=operator, code=HideReason.ADVERTISING)
    with django_capture_on_commit_callbacks(execute=True):
        reply_show(review=review, by=operator)
    view = product_reviews(product_id=review.product_id, reader="fr").reviews[0]
    assert view.reply == "Bel ons: 0470 12 34 56"
    assert [m.subject for m in mail.outbox if "antwoord" in m.subject][1:] == [
        "Uw antwoord op een beoordeling is weer zichtbaar"
    ]


def test_only_staff_moderate(shopping):
    buyer, review = _review(shopping)
    owner = get_user_model().objects.create_user("owner")
    MerchantMember.objects.create(merchant=review.merchant, user=owner, role="owner")
    retired = _operator("retired")
    retired.is_active = False
    for person in (buyer, shopping.buyer(), owner, retired):
        with pytest.raises(ReviewError, match="operator"):
            review_hide(review=review, by=person, code=HideReason.ADVERTISING)
        with pytest.raises(ReviewError, match="operator"):
            reports_dismiss(review=review, by=person)
    assert not ModerationDecision.objects.exists()
    assert product_rating(review.product_id).count == 1


def test_a_reason_is_chosen_and_another_reason_needs_words(shopping):
    _, review = _review(shopping)
    operator = _operator()
    with pytest.raises(ReviewError) as refused:
        review_hide(review=review, by=operator, code="boring")
    assert "code" in refused.value.message_dict
    with pytest.raises(ReviewError) as refused:
        review_hide(review=review, by=operator, code=HideReason.OTHER, reason=" ")
    assert "reason" in refused.value.message_dict
    assert product_rating(review.product_id).count == 1  # nothing half-written
    assert not ModerationDecision.objects.exists()


def test_keeping_a_review_needs_an_open_report(shopping):
    _, review = _review(shopping)
    operator = _operator()
    with pytest.raises(ReviewError, match="no open report"):
        reports_dismiss(review=review, by=operator)
    assert not ModerationDecision.objects.exists()
    review_report(review=review, by=shopping.buyer(), reason="false")
    assert reports_dismiss(review=review, by=operator) == 1
    assert ModerationDecision.objects.get().action == "keep"


@pytest.mark.parametrize("language", ["zh-hans", "fr", "nl", "en"])
def test_the_moderation_emails_read_whole_in_each_language(shopping, language):
    _, review = _review(shopping)
    review_reply(review=review, merchant=review.merchant, text="Merci",
                 language="fr")  # fmt: skip
    operator = _operator()
    review_hide(review=review, by=operator, code=HideReason.NOT_GENUINE,
                reason="Écrit par la boutique")  # fmt: skip
    reply_hide(review=review, by=operator, code=HideReason.OFFENSIVE)
    hide, reply = ModerationDecision.objects.order_by("created_at")
    order = review.line.sub_order.order
    english = {
        "hidden": "was hidden by Étalage",
        "shown": "shows on the product's page again",
        "reply_hidden": "was hidden by Étalage",
        "reply_shown": "shows on the product's page again",
    }
    for template, decision in (
        ("hidden", hide),
        ("shown", hide),
        ("reply_hidden", reply),
        ("reply_shown", reply),
    ):
        subject, body = render_email(
            f"etalage/reviews/email/{template}",
            {"review": review, "order": order, "decision": decision,
             "merchant": review.merchant, "product": "Pralines"},
            language,
        )  # fmt: skip
        print(f"--- {language} {template}: {subject}\n{body}")  # read with -s
        assert subject and "{" not in subject + body and "%(" not in body
        assert "Pralines" in body and body.rstrip().endswith("Étalage")
        assert (english[template] in body) == (language == "en"), template
        if template.endswith("hidden"):
            with translation.override(language):
                assert str(decision.get_code_display()) in body


def test_the_cards_stars_follow_a_review_hidden_then_shown_again(
    shopping, django_capture_on_commit_callbacks
):
    product = shopping.products["a"]
    search_reindex()
    with django_capture_on_commit_callbacks(execute=True):
        _, review = _review(shopping, stars=2)
    operator = _operator()

    def card():
        with django_capture_on_commit_callbacks(execute=True):
            outbox_deliver()
        search_follow()
        listing = products_listed(market_code="CN", cards=True, limit=100)
        return {c.id: c.stats for c in listing.cards}[product.pk].count

    assert card() == 1
    with django_capture_on_commit_callbacks(execute=True):
        review_hide(review=review, by=operator, code=HideReason.ADVERTISING)
    assert card() == 0
    with django_capture_on_commit_callbacks(execute=True):
        review_show(review=review, by=operator)
    assert card() == 1


def test_a_buyer_who_signed_up_by_phone_is_texted_when_hidden_and_shown_again(
    shopping, django_capture_on_commit_callbacks
):
    """No email address: the statement of reasons (DSA art. 17) goes by text, in
    the buyer's own language, with the link to the order's page where the review
    shows why it was hidden; whatever they chose for their orders' texts, once
    per decision."""
    buyer, review = _review(shopping, language="fr")
    buyer.username, buyer.email = "+8613912345678", ""
    buyer.save()
    NoticePreferences.objects.create(user=buyer, language="nl", order_texts=False)
    order = review.line.sub_order.order
    operator = _operator()
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_hide(review=review, by=operator, code=HideReason.PERSONAL_DATA,
                    reason="Een telefoonnummer")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        review_show(review=review, by=operator)
    texts = [(m.to, m.text) for m in sms.outbox]
    sms.outbox.clear()
    link = f"/o/{order.number}"
    assert [to for to, _ in texts] == ["+8613912345678"] * 2
    hidden, shown = (text for _, text in texts)
    assert "verborgen" in hidden and hidden.endswith(link)
    assert "weer" in shown and shown.endswith(link)
    assert all(sms.sms_fits_one(text) for _, text in texts)
    assert BuyerNotice.objects.filter(order=order, channel="sms").count() == 2
    assert not mail.outbox
    assert list(ModerationDecision.objects.values_list("told", flat=True)) == ["", ""]
