"""Returns as people do them on the pages: the buyer asks from the order page with
a photo, the seller approves in the portal (and sees the photo), the buyer prints
the label, the return warehouse receives it; wrong input is refused by field."""

import io
import os

from PIL import Image

from etalage.merchants.models import MerchantMember
from etalage.returns.models import ReturnRequest


def _photo() -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (640, 480), (180, 40, 40)).save(data, "JPEG")
    data.seek(0)
    data.name = "crushed.jpg"
    return data


def test_ask_approve_print_and_receive_a_return(client, delivered, django_user_model):
    from django.core import mail

    from etalage.logistics.services import hub_staff_add

    sub = delivered.sub
    order, line = sub.order, sub.lines.get()
    sub.merchant.contact_email = "orders@verhaeghe.example"
    sub.merchant.save()
    client.force_login(order.buyer)
    page = client.get(f"/en/orders/{order.number}/").content.decode()
    assert "Return items" in page
    form = client.get(f"/en/orders/{order.number}/return/{sub.number}/")
    assert form.status_code == 200 and "I no longer want it" in form.content.decode()
    nothing = client.post(
        f"/en/orders/{order.number}/return/{sub.number}/",
        {"reason": "damaged", f"line_{line.pk}": "0"},
    )
    assert "Choose at least one item to return." in nothing.content.decode()
    with delivered.capture(execute=True):
        asked = client.post(
            f"/en/orders/{order.number}/return/{sub.number}/",
            {
                "reason": "damaged",
                "details": "The box was crushed.",
                f"line_{line.pk}": "2",
                "photos": [_photo()],
            },
        )
    assert asked.status_code == 302
    made = ReturnRequest.objects.get()
    assert made.photos.count() == 1
    assert any(made.number in m.subject for m in mail.outbox)  # the seller is told
    owner = django_user_model.objects.create_user("seller")
    MerchantMember.objects.create(merchant=sub.merchant, user=owner, role="owner")
    client.force_login(owner)
    detail = client.get(f"/en/portal/returns/{made.number}/").content.decode()
    assert "The box was crushed." in detail and "Approve the return" in detail
    photo = made.photos.get()
    shown = client.get(f"/en/portal/returns/{made.number}/photos/{photo.pk}/")
    assert shown["Content-Type"] == "image/webp" and "private" in shown["Cache-Control"]
    with delivered.capture(execute=True):
        client.post(
            f"/en/portal/returns/{made.number}/decide/", {"decision": "approve"}
        )
    made.refresh_from_db()
    assert made.state == "approved"
    client.force_login(order.buyer)
    label = client.get(f"/en/orders/{order.number}/returns/{made.number}/label.pdf")
    assert label["Content-Type"] == "application/pdf"
    import pypdfium2

    text = pypdfium2.PdfDocument(label.content)[0].get_textpage().get_text_range()
    assert made.number in text and "sandbox address" in text
    # For a courier in China: Chinese words, the sender in full, the address in
    # Chinese first; the return's whole number in the title.
    title = text.splitlines()[0] + text.splitlines()[1]
    assert "退货" in text and "收件人" in text and "寄件方" in text
    assert "收款账户" not in text  # the payouts' "payee account" is no heading
    assert made.number in title.replace(" ", "")
    assert order.recipient in text and order.street in text and order.phone in text
    assert "河南省郑州市" in text
    if os.environ.get("ETALAGE_KEEP_RENDERINGS"):
        page = pypdfium2.PdfDocument(label.content)[0]
        page.render(scale=203 / 72).to_pil().save(
            os.path.join(os.environ["ETALAGE_KEEP_RENDERINGS"], "return-label.png")
        )
    staff = django_user_model.objects.create_user("returns-desk")
    hub_staff_add(staff)
    client.force_login(staff)
    found = client.get("/en/hub/returns/", {"number": made.number}).content.decode()
    assert "Received: refund the buyer" in found
    item = made.lines.get()
    with delivered.capture(execute=True):
        done = client.post(
            f"/en/hub/returns/{made.number}/receive/",
            {f"outcome_{item.pk}": "restocked"},
            follow=True,
        )
    assert f"{made.number} received" in done.content.decode()
    made.refresh_from_db()
    assert made.state == "received"
    # The buyer reads what came back as money, in the order's currency.
    client.force_login(order.buyer)
    page = client.get(f"/en/orders/{order.number}/").content.decode()
    said = f"¥{made.goods_amount:,.2f} + tax CN¥{made.tax_amount:,.2f}"
    assert f"refunded CN{said}" in page  # Babel's English for yuan: CN¥


def test_another_buyers_return_pages_are_not_found(client, delivered, shopping):
    sub = delivered.sub
    client.force_login(shopping.buyer())
    order = sub.order
    page = f"/en/orders/{order.number}/return/{sub.number}/"
    assert client.get(page).status_code == 404
