"""The merchant's and the operator's first pages show their figures as SVG charts,
each with its table and its CSV: a merchant sees its own sales only, in euros,
and the roles that do not see the money see none; the operator's are the
buyers' yuan. Both pages take the same queries however many orders there are."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from etalage.ledger.tests.conftest import Books
from etalage.merchants.models import MerchantMember

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def sold(shopping):
    """First sells 2 × a (10.00 EUR) and Second 1 × c (30.00 EUR), paid today."""
    books = Books(shopping, shopping.buyer())
    p = shopping.products
    books.pay(books.place([(p["a"], 2), (p["c"], 1)]))
    return shopping


def member(client, merchant, role):
    user = get_user_model().objects.create_user(f"{merchant.slug}-{role}")
    MerchantMember.objects.create(merchant=merchant, user=user, role=role)
    client.force_login(user)


def charts(html: str) -> dict[str, etree._Element]:
    """Each chart's SVG, by its figure's id, parsed as XML without recovery."""
    found = {}
    pattern = r'<figure class="dash-chart" id="([^"]+)">.*?(<svg\b.*?</svg>)'
    for slug, svg in re.findall(pattern, html, re.S):
        source = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
        found[slug] = etree.fromstring(source.encode(), etree.XMLParser(recover=False))
    return found


@pytest.mark.parametrize("language", ["en", "fr", "nl", "zh-hans"])
def test_the_owner_sees_its_own_sales_as_charts_with_tables(client, sold, language):
    first = sold.products["a"].merchant
    member(client, first, "owner")
    prefix = "" if language == "zh-hans" else f"/{language}"
    html = client.get(f"{prefix}/portal/", HTTP_ACCEPT_LANGUAGE=language)
    html = html.content.decode()
    drawn = charts(html)
    assert set(drawn) == {"sales-by-day", "orders-by-day", "sales-by-month",
                          "orders-by-month", "top-products", "returns-by-reason"} - {
        "returns-by-reason"}  # fmt: skip
    for svg in drawn.values():
        assert svg.get("role") == "img" and svg.find(f"{SVG}title").text
    assert len(drawn["sales-by-day"].findall(f"{SVG}circle")) == 30
    assert len(drawn["sales-by-month"].findall(f"{SVG}rect")) == 24
    assert len(drawn["top-products"].findall(f"{SVG}rect")) == 1
    assert html.count("<details") >= 5  # each chart's table
    money = {"en": "€20.00", "fr": "20,00\u00a0€", "nl": "€\u00a020,00",
             "zh-hans": "€20.00"}  # fmt: skip
    assert money[language] in html
    assert "€30" not in html and "30,00" not in html  # Second's sale


def test_a_chart_downloads_as_csv_of_its_merchant_only(client, sold):
    first = sold.products["a"].merchant
    member(client, first, "finance")
    answer = client.get("/fr/portal/sales/sales-by-month.csv")
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    name = rf"etalage-{first.slug}-sales-by-month-\d{{4}}-\d\d-\d\d\.csv"
    assert re.fullmatch(f'attachment; filename="{name}"', answer["Content-Disposition"])
    rows = list(csv.reader(io.StringIO(answer.content.decode())))
    assert rows[0] == ["month", "sales_eur", "payouts_eur"]
    assert len(rows) == 13 and re.fullmatch(r"\d{4}-\d\d", rows[-1][0])
    assert rows[-1][1:] == ["20.00", "0.00"]  # plain decimals, whatever the language
    days = list(csv.reader(io.StringIO(
        client.get("/fr/portal/sales/sales-by-day.csv").content.decode())))  # fmt: skip
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", days[-1][0]) and days[-1][1] == "20.00"
    assert client.get("/fr/portal/sales/no-such-chart.csv").status_code == 404


def test_fulfilment_and_catalogue_staff_see_no_sales(client, sold):
    first = sold.products["a"].merchant
    for role in ("fulfilment", "catalogue"):
        member(client, first, role)
        assert 'id="sales"' not in client.get("/en/portal/").content.decode()
        assert client.get("/en/portal/sales/sales-by-day.csv").status_code == 403


def test_the_operator_sees_the_marketplace_in_yuan_with_csv(admin_client, sold):
    html = admin_client.get("/backoffice/", HTTP_ACCEPT_LANGUAGE="en")
    html = html.content.decode()
    drawn = charts(html)
    for slug in ("paid-by-day-cny", "orders-by-day-cny", "paid-by-month-cny",
                 "goods-by-merchant-cny", "goods-by-category-cny", "refunds-by-day-cny",
                 "payments-by-outcome", "customs-verdicts", "parcels-late",
                 "views-by-day"):  # fmt: skip
        assert slug in drawn, slug
    assert len(drawn["goods-by-merchant-cny"].findall(f"{SVG}rect")) == 2
    assert len(drawn["parcels-late"].findall(f"{SVG}rect")) == 5
    assert "CN¥" in html or "¥" in html
    answer = admin_client.get("/backoffice/dashboard/goods-by-merchant-cny.csv")
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(answer.content.decode())))
    assert rows[0] == ["merchant", "goods_cny"]
    assert {r[0] for r in rows[1:]} == {
        str(sold.products["a"].merchant.pk),
        str(sold.products["c"].merchant.pk),
    }
    assert all(re.fullmatch(r"\d+\.\d\d", r[1]) for r in rows[1:])


def test_only_the_operator_downloads_the_marketplace_figures(client, sold):
    member(client, sold.products["a"].merchant, "owner")
    answer = client.get("/backoffice/dashboard/goods-by-merchant-cny.csv")
    assert answer.status_code == 302 and "/backoffice/login/" in answer["Location"]


def test_both_dashboards_take_the_same_queries_for_one_order_or_many(
    client, admin_client, sold
):
    member(client, sold.products["a"].merchant, "owner")

    def counted(who, path):
        with CaptureQueriesContext(connection) as done:
            assert who.get(path).status_code == 200
        return len(done)

    before = counted(client, "/en/portal/"), counted(admin_client, "/backoffice/")
    books = Books(sold, sold.buyer())
    for _ in range(3):
        books.pay(books.place([(sold.products["a"], 1), (sold.products["c"], 2)]))
    after = counted(client, "/en/portal/"), counted(admin_client, "/backoffice/")
    assert after == before
