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
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
            version = conn.execute("SHOW server_version").fetchone()[0]
        return f"{server}/{name}", f"PostgreSQL {version}"
    return choice, choice.split(":", 1)[0]


def bench_environment(database: str, prefix: str, name: str):
    """A fresh data directory and database, and the environment that points the
    server and this process at them; returns (data_dir, url, engine, env)."""
    import tempfile

    data_dir = Path(tempfile.mkdtemp(prefix=prefix))
    url, engine = database_url(database, data_dir, name=name)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ETALAGE_DATA_DIR": str(data_dir),
        "ETALAGE_SECRET_KEY": "bench-" + os.urandom(16).hex(),
        "ETALAGE_DEBUG": "0",
        "ETALAGE_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "etalage.settings",
    }
    os.environ.update(env)
    return data_dir, url, engine, env


def stop(server, data_dir: Path) -> None:
    """Stop the server (and its process group when it has one); remove the data."""
    import shutil
    import signal
    import subprocess

    try:
        os.killpg(server.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
    shutil.rmtree(data_dir, ignore_errors=True)
