"""What the benchmarks share: the machine they ran on and the database they use."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        total_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {total_kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{platform.node()}: {cpu}, {os.cpu_count()} cores{memory}, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def database_url(
    choice: str, data_dir: Path, name: str = "etalage_bench"
) -> tuple[str, str]:
    if choice == "sqlite":
        return f"sqlite:///{data_dir / 'bench.sqlite3'}", "SQLite (WAL)"
    if choice == "postgres" or choice.startswith(("postgres://", "postgresql://")):
        # "postgres": the local server; a URL: that server. A fresh database either way.
        import psycopg

        server = "postgres://postgres@127.0.0.1:5432"
        if choice != "postgres":
            server = choice.rsplit("/", 1)[0] if choice.count("/") > 2 else choice
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
            version = conn.execute("SHOW server_version").fetchone()[0]
        return f"{server}/{name}", f"PostgreSQL {version}"
    return choice, choice.split(":", 1)[0]
