"""Buyer notices: a buyer who signed up with a mobile number is texted at each big
step of an order, in the order's language, once, after commit; one who signed up by
email is emailed and not texted; the choices in *My account* are followed; an email
address added in *My account* counts once its link is opened."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection

from etalage.accounts import sms
from etalage.accounts.models import NoticePreferences
from etalage.events.outbox import outbox_deliver
from etalage.logistics.services import parcel_pack, step_record
from etalage.logistics.vocabulary import Step
from etalage.orders.models import Order
from etalage.orders.notices import TEXTED, sms_text
from etalage.orders.services import order_pay

MOBILE = "+8613912345678"


@pytest.fixture(autouse=True)
def _texts_kept():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """Deliver the outbox's events and run what waits for the commit."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            outbox_deliver()

    return run


def _mobile_buyer(shopping):
    buyer = shopping.buyer()
    buyer.username, buyer.email = MOBILE, ""
    buyer.save()
    return buyer


def _walk(shopping, buyer, deliver, capture, language):
    """Place, pay, ship, deliver, refund and decide a return; the texts per step."""
    from etalage.payments.models import Payment, Refund
    from etalage.payments.services import refund_settled
    from etalage.returns.models import ReturnRequest
    from etalage.returns.services import return_decide

    seen = []

    def step(name):
        deliver()
        seen.append((name, [m.text for m in sms.outbox]))
        sms.outbox.clear()

    shopping.cart(buyer, [(shopping.products["a"], 1)])
    order = shopping.place(buyer, language=language).order
    step("placed")
    order = order_pay(order=order)
    step("paid")
    parcel = parcel_pack(sub_order=order.sub_orders.get(), grams=300)
    for name, at in (
        ("shipped", Step.DEPARTED_LIEGE),
        ("out", Step.OUT_FOR_DELIVERY),
        ("delivered", Step.DELIVERED),
    ):
        step_record(parcel=parcel, step=at, source="test", reference=name)
        step(name)
    payment = Payment.objects.create(
        order=order,
        provider="alipay",
        state=Payment.State.SUCCEEDED,
        request_id="P1",
        amount=order.total,
        currency=order.currency,
    )
    refund = Refund.objects.create(
        payment=payment,
        request_id="R1",
        amount=Decimal("1.00"),
        currency=order.currency,
        state=Refund.State.REQUESTED,
    )
    with capture(execute=True):
        refund_settled(refund, provider_refund_id="PR1")
    step("refunded")
    request = ReturnRequest.objects.create(
        sub_order=parcel.sub_order,
        number=f"{parcel.sub_order.number}-R1",
        reason=ReturnRequest.Reason.choices[0][0],
    )
    with capture(execute=True):
        return_decide(request=request, approve=True, by=None)
    step("return decided")
    return order, seen


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-hans", ["请付款", "已收到付款", "比利时", "派送", "签收", "退款", "退货"]),
        (
            "fr",
            ["payez", "paiement", "Belgique", "livraison", "livr", "rembour", "retour"],
        ),
    ],
)
def test_a_mobile_buyer_is_texted_at_each_step_in_the_order_language(
    shopping, deliver, django_capture_on_commit_callbacks, language, words
):
    buyer = _mobile_buyer(shopping)
    order, seen = _walk(
        shopping, buyer, deliver, django_capture_on_commit_callbacks, language
    )
    link = f"/o/{order.number}"
    assert [name for name, _ in seen] == [
        "placed",
        "paid",
        "shipped",
        "out",
        "delivered",
        "refunded",
        "return decided",
    ]
    for (name, texts), word in zip(seen, words, strict=True):
        assert len(texts) == 1, f"{name}: {texts}"
        assert word in texts[0] and texts[0].endswith(link), (name, texts[0])
        assert sms.sms_fits_one(texts[0]), (name, len(texts[0]), texts[0])
        assert not re.search(r"\d{15}|\*{4}", texts[0])  # no ID number, even masked
    # Nothing by email: the account has no address.
    assert mail.outbox == []
    # The events delivered again (a retry, a loop) text nothing more.
    from etalage.events.models import OutboxEvent

    OutboxEvent.objects.update(delivered_at=None)
    deliver()
    assert sms.outbox == []


