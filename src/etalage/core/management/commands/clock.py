from django.core.management.base import BaseCommand

from etalage.core.clock import run_clock


class Command(BaseCommand):
    help = (
        "Every few seconds: cancel orders not paid in time (giving back their stock "
        "and CBEC usage) and deliver domain events a crash left in the outbox."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=5.0, help="seconds")
        parser.add_argument("--once", action="store_true", help="one round, then stop")

    def handle(self, *args, every, once, **options):
        run_clock(every=every, once=once, log=self.stdout.write)
