"""Benchmark the storefront's category and product pages on a 100,000-product catalogue.

    .venv/bin/python bench/storefront.py                       # SQLite
    .venv/bin/python bench/storefront.py --database postgres   # local PostgreSQL
    .venv/bin/python bench/storefront.py --products 20000 --duration 5

It builds a catalogue in a fresh database (bulk inserts: 100,000 live products with
four translations, a variant and an image each, across 13 categories and 50
merchants), serves it as docs/production.md says to run in production (`etalage serve`:
gunicorn, debug off), then sends requests from a separate process over loopback at
concurrency 1, 8 and 32, and prints requests per second and p50/p95/p99 latency for
each page, with the machine it ran on. The load is bounded by count and time and
only ever targets 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from machine import bench_environment, machine, stop

ROOT = Path(__file__).resolve().parents[1]
ETALAGE = Path(sys.executable).with_name("etalage")
TARGET_PRODUCT_P95_MS = 20.0
TARGET_CATEGORY_P95_MS = 50.0


# --- the catalogue -------------------------------------------------------------------


def build_catalogue(products: int) -> dict:
    """Insert the catalogue with bulk inserts; return the URLs to request."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from etalage.catalog.models import (
        Product,
        ProductImage,
        ProductTranslation,
        Variant,
    )
    from etalage.catalog.services import product_image_add
    from etalage.demo.illustrations import draw_illustration
    from etalage.demo.loader import create_categories
    from etalage.merchants.models import Merchant
    from etalage.pricing.services import exchange_rates_import

    ecb = ROOT / "src/etalage/demo/data/eurofxref-hist.zip"
    exchange_rates_import(data=ecb.read_bytes(), file_name=ecb.name)

    categories = create_categories()
    leaves = [c for c in categories.values() if not c.children.exists()]

    merchants = []
    for n in range(50):
        body = f"{4100000 + n:08d}"
        number = body + f"{97 - int(body) % 97:02d}"
        merchants.append(
            Merchant.objects.create(
                name=f"Bench merchant {n}",
                slug=f"bench-merchant-{n}",
                legal_name=f"Bench merchant {n} SRL",
                enterprise_number=number,
                vat_number="BE" + number,
                city="Liège",
                status=Merchant.Status.APPROVED,
            )
        )

    # One real image, shared by every product's image row.
    first = None
    rng = random.Random(7)
    batch = 5000
    slugs = []
    for start in range(0, products, batch):
        rows, texts, variants, images = [], [], [], []
        for i in range(start, min(start + batch, products)):
            merchant = merchants[i % len(merchants)]
            category = leaves[i % len(leaves)]
            price = Decimal(rng.randint(300, 50000)) / 100
            product = Product(
                merchant=merchant,
                category=category,
                slug=f"bench-product-{i}",
                brand=merchant.name,
                hs_code="1806900000",
                tax_class="ordinary-13",
                status=Product.Status.LIVE,
                price_from_eur=price,
                active_variant_count=1,
            )
            rows.append(product)
            slugs.append(product.slug)
            for code, label in (
                ("zh-hans", "比利时巧克力"),
                ("fr", "Chocolat belge"),
                ("nl", "Belgische chocolade"),
                ("en", "Belgian chocolate"),
            ):
                texts.append(
                    ProductTranslation(
                        product=product,
                        language=code,
                        name=f"{label} {i}",
                        description=f"{label}: " + "lorem ipsum " * 20,
                        ingredients="Cocoa, sugar",
                    )
                )
            variants.append(
                Variant(
                    product=product,
                    merchant=merchant,
                    sku=f"B-{i}",
                    price_eur=price,
                    weight_grams=300,
                    net_content=250,
                    net_unit="g",
                    attributes={"weight": "250 g"},
                )
            )
        Product.objects.bulk_create(rows)
        ProductTranslation.objects.bulk_create(texts)
        Variant.objects.bulk_create(variants)
        if first is None:
            first = product_image_add(
                product=rows[0],
                data=draw_illustration(
                    category="pralines", colour=(92, 52, 34), seed="bench", variant=0
                ),
                is_illustration=True,
            )
            rows = rows[1:]
        for product in rows:
            images.append(
                ProductImage(
                    product=product,
                    image=first.image.name,
                    thumbnail=first.thumbnail.name,
                    medium=first.medium.name,
                    width=first.width,
                    height=first.height,
                    is_illustration=True,
                )
            )
        ProductImage.objects.bulk_create(images)
        print(f"  {min(start + batch, products):>7} products", flush=True)
    # The rate import above said PricingChanged: deliver it here, as the background
    # worker would, so that the listings' prices are in place before the load (and
    # timed: it is what every exchange-rate import costs the worker).
    from etalage.catalog.models import ListingPrice
    from etalage.events.outbox import outbox_deliver

    started = time.perf_counter()
    outbox_deliver()
    print(f"  listing prices: {ListingPrice.objects.count():,} rows recomputed in "
          f"{time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
    # A production database has its planner statistics; give the new one its own.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    category_slugs = [c.slug for c in categories.values()]
    return {"products": slugs, "categories": category_slugs}


# --- the load ------------------------------------------------------------------------


async def read_response(reader) -> tuple[int, bytes, bool]:
    """Return the status, the body and whether the server closes the connection."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionResetError("the server closed the connection")
    length, close = 0, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
        elif name.lower() == "connection" and "close" in value.lower():
            close = True
    body = await reader.readexactly(length)
    return int(status_line.split()[1]), body, close


async def _worker(port, paths, deadline, max_requests, latencies, errors, counter):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < deadline and counter[0] < max_requests:
            counter[0] += 1
            path = paths[counter[0] % len(paths)]
            request = (
                f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Accept-Language: zh-CN\r\nConnection: keep-alive\r\n\r\n"
            ).encode()
            started = time.perf_counter()
            writer.write(request)
            await writer.drain()
            status, _body, close = await read_response(reader)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors.append(str(status))
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
    finally:
        writer.close()


async def _load(port, paths, concurrency, duration, max_requests):
    latencies: list[float] = []
    errors: list[str] = []
    counter = [0]
    deadline = time.perf_counter() + duration
    started = time.perf_counter()
    await asyncio.gather(
        *(
            _worker(port, paths, deadline, max_requests, latencies, errors, counter)
            for _ in range(concurrency)
        )
    )
    elapsed = time.perf_counter() - started
    return latencies, errors, elapsed


def _load_in_process(port, paths, concurrency, duration, max_requests, queue):
    queue.put(asyncio.run(_load(port, paths, concurrency, duration, max_requests)))


def run_load(port, paths, concurrency, duration, max_requests=200_000):
    """Run the load generator in its own process, so it does not share our GIL."""
    queue = multiprocessing.Queue()
    process = multiprocessing.Process(
        target=_load_in_process,
        args=(port, paths, concurrency, duration, max_requests, queue),
    )
    process.start()
    result = queue.get(timeout=duration + 120)
    process.join()
    return result


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def _distinct_paths(urls: dict, rng: random.Random, levels: int) -> dict:
    """For each page kind, one batch of paths per concurrency, no path in two
    batches (a batch's first views are first for the whole run)."""
    products = rng.sample(urls["products"], min(len(urls["products"]), 5000 * levels))
    categories = [(c, n) for c in urls["categories"] for n in range(1, 21)]
    rng.shuffle(categories)
    by_price = list(
        {
            (rng.choice(urls["categories"]), rng.randint(100, 3000), rng.randint(1, 5))
            for _ in range(3000 * levels)
        }
    )

    def split(items, size):
        return [items[i * size : (i + 1) * size] for i in range(levels)]

    return {
        "product": [
            [f"/p/{slug}/" for slug in batch]
            for batch in split(products, len(products) // levels)
        ],
        "category": [
            [f"/c/{slug}/?page={n}" for slug, n in batch]
            for batch in split(categories, len(categories) // levels)
        ],
        "by price": [
            [f"/c/{c}/?sort=price&price_max={m}&page={n}" for c, m, n in batch]
            for batch in split(by_price, len(by_price) // levels)
        ],
    }


# --- the machine ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(port: int, process: subprocess.Popen, timeout: float = 120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server stopped before serving")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not start")


def start_server(env: dict, data_dir: Path, *arguments: str, port: int = 0):
    """Start `etalage serve` (its own process group, its errors in the data
    directory's server.log) on ``port`` or a free one; return the port and the
    server once it answers."""
    import signal

    port = port or free_port()
    log = (data_dir / "server.log").open("ab")
    server = subprocess.Popen(
        [str(ETALAGE), "serve", "--port", str(port), *arguments],
        env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
    )  # fmt: skip
    try:
        wait_until_serving(port, server)
    except BaseException:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        raise
    return port, server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument(
        "--database", default="sqlite", help="sqlite, postgres or a URL"
    )
    parser.add_argument(
        "--redis", default="auto", help="auto (the local one if it answers), off, a URL"
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per run")
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    args = parser.parse_args()

    data_dir, _url, engine, env = bench_environment(
        args.database, "etalage-bench-", "etalage_bench", args.redis
    )
    print(f"Building {args.products:,} products on {engine} in {data_dir} ...")
    started = time.perf_counter()
    urls = build_catalogue(args.products)
    print(f"  built in {time.perf_counter() - started:.0f} s")

    port, server = start_server(env, data_dir, "--workers", str(args.workers))
    try:
        levels = [int(c) for c in args.concurrency.split(",")]
        pages = _distinct_paths(urls, random.Random(11), len(levels))
        run_load(port, [f"/p/{p}/" for p in urls["products"][-50:]], 4, 3)  # warm up
        print()
        print(f"Machine: {machine()}")
        print(
            f"Server: etalage serve (gunicorn, {args.workers} sync workers, "
            f"debug off), {engine}, {args.products:,} products"
        )
        print(
            f"Load: {args.duration:.0f} s per run from a separate process over "
            "loopback; 'first' views each page once (nothing rendered before), "
            "'again' the same pages once more"
        )
        print()
        header = f"{'page':<10}{'views':<7}{'conc.':>6}{'requests':>10}{'req/s':>9}"
        header += f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
        print(header)
        results = {}
        for page, batches in pages.items():
            for level, paths in zip(levels, batches, strict=True):
                for views in ("first", "again"):
                    latencies, errors, elapsed = run_load(
                        port, paths, level, args.duration,
                        max_requests=len(paths) if views == "first" else 200_000,
                    )  # fmt: skip
                    ms = [x * 1000 for x in latencies]
                    if views == "first":  # again: those the first run asked for
                        paths = [paths[i % len(paths)] for i in range(1, len(ms) + 1)]
                    row = (
                        len(ms),
                        len(ms) / elapsed,
                        statistics.median(ms),
                        percentile(ms, 0.95),
                        percentile(ms, 0.99),
                        len(errors),
                    )
                    results[(page, views, level)] = row
                    print(
                        f"{page:<10}{views:<7}{level:>6}{row[0]:>10}{row[1]:>9.0f}"
                        f"{row[2]:>9.1f}{row[3]:>9.1f}{row[4]:>9.1f}{row[5]:>8}",
                        flush=True,
                    )
                    if errors:
                        print(f"  first error: {errors[0]}")
        for page, target in (("product", TARGET_PRODUCT_P95_MS),
                             ("category", TARGET_CATEGORY_P95_MS)):  # fmt: skip
            for views in ("first", "again"):
                if (page, views, 8) in results:
                    p95 = results[(page, views, 8)][3]
                    verdict = "met" if p95 < target else "NOT met"
                    print(
                        f"Target: {page} page p95 < {target:.0f} ms at concurrency 8, "
                        f"{views} views: {verdict} ({p95:.1f} ms)"
                    )
    finally:
        stop(server, data_dir)


if __name__ == "__main__":
    main()