def test_texts_leave_after_the_commit_only(
    shopping, django_capture_on_commit_callbacks
):
    buyer = _mobile_buyer(shopping)
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    sent_inside = []
    original = sms.MemorySmsBackend.send

    def send(self, to, text):
        sent_inside.append(connection.in_atomic_block)
        original(self, to, text)

    sms.MemorySmsBackend.send = send
    try:
        with django_capture_on_commit_callbacks(execute=False) as waiting:
            shopping.place(buyer)
            outbox_deliver()
        assert sms.outbox == []  # nothing yet: the transaction is open
        for callback in waiting:
            callback()
    finally:
        sms.MemorySmsBackend.send = original
    assert len(sms.outbox) == 1 and sms.outbox[0].to == MOBILE


def test_texts_switched_off_send_nothing(shopping, deliver):
    buyer = _mobile_buyer(shopping)
    NoticePreferences.objects.create(user=buyer, order_texts=False)
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    order = shopping.place(buyer).order
    order_pay(order=order)
    deliver()
    assert sms.outbox == [] and mail.outbox == []


def test_an_email_buyer_is_emailed_not_texted_and_can_switch_emails_off(
    shopping, deliver
):
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    shopping.place(buyer, key="one")
    deliver()
    assert sms.outbox == []
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [buyer.email]
    mail.outbox.clear()
    NoticePreferences.objects.create(user=buyer, order_emails=False)
    shopping.cart(buyer, [(shopping.products["b"], 1)])
    shopping.place(buyer, key="two")
    deliver()
    assert mail.outbox == [] and sms.outbox == []


def test_a_mobile_buyer_adds_an_email_address_confirmed_by_its_link(
    client, shopping, deliver, django_capture_on_commit_callbacks
):
    buyer = _mobile_buyer(shopping)
    client.force_login(buyer)
    page = client.get("/account/").content.decode()
    assert 'checkbox" name="order_texts"' in page and 'name="email"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/email/", {"email": "Wang@Example.cn"})
    buyer.refresh_from_db()
    assert buyer.email == ""  # not before the link is opened
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["wang@example.cn"]
    link = re.search(r"/account/email/confirm/([^/\s]+)/", mail.outbox[0].body)
    # An order placed meanwhile is texted, not emailed to the unconfirmed address.
    mail.outbox.clear()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    shopping.place(buyer, key="before")
    deliver()
    assert mail.outbox == [] and len(sms.outbox) == 1
    # A forged link does nothing; the right one adds the address.
    client.get("/account/email/confirm/forged/")
    buyer.refresh_from_db()
    assert buyer.email == ""
    client.get(link.group(0))
    buyer.refresh_from_db()
    assert buyer.email == "wang@example.cn"
    client.get(link.group(0))  # used: the address is the account's already
    # Texts and emails both, then emails only as chosen in My account.
    shopping.cart(buyer, [(shopping.products["b"], 1)])
    shopping.place(buyer, key="after")
    deliver()
    assert len(mail.outbox) == 1 and len(sms.outbox) == 2
    client.post("/account/notices/", {"order_emails": "on"})
    assert NoticePreferences.objects.get(user=buyer).order_texts is False
    shopping.cart(buyer, [(shopping.products["c"], 1)])
    shopping.place(buyer, key="third")
    deliver()
    assert len(mail.outbox) == 2 and len(sms.outbox) == 2


def test_an_address_of_another_account_is_not_added(
    shopping, django_capture_on_commit_callbacks
):
    from etalage.accounts.contact import buyer_email_add, buyer_email_confirm

    other = shopping.buyer()
    buyer = _mobile_buyer(shopping)
    with django_capture_on_commit_callbacks(execute=True):
        buyer_email_add(user=buyer, email=other.email, language="en", address="1.2")
    token = re.search(r"/confirm/([^/\s]+)/", mail.outbox[-1].body).group(1)
    with pytest.raises(Exception, match="another account"):
        buyer_email_confirm(token=token)
    buyer.refresh_from_db()
    assert buyer.email == ""


@pytest.mark.parametrize("language", ["en", "fr", "nl", "zh-hans"])
def test_every_text_fits_one_message(shopping, language):
    buyer = _mobile_buyer(shopping)
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    order = shopping.place(buyer, language=language).order
    english = Order(number=order.number, language="en")
    for notice in TEXTED:
        text = sms_text(order=order, notice=notice)
        assert sms.sms_fits_one(text), (notice, len(text), text)
        if language != "en":
            assert text != sms_text(order=english, notice=notice), (notice, language)


