import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

# The demo's emails: a file each, named by time, recipient and subject.
FILE_EMAILS = "etalage.core.email_files.EmailFilesBackend"


class Command(BaseCommand):
    help = (
        "Migrate, load the demo if asked, and serve Étalage (gunicorn) with its worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("PORT", 8000))
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("ETALAGE_WORKERS", (os.cpu_count() or 1) + 1)),
        )
        parser.add_argument(
            "--task-workers",
            type=int,
            default=int(os.environ.get("ETALAGE_TASK_WORKERS", 0)),
            help="background worker processes (notifications, outbox, imports); "
            "default: 2 on PostgreSQL, 1 on SQLite (one writer at a time)",
        )
        parser.add_argument(
            "--demo",
            action="store_true",
            help="load the demo marketplace if the database has none yet",
        )

    def handle(self, *args, host, port, workers, task_workers, demo, **options):
        # Links in emails lead where Étalage is served, unless configured otherwise.
        if "ETALAGE_SITE_URL" not in os.environ:
            os.environ["ETALAGE_SITE_URL"] = f"http://{host}:{port}"
            # (this process too: the demo's payments name their notify address)
            settings.ETALAGE_SITE_URL = os.environ["ETALAGE_SITE_URL"]
        if demo and "ETALAGE_EMAIL_BACKEND" not in os.environ:
            # The demo sends dozens of emails as it loads and its clock runs: into
            # files, one an email, so the console stays readable (the banner says
            # where they are).
            emails = settings.DATA_DIR / "emails"
            emails.mkdir(parents=True, exist_ok=True)
            os.environ["ETALAGE_EMAIL_BACKEND"] = FILE_EMAILS
            os.environ["ETALAGE_EMAIL_FILE_PATH"] = str(emails)
            settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH = FILE_EMAILS, str(emails)
        call_command("migrate", interactive=False, verbosity=0)
        if demo:
            call_command("demo", "load", stdout=self.stdout)
            # The demo's paid parcels move by themselves (the clock's chore).
            os.environ.setdefault("ETALAGE_DEMO_CLOCK", "1")
        # A fresh node (or the demo's first run) builds its search index first.
        call_command("search", "reindex", "--if-missing", stdout=self.stdout)
        call_command("collectstatic", interactive=False, verbosity=0)
        base = f"http://{host}:{port}"
        self.stdout.write(f"\nÉtalage is starting at {base}/ (warming up)…\n")
        self.stdout.flush()

        def ready() -> None:
            self.stdout.write(
                "\n".join(
                    [
                        "",
                        "Étalage is ready:",
                        f"  storefront (buyers)     {base}/",
                        f"  merchant portal         {base}/portal/",
                        f"  back-office (operator)  {base}/backoffice/",
                        f"  REST API and its docs   {base}/api/v1/docs",
                        "",
                    ]
                )
            )
            if settings.EMAIL_BACKEND == FILE_EMAILS:
                self.stdout.write(
                    f"Emails (sign-up links, orders) are written to "
                    f"{settings.EMAIL_FILE_PATH}/, one .eml file each, named by "
                    f"time, recipient and subject (newest last).\n"
                )
            if demo:
                call_command("demo", "logins", stdout=self.stdout)
            self.stdout.flush()

        server = [
            sys.executable,
            "-m",
            "gunicorn",
            "etalage.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
        ]
        if settings.DEBUG:
            server.append("--reload")
        worker = _task_worker()
        clock = [sys.executable, "-m", "etalage", "clock"]
        # This node's search index: one writer, following the log of changes.
        follower = [sys.executable, "-m", "etalage", "search", "follow"]
        if not task_workers:
            task_workers = 1 if connection.vendor == "sqlite" else 2
        self._supervise(
            [server, *[worker] * task_workers, clock, follower],
            ready_at=f"{base}/",
            ready=ready,
        )

    def _supervise(
        self, commands: list[list[str]], ready_at: str, ready: Callable[[], None]
    ) -> None:
        """Run the web server (the first command), the background workers and the
        clock. A worker or the clock that exits is started again (a database lock
        that outlasted its timeout must not take the site down); when the web
        server stops, or on SIGTERM/SIGINT, everything stops."""
        children = [subprocess.Popen(command) for command in commands]  # noqa: S603
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        waiting_since = time.monotonic()
        try:
            while not stopping and children[0].poll() is None:
                if waiting_since and _answers(ready_at):
                    waiting_since = 0.0
                    ready()  # the banner once the first page is served
                for i, child in enumerate(children[1:], start=1):
                    if child.poll() is not None and not stopping:
                        self.stderr.write(
                            f"{' '.join(commands[i][2:])} exited ({child.returncode});"
                            " starting it again"
                        )
                        children[i] = subprocess.Popen(commands[i])  # noqa: S603
                time.sleep(0.5)
        finally:
            stop()
            for child in children:
                try:
                    child.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    child.kill()
        code = children[0].returncode
        if code not in (0, -15, None):
            sys.exit(code)


def _answers(url: str) -> bool:
    """Whether the server serves its first page (loaded, migrated, warmed up)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 (ours)
            return answer.status < 500
    except (OSError, ValueError):
        return False


def _task_worker() -> list[str]:
    """The command of one background worker: on Redis (RQ), one that waits for the
    next task and runs it in its own process, no fork per task, the one that holds
    the scheduler's lock starting deferred tasks; otherwise one that looks for new
    task rows in the database every 0.2 s."""
    if settings.ETALAGE_TASK_BROKER == "redis":
        return [
            sys.executable,
            "-m",
            "etalage",
            "rqworker",
            "default",
            "--worker-class",
            "rq.worker.SimpleWorker",
            "--job-class",
            "django_tasks_rq.Job",
            "--with-scheduler",
        ]
    return [sys.executable, "-m", "etalage", "db_worker", "--interval", "0.2"]
