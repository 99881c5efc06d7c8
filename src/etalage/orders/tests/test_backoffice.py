"""The operator's orders in the back-office: read, and moved only with a reason."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model

from etalage.orders.models import OrderTransition


@pytest.fixture
def placed(shopping):
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1), (shopping.products["c"], 1)])
    return shopping.place(buyer).order


@pytest.fixture
def operator(client, db):
    user = get_user_model().objects.create_superuser("op", "op@example.com", "pw")
    client.force_login(user)
    return user


def test_order_pages_open_and_never_show_the_id_number(client, operator, placed):
    sub = placed.sub_orders.first()
    for url in (
        "/backoffice/orders/order/",
        "/backoffice/orders/suborder/",
        f"/backoffice/orders/order/{placed.pk}/change/",
        f"/backoffice/orders/suborder/{sub.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert placed.identity.id_number_hmac not in response.content.decode()


def test_the_operator_marks_an_order_paid_with_a_reason(client, operator, placed):
    url = "/backoffice/orders/order/"
    form = {"action": "mark_paid", ACTION_CHECKBOX_NAME: [str(placed.pk)]}
    asked = client.post(url, form)
    assert "Why (kept in the order" in asked.content.decode()
    client.post(url, {**form, "confirm": "1", "reason": "bank transfer 7781"})
    placed.refresh_from_db()
    assert placed.state == "paid"
    change = OrderTransition.objects.filter(order=placed, sub_order=None).last()
    assert (change.to_state, change.by, change.reason) == (
        "paid",
        operator,
        "bank transfer 7781",
    )


def test_an_illegal_move_in_the_back_office_is_refused_by_name(
    client, operator, placed
):
    sub = placed.sub_orders.first()
    response = client.post(
        "/backoffice/orders/suborder/",
        {
            "action": "move_shipped",
            ACTION_CHECKBOX_NAME: [str(sub.pk)],
            "confirm": "1",
            "reason": "oops",
        },
        follow=True,
    )
    assert "cannot go from placed to shipped" in response.content.decode()
    sub.refresh_from_db()
    assert sub.state == "placed"
