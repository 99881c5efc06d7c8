"""Benchmark search on a large catalogue: the index built, queries and suggestions
over HTTP against `etalage serve`, beside a plain scan of the same data.

    .venv/bin/python bench/search.py                                  # SQLite, 100,000
    .venv/bin/python bench/search.py --database postgres --products 1000000
    .venv/bin/python bench/search.py --products 100000 --replicas 2   # two nodes

It loads the demo marketplace, then multiplies its products to ``--products``
(``catalogue.py``: each copy is the rows the app wrote for a demo product — its
texts in the four languages, variants, prices in each market and stock — with its
own key, slug and SKU, written by COPY or executemany), and builds the index with
the real indexer (``etalage search reindex``: every product read from the catalogue,
segmented, in pinyin, stemmed, written to tantivy), timed; the indexer's rate is
also printed for texts it has never seen (the demo's, caches empty: what a catalogue
of distinct texts costs). Then, against `etalage serve`, it requests `/search/?q=`
for the relevance set's queries and `/search/suggest/?q=` for their first letters,
at concurrency 1 and 8, printing requests per second and p50/p95; and, in this
process, the same queries through the search selector and through a plain
`LIKE`/`ILIKE` scan of the products' names (the reference), one at a time. With
``--replicas 2`` a second node (its own index folder, a copy of the first, and its
own follower) serves beside the first: both are loaded at once, and a listing
changed on the primary database is timed until each node finds it.

Targets (issue 26): on 1,000,000 products, search p95 under 50 ms at concurrency
8, suggestions p95 under 20 ms, indexing at least 5,000 products/s.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from catalogue import catalogue_multiply
from machine import bench_environment, cpu_seconds, machine, stop
from storefront import percentile, run_load, start_server


def build(products: int) -> tuple[float, float, int, float]:
    """The catalogue and its index; returns (indexer products/s over the whole
    catalogue, seconds it took, products indexed, products/s on unseen texts)."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    from etalage.catalog.models import Product
    from etalage.demo.loader import load_demo
    from etalage.search import text
    from etalage.search.documents import categories_read, documents_read
    from etalage.search.index import search_reindex

    load_demo(log=lambda *_a: None, with_images=False)
    demo = list(Product.objects.filter(status="live").values_list("pk", flat=True))
    # The indexer on texts it has never seen (its caches of words and phrases
    # empty): the demo's products, in this fresh process.
    text.index_terms("比利时巧克力")  # (jieba's dictionary loaded first)
    for cached in (text._text_terms, text._run_terms, text.pinyin, text.stems):
        cached.cache_clear()
    started = time.perf_counter()
    documents_read(demo, categories_read())
    unseen = len(demo) / (time.perf_counter() - started)
    started = time.perf_counter()
    catalogue_multiply(
        products,
        progress=lambda done: print(
            f"\r  {done + len(demo):,} products", end="", flush=True
        ),
    )
    print(f"  (made in {time.perf_counter() - started:.0f} s)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    connection.close()
    started = time.perf_counter()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 10 or done == total:
            last[0] = time.perf_counter()
            print(f"\r  indexed {done:,}/{total:,}", end="", flush=True)

    count = search_reindex(progress=progress)
    seconds = time.perf_counter() - started
    print()
    connection.close()
    return count / seconds, seconds, count, unseen


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


def _rss_mb(mark: str, group: int) -> float:
    """Resident memory of the processes of the server's process group ``group``
    whose command line has ``mark``, in MB (others' servers on the machine left
    out)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if mark in command and os.getpgid(int(entry.name)) == group:
                for line in (entry / "status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except (OSError, ProcessLookupError):
            continue
    return total / 1024


def _http_runs(
    port: int, queries: list[str], prefixes: list[str], duration: float, levels=(1, 8)
) -> dict:
    header = f"{'what':28}{'conc.':>6}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
    print(header + f"{'errors':>8}  CPU ms per request")
    rng = random.Random(3)
    results = {}
    for name, paths in (
        (
            "search /en/search/?q=",
            [f"/en/search/?q={urllib.parse.quote(q)}" for q in queries],
        ),
        (
            "suggest /en/search/suggest/",
            [f"/en/search/suggest/?q={urllib.parse.quote(p)}" for p in prefixes],
        ),
    ):
        for level in levels:
            mixed = [rng.choice(paths) for _ in range(50_000)]
            before = cpu_seconds()
            latencies, errors, elapsed = run_load(port, mixed, level, duration)
            after = cpu_seconds()
            ms = [x * 1000 for x in latencies] or [0.0]
            web = (after.get("web workers", 0) - before.get("web workers", 0)) * 1000
            results[(name, level)] = (statistics.median(ms), percentile(ms, 0.95))
            print(
                f"{name:28}{level:>6}{len(latencies) / elapsed:>8.0f}"
                f"{statistics.median(ms):>9.1f}{percentile(ms, 0.95):>9.1f}"
                f"{len(errors):>8}  {web / max(len(ms), 1):.1f} (web workers)",
                flush=True,
            )
    return results


def _lag(ports: list[int]) -> list[float]:
    """Seconds from a listing's change committed to each node finding it."""
    from django.db import connection, transaction

    from etalage.catalog.models import Product, ProductTranslation
    from etalage.events.outbox import event_record
    from etalage.events.types import ProductsChanged

    word = f"zqx{random.randint(10_000, 99_999)}"
    product = Product.objects.filter(status="live").order_by("pk").first()
    ProductTranslation.objects.filter(product=product, language="en").update(
        name=f"Bench {word}"
    )
    with transaction.atomic():  # the catalogue's event, as an edit records it
        event_record(ProductsChanged(product_ids=(product.pk,)))
    started = time.perf_counter()
    connection.close()
    lags: list[float] = [0.0 for _ in ports]
    waiting = set(range(len(ports)))
    while waiting and time.perf_counter() - started < 60:
        for i in sorted(waiting):
            url = f"http://127.0.0.1:{ports[i]}/en/search/?q={word}"
            with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310
                if product.slug in answer.read().decode():
                    lags[i] = time.perf_counter() - started
                    waiting.discard(i)
        time.sleep(0.05)
    return lags


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="sqlite", help="sqlite, postgres or URL")
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument("--replicas", type=int, default=1, choices=(1, 2))
    parser.add_argument(
        "--keep", type=Path, default=None, metavar="DIR",
        help="SQLite: build the catalogue and its index in DIR and keep them; a "
        "later run with the same DIR reuses them (its indexing is not measured)",
    )  # fmt: skip
    args = parser.parse_args()
    data_dir, _url, engine_name, env = bench_environment(
        args.database, "etalage-bench-search-", "etalage_bench_search", kept=args.keep
    )
    env["ETALAGE_PAYMENT_SANDBOX"] = "1"  # (no provider's keys here: its sandbox)
    print(f"Machine: {machine()}\nDatabase: {engine_name}")
    print(f"Load average before: {os.getloadavg()[0]:.2f} (other work on the machine)")
    import django

    django.setup()
    from etalage.search.store import current_path, index_size

    if args.keep and (args.keep / "built").exists():
        from etalage.catalog.selectors import visible_products

        count = visible_products().count()
        size = index_size(current_path())
        print(
            f"Reused the catalogue and index kept in {args.keep} ({count:,} products; "
            f"indexing not measured in this run). On disk: {size / 1e6:,.0f} MB"
        )
    else:
        print(f"Building {args.products:,} products ...")
        rate, seconds, count, unseen = build(args.products)
        if args.keep:
            (args.keep / "built").touch()
        size = index_size(current_path())
        print(
            f"Index: {count:,} products indexed in {seconds:.0f} s, {rate:,.0f} "
            f"products/s (etalage search reindex: read, segmented, pinyin, stems, "
            f"written; a catalogue of copies: its words and phrases seen before); "
            f"on texts never seen before: {unseen:,.0f} products/s in one process. "
            f"On disk: {size / 1e6:,.0f} MB ({size / count * 1e6 / 1e9:.2f} GB "
            f"per million products)"
        )
    from etalage.search.relevance import CASES

    queries = [q for q, _c, _n in CASES]
    prefixes = sorted({q[: max(2, len(q) // 2)] for q in queries})
    searched, scanned = in_process(queries * 3)
    p50, scan50 = statistics.median(searched), statistics.median(scanned)
    print(
        f"\nIn this process, one at a time ({len(searched)} queries): search p50 "
        f"{p50:.1f} ms, p95 {percentile(searched, 0.95):.1f} ms; plain name scan "
        f"(the reference) p50 {scan50:.1f} ms, p95 {percentile(scanned, 0.95):.1f} "
        f"ms (ratio of p50s {p50 / scan50:.2f})"
    )
    servers = []
    try:
        port, server = start_server(env, data_dir, "--workers", str(args.workers))
        servers.append((server, data_dir))
        ports = [port]
        print(
            f"\nOver HTTP (etalage serve, {args.workers} gunicorn workers), "
            f"{args.duration:.0f} s per run:"
        )
        warm = [f"/en/search/?q={urllib.parse.quote(q)}" for q in queries[:30]]
        run_load(port, warm * 4, 8, 30, max_requests=240)  # each worker loads jieba
        _http_runs(port, queries, prefixes, args.duration)
        web_mb = _rss_mb("gunicorn", server.pid)
        print(
            f"Memory after the runs: web workers {web_mb:,.0f} MB "
            f"resident in all ({args.workers} workers and the master; the index "
            f"is mapped from disk and shared through the page cache), the "
            f"follower {_rss_mb('search follow', server.pid):,.0f} MB"
        )
        if args.replicas == 2:
            second = Path(str(data_dir) + "-node2")
            shutil.copytree(data_dir / "search", second / "search", symlinks=True)
            (second / "media").mkdir(parents=True, exist_ok=True)
            env2 = {
                **env,
                "ETALAGE_SEARCH_DIR": str(second / "search"),
                "ETALAGE_SEARCH_NODE": "node2",
            }
            port2, server2 = start_server(env2, second, "--workers", "2")
            servers.append((server2, second))
            ports.append(port2)
            run_load(port2, warm * 4, 4, 30, max_requests=120)
            print(
                "\nTwo nodes, each with its own index (a copy of the first's, "
                "caught up by its own follower), loaded at once:"
            )
            from concurrent.futures import ThreadPoolExecutor

            paths = [f"/en/search/?q={urllib.parse.quote(q)}" for q in queries]
            with ThreadPoolExecutor(2) as pool:  # each load in its own process
                both = list(
                    pool.map(lambda p: run_load(p, paths * 50, 4, args.duration), ports)
                )
            for node, (latencies, errors, elapsed) in enumerate(both, start=1):
                ms = [x * 1000 for x in latencies] or [0.0]
                print(
                    f"  node {node}: concurrency 4, {len(ms) / elapsed:.0f} req/s, "
                    f"p50 {statistics.median(ms):.1f} ms, p95 "
                    f"{percentile(ms, 0.95):.1f} ms, {len(errors)} errors"
                )
            lags = _lag(ports)
            print(
                "  a listing changed: found by node 1 after "
                f"{lags[0]:.2f} s, by node 2 after {lags[1]:.2f} s"
            )
    except Exception:
        log_text = (data_dir / "server.log").read_text(errors="replace")
        print("server log:\n    " + "\n    ".join(log_text.splitlines()[-60:]))
        raise
    finally:
        print(f"Load average after: {os.getloadavg()[0]:.2f}")
        for server, folder in reversed(servers):
            stop(server, folder, keep=folder == args.keep)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
