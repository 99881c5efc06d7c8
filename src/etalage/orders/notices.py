"""What the buyer of an order is told, and how: the one place that chooses the
channels (``buyer_notify``).

A buyer hears of an order's big steps by email when their account has a (confirmed)
address, and by text message when they signed up with their mobile number (or added
one in *My account* and typed its code), each as
their preferences in *My account* allow (``accounts.NoticePreferences``; both on
until switched off). Texts are short, in the order's language, with a link to the
order, and fit one message in every catalogue language: 70 characters when any
character is outside the GSM alphabet (Chinese), 160 otherwise.

Each message is recorded (``BuyerNotice``, one per order, event, subject and
channel) in the caller's transaction and sent once it commits: an event delivered
twice, or a loop, sends nothing more, and no message leaves inside a transaction.
Order texts are not counted against the sign-up messages' hourly limits, but an order
gets at most ``TEXTS_PER_ORDER`` of them.
"""

from __future__ import annotations

import enum
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from etalage.accounts.models import NoticePreferences
from etalage.accounts.sms import send_sms
from etalage.core.emails import render_email
from etalage.orders.models import BuyerNotice, Order

logger = logging.getLogger(__name__)

# More texts than an order's steps can ask for: past it, something loops.
TEXTS_PER_ORDER = 20


class Notice(enum.StrEnum):
    PLACED = "placed"
    PAID = "paid"
    CANCELLED = "cancelled"
    SHIPPED = "shipped"  # departed Liège
    RELEASED = "released"  # by China Customs
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    REFUNDED = "refunded"
    RETURN_APPROVED = "return_approved"
    RETURN_REFUSED = "return_refused"
    REVIEW_HIDDEN = "review_hidden"  # by the operator (``reviews``)
    REVIEW_SHOWN = "review_shown"  # again, by the operator


def _texts() -> dict[Notice, str]:
    """Each text, in the active language; ``%(url)s`` is the order's link."""
    return {
        Notice.PLACED: _("Étalage: your order is placed; pay it here: %(url)s"),
        Notice.PAID: _(
            "Étalage: payment received, your order is being prepared: %(url)s"
        ),
        Notice.SHIPPED: _("Étalage: a parcel of your order has left Belgium: %(url)s"),
        Notice.OUT_FOR_DELIVERY: _(
            "Étalage: a parcel of your order is out for delivery: %(url)s"
        ),
        Notice.DELIVERED: _("Étalage: a parcel of your order was delivered: %(url)s"),
        Notice.REFUNDED: _(
            "Étalage: your refund is made; it reaches your account within days: %(url)s"
        ),
        Notice.RETURN_APPROVED: _(
            "Étalage: your return is approved; print its label here: %(url)s"
        ),
        Notice.RETURN_REFUSED: _("Étalage: your return was refused; see why: %(url)s"),
        Notice.REVIEW_HIDDEN: _("Étalage: your review was hidden; see why: %(url)s"),
        Notice.REVIEW_SHOWN: _("Étalage: your review shows again: %(url)s"),
    }


# The notices sent by text (the others go by email only).
TEXTED = frozenset(
    {
        Notice.PLACED,
        Notice.PAID,
        Notice.SHIPPED,
        Notice.OUT_FOR_DELIVERY,
        Notice.DELIVERED,
        Notice.REFUNDED,
        Notice.RETURN_APPROVED,
        Notice.RETURN_REFUSED,
        Notice.REVIEW_HIDDEN,
        Notice.REVIEW_SHOWN,
    }
)

# The notices owed whatever the buyer chose for their orders' messages: a
# decision on the buyer's own words, whose reason and the way to contest it the
# EU's Digital Services Act (art. 17) owes its author.
OWED = frozenset({Notice.REVIEW_HIDDEN, Notice.REVIEW_SHOWN})


def order_link(order: Order) -> str:
    """The shortest link to the order's page (``/o/<number>`` redirects there)."""
    return f"{settings.ETALAGE_SITE_URL}/o/{order.number}"


def sms_text(*, order: Order, notice: Notice, language: str = "") -> str:
    """The text of ``notice`` for ``order``, in ``language`` (else the order's)."""
    with translation.override(language or order.language):
        return _texts()[notice] % {"url": order_link(order)}


def buyer_mobile(user: User, preferences: NoticePreferences | None = None) -> str:
    """The mobile number the buyer signed up with (their user name), or the one
    they added in *My account* (its code typed), else ''."""
    if user.username.startswith("+86"):
        return user.username
    return (preferences or preferences_of(user)).mobile


def preferences_of(user: User) -> NoticePreferences:
    """The buyer's preferences (not saved when they never chose: all on)."""
    found = NoticePreferences.objects.filter(user=user).first()
    return found or NoticePreferences(user=user)


def buyer_notify(
    *,
    order: Order,
    notice: Notice,
    key: str = "",
    email: tuple[str, dict[str, Any]] | None = None,
    language: str = "",
) -> list[str]:
    """Tell the order's buyer of ``notice`` on each channel they have and want
    (the ``OWED`` ones on each channel they have): ``email`` is the email's
    template and context (none: no email for it), ``key`` tells apart notices of
    one kind for one order (a parcel, a refund, a return, a decision), ``language``
    the buyer's own when not the order's. Sent after the caller's transaction
    commits; returns the channels chosen."""
    buyer = order.buyer
    wants = preferences_of(buyer)
    owed = notice in OWED
    language = language or order.language
    chosen = []
    emailed = email is not None and bool(buyer.email) and (owed or wants.order_emails)
    if email is not None and emailed and _claim(order, notice, key, "email"):
        template, context = email
        subject, body = render_email(template, {"order": order, **context}, language)
        to = buyer.email
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
        )
        chosen.append("email")
    mobile = buyer_mobile(buyer, wants)
    texted = notice in TEXTED and bool(mobile) and (owed or wants.order_texts)
    if texted and _texts_left(order) and _claim(order, notice, key, "sms"):
        text = sms_text(order=order, notice=notice, language=language)
        transaction.on_commit(lambda: send_sms(to=mobile, text=text))
        chosen.append("sms")
    return chosen


def _claim(order: Order, notice: Notice, key: str, channel: str) -> bool:
    """Record the message; False when it was recorded before (sent already)."""
    try:
        with transaction.atomic():
            BuyerNotice.objects.create(
                order=order, event=str(notice), key=key[:64], channel=channel
            )
    except IntegrityError:
        return False
    return True


def _texts_left(order: Order) -> bool:
    sent = BuyerNotice.objects.filter(order=order, channel="sms").count()
    if sent >= TEXTS_PER_ORDER:
        logger.warning("Order %s: no more texts, %s sent already.", order.pk, sent)
        return False
    return True
