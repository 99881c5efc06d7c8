"""CPU a storefront page costs in one process: what bounds latency at concurrency
when the cores are few, measured without needing a quiet machine.

    .venv/bin/python bench/pages_cpu.py --data /tmp/etalage-cpu --products 100000
    .venv/bin/python bench/pages_cpu.py --data /tmp/etalage-cpu --profile search

The first run builds the catalogue in ``--data`` (the demo multiplied, as
``search.py`` does, and its index); later runs reuse it. Each page kind is then
requested through Django's WSGI handler in this process (the middleware, the
view, the templates: what a gunicorn worker runs, without the socket), first
views only (no fragment cache: no Redis), and the CPU time of each request
(``time.process_time``) is printed as mean, p50 and p95 with the queries it made.
``--profile KIND`` prints cProfile's heaviest functions for that kind instead.

A kind ending in " again" (``product again``, ``category again``, ``by price
again``) is that kind's pages each seen once unmeasured, then again measured,
with the fragment cache on (this process's memory standing for Redis: the
fragments are pickled in and out as they would be there).

Process time is the thread's CPU: other work on the machine slows it only by
sharing caches, so it is a fair before/after figure on a busy machine, and at
concurrency c on n cores a page's latency is about c / n times its CPU.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

from machine import in_process_environment


def _environment(data: Path) -> bool:
    """Point this process at ``data``; True when its catalogue is already built."""
    return in_process_environment(data, "cpu-bench-not-secret")


def _paths(rng: random.Random) -> dict[str, list[str]]:
    """Paths of each kind, every one distinct (first views)."""
    from etalage.catalog.models import Category, Product
    from etalage.search.relevance import CASES

    queries = [q for q, _c, _n in CASES]
    prefixes = sorted({q[: max(2, len(q) // 2)] for q in queries})
    slugs = list(
        Product.objects.filter(status="live").values_list("slug", flat=True)[:20000]
    )
    categories = list(Category.objects.values_list("slug", flat=True))
    quote = urllib.parse.quote
    return {
        "search": [f"/en/search/?q={quote(q)}" for q in queries],
        "suggest": [f"/en/search/suggest/?q={quote(p)}" for p in prefixes],
        "category": [f"/c/{c}/?page={n}" for c in categories for n in range(1, 6)],
        "by price": [
            f"/c/{rng.choice(categories)}/?sort=price"
            f"&price_max={rng.randint(100, 3000)}&page={rng.randint(1, 5)}"
            for _ in range(60)
        ],
        "product": [f"/p/{s}/" for s in rng.sample(slugs, 300)],
    }


def _environ(path: str) -> dict:
    address, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": urllib.parse.unquote(address),
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT_LANGUAGE": "zh-CN",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def _get(handler, path: str) -> int:
    status: list[str] = []
    body = handler(_environ(path), lambda s, _h, *_e: status.append(s))
    for _chunk in body:
        pass
    body.close()
    return int(status[0].split()[0])


AGAIN = " again"


def measure(
    handler, paths: list[str], again: bool = False
) -> tuple[list[float], list[int]]:
    """CPU ms of each request, and the queries of each (a second pass); ``again``:
    each page seen once before it is measured."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cpu = []
    for path in paths:
        if again:
            _get(handler, path)
        started = time.process_time()
        status = _get(handler, path)
        cpu.append((time.process_time() - started) * 1000)
        if status != 200:
            raise SystemExit(f"{path}: {status}")
    queries = []
    for path in paths[:20]:
        with CaptureQueriesContext(connection) as captured:
            _get(handler, path)
        queries.append(len(captured.captured_queries))
    return cpu, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/etalage-cpu"))
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument(
        "--kinds",
        default="search,suggest,category,by price,product,"
        "product again,category again,by price again",
    )
    parser.add_argument("--profile", default="", help="a kind to profile")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    built = _environment(args.data)
    sys.path.insert(0, str(Path(__file__).parent))
    if not built:
        from search import build

        print(f"Building {args.products:,} products in {args.data} ...")
        build(args.products)
        (args.data / "built").touch()
    import django
    from django.conf import settings

    # This process's memory stands for Redis: room for every page's fragments and
    # reference data (Django's default of 300 keys would evict them as they come).
    settings.CACHES["default"].setdefault("OPTIONS", {})["MAX_ENTRIES"] = 1_000_000
    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # as serve does

    handler = WSGIHandler()
    paths = _paths(random.Random(5))
    print(f"Load average: {os.getloadavg()[0]:.2f}")
    for path in paths["search"][:5] + paths["product"][-5:] + paths["category"][-3:]:
        _get(handler, path)  # jieba, the index, the templates, the caches loaded
    kinds = [args.profile] if args.profile else args.kinds.split(",")
    for kind in kinds:
        again = kind.endswith(AGAIN)
        wanted = paths[kind.removesuffix(AGAIN)] * args.rounds
        # The fragment cache on for the kinds seen again only (the first views'
        # figures stay those of a process without a shared cache, as before).
        settings.ETALAGE_FRAGMENT_CACHE_SECONDS = 3600 if again else 0
        if args.profile:
            if again:
                for path in wanted:
                    _get(handler, path)
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            started = time.process_time()
            for path in wanted:
                _get(handler, path)
            profiler.disable()
            each = (time.process_time() - started) * 1000 / len(wanted)
            print(f"{kind}: {len(wanted)} requests, {each:.1f} ms CPU each (profiled)")
            for order in ("cumulative", "tottime"):
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(45)
                print(out.getvalue())
            continue
        cpu, queries = measure(handler, wanted, again)
        ordered = sorted(cpu)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        print(
            f"{kind:16} {len(cpu):>4} requests  CPU ms mean {statistics.mean(cpu):5.1f}"
            f"  p50 {statistics.median(cpu):5.1f}  p95 {p95:5.1f}"
            f"  queries {min(queries)}-{max(queries)}",
            flush=True,
        )


if __name__ == "__main__":
    main()
