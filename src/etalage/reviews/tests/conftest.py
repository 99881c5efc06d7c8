import io
import uuid

import pytest
from PIL import Image

from etalage.orders import states
from etalage.orders.services import order_pay, sub_order_move


def png(size=(300, 300), colour=(10, 90, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def paid_order(shopping, buyer, products=("a",), quantity=2):
    shopping.cart(buyer, [(shopping.products[p], quantity) for p in products])
    return order_pay(order=shopping.place(buyer, key=uuid.uuid4().hex).order)


def delivered_order(shopping, buyer, products=("a",), quantity=2):
    """An order of ``products`` paid, declared, released, shipped, delivered."""
    order = paid_order(shopping, buyer, products, quantity)
    for sub in order.sub_orders.all():
        for to in (states.CUSTOMS_DECLARED, states.RELEASED, states.SHIPPED,
                   states.DELIVERED):  # fmt: skip
            sub = sub_order_move(sub_order=sub, to=to, reason="on its way")
    return order


def line_of(order, product):
    from etalage.orders.models import OrderLine

    return OrderLine.objects.get(sub_order__order=order, variant__product=product)


@pytest.fixture
def delivered(shopping):
    """A buyer's delivered order of product "a" and its line."""
    buyer = shopping.buyer()
    order = delivered_order(shopping, buyer)
    return buyer, line_of(order, shopping.products["a"])
