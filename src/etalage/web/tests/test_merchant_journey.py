"""From the application to a product on sale, through every step a person takes."""

import io
import re
import zipfile

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from etalage.catalog.models import Product
from etalage.imports import import_template_csv
from etalage.web.tests.test_merchant_onboarding import GOOD


def test_apply_confirm_approve_sign_in_import_review_and_sell(
    client,
    catalogue,
    ecb_rates,
    today_is_2024_07_01,
    django_capture_on_commit_callbacks,
):
    pralines = catalogue.category("pralines")
    operator = get_user_model().objects.create_superuser("op", "op@example.com", "pw")

    # The producer applies and confirms its email address.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/fr/portal/apply/", {**GOOD, "categories": [str(pralines.pk)]})
    link = re.search(r"/fr/portal/verify/\S+/", mail.outbox[-1].body).group(0)
    client.get(link)

    # The operator approves the application.
    client.force_login(operator)
    merchant_pk = (
        client.get("/backoffice/merchants/merchant/").context["cl"].result_list[0].pk
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/backoffice/merchants/merchant/",
            {"action": "approve", "_selected_action": [merchant_pk], "confirm": "1"},
        )
    client.logout()

    # Its catalogue, with a photo of the box (a listing needs a picture to go live).
    table = import_template_csv(example=True).decode("utf-8-sig").splitlines()
    table[1] = table[1].replace(",40,,", ",40,box.png,", 1)
    assert "box.png" in table[1]
    photo, archive = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (400, 400), (90, 50, 30)).save(photo, "JPEG")
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("catalogue.csv", "\n".join(table))
        z.writestr("box.png", photo.getvalue())

    # The owner signs in with the password it chose and imports its catalogue.
    signed_in = client.post(
        "/fr/login/",
        {"username": GOOD["email"].lower(), "password": GOOD["password"],
         "next": "/fr/portal/import/"},
    )  # fmt: skip
    assert signed_in.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):  # a ZIP: in the background
        client.post(
            "/fr/portal/import/",
            {
                "file": SimpleUploadedFile("c.zip", archive.getvalue()),
                "submit_for_review": "on",
            },
        )
    product = Product.objects.get()
    assert product.status == Product.Status.IN_REVIEW
    assert client.get(f"/p/{product.slug}/").status_code == 404

    # The operator puts the listing live; buyers see it, priced in CNY.
    client.force_login(operator)
    client.post(
        "/backoffice/catalog/product/",
        {"action": "approve", "_selected_action": [product.pk]},
    )
    client.logout()
    page = client.get(f"/p/{product.slug}/").content.decode()
    assert "果仁糖礼盒" in page
    # 23.90 EUR x 7.7748 x 1.02 = 189.53 goods, + 17.25 estimated CBEC tax
    assert "¥206.78 起" in page
