"""The merchant's dashboard shows the work waiting, each count linked to its list,
for its own shop only, in a fixed number of queries."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from etalage.analytics.tests.test_merchant_work import waiting_work
from etalage.merchants.models import MerchantMember


@pytest.fixture
def shops(shopping, catalogue):
    return waiting_work(shopping, catalogue)


def member(client, merchant, role):
    user = get_user_model().objects.create_user(f"{merchant.slug}-{role}")
    MerchantMember.objects.create(merchant=merchant, user=user, role=role)
    client.force_login(user)


def test_the_owner_sees_the_work_waiting_with_links(client, shops):
    mine, _theirs = shops
    member(client, mine, "owner")
    html = client.get("/en/portal/").content.decode()
    for text, link in [
        ("2 paid parcels to pack.", "/en/portal/orders/?work=pack"),
        ("1 packed parcel to hand to the hub.", "/en/portal/orders/?work=hand_over"),
        ("1 paid parcel is not with the hub after", "/en/portal/orders/?work=late"),
        ("1 return to decide.", "/en/portal/returns/?state=requested"),
        ("1 listing rejected.", "/en/portal/products/?status=rejected"),
        ("ending in 6769 waits for our approval", "/en/portal/company/"),
    ]:
        assert text in html and f'href="{link}"' in html, text
    assert "2 returns" not in html and "2 listings" not in html  # not theirs


def test_each_link_opens_the_list_its_count_describes(client, shops):
    mine, _theirs = shops
    member(client, mine, "owner")
    for work, count in [("pack", 2), ("hand_over", 1), ("late", 1)]:
        html = client.get(f"/en/portal/orders/?work={work}").content.decode()
        assert html.count('href="/en/portal/orders/E') == count, work
        assert 'id="work-shown"' in html
    returns = client.get("/en/portal/returns/?state=requested").content.decode()
    # (a parcel's number may end in "R-1" too: the return's stands alone)
    assert re.search(r"\bR-0\b", returns) and not re.search(r"\bR-1\b", returns)


def test_each_role_sees_its_part_in_french(client, shops):
    _mine, theirs = shops
    member(client, theirs, "catalogue")
    html = client.get("/fr/portal/").content.decode()
    assert "2 fiches refusées." in html and "à emballer" not in html
    member(client, theirs, "finance")
    html = client.get("/fr/portal/").content.decode()
    assert "1 colis payé à emballer." in html and "Aucun compte de versement" in html
    assert 'href="/fr/portal/money/"' in html


def test_the_dashboard_makes_the_same_few_queries_however_much_waits(
    client, shopping, catalogue
):
    from etalage.orders.services import order_pay

    def queries():
        with CaptureQueriesContext(connection) as done:
            assert client.get("/en/portal/").status_code == 200
        return len(done)

    mine, _theirs = waiting_work(shopping, catalogue)
    member(client, mine, "owner")
    few = queries()
    for _ in range(3):  # more of everything
        buyer = shopping.buyer()
        shopping.cart(buyer, [(shopping.products["a"], 1)])
        order_pay(order=shopping.place(buyer).order)
        catalogue.product(merchant=mine, status="rejected")
    # Session and user, membership, listings by status, rejected (and their names),
    # missing Chinese, off the positive list, then the work waiting (4 counts), and
    # whether the bank sent the last payout back; the sales (by day and month,
    # payouts, views, top products, returns) and the shop's rating.
    assert few == queries() == 19
