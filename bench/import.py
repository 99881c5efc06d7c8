"""Benchmark the bulk catalogue import: 10,000 variants, on SQLite or PostgreSQL.

    .venv/bin/python bench/import.py                       # SQLite
    .venv/bin/python bench/import.py --database postgres   # local PostgreSQL
    .venv/bin/python bench/import.py --variants 2000

It writes a CSV of 2,500 products with four variants each, names, descriptions and
ingredients in the four languages, then times, through the same service the portal
uses: the first import (everything created), the same file again (nothing changes),
and a file where one variant in ten has a new price. Target: the first import of
10,000 variants under 30 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from machine import database_url, machine

TARGET_SECONDS = 30.0
VARIANTS_PER_PRODUCT = 4


def catalogue_csv(variants: int, seed: int = 3, reprice_every: int = 0) -> bytes:
    from etalage.imports import COLUMNS

    rng = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*COLUMNS, "attr_size"])
    writer.writeheader()
    flavours = ["dark", "milk", "white", "hazelnut"]
    for n in range(variants):
        product = n // VARIANTS_PER_PRODUCT
        first = n % VARIANTS_PER_PRODUCT == 0
        euros = (product % 90) + 5 + (n % VARIANTS_PER_PRODUCT)
        price = f"{euros}.{rng.randint(0, 99):02d}"
        if reprice_every and n % reprice_every == 0:
            price = f"{float(price) + 1:.2f}"
        row = {
            "product_ref": f"P{product:06d}",
            "sku": f"P{product:06d}-{flavours[n % VARIANTS_PER_PRODUCT]}",
            "price_eur": price,
            "weight": f"{300 + 50 * (n % VARIANTS_PER_PRODUCT)} g",
            "attr_size": f"{250 + 50 * (n % VARIANTS_PER_PRODUCT)} g",
        }
        if first:
            row.update(
                {
                    "category": "pralines",
                    "brand": "Maison Banc d'Essai",
                    "hs_code": "1806.90.00.00",
                    "origin_country": "BE",
                    "tax_class": "ordinary-13",
                    "net_content": "250 g",
                    "name_zh-hans": f"比利时果仁糖 {product}",
                    "name_fr": f"Pralines belges {product}",
                    "name_nl": f"Belgische pralines {product}",
                    "name_en": f"Belgian pralines {product}",
                    "description_fr": "Pralines garnies à la main. " * 6,
                    "description_nl": "Met de hand gevulde pralines. " * 6,
                    "description_en": "Hand-filled pralines. " * 6,
                    "description_zh-hans": "手工填馅的果仁糖。" * 6,
                    "ingredients_en": "Cocoa mass, sugar, cocoa butter, hazelnuts.",
                }
            )
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", type=int, default=10_000)
    parser.add_argument(
        "--database", default="sqlite", help="sqlite, postgres or a URL"
    )
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="etalage-bench-import-"))
    url, engine = database_url(args.database, data_dir, name="etalage_bench_import")
    os.environ.update(
        DATABASE_URL=url,
        ETALAGE_DATA_DIR=str(data_dir),
        ETALAGE_SECRET_KEY="bench-" + os.urandom(16).hex(),
        ETALAGE_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="etalage.settings",
    )
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from etalage.catalog.models import Product, Variant
        from etalage.demo.loader import create_categories
        from etalage.imports import product_import
        from etalage.merchants.models import Merchant

        create_categories()
        merchant = Merchant.objects.create(
            name="Bench importer",
            slug="bench-importer",
            legal_name="Bench importer SRL",
            enterprise_number="0403019261",
            vat_number="BE0403019261",
            city="Liège",
            status=Merchant.Status.APPROVED,
        )
        first = catalogue_csv(args.variants)
        changed = catalogue_csv(args.variants, reprice_every=10)
        print(f"Machine: {machine()}")
        print(f"Database: {engine}")
        print(
            f"File: {args.variants:,} variants of "
            f"{args.variants // VARIANTS_PER_PRODUCT:,} products, "
            f"{len(first) / 1024 / 1024:.1f} MiB CSV, four languages"
        )
        print()
        results = []
        for label, data in (
            ("first import (all created)", first),
            ("same file again (nothing changes)", first),
            ("one price in ten changed", changed),
        ):
            started = time.perf_counter()
            summary = product_import(
                merchant=merchant, file_name="bench.csv", data=data
            )
            elapsed = time.perf_counter() - started
            results.append(elapsed)
            rate = args.variants / elapsed
            print(
                f"{label:<36}{elapsed:>8.2f} s  {rate:>8,.0f} variants/s"
                f"  created {summary.variants_created}, updated "
                f"{summary.variants_updated}, unchanged {summary.variants_unchanged}"
            )
        assert Variant.objects.count() == args.variants
        assert Product.objects.count() == args.variants // VARIANTS_PER_PRODUCT
        verdict = "met" if results[0] < TARGET_SECONDS else "NOT met"
        print(
            f"\nTarget: {args.variants:,} variants in under {TARGET_SECONDS:.0f} s: "
            f"{verdict} ({results[0]:.1f} s)"
        )
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
