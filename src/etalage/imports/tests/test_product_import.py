"""Bulk catalogue import: every cell checked, all or nothing, idempotent by SKU."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from PIL import Image

from etalage.catalog.models import Product, ProductImage, ProductImportRun, Variant
from etalage.customs.models import PositiveListEntry
from etalage.imports import (
    COLUMNS,
    ImportRefused,
    import_template_csv,
    problems_csv,
    product_import,
    product_import_run,
)


@pytest.fixture
def maker(catalogue):
    catalogue.category(
        "pralines",
        names={
            "zh-hans": "果仁糖",
            "fr": "Pralines",
            "nl": "Pralines",
            "en": "Pralines",
        },
    )
    return catalogue.merchant("Maison Exemple")


def example_rows():
    return list(
        csv.DictReader(
            io.StringIO(import_template_csv(example=True).decode("utf-8-sig"))
        )
    )


def to_csv(rows, delimiter=",") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=[*COLUMNS, "attr_flavour"], delimiter=delimiter
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def refused(merchant, data, name="catalogue.csv"):
    with pytest.raises(ImportRefused) as error:
        product_import(merchant=merchant, file_name=name, data=data)
    return {(p.row, p.column): p.message for p in error.value.problems}


def test_the_example_file_creates_a_draft_product_with_two_variants(maker):
    summary = product_import(
        merchant=maker, file_name="example.csv", data=import_template_csv(example=True)
    )
    assert (summary.products_created, summary.variants_created) == (1, 2)
    product = Product.objects.get(merchant=maker)
    assert product.status == Product.Status.DRAFT
    assert product.merchant_ref == "PRAL-250"
    assert product.hs_code == "1806900000"
    assert product.price_from_eur == Decimal("23.90")
    assert product.active_variant_count == 2
    assert product.translations.get(language="zh-hans").name == "果仁糖礼盒"
    dark = Variant.objects.get(sku="PRAL-250-DARK")
    assert (dark.weight_grams, dark.attributes) == (350, {"flavour": "Dark"})
    assert (dark.net_content, dark.net_unit) == (250, "g")


def test_importing_the_same_file_again_changes_nothing(maker):
    data = import_template_csv(example=True)
    product_import(merchant=maker, file_name="a.csv", data=data)
    before = list(Variant.objects.values_list("pk", "price_eur", "product__updated_at"))
    summary = product_import(merchant=maker, file_name="a.csv", data=data)
    assert (summary.products_unchanged, summary.variants_unchanged) == (1, 2)
    assert (summary.products_created, summary.products_updated) == (0, 0)
    assert (summary.variants_created, summary.variants_updated) == (0, 0)
    assert (
        list(Variant.objects.values_list("pk", "price_eur", "product__updated_at"))
        == before
    )


def test_a_changed_file_updates_by_sku_and_says_what_it_did(maker):
    product_import(
        merchant=maker, file_name="a.csv", data=import_template_csv(example=True)
    )
    rows = example_rows()
    rows[1]["price_eur"] = "21.00"
    white = {"product_ref": "PRAL-250", "sku": "PRAL-250-WHITE", "price_eur": "22.00"}
    rows.append(
        {**white, "weight": "350 g", "net_content": "250 g", "attr_flavour": "White"}
    )
    summary = product_import(merchant=maker, file_name="b.csv", data=to_csv(rows))
    counts = (summary.variants_created, summary.variants_updated)
    assert (*counts, summary.variants_unchanged) == (1, 1, 1)
    assert summary.products_updated == 1
    assert Product.objects.get().price_from_eur == Decimal("21.00")


def test_a_file_with_errors_in_many_rows_imports_nothing_and_lists_every_error(maker):
    rows = example_rows()
    first = rows[0]
    no_names = {f"name_{code}": "" for code in ("zh-hans", "fr", "nl", "en")}
    rows = [
        {**first, "hs_code": "1806.90"},
        {**first, "product_ref": "B", "sku": "B-1", "price_eur": "-3"},
        {**first, "product_ref": "C", "sku": "C-1", "category": "cheese"},
        {**first, "product_ref": "D", "sku": "PRAL-250-DARK"},
        {**first, "product_ref": "E", "sku": "E-1", "gtin": "5400000000004"},
        {**first, "product_ref": "F", "sku": "F-1", "tax_class": "luxury"},
        {**first, "product_ref": "G", "sku": "G-1", **no_names},
    ]
    rows[4]["weight"] = "heavy"
    rows[5]["price_eur"] = "1.234"
    problems = refused(maker, to_csv(rows))
    assert (
        problems[(2, "hs_code")]
        == "An HS code for China has 10 digits; this one has 6."
    )
    price_rule = (
        "The price (EUR) is more than 0 and below 1,000,000, with at most 2 decimals."
    )
    assert problems[(3, "price_eur")] == price_rule
    assert problems[(4, "category")] == "unknown category cheese"
    assert problems[(5, "sku")] == "also on row 2"
    assert "not a valid GTIN" in problems[(6, "gtin")]
    assert problems[(6, "weight")] == "write a weight such as 250 g or 0.25 kg"
    assert problems[(7, "tax_class")].startswith("one of ordinary-13, food-9")
    assert problems[(7, "price_eur")] == price_rule
    assert problems[(8, "name_en")] == "a product needs a name in one language"
    assert not Product.objects.exists()


def test_a_missing_or_unknown_column_is_reported_on_the_header(maker):
    data = b"sku,product_ref,price,weight\nA,B,1,1 g\n"
    problems = refused(maker, data)
    assert problems[(1, "price")] == "unknown column"
    assert problems[(1, "price_eur")] == "required column missing"
    assert problems[(1, "hs_code")] == "required column missing"


def test_columns_of_one_product_must_agree_across_its_rows(maker):
    rows = example_rows()
    rows[1]["brand"] = "Another brand"
    assert (
        refused(maker, to_csv(rows))[(3, "brand")]
        == "differs from row 2 of the same product_ref"
    )


def test_a_sku_of_another_product_cannot_move(maker):
    product_import(
        merchant=maker, file_name="a.csv", data=import_template_csv(example=True)
    )
    rows = example_rows()[:1]
    rows[0]["product_ref"] = "OTHER"
    assert (
        refused(maker, to_csv(rows))[(2, "sku")]
        == "already the SKU of your product PRAL-250"
    )


def test_a_belgian_excel_csv_with_semicolons_and_decimal_commas_imports(maker):
    rows = example_rows()
    rows[0]["price_eur"] = "24,50"
    summary = product_import(
        merchant=maker, file_name="excel.csv", data=to_csv(rows, ";")
    )
    assert summary.variants_created == 2
    assert Variant.objects.get(sku="PRAL-250-DARK").price_eur == Decimal("24.50")


def test_an_xlsx_file_imports(maker):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    columns = [*COLUMNS, "attr_flavour"]
    sheet.append(columns)
    for row in example_rows():
        values = [row.get(c, "") or None for c in columns]
        values[columns.index("price_eur")] = float(row["price_eur"].replace(",", "."))
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    summary = product_import(
        merchant=maker, file_name="catalogue.xlsx", data=buffer.getvalue()
    )
    assert summary.variants_created == 2
    assert Variant.objects.get(sku="PRAL-250-MILK").price_eur == Decimal("23.90")


def test_images_come_by_file_name_in_a_zip_and_are_not_added_twice(maker):
    rows = example_rows()
    rows[0]["image"] = "box.png"
    picture = io.BytesIO()
    Image.new("RGB", (600, 600), (90, 50, 30)).save(picture, "PNG")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("catalogue.csv", to_csv(rows))
        z.writestr("photos/box.png", picture.getvalue())
    for _attempt in range(2):
        product_import(merchant=maker, file_name="c.zip", data=archive.getvalue())
    image = ProductImage.objects.get()
    assert image.source_name == "box.png"
    assert image.thumbnail.name.endswith(".webp")


def test_an_image_named_but_missing_from_the_zip_is_an_error(maker):
    rows = example_rows()
    rows[0]["image"] = "box.png"
    assert refused(maker, to_csv(rows))[(2, "image")] == (
        "images come in a ZIP archive with the file"
    )


def test_a_merchants_import_never_touches_another_merchants_products(maker, catalogue):
    other = catalogue.merchant("Other")
    product_import(
        merchant=other, file_name="a.csv", data=import_template_csv(example=True)
    )
    product_import(
        merchant=maker, file_name="a.csv", data=import_template_csv(example=True)
    )
    assert Product.objects.filter(merchant_ref="PRAL-250").count() == 2
    assert Variant.objects.filter(sku="PRAL-250-DARK").count() == 2


def test_the_report_lists_row_column_and_reason(maker):
    with pytest.raises(ImportRefused) as error:
        product_import(merchant=maker, file_name="x.csv", data=b"sku\nA\n")
    report = problems_csv(error.value.problems).decode("utf-8-sig").splitlines()
    assert report[0] == "row,column,problem"
    assert "1,product_ref,required column missing" in report


def test_every_attempt_is_recorded_for_the_portal(maker, django_user_model):
    user = django_user_model.objects.create_user("owner")
    bad = product_import_run(
        merchant=maker, user=user, file_name="x.csv", data=b"sku\nA\n"
    )
    good = product_import_run(
        merchant=maker,
        user=user,
        file_name="y.csv",
        data=import_template_csv(example=True),
    )
    assert bad.status == ProductImportRun.Status.REFUSED
    assert {
        "row": 1,
        "column": "price_eur",
        "message": "required column missing",
    } in bad.errors
    assert good.status == ProductImportRun.Status.IMPORTED
    assert good.summary["variants_created"] == 2


def test_a_queued_import_tells_its_problems_in_the_merchants_language(maker):
    from django.utils import translation

    from etalage.imports import product_import_enqueue, product_import_run_queued

    maker.language = "fr"
    maker.save(update_fields=["language"])
    rows = example_rows()
    rows[0]["price_eur"] = "0"
    run = product_import_enqueue(
        merchant=maker, user=None, file_name="c.csv", data=to_csv(rows)
    )
    with translation.override("en"):  # the worker's own language
        run = product_import_run_queued(run_id=str(run.pk))
    assert run.status == ProductImportRun.Status.REFUSED
    assert run.errors == [
        {
            "row": 2,
            "column": "price_eur",
            "message": (
                "Le prix (EUR) est supérieur à 0 et inférieur à 1\u202f000\u202f000, "
                "avec au plus 2 décimales."
            ),
        }
    ]


def test_the_stock_column_counts_units_in_the_merchants_warehouse(maker):
    from etalage.inventory.models import Stock

    product_import(
        merchant=maker, file_name="a.csv", data=import_template_csv(example=True)
    )
    stock = Stock.objects.get(variant__sku="PRAL-250-DARK")
    assert (stock.on_hand, stock.warehouse.merchant) == (40, maker)
    product_import(
        merchant=maker, file_name="a.csv", data=import_template_csv(example=True)
    )
    assert stock.movements.count() == 1  # the same count again moves nothing
    rows = example_rows()
    rows[0]["stock"] = "many"
    assert (
        refused(maker, to_csv(rows))[(2, "stock")]
        == "a whole number of units, 0 or more"
    )


def test_an_import_its_worker_left_half_way_is_marked_failed_by_the_clock(maker):
    from datetime import timedelta

    from django.utils import timezone

    from etalage.catalog.models import ProductImportRun
    from etalage.core.clock import clock_round

    stuck, _recent, waiting = (
        ProductImportRun.objects.create(merchant=maker, file_name=name, status=status)
        for name, status in (
            ("a.csv", "checking"),
            ("b.csv", "writing"),
            ("c.csv", "queued"),
        )
    )
    ProductImportRun.objects.filter(pk__in=[stuck.pk, waiting.pk]).update(
        created_at=timezone.now() - timedelta(hours=2)
    )
    assert clock_round()["imports_abandoned"] == 1
    states = dict(ProductImportRun.objects.values_list("file_name", "status"))
    assert states == {"a.csv": "failed", "b.csv": "writing", "c.csv": "queued"}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_file_past_the_row_limit_is_refused_as_soon_as_the_limit_is_read(
    maker, monkeypatch, kind
):
    from openpyxl import Workbook

    from etalage.imports import reading

    monkeypatch.setattr(reading, "MAX_ROWS", 10)
    read = []

    def counted(rows):
        for row in rows:
            read.append(row)
            yield row

    original = reading._table
    monkeypatch.setattr(
        reading, "_table", lambda rows, expected: original(counted(rows), expected)
    )
    header = ",".join(COLUMNS)
    if kind == "csv":
        data = (header + "\n" + "A\n" * 1000).encode()
    else:
        workbook = Workbook()
        workbook.active.append(list(COLUMNS))
        for n in range(1000):
            workbook.active.append([f"A{n}"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
    with pytest.raises(ImportRefused) as refused:
        product_import(merchant=maker, file_name=f"big.{kind}", data=data)
    assert "at most 10 rows" in refused.value.problems[0].message
    assert len(read) == 12  # the header, ten rows, and the one past the limit


def test_a_decompression_bomb_is_a_clear_refusal(maker):
    import struct
    import zlib

    from django.core.exceptions import ValidationError

    from etalage.catalog.images import process_image

    def chunk(kind, body):
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    # A 20,000 x 20,000 grey PNG header: a tiny file for 400 million pixels.
    header = struct.pack(">IIBBBBB", 20_000, 20_000, 8, 0, 0, 0, 0)
    pixels = chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + pixels + chunk(b"IEND", b"")
    with pytest.raises(ValidationError) as refused:
        process_image(bomb, stem="bomb")
    assert refused.value.code == "image_pixels"


def test_each_variant_has_its_net_content_in_ml_g_or_pieces(maker):
    rows = example_rows()
    rows[0]["net_content"] = "33 cl"
    rows[1]["net_content"] = "10 pieces"
    product_import(merchant=maker, file_name="a.csv", data=to_csv(rows))
    dark = Variant.objects.get(sku="PRAL-250-DARK")
    milk = Variant.objects.get(sku="PRAL-250-MILK")
    assert (dark.net_content, dark.net_unit) == (330, "ml")
    assert (milk.net_content, milk.net_unit) == (10, "piece")


def test_a_net_content_that_is_no_quantity_is_refused_by_row(maker):
    rows = example_rows()
    rows[0]["net_content"] = "a bottle"
    rows[1]["net_content"] = "0.5 g"
    problems = refused(maker, to_csv(rows))
    assert "330 ml" in problems[(2, "net_content")]
    assert "whole number" in problems[(3, "net_content")]


def test_a_file_of_the_earlier_format_reads_net_weight_as_net_content(maker):
    text = import_template_csv(example=True).decode("utf-8-sig")
    old = text.replace("net_content", "net_weight", 1)
    assert old.splitlines()[0].count("net_weight") == 1
    product_import(merchant=maker, file_name="old.csv", data=old.encode())
    assert Variant.objects.get(sku="PRAL-250-DARK").net_content == 250


def test_pieces_are_refused_where_the_positive_list_caps_the_weight(maker):
    entry = PositiveListEntry.objects.get(hs_code="1806900000")
    entry.yearly_cap = "2 kg"
    entry.save()
    rows = example_rows()
    rows[1]["net_content"] = "10 pieces"
    problems = refused(maker, to_csv(rows))
    assert "2 kg" in problems[(3, "net_content")]


def test_a_control_character_in_a_cell_is_refused_by_row_and_column(maker):
    rows = example_rows()
    rows[0]["name_fr"] = "Pralines\x01assorties"
    rows[1]["attr_flavour"] = "Noir\x7f"
    rows[0]["description_fr"] = "Faites main.\nÀ Liège."  # lines are fine here
    problems = refused(maker, to_csv(rows))
    assert set(problems) == {(2, "name_fr"), (3, "attr_flavour")}
    assert "control character U+0001" in problems[(2, "name_fr")]
    assert "U+007F" in problems[(3, "attr_flavour")]
    assert not Product.objects.exists()


def test_a_refused_sku_is_told_once(maker):
    rows = example_rows()
    rows[0]["sku"] = "PRAL\x01250"
    assert refused(maker, to_csv(rows)) == {
        (2, "sku"): "Remove the invisible control character U+0001: customs, "
        "carriers and banks refuse it."
    }
