"""Benchmark search on a large catalogue: index build, queries and suggestions over
HTTP against `etalage serve`, beside a plain scan of the same data.

    .venv/bin/python bench/search.py                                  # SQLite, 100,000
    .venv/bin/python bench/search.py --database postgres --products 1000000

It loads the demo marketplace, then multiplies its products to ``--products``
(each copy keeps a demo product's texts in the four languages, its category and
merchant, and gets its own slug and SKU), and builds the index: the real indexer
(``search.index``: segmentation, pinyin, stems) on a sample, its rate printed, and
the rest of the documents written in bulk from the indexer's output for the demo
product each copies, so that the engine's own index (FTS5, or the tsvector and its
GIN index) is built over every row; both times are printed. Then, against
`etalage serve`, it requests `/search/?q=` for the relevance set's queries and
`/search/suggest/?q=` for their first letters, at concurrency 1 and 8, printing
requests per second and p50/p95; and, in this process, the same queries through
the search selector and through a plain `LIKE`/`ILIKE` scan of the products'
names (the baseline), one at a time, p50/p95.

Targets (issue 12): search p95 under 50 ms at concurrency 8 on 1,000,000 products
on PostgreSQL; suggestions p95 under 30 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

from machine import bench_environment, machine, stop
from storefront import percentile, run_load, start_server

BATCH = 5000


def build(products: int) -> tuple[float, float, int]:
    """The catalogue and its index; returns (indexer products/s on a sample, bulk
    index seconds, documents)."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection, transaction

    from etalage.catalog.listing_prices import listing_prices_refresh
    from etalage.catalog.models import Product, ProductTranslation, Variant
    from etalage.demo.loader import load_demo
    from etalage.search.engines import engine
    from etalage.search.index import products_index, search_reindex
    from etalage.search.models import SearchDocument

    load_demo(log=lambda *_a: None, with_images=False)
    search_reindex()
    demo = list(
        Product.objects.filter(status="live").prefetch_related("translations",
                                                               "variants")
    )  # fmt: skip
    documents = {d.product_id: d for d in SearchDocument.objects.all()}
    copies = max(products - len(demo), 0)
    sample_ids = []
    started = time.perf_counter()
    bulk_seconds = 0.0
    for start in range(0, copies, BATCH):
        rows, texts, variants, docs = [], [], [], []
        for i in range(start, min(start + BATCH, copies)):
            source = demo[i % len(demo)]
            copy = Product(
                merchant_id=source.merchant_id, category_id=source.category_id,
                slug=f"{source.slug}-c{i}", brand=source.brand, hs_code=source.hs_code,
                origin_country=source.origin_country, tax_class=source.tax_class,
                status=Product.Status.LIVE, price_from_eur=source.price_from_eur,
                active_variant_count=1,
                price_from_weight_grams=source.price_from_weight_grams,
                price_from_net_content=source.price_from_net_content,
                price_from_net_unit=source.price_from_net_unit,
            )  # fmt: skip
            rows.append(copy)
            texts += [ProductTranslation(product=copy, language=t.language, name=t.name,
                                         description=t.description,
                                         ingredients=t.ingredients)
                      for t in source.translations.all()]  # fmt: skip
            variant = source.variants.all()[0]
            sku = f"C{i}-{variant.sku}"
            variants.append(Variant(
                product=copy, merchant_id=source.merchant_id, sku=sku,
                price_eur=variant.price_eur, weight_grams=variant.weight_grams,
                net_content=variant.net_content, net_unit=variant.net_unit,
            ))  # fmt: skip
            doc = documents[source.pk]
            docs.append(SearchDocument(
                product=copy, title=f"{doc.title} {sku.lower().replace('-', '')}",
                body=doc.body, category_id=doc.category_id,
                merchant_id=doc.merchant_id, origin_country=doc.origin_country,
                in_stock=i % 3 != 0, featured=doc.featured, sales=i % 50,
                listed_at=doc.listed_at,
            ))  # fmt: skip
        with transaction.atomic():
            Product.objects.bulk_create(rows)
            ProductTranslation.objects.bulk_create(texts)
            Variant.objects.bulk_create(variants)
            listing_prices_refresh(products=rows)  # what the cards and facets show
        if len(sample_ids) < 2000:
            sample_ids += [r.pk for r in rows[: 2000 - len(sample_ids)]]
            docs = [d for d in docs if d.product_id not in set(sample_ids)]
        bulk = time.perf_counter()
        with transaction.atomic():
            SearchDocument.objects.bulk_create(docs)
        bulk_seconds += time.perf_counter() - bulk
        done = min(start + BATCH, copies)
        print(f"\r  {done + len(demo):,} products", end="", flush=True)
    print(f"  (made in {time.perf_counter() - started:.0f} s)")
    indexer = time.perf_counter()
    for start in range(0, len(sample_ids), 500):
        products_index(sample_ids[start : start + 500])
    rate = len(sample_ids) / (time.perf_counter() - indexer) if sample_ids else 0.0
    optimize = time.perf_counter()
    engine().optimize()
    bulk_seconds += time.perf_counter() - optimize
    count = SearchDocument.objects.count()
    connection.close()
    return rate, bulk_seconds, count


