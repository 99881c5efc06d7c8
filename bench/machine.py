"""What the benchmarks share: the machine they ran on and the database they use."""

from __future__ import annotations

import base64
import json
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


BENCH_REDIS = "redis://127.0.0.1:6379/14"  # a database of its own, emptied first


def redis_url(choice: str) -> str:
    """The Redis a benchmark's server uses: "auto" (the local one if it answers),
    "off" or a URL; emptied first. "" for none."""
    if choice == "off":
        return ""
    url = BENCH_REDIS if choice == "auto" else choice
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except Exception:  # noqa: BLE001 (no Redis here: the database counts instead)
        if choice != "auto":
            raise
        return ""
    return url


def in_process_environment(data: Path, secret: str, **extra: str) -> bool:
    """Point this process at a SQLite database and data in ``data`` kept between
    runs (the benches that measure in process); True when it is already built.
    ``secret`` stays the same for a folder: its ID numbers' keys derive from it."""
    data.mkdir(parents=True, exist_ok=True)
    (data / "media").mkdir(exist_ok=True)
    os.environ.update(
        DATABASE_URL=f"sqlite:///{data / 'bench.sqlite3'}",
        ETALAGE_DATA_DIR=str(data),
        ETALAGE_SECRET_KEY=secret,
        ETALAGE_ID_HMAC_KEY="00" * 32,
        ETALAGE_DEBUG="0",
        ETALAGE_LOG_LEVEL="WARNING",
        ETALAGE_PAYMENT_SANDBOX="1",
        ETALAGE_TASK_BROKER="database",
        DJANGO_SETTINGS_MODULE="etalage.settings",
        **extra,
    )
    os.environ.pop("ETALAGE_REDIS_URL", None)
    return (data / "built").exists()


def bench_environment(
    database: str, prefix: str, name: str, redis: str = "off", kept: Path | None = None
):
    """A fresh data directory and database (or ``kept``, a SQLite one built by an
    earlier run and kept), and the environment that points the server and this
    process at them; returns (data_dir, url, engine, env). The engine names Redis
    when the server uses it (cache, sessions, shared counts)."""
    import tempfile

    if kept is not None:
        if database != "sqlite":
            raise SystemExit("--keep: SQLite only (a kept PostgreSQL needs its name)")
        kept.mkdir(parents=True, exist_ok=True)
        (kept / "media").mkdir(exist_ok=True)
    data_dir = kept or Path(tempfile.mkdtemp(prefix=prefix))
    url, engine = database_url(database, data_dir, name=name)
    cache = redis_url(redis)
    if cache:
        os.environ["ETALAGE_REDIS_URL"] = cache
        engine += ", Redis (cache, sessions, limits)"
    else:
        os.environ.pop("ETALAGE_REDIS_URL", None)
    if os.environ.get("ETALAGE_TASK_BROKER") == "redis" and cache:
        engine += ", tasks on Redis (RQ)"
    else:
        os.environ["ETALAGE_TASK_BROKER"] = "database"
        engine += ", tasks in the database"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ETALAGE_DATA_DIR": str(data_dir),
        "ETALAGE_SECRET_KEY": "bench-" + os.urandom(16).hex(),
        # A deployment's own keys for buyers' ID numbers (a server with a sandbox
        # off refuses to start without them), made for this run.
        "ETALAGE_ID_ENCRYPTION_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "ETALAGE_ID_HMAC_KEY": os.urandom(32).hex(),
        "ETALAGE_DEBUG": "0",
        "ETALAGE_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "etalage.settings",
    }
    if kept is not None:  # the keys its buyers' ID numbers were written with
        keys = kept / "keys.json"
        names = (
            "ETALAGE_SECRET_KEY",
            "ETALAGE_ID_ENCRYPTION_KEYS",
            "ETALAGE_ID_HMAC_KEY",
        )
        if keys.exists():
            env.update(json.loads(keys.read_text()))
        else:
            keys.write_text(json.dumps({name: env[name] for name in names}))
    os.environ.update(env)
    return data_dir, url, engine, env


def stop(server, data_dir: Path, keep: bool = False) -> None:
    """Stop the server (and its process group when it has one); remove the data
    unless it is to be ``keep``-t for another run."""
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
    if not keep:
        shutil.rmtree(data_dir, ignore_errors=True)


# The processes a benchmark's CPU time is counted for, by what their command line has.
_KINDS = (
    ("gunicorn", "web workers"),
    ("uvicorn", "web workers"),
    ("db_worker", "background workers"),
    ("rqworker", "background workers"),
    ("etalage clock", "clock"),
    ("postgres", "PostgreSQL"),
    ("redis-server", "Redis"),
    ("nats-server", "NATS"),
)


def cpu_seconds(load_pid: int | None = None) -> dict[str, float]:
    """CPU time (user + system) used so far by each kind of process on the machine:
    read before and after a run, the difference is what the run cost each."""
    tick = os.sysconf("SC_CLK_TCK")
    used: dict[str, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if load_pid is not None and int(entry.name) == load_pid:
            kind = "load generator"
        else:
            kind = next((k for mark, k in _KINDS if mark in command), "other")
        used[kind] = used.get(kind, 0.0) + seconds
    return used


def cpu_per(before: dict[str, float], after: dict[str, float], count: int) -> str:
    """Milliseconds of CPU per unit of work (``count`` units) by kind of process."""
    spent = {k: after.get(k, 0.0) - before.get(k, 0.0) for k in after}
    parts = [
        f"{kind} {seconds * 1000 / count:.2f}"
        for kind, seconds in sorted(spent.items(), key=lambda item: -item[1])
        if seconds * 1000 / count >= 0.05
    ]
    total = sum(v for v in spent.values() if v > 0) * 1000 / count
    return f"{total:.2f} ms ({', '.join(parts)})"
