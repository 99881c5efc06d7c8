"""Money in the portal and the back-office, as people use them: the merchant's
balances, statement and documents (its own only); the operator's trial balance, a
payout run downloaded once, the bank sandbox's statement imported."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from etalage.ledger.models import Payout, PayoutRun
from etalage.ledger.tests.conftest import Books
from etalage.merchants.models import Merchant, MerchantMember


def member(client, merchant, role):
    user = get_user_model().objects.create_user(f"{merchant.slug}-{role}")
    MerchantMember.objects.create(merchant=merchant, user=user, role=role)
    client.force_login(user)


@pytest.fixture
def delivered(shopping):
    """A two-merchant order paid, 10.00 CNY refunded on First's parcel, delivered,
    the return window over."""
    for n, merchant in enumerate(Merchant.objects.order_by("name")):
        merchant.iban = ["BE71096123456769", "BE68539007547034"][n]
        merchant.street, merchant.postal_code = "Rue Haute 1", "4000"
        merchant.save()
    books = Books(shopping, shopping.buyer())
    p = shopping.products
    order = books.pay(books.place([(p["a"], 2), (p["c"], 1)]))
    first, second = order.sub_orders.order_by("number")
    books.refund(order, "10.00", parcels=[first])
    books.deliver(first)
    books.deliver(second)
    books.mature()
    return order


def test_the_merchant_sees_every_cent_of_its_own_parcels_only(client, delivered):
    first, second = delivered.sub_orders.order_by("number")
    member(client, first.merchant, "finance")
    html = client.get("/en/portal/money/").content.decode()
    assert first.number in html and second.number not in html
    # 20.00 goods, 10.00 CNY refunded = 1.26 EUR; commission 15 % of 18.74 = 2.81;
    # VAT 21 % = 0.59; net 15.34.
    for text in ("€20.00", "€1.26", "€2.81", "€0.59", "€15.34"):
        assert text in html, text
    assert "Available for payout" in html and "<svg" in html
    # Every bar of the chart stands on the axis with a number for each coordinate.
    bar = r'<rect x="([^"]*)" y="([^"]*)" width="18" height="([^"]*)"'
    bars = re.findall(bar, html)
    assert bars and all(re.fullmatch(r"\d+", value) for bar in bars for value in bar), (
        bars
    )
    assert all(int(y) + int(h) == 150 for _, y, h in bars)
    assert any(int(h) > 0 for _, _, h in bars)
    rows = list(
        csv.reader(
            io.StringIO(client.get("/en/portal/money/statement.csv").content.decode())
        )
    )
    assert rows[0][:3] == ["paid_on", "sub_order", "goods_eur"]
    assert rows[1][1:7] == [first.number, "20.00", "1.26", "2.81", "0.59", "15.34"]
    assert [r[1] for r in rows[1:-1]] == [first.number]
    pdf = client.get("/en/portal/money/statement.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_fulfilment_staff_do_not_see_the_money(client, delivered):
    member(client, delivered.sub_orders.first().merchant, "fulfilment")
    assert client.get("/en/portal/money/").status_code == 403
    assert client.get("/en/portal/money/statement.csv").status_code == 403


def test_a_closed_month_has_its_commission_invoice_numbered_in_sequence(
    client, delivered, monkeypatch
):
    from etalage.ledger.statements import commission_invoice

    first, second = (s.merchant for s in delivered.sub_orders.order_by("number"))
    month = timezone.localtime().date().replace(day=1)
    later = timezone.now() + timedelta(days=40)
    monkeypatch.setattr(timezone, "now", lambda: later)
    one, two = commission_invoice(first, month), commission_invoice(second, month)
    assert (one.sequence, two.sequence) == (1, 2) and one.year == later.year
    assert commission_invoice(first, month) == one  # asked again: the same
    assert (one.commission_minor, one.vat_minor) == (281, 59)
    member(client, first, "owner")
    pdf = client.get(f"/en/portal/money/statement.pdf?month={month:%Y-%m}")
    assert pdf.content.startswith(b"%PDF")


@pytest.fixture
def operator(client, db):
    user = get_user_model().objects.create_superuser("op", "op@example.com", "pw")
    client.force_login(user)
    return user


def test_the_operator_runs_payouts_downloads_once_and_imports_the_statement(
    client, delivered, operator, settings
):
    settings.ETALAGE_PAYOUT_MINIMUM_EUR = Decimal("1")
    page = client.get("/backoffice/ledger/account/").content.decode()
    assert "Trial balance" in page and "Commission revenue" in page
    assert (
        client.get("/backoffice/ledger/entry/?chart=commission_revenue").status_code
        == 200
    )
    response = client.post("/backoffice/ledger/payoutrun/run/")
    run = PayoutRun.objects.get()
    assert response["Location"].endswith(f"/ledger/payoutrun/{run.pk}/change/")
    again = client.post("/backoffice/ledger/payoutrun/run/", follow=True)
    assert "waits for its file" in again.content.decode()
    file = client.post(f"/backoffice/ledger/payoutrun/{run.pk}/file/")
    assert file["Content-Disposition"].endswith('.pain.001.xml"')
    assert b"pain.001.001.09" in file.content
    twice = client.post(f"/backoffice/ledger/payoutrun/{run.pk}/file/", follow=True)
    assert "it is given once" in twice.content.decode()
    returned = Payout.objects.order_by("end_to_end_id").last()
    camt = client.post(
        f"/backoffice/ledger/payoutrun/{run.pk}/sandbox-statement/",
        {"returned": [returned.end_to_end_id], "reason": "AC04"},
    )
    assert b"camt.053.001.08" in camt.content
    upload = io.BytesIO(camt.content)
    upload.name = "statement.xml"
    done = client.post(
        "/backoffice/ledger/bankstatement/import/", {"file": upload}, follow=True
    )
    assert "not matched: 0" in done.content.decode()
    returned.refresh_from_db()
    assert returned.state == "returned"
    assert set(
        Payout.objects.exclude(pk=returned.pk).values_list("state", flat=True)
    ) == {"settled"}
    member(client, returned.merchant, "owner")
    html = client.get("/en/portal/money/").content.decode()
    assert "AC04" in html and "The account is closed." in html


def test_a_statement_that_is_not_camt_053_is_refused_by_name(client, operator):
    upload = io.BytesIO(b"<html>not a statement</html>")
    upload.name = "x.xml"
    page = client.post("/backoffice/ledger/bankstatement/import/", {"file": upload})
    assert "This is not a camt.053 statement" in page.content.decode()


def test_the_operator_funds_the_guarantee_customs_debits(client, delivered, operator):
    from etalage.ledger.tests.conftest import balance

    owed = -balance("cbec_tax_payable", "CNY")
    response = client.post(
        "/backoffice/ledger/transaction/debt-paid/",
        {"debt": "guarantee", "amount": str(owed), "eur": "5.90",
         "reference": "GZ-2026-11"},
    )  # fmt: skip
    assert response.status_code == 302
    assert balance("customs_guarantee", "CNY") == owed  # the tax bills draw on it
    assert balance("bank", "EUR") == Decimal("-5.90")
    again = client.post(
        "/backoffice/ledger/transaction/debt-paid/",
        {"debt": "guarantee", "amount": "1", "eur": "1", "reference": "GZ-2026-11"},
    )
    assert "recorded already" in again.content.decode()
