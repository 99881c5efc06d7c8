"""Precision and recall of search over the demo catalogue, query by query.

    .venv/bin/python bench/relevance.py            # a fresh SQLite demo
    .venv/bin/python bench/relevance.py --database postgres

It loads the demo marketplace into a fresh database, builds the search index and
runs the relevance set (``etalage.search.relevance``: queries in zh-Hans,
Traditional characters, pinyin, French, Dutch and English, each with the demo
categories whose products are the right answers), printing precision@5 and
recall@5 of each query and overall, next to a plain ``LIKE`` scan of the names
(the baseline).
"""

from __future__ import annotations

import argparse
import sys
import time

from machine import bench_environment, machine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\\n\\n")[0])
    parser.add_argument("--database", default="sqlite", help="sqlite, postgres or URL")
    args = parser.parse_args()
    data_dir, _url, engine_name, _env = bench_environment(
        args.database, "etalage-relevance-", "etalage_bench_relevance"
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from etalage.catalog.models import Product
    from etalage.demo.loader import load_demo
    from etalage.search.index import search_reindex
    from etalage.search.relevance import CASES, evaluate
    from etalage.search.selectors import search_products

    load_demo(log=lambda *_a: None, with_images=False)
    started = time.perf_counter()
    indexed = search_reindex()
    print(
        f"Machine: {machine()}\nDatabase: {engine_name}; {indexed} products indexed "
        f"in {time.perf_counter() - started:.1f} s\n"
    )
    slugs = dict(Product.objects.values_list("pk", "category__slug"))

    def ranked(query: str) -> list[str]:
        found = search_products(text=query, market_code="CN", currency="CNY")
        return [slugs[p.pk] for p in found.products]

    def scanned(query: str) -> list[str]:  # the baseline: names containing the query
        hits = Product.objects.filter(
            status="live", translations__name__icontains=query
        ).distinct()
        return [slugs[pk] for pk in hits.values_list("pk", flat=True)[:5]]

    rows = evaluate(ranked)
    baseline = evaluate(scanned)
    print(f"{'query':24}{'P@5':>6}{'R@5':>6}   {'LIKE P@5':>9}{'R@5':>6}   first five")
    for (query, p, r, top), (_q, bp, br, _t) in zip(rows, baseline, strict=True):
        print(f"{query:24}{p:>6.2f}{r:>6.2f}   {bp:>9.2f}{br:>6.2f}   {', '.join(top)}")
    mean = lambda values: sum(values) / len(values)  # noqa: E731
    precision = mean([r[1] for r in rows])
    print(
        f"\n{len(CASES)} queries. Search: precision@5 {precision:.3f}, "
        f"recall@5 {mean([r[2] for r in rows]):.3f}; LIKE scan of the names: "
        f"precision@5 {mean([r[1] for r in baseline]):.3f}, recall@5 "
        f"{mean([r[2] for r in baseline]):.3f}"
    )
    import shutil

    shutil.rmtree(data_dir, ignore_errors=True)
    if any(p < 1.0 for _q, p, _r, _t in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
