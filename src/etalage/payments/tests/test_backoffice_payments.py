"""The operator's payments in the back-office: refunds of any part with a reason,
the parcels they cover, and the lists of declarations and settlement lines."""

from urllib.parse import urlsplit

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from etalage.orders.services import sub_order_move
from etalage.payments import sandbox_store
from etalage.payments.models import Payment, Refund

URL = "/backoffice/payments/payment/"


@pytest.fixture
def paid(shopping, monkeypatch, django_capture_on_commit_callbacks):
    """An order of two parcels paid with Alipay in the sandbox."""
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1), (shopping.products["c"], 1)])
    order = shopping.place(buyer).order
    buyer_client = Client()
    buyer_client.force_login(buyer)

    def transport(method, url, headers, body):
        answer = buyer_client.post(
            urlsplit(url).path,
            data=body,
            content_type=headers["Content-Type"],
            headers={k: v for k, v in headers.items() if k != "Content-Type"},
        )
        return answer.status_code, {}, answer.content

    monkeypatch.setattr(sandbox_store, "NOTIFY_TRANSPORT", [transport])
    buyer_client.post(f"/en/orders/{order.number}/pay/alipay/")
    payment = Payment.objects.get(order=order)
    with django_capture_on_commit_callbacks(execute=True):
        buyer_client.post(urlsplit(payment.redirect_url).path, {"decision": "pay"})
    payment.refresh_from_db()
    assert payment.state == "succeeded"
    return payment


@pytest.fixture
def operator(client, db):
    user = get_user_model().objects.create_superuser("op", "op@example.com", "pw")
    client.force_login(user)
    return user


def test_the_operator_refunds_part_of_a_payment_with_a_reason(
    client, operator, paid, django_capture_on_commit_callbacks
):
    form = {"action": "refund", ACTION_CHECKBOX_NAME: [str(paid.pk)]}
    asked = client.post(URL, form).content.decode()
    assert "Amount to refund" in asked and "At most" in asked
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            URL,
            {
                **form,
                "confirm": "1",
                "amount": "5.00",
                "reason": "a box arrived dented",
            },
        )
    refund = Refund.objects.get()
    assert (refund.state, refund.amount, refund.reason) == (
        "succeeded",
        5,
        "a box arrived dented",
    )
    assert any("refunded" in m.subject for m in mail.outbox)
    # More than is left is refused by name, and nothing is asked of the provider.
    refused = client.post(
        URL,
        {**form, "confirm": "1", "amount": str(paid.amount), "reason": "all"},
        follow=True,
    )
    assert "at most" in refused.content.decode()
    assert Refund.objects.count() == 1


def test_a_refund_covering_a_stopped_parcel_moves_it_to_refunded(
    client, operator, paid, django_capture_on_commit_callbacks
):
    parcel = paid.order.sub_orders.order_by("number").first()
    sub_order_move(sub_order=parcel, to="customs_declared", reason="declared")
    sub_order_move(sub_order=parcel, to="customs_refused", reason="refused")
    form = {"action": "refund", ACTION_CHECKBOX_NAME: [str(paid.pk)], "confirm": "1",
            "amount": str(parcel.total), "reason": "customs refused the parcel",
            "parcels": [str(parcel.pk)]}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, form)
    parcel.refresh_from_db()
    assert parcel.state == "refunded"
    paid.order.refresh_from_db()
    assert paid.order.state == "paid"  # the other parcel goes on


def test_a_partial_refund_for_one_delivered_parcel_is_charged_to_its_merchant(
    client, operator, paid, django_capture_on_commit_callbacks
):
    from etalage.ledger.models import SubOrderBook

    first, second = paid.order.sub_orders.order_by("number")
    for state in ("customs_declared", "released", "shipped", "delivered"):
        first = sub_order_move(sub_order=first, to=state, reason="on its way")
    form = {"action": "refund", ACTION_CHECKBOX_NAME: [str(paid.pk)], "confirm": "1",
            "amount": "10.00", "reason": "a bar arrived broken",
            "parcels": [str(first.pk)]}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, form)
    books = {b.pk: b for b in SubOrderBook.objects.all()}
    assert books[first.pk].refunded_goods_paid == 1000
    assert books[second.pk].refunded_goods_paid == 0
    first.refresh_from_db()
    assert first.state == "delivered"  # partly refunded goods, still delivered


def test_the_back_office_lists_open_and_search_by_order_number(client, operator, paid):
    number = paid.order.number
    for url in (
        URL,
        "/backoffice/payments/refund/",
        "/backoffice/payments/notification/",
        "/backoffice/payments/customsdeclaration/",
        "/backoffice/payments/settlementreport/",
        "/backoffice/payments/settlementline/",
    ):
        assert client.get(url, {"q": number}).status_code == 200, url
    assert number in client.get(URL, {"q": number}).content.decode()


def test_the_operator_imports_a_settlement_report_and_sees_its_differences(
    client, operator, paid
):
    from datetime import date

    from django.core.files.uploadedfile import SimpleUploadedFile

    from etalage.payments.sandbox import settlement_report

    report = settlement_report("alipay", date.today())
    assert paid.request_id in report
    wrong = report.replace(f",{paid.amount},", f",{paid.amount + 1},", 1)
    page = client.get("/backoffice/payments/settlementreport/").content.decode()
    assert "Import a report" in page
    form = client.get("/backoffice/payments/settlementreport/import/")
    assert 'enctype="multipart/form-data"' in form.content.decode()
    answer = client.post(
        "/backoffice/payments/settlementreport/import/",
        {"provider": "alipay", "file": SimpleUploadedFile("a.csv", wrong.encode())},
        follow=True,
    )
    text = answer.content.decode()
    assert "Lines matched: 1; with a difference: 1." in text
    assert "recorded" in text  # the line's difference, on the report's page
    again = client.post(
        "/backoffice/payments/settlementreport/import/",
        {"provider": "alipay", "file": SimpleUploadedFile("a.csv", wrong.encode())},
    )
    assert "imported already" in again.content.decode()
    differing = client.get(
        "/backoffice/payments/settlementline/", {"difference__isempty": "0"}
    )
    assert paid.request_id in differing.content.decode()


def test_the_command_line_imports_a_report(paid, tmp_path, capsys):
    from datetime import date

    from django.core.management import call_command

    file = tmp_path / "alipay.csv"
    call_command(
        "payments",
        "sandbox-report",
        "alipay",
        date.today().isoformat(),
        stdout=file.open("w"),
    )
    call_command("payments", "settle", "alipay", str(file))
    assert "alipay.csv: lines matched 1, with a difference 0" in capsys.readouterr().out
    paid.refresh_from_db()
    assert paid.settlement_currency == "EUR" and paid.settlement_amount > 0
