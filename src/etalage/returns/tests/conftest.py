import pytest

from etalage.declarations.tests.conftest import Customs
from etalage.orders import states
from etalage.orders.services import sub_order_move


@pytest.fixture
def delivered(shopping, settings, django_capture_on_commit_callbacks):
    """A two-item parcel declared, released by the simulated customs, shipped
    and delivered."""
    settings.ETALAGE_CUSTOMS_SANDBOX = True
    settings.ETALAGE_CUSTOMS_GATEWAY = "simulator"
    settings.ETALAGE_CUSTOMS_SANDBOX_STEP_SECONDS = 0
    customs = Customs(shopping, django_capture_on_commit_callbacks)
    order = customs.paid(lines=[(shopping.products["a"], 2)])
    customs.declare()
    customs.flown(order)
    customs.declare()
    customs.answer()
    sub = order.sub_orders.get()
    with django_capture_on_commit_callbacks(execute=True):
        sub = sub_order_move(sub_order=sub, to=states.DELIVERED, reason="signed for")
    customs.sub = sub
    return customs
