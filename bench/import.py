"""Benchmark the bulk catalogue import: 10,000 variants, on SQLite or PostgreSQL.

    .venv/bin/python bench/import.py                       # SQLite
    .venv/bin/python bench/import.py --database postgres   # local PostgreSQL
    .venv/bin/python bench/import.py --variants 2000

It writes a CSV of 2,500 products with four variants each, names, descriptions and
ingredients in the four languages, then times, through the same service the portal
uses: the first import (everything created), the same file again (nothing changes),
and a file where one variant in ten has a new price. Target: the first import of
10,000 variants under 30 s on a 2-core machine.

    .venv/bin/python bench/import.py --memory

measures instead the peak memory (resident set) of a worker importing the largest
files Étalage accepts — a CSV and an XLSX of 50,000 rows with texts in four
languages, a ZIP with 100 MB of pictures unpacked — each in a fresh process, next
to the same process's memory before the import (the reference). Target: under
300 MB.
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
TARGET_PEAK_MB = 300
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
            "net_content": f"{250 + 50 * (n % VARIANTS_PER_PRODUCT)} g",
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


def xlsx_of(csv_data: bytes) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("catalogue")
    for row in csv.reader(io.StringIO(csv_data.decode("utf-8"))):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_of_pictures(megabytes: int) -> bytes:
    """A table of products each with a photograph-sized JPEG, ``megabytes`` of
    pictures in all (noise does not compress: the worst case for the cap)."""
    import zipfile

    from PIL import Image

    picture = io.BytesIO()
    Image.effect_noise((2400, 1800), 90).convert("RGB").save(
        picture, "JPEG", quality=95
    )
    count = max(1, megabytes * 1024 * 1024 // len(picture.getvalue()))
    rows = list(
        csv.DictReader(
            io.StringIO(catalogue_csv(count * VARIANTS_PER_PRODUCT).decode("utf-8"))
        )
    )
    for n, row in enumerate(rows):
        if n % VARIANTS_PER_PRODUCT == 0:
            row["image"] = f"photo-{n // VARIANTS_PER_PRODUCT}.jpg"
    table = io.StringIO()
    writer = csv.DictWriter(table, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
        z.writestr("catalogue.csv", table.getvalue())
        for n in range(count):
            z.writestr(f"photo-{n}.jpg", picture.getvalue())
    return archive.getvalue()


def _setup(database: str, data_dir: Path) -> str:
    url, engine = database_url(database, data_dir, name="etalage_bench_import")
    os.environ.update(
        DATABASE_URL=url,
        ETALAGE_DATA_DIR=str(data_dir),
        ETALAGE_SECRET_KEY="bench-" + os.urandom(16).hex(),
        ETALAGE_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="etalage.settings",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return engine


def _merchant():
    from etalage.demo.loader import create_categories
    from etalage.merchants.models import Merchant

    create_categories()
    return Merchant.objects.create(
        name="Bench importer",
        slug="bench-importer",
        legal_name="Bench importer SRL",
        enterprise_number="0403019261",
        vat_number="BE0403019261",
        city="Liège",
        status=Merchant.Status.APPROVED,
    )


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def child_import(path: str, database: str) -> None:
    """In a fresh process: import one file as the background worker does (from
    the stored upload); print the memory before and the peak."""
    import resource

    data_dir = Path(tempfile.mkdtemp(prefix="etalage-bench-memory-"))
    try:
        _setup(database, data_dir)
        from etalage.imports import product_import

        merchant = _merchant()
        before = _rss_mb()
        started = time.perf_counter()
        with open(path, "rb") as upload:  # as the background worker reads it
            summary = product_import(
                merchant=merchant, file_name=Path(path).name, data=upload
            )
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{before:.0f} {peak:.0f} {elapsed:.1f} {summary.variants_created}"
            f" {summary.images_added}"
        )
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(data_dir, ignore_errors=True)


def memory(database: str) -> None:
    import subprocess

    work = Path(tempfile.mkdtemp(prefix="etalage-bench-files-"))
    os.environ.update(
        ETALAGE_DATA_DIR=str(work),
        ETALAGE_SECRET_KEY="bench-" + os.urandom(16).hex(),
        DJANGO_SETTINGS_MODULE="etalage.settings",
    )
    import django

    django.setup()  # (the limits are the import's own; no database is opened here)
    from etalage.imports.format import MAX_ROWS, MAX_ZIP_BYTES

    try:
        table = catalogue_csv(MAX_ROWS)
        files = {
            "catalogue.csv": table,
            "catalogue.xlsx": xlsx_of(table),
            "pictures.zip": zip_of_pictures(MAX_ZIP_BYTES // 1024 // 1024 - 2),
        }
        print(f"Machine: {machine()}")
        print(f"Database: {database}; each import in a fresh process")
        print(f"Target: peak resident memory under {TARGET_PEAK_MB} MB\n")
        print(
            f"{'file':<16}{'size':>10}{'rows':>8}{'before':>9}{'peak':>8}"
            f"{'ratio':>7}{'time':>9}  verdict"
        )
        for name, data in files.items():
            path = work / name
            path.write_bytes(data)
            answer = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    str(path),
                    "--database",
                    database,
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            before, peak, elapsed = float(answer[0]), float(answer[1]), answer[2]
            rows, images = answer[3], answer[4]
            verdict = "met" if peak < TARGET_PEAK_MB else "NOT met"
            size = f"{len(data) / 1024 / 1024:.1f} MiB"
            print(
                f"{name:<16}{size:>10}{rows:>8}{before:>7.0f} MB{peak:>5.0f} MB"
                f"{peak / before:>6.1f}x{elapsed:>7} s  {verdict}"
                f"{f' ({images} pictures)' if images != '0' else ''}"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", type=int, default=10_000)
    parser.add_argument(
        "--database", default="sqlite", help="sqlite, postgres or a URL"
    )
    parser.add_argument("--memory", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child_import(args.child, args.database)
    if args.memory:
        return memory(args.database)

    data_dir = Path(tempfile.mkdtemp(prefix="etalage-bench-import-"))
    try:
        engine = _setup(args.database, data_dir)
        from etalage.catalog.models import Product, Variant
        from etalage.imports import product_import

        merchant = _merchant()
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