def in_process(queries: list[str]) -> tuple[list[float], list[float]]:
    """Milliseconds of each query through the search selector and through a plain
    scan of the names (LIKE on SQLite, ILIKE on PostgreSQL)."""
    from django.db import connection

    from etalage.catalog.models import ProductTranslation
    from etalage.search.selectors import search_products

    searched, scanned = [], []
    for q in queries:
        started = time.perf_counter()
        search_products(text=q, market_code="CN", currency="CNY")
        searched.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        list(
            ProductTranslation.objects.filter(name__icontains=q)
            .values_list("product_id", flat=True)
            .distinct()[:24]
        )
        scanned.append((time.perf_counter() - started) * 1000)
    connection.close()
    return searched, scanned


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="sqlite", help="sqlite, postgres or URL")
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    args = parser.parse_args()
    data_dir, _url, engine_name, env = bench_environment(
        args.database, "etalage-bench-search-", "etalage_bench_search"
    )
    print(f"Machine: {machine()}\nDatabase: {engine_name}")
    print(f"Building {args.products:,} products ...")
    rate, bulk_seconds, count = build(args.products)
    from etalage.search.index import search_figures_refresh

    started = time.perf_counter()
    search_figures_refresh()  # (what the clock does every five minutes)
    figures = time.perf_counter() - started
    print(f"Index: the indexer takes {rate:.0f} products/s (a 2,000-product sample:"
          f" segmentation, pinyin, stems, one transaction per 500); the engine's "
          f"index over {count:,} documents written in bulk in {bulk_seconds:.0f} s; "
          f"stock and sales figures refreshed in {figures:.1f} s")  # fmt: skip
    from etalage.search.relevance import CASES

    queries = [q for q, _c, _n in CASES]
    prefixes = sorted({q[: max(2, len(q) // 2)] for q in queries})
    searched, scanned = in_process(queries * 3)
    p50, scan50 = statistics.median(searched), statistics.median(scanned)
    print(f"\nIn this process, one at a time ({len(searched)} queries): search p50 "
          f"{p50:.1f} ms, p95 {percentile(searched, .95):.1f} ms; plain name scan "
          f"p50 {scan50:.1f} ms, p95 {percentile(scanned, .95):.1f} ms (ratio of "
          f"p50s {p50 / scan50:.2f})")  # fmt: skip
    port, server = start_server(env, data_dir, "--workers", str(args.workers))
    try:
        print(f"\nOver HTTP (etalage serve, {args.workers} gunicorn workers), "
              f"{args.duration:.0f} s per run:")  # fmt: skip
        header = f"{'what':28}{'conc.':>6}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
        print(header + f"{'errors':>8}")
        rng = random.Random(3)
        warm = [f"/en/search/?q={urllib.parse.quote(q)}" for q in queries[:30]]
        run_load(port, warm * 4, 8, 30, max_requests=240)  # each worker loads jieba
        for name, paths in (
            ("search /en/search/?q=", [f"/en/search/?q={urllib.parse.quote(q)}"
                                       for q in queries]),
            ("suggest /en/search/suggest/", [
                f"/en/search/suggest/?q={urllib.parse.quote(p)}" for p in prefixes]),
        ):  # fmt: skip
            for level in (1, 8):
                mixed = [rng.choice(paths) for _ in range(50_000)]
                latencies, errors, elapsed = run_load(port, mixed, level,
                                                      args.duration)  # fmt: skip
                ms = [s * 1000 for s in latencies] or [0.0]
                print(f"{name:28}{level:>6}{len(latencies) / elapsed:>8.0f}"
                      f"{statistics.median(ms):>9.1f}{percentile(ms, .95):>9.1f}"
                      f"{len(errors):>8}", flush=True)  # fmt: skip
    except Exception:
        log_text = (data_dir / "server.log").read_text(errors="replace")
        print("server log:\n    " + "\n    ".join(log_text.splitlines()[-60:]))
        raise
    finally:
        stop(server, data_dir)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
