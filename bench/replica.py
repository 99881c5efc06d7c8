"""Reads served by a PostgreSQL streaming replica: a local primary and replica, the
storefront's pages read from the replica, everything else from the primary.

    .venv/bin/python bench/replica.py                   # 20,000 products
    .venv/bin/python bench/replica.py --products 5000 --duration 5

It starts a private PostgreSQL primary (initdb, `wal_level=replica`) and a streaming
replica of it (`pg_basebackup -R`, hot standby) from the installed binaries, each
in a temporary directory on a port of its own; builds the catalogue on the primary
(``storefront.build_catalogue``) and times how long the replica takes to replay it;
then serves Étalage twice, the production way (`etalage serve`, the reference cache
on, the rendered-fragment cache off so that every page reads the database): once on
the primary alone, once with `ETALAGE_REPLICA_URLS` naming the replica. Each time it
sends product and category pages at concurrency 8 and prints the pages a second and
the transactions and rows each server answered (PostgreSQL's own statistics,
`pg_stat_database`). pgbench's TPC-B on the primary at the same concurrency is the
reference. Everything listens on 127.0.0.1 and is removed at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from checkout import pgbench_tps
from machine import bench_environment, machine
from storefront import (
    build_catalogue,
    free_port,
    percentile,
    run_load,
    start_server,
)


def _pg_bin() -> Path:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name)
    )
    if not found or shutil.which("runuser") is None:
        raise SystemExit("needs PostgreSQL's server binaries and runuser")
    return found[-1]


def _as_postgres(*command) -> None:
    subprocess.run(
        ["runuser", "-u", "postgres", "--", *map(str, command)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


class Servers:
    """A private primary and its streaming replica."""

    def __init__(self) -> None:
        self.bin = _pg_bin()
        self.root = Path(tempfile.mkdtemp(prefix="etalage-replica-"))
        shutil.chown(self.root, "postgres", "postgres")
        self.primary_port, self.replica_port = free_port(), free_port()

    def start(self) -> None:
        primary, replica = self.root / "primary", self.root / "replica"
        _as_postgres(
            self.bin / "initdb", "-D", primary, "-U", "postgres", "--auth=trust"
        )
        with (primary / "postgresql.conf").open("a") as conf:
            conf.write(
                "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.root}'\n"
                "max_connections = 100\nshared_buffers = 256MB\n"
            )
        self._start(primary, self.primary_port)
        _as_postgres(
            self.bin / "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            self.primary_port,
            "-U",
            "postgres",
            "-D",
            replica,
            "-R",
            "-X",
            "stream",
        )
        self._start(replica, self.replica_port)

    def _start(self, data: Path, port: int) -> None:
        _as_postgres(
            self.bin / "pg_ctl",
            "-D",
            data,
            "-l",
            data.with_suffix(".log"),
            "-w",
            "-o",
            f"-p {port}",
            "start",
        )

    def stop(self) -> None:
        for name in ("replica", "primary"):
            if (self.root / name / "postmaster.pid").exists():
                _as_postgres(
                    self.bin / "pg_ctl", "-D", self.root / name, "-m", "fast", "stop"
                )
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, port: int, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{name}"


def _statistics(url: str) -> tuple[int, int]:
    """Transactions and rows (returned + fetched) the server has answered for the
    database so far."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        row = conn.execute(
            "SELECT xact_commit + xact_rollback, tup_returned + tup_fetched "
            "FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
    return int(row[0]), int(row[1])


def _caught_up(primary: str, replica: str, timeout: float = 300) -> float:
    """Wait until the replica has replayed what the primary wrote; return seconds."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(primary, autocommit=True) as conn:
        target = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    with psycopg.connect(replica, autocommit=True) as conn:
        while True:
            behind = conn.execute(
                "SELECT pg_wal_lsn_diff(%s, pg_last_wal_replay_lsn())", [target]
            ).fetchone()[0]
            if behind <= 0:
                return time.perf_counter() - started
            if time.perf_counter() - started > timeout:
                raise SystemExit("the replica did not catch up")
            time.sleep(0.05)


def _serve_and_load(env, data_dir, paths, duration, concurrency, urls):
    port, server = start_server(env, data_dir, "--workers", "3")
    try:
        run_load(port, paths[:100], 4, 3)  # the workers load what they load lazily
        before = {name: _statistics(url) for name, url in urls.items()}
        latencies, errors, elapsed = run_load(port, paths, concurrency, duration)
        after = {name: _statistics(url) for name, url in urls.items()}
    finally:
        server.terminate()
        server.wait(timeout=30)
    spent = {
        name: (after[name][0] - before[name][0], after[name][1] - before[name][1])
        for name in urls
    }
    ms = sorted(x * 1000 for x in latencies)
    return len(ms) / elapsed, percentile(ms, 0.5), percentile(ms, 0.95), errors, spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("run as root: the servers run as the postgres user")

    servers = Servers()
    data_dir = None
    try:
        servers.start()
        primary = servers.url(servers.primary_port, "etalage_bench")
        replica = servers.url(servers.replica_port, "etalage_bench")
        data_dir, _url, engine, env = bench_environment(
            primary, "etalage-bench-", "etalage_bench", "off"
        )
        env["ETALAGE_FRAGMENT_CACHE_SECONDS"] = "0"
        env["ETALAGE_REFERENCE_CACHE_SECONDS"] = "60"
        print(
            f"Primary on port {servers.primary_port}, streaming replica on port "
            f"{servers.replica_port} ({engine})"
        )
        started = time.perf_counter()
        print(f"Building {args.products:,} products on the primary ...")
        urls = build_catalogue(args.products)
        from django.db import connections

        connections.close_all()
        print(
            f"  built in {time.perf_counter() - started:.0f} s; the replica replayed "
            f"the rest in {_caught_up(primary, replica):.2f} s"
        )
        rng = random.Random(5)
        paths = [
            f"/p/{rng.choice(urls['products'])}/"
            if n % 2
            else f"/c/{rng.choice(urls['categories'])}/?page={rng.randint(1, 10)}"
            for n in range(20_000)
        ]
        reference = pgbench_tps(
            primary.rsplit("/", 1)[0] + "/etalage_bench",
            args.concurrency,
            args.duration,
        )
        print(f"\nMachine: {machine()}")
        print(
            f"Load: product and category pages, concurrency {args.concurrency}, "
            f"{args.duration:.0f} s a run; pgbench TPC-B on the primary: "
            f"{reference[0] if reference else 0:,.0f} tps"
        )
        print()
        header = f"{'reads from':<22}{'pages/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        print(
            header + f"{'primary xacts':>15}{'rows':>12}{'replica xacts':>15}"
            f"{'rows':>12}"
        )
        stats = {"primary": primary, "replica": replica}
        runs = (
            ("the primary alone", {}),
            ("the replica", {"ETALAGE_REPLICA_URLS": replica}),
        )
        for label, extra in runs:
            rate, p50, p95, errors, spent = _serve_and_load(
                {**env, **extra},
                data_dir,
                paths,
                args.duration,
                args.concurrency,
                stats,
            )
            print(
                f"{label:<22}{rate:>9.0f}{p50:>9.1f}{p95:>9.1f}"
                f"{spent['primary'][0]:>15,}{spent['primary'][1]:>12,}"
                f"{spent['replica'][0]:>15,}{spent['replica'][1]:>12,}"
            )
            if errors:
                print(f"  errors: {len(errors)}, first: {errors[0]}")
                sys.exit(1)
    finally:
        if data_dir is not None:
            shutil.rmtree(data_dir, ignore_errors=True)
        servers.stop()


if __name__ == "__main__":
    main()
