import sys

from django.core.management.base import BaseCommand

from etalage.core.books import books_notes, books_problems


class Command(BaseCommand):
    help = (
        "Verify the books: stock against its movements, allocations and yearly CBEC "
        "usage against the orders, order totals and states, payments and refunds "
        "against the orders; exit 1 when wrong."
    )

    def handle(self, *args, **options):
        for note in books_notes():
            self.stdout.write(note)
        problems = books_problems()
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            self.stdout.write(f"{len(problems)} problem(s)")
            sys.exit(1)
        self.stdout.write("the books agree")
