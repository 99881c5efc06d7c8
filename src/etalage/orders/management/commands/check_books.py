import sys

from django.core.management.base import BaseCommand

from etalage.inventory.checks import inventory_problems
from etalage.orders.checks import order_problems


class Command(BaseCommand):
    help = (
        "Verify the books: stock against its movements, allocations and yearly CBEC "
        "usage against the orders, order totals and states; exit 1 when wrong."
    )

    def handle(self, *args, **options):
        problems = inventory_problems() + order_problems()
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            self.stdout.write(f"{len(problems)} problem(s)")
            sys.exit(1)
        self.stdout.write("the books agree")
