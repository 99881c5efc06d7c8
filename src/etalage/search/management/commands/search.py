import sys

from django.core.management.base import BaseCommand

from etalage.search.index import search_reindex


class Command(BaseCommand):
    help = "Search: rebuild the index from the catalogue (`etalage search reindex`)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("reindex", help="rebuild the whole index, with a progress bar")

    def handle(self, *args, action, **options):
        def progress(done: int, total: int) -> None:
            width = 40
            filled = width * done // max(total, 1)
            bar = "█" * filled + "·" * (width - filled)
            self.stdout.write(f"\r  [{bar}] {done:,}/{total:,}", ending="")
            self.stdout.flush()

        interactive = sys.stdout.isatty()
        done = search_reindex(progress=progress if interactive else None)
        if interactive:
            self.stdout.write("")
        self.stdout.write(f"indexed {done:,} products")
