import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, load the demo if asked, and serve Étalage with gunicorn."

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
            "--demo",
            action="store_true",
            help="load the demo marketplace if the database has none yet",
        )

    def handle(self, *args, host, port, workers, demo, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if demo:
            call_command("demo", "load", stdout=self.stdout)
        call_command("collectstatic", interactive=False, verbosity=0)
        base = f"http://{host}:{port}"
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "Étalage is starting:",
                    f"  storefront (buyers)     {base}/",
                    f"  merchant portal         {base}/portal/",
                    f"  back-office (operator)  {base}/backoffice/",
                    f"  REST API and its docs   {base}/api/v1/docs",
                    "",
                ]
            )
        )
        if demo:
            from etalage.demo.loader import DEMO_LOGINS

            self.stdout.write("Demo logins (user / password):")
            for role, username, password in DEMO_LOGINS:
                self.stdout.write(f"  {role:<26}  {username} / {password}")
            self.stdout.write("")
        self.stdout.flush()
        argv = [
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
            argv.append("--reload")
        os.execv(sys.executable, argv)  # noqa: S606 (argv is built here, no shell)
