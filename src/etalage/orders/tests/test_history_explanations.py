"""The buyer's history says what the buyer is told of each move, in the reader's
language, and never the notes kept for the operator (payment references, customs'
codes, carriers' waybills, an operator's words to the file)."""

import html as markup
import importlib
import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from etalage.orders.models import OrderTransition
from etalage.orders.reasons import Explanation
from etalage.orders.services import order_cancel, order_pay, sub_order_move


def history(client, order, prefix="/en"):
    html = client.get(f"{prefix}/orders/{order.number}/").content.decode()
    found = re.search(r'<ol class="history">(.*?)</ol>', html, re.S)
    return markup.unescape(found.group(1))


@pytest.fixture
def order(shopping, client):
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    placed = shopping.place(buyer).order
    client.force_login(buyer)
    return placed


def test_a_payment_s_reference_stays_a_note_for_the_operator(client, order):
    order_pay(order=order, reason="Alipay payment 2026120719001234SANDBOX")
    said = history(client, order)
    assert "Paid" in said and "SANDBOX" not in said and "Alipay" not in said
    kept = order.transitions.filter(sub_order=None).last()
    assert kept.reason == "Alipay payment 2026120719001234SANDBOX"  # still kept


def test_a_payer_who_is_someone_else_is_told_why_in_the_reader_s_language(
    client, order
):
    from etalage.payments.declarations import _payer_not_named

    order_pay(order=order, reason="WeChat Pay payment 4200000001")
    _payer_not_named(order)
    english = history(client, order)
    assert "The account that paid is not 王小明's" in english
    assert "4200000001" not in english
    # Told in each reader's language, whatever the order's was.
    assert "付款账户不属于海关申报人王小明本人" in history(client, order, "")
    assert "Le compte qui a payé n'est pas celui de 王小明" in history(
        client, order, "/fr"
    )
    note = order.transitions.filter(to_state="cancelled", sub_order=None).get()
    assert note.explanation == Explanation.PAYER_NOT_NAMED
    assert note.reason.startswith("The account that paid is not")  # for the file


def test_customs_words_are_introduced_and_their_code_is_not_shown(client, order):
    sub = order.sub_orders.get()
    order_pay(order=order)
    sub_order_move(sub_order=sub, to="customs_declared", reason="CEB621")
    sub_order_move(
        sub_order=sub,
        to="customs_refused",
        reason="customs refused: 查验不符",
        explanation=Explanation.CUSTOMS_REFUSED,
        explanation_data={"words": "查验不符"},
    )
    said = history(client, order, "/nl")
    assert "CEB621" not in said and "customs refused:" not in said
    assert "De douane heeft dit pakket geweigerd (“查验不符”)" in said


def test_an_operator_s_reason_is_kept_and_only_words_to_the_buyer_are_shown(
    client, order
):
    operator = get_user_model().objects.create_user("op", is_staff=True)
    order_cancel(
        order=order,
        by=operator,
        reason="fraud check: card reused on 3 accounts",
        explanation=Explanation.OPERATOR_NOTE,
        explanation_data={"words": "We could not confirm this order."},
    )
    said = history(client, order)
    assert "fraud" not in said
    assert "Étalage's note: “We could not confirm this order.”" in said


def test_the_operator_s_form_keeps_the_reason_and_tells_the_buyer_apart(
    client, order, markets
):
    from etalage.orders.models import Order

    operator = get_user_model().objects.create_user(
        "boss", is_staff=True, is_superuser=True
    )
    client.force_login(operator)
    answer = client.post(
        "/backoffice/orders/order/",
        {
            "action": "cancel",
            "_selected_action": [str(order.pk)],
            "confirm": "1",
            "reason": "duplicate of another order",
            "to_buyer": "You ordered this twice: we kept the other one.",
        },
    )
    assert answer.status_code == 302
    assert Order.objects.get(pk=order.pk).state == "cancelled"
    client.force_login(order.buyer)
    said = history(client, order)
    assert "duplicate" not in said and "You ordered this twice" in said


def test_a_return_and_a_refund_are_told_without_the_provider_s_reference(client, order):
    sub = order.sub_orders.get()
    order_pay(order=order)
    order_cancel(order=order)
    sub_order_move(
        sub_order=sub,
        to="refunded",
        reason="Alipay refund 2026120700009",
        explanation=Explanation.REFUNDED,
    )
    said = history(client, order, "/fr")
    assert "Remboursée sur le compte qui a payé." in said
    assert "2026120700009" not in said


def test_earlier_moves_keep_what_they_told_the_buyer(order, db):
    """The migration reads the reasons written before explanations existed: the
    buyer's explanations (written in their language), Étalage's own reasons and an
    operator's words become explanations; the machines' notes stay notes."""
    operator = get_user_model().objects.create_user("op", is_staff=True)
    french_payer = (
        "Le compte qui a payé n'est pas celui de 李雷, la personne déclarée en "
        "douane. Les règles du commerce transfrontalier exigent que l'acheteur paie "
        "depuis son propre compte : la commande est annulée et le paiement remboursé."
    )
    rows = {
        "machine": OrderTransition.objects.create(
            order=order, to_state="paid", reason="Alipay payment 2026SANDBOX"
        ),
        "hold": OrderTransition.objects.create(
            order=order,
            to_state="cancelled",
            reason="Not paid before the hold ran out.",
        ),
        "operator": OrderTransition.objects.create(
            order=order, to_state="paid", by=operator, reason="virement reçu"
        ),
        "customs": OrderTransition.objects.create(
            order=order,
            to_state="customs_refused",
            reason="海关退回了此包裹（“申报不符”）。包裹已取消，全款退还；"
            "该金额不再计入您的年度跨境额度。",
        ),
    }
    from django.utils import translation

    with translation.override("fr"):
        payer_text = translation.gettext(
            "The account that paid is not %(name)s's, the person named for customs. "
            "Cross-border rules require the buyer to pay from their own account: the "
            "order is cancelled and the payment refunded."
        )
    rows["payer"] = OrderTransition.objects.create(
        order=order, to_state="cancelled", reason=payer_text % {"name": "李雷"}
    )
    assert french_payer.split(",")[0] in rows["payer"].reason
    migration = importlib.import_module(
        "etalage.orders.migrations.0011_transition_explanation"
    )
    migration.explain(apps, None)
    for row in rows.values():
        row.refresh_from_db()
    assert (rows["machine"].explanation, rows["machine"].explanation_data) == ("", {})
    assert rows["hold"].explanation == Explanation.HOLD_RAN_OUT
    assert (rows["operator"].explanation, rows["operator"].explanation_data) == (
        Explanation.OPERATOR_NOTE,
        {"words": "virement reçu"},
    )
    assert rows["customs"].explanation_data == {"words": "申报不符"}
    assert (rows["payer"].explanation, rows["payer"].explanation_data) == (
        Explanation.PAYER_NOT_NAMED,
        {"name": "李雷"},
    )