def test_the_sign_up_limits_do_not_stop_order_texts_but_a_loop_is_capped(
    shopping, deliver, django_capture_on_commit_callbacks
):
    from etalage.accounts.services import MESSAGES_PER_HOUR, message_allowed
    from etalage.orders.notices import TEXTS_PER_ORDER, Notice, buyer_notify

    buyer = _mobile_buyer(shopping)
    for _ in range(MESSAGES_PER_HOUR + 1):
        message_allowed(to=MOBILE, address="10.0.0.1")
    assert not message_allowed(to=MOBILE, address="10.0.0.2")  # codes: no more
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    order = shopping.place(buyer).order
    deliver()
    assert len(sms.outbox) == 1  # the order's text still goes
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(100):  # a runaway loop, each time a new parcel
            buyer_notify(order=order, notice=Notice.DELIVERED, key=f"parcel-{n}")
    assert len(sms.outbox) == TEXTS_PER_ORDER


def test_an_email_buyer_adds_a_mobile_by_its_code_and_is_texted_then(
    client, shopping, deliver, django_capture_on_commit_callbacks
):
    buyer = shopping.buyer()
    client.force_login(buyer)
    page = client.get("/en/account/").content.decode()
    assert 'name="mobile"' in page and 'checkbox" name="order_texts"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/account/mobile/", {"mobile": "139 1234 5678"})
    assert len(sms.outbox) == 1 and sms.outbox[0].to == MOBILE
    code = re.search(r"\b(\d{6})\b", sms.outbox[0].text).group(1)
    sms.outbox.clear()
    # Not texted before the code is typed; a wrong code adds nothing.
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    shopping.place(buyer, key="before")
    deliver()
    assert sms.outbox == [] and len(mail.outbox) == 1
    wrong = "000000" if code != "000000" else "111111"
    client.post("/en/account/mobile/confirm/", {"code": wrong})
    assert NoticePreferences.objects.get(user=buyer).mobile == ""
    client.post("/en/account/mobile/confirm/", {"code": code})
    assert NoticePreferences.objects.get(user=buyer).mobile == MOBILE
    page = client.get("/en/account/").content.decode()
    assert 'checkbox" name="order_texts"' in page and MOBILE in page
    shopping.cart(buyer, [(shopping.products["b"], 1)])
    shopping.place(buyer, key="after")
    deliver()
    assert len(mail.outbox) == 2 and [m.to for m in sms.outbox] == [MOBILE]


def test_a_number_with_an_account_of_its_own_is_not_added(
    shopping, django_capture_on_commit_callbacks
):
    from django.core.exceptions import ValidationError

    from etalage.accounts.contact import buyer_mobile_add, buyer_mobile_confirm

    _mobile_buyer(shopping)
    buyer = shopping.buyer()
    with django_capture_on_commit_callbacks(execute=True):
        buyer_mobile_add(user=buyer, mobile=MOBILE, language="fr", address="1.2")
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    with pytest.raises(ValidationError, match="another account"):
        buyer_mobile_confirm(user=buyer, code=code)
    assert NoticePreferences.objects.get(user=buyer).mobile == ""


def test_the_short_link_opens_the_order_page(client, shopping):
    buyer = _mobile_buyer(shopping)
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    order = shopping.place(buyer).order
    client.force_login(buyer)
    answer = client.get(f"/o/{order.number}")
    assert answer.status_code == 302  # in the order's language
    assert answer["Location"] == f"/en/orders/{order.number}/"
    assert client.get(answer["Location"]).status_code == 200


def test_an_address_longer_than_one_can_be_is_refused_by_field(shopping):
    from django.core.exceptions import ValidationError

    from etalage.accounts.contact import buyer_email_add

    buyer = _mobile_buyer(shopping)
    with pytest.raises(ValidationError) as refused:
        buyer_email_add(
            user=buyer,
            email="a" * 64 + "@" + "b" * 200 + ".cn",
            language="en",
            address="1.2",
        )
    assert "email" in refused.value.message_dict
    assert (
        not NoticePreferences.objects.filter(user=buyer)
        .exclude(email_pending="")
        .exists()
    )
