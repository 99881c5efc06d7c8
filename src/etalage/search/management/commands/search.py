import sys

from django.core.management.base import BaseCommand

from etalage.search.feed import search_follow, search_follow_forever, search_status
from etalage.search.index import index_exists, search_reindex
from etalage.search.status import status_lines


class Command(BaseCommand):
    help = (
        "Search: rebuild this node's index beside the one in use and swap it in "
        "(`etalage search reindex`), follow the catalogue's changes (`follow`), "
        "say where the index stands (`status`)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        reindex = sub.add_parser(
            "reindex", help="rebuild the index, with a progress bar"
        )
        reindex.add_argument(
            "--processes",
            type=int,
            default=None,
            help="processes that analyse the text (default: the cores)",
        )
        reindex.add_argument(
            "--if-missing",
            action="store_true",
            help="only when this node has no index yet (a fresh node, the demo)",
        )
        follow = sub.add_parser("follow", help="apply the changes as they come")
        follow.add_argument("--once", action="store_true", help="one round, then stop")
        sub.add_parser("status", help="this node's index and every node's distance")

    def handle(self, *args, action, **options):
        if action == "follow":
            if options["once"]:
                self.stdout.write(f"applied {search_follow():,} changes")
            else:
                search_follow_forever()
            return
        if action == "status":
            for line in status_lines(search_status()):
                self.stdout.write(line)
            return
        if options["if_missing"] and index_exists():
            return

        def progress(done: int, total: int) -> None:
            width = 40
            filled = width * done // max(total, 1)
            bar = "█" * filled + "·" * (width - filled)
            self.stdout.write(f"\r  [{bar}] {done:,}/{total:,}", ending="")
            self.stdout.flush()

        interactive = sys.stdout.isatty()
        done = search_reindex(
            progress=progress if interactive else None,
            processes=options["processes"],
        )
        if interactive:
            self.stdout.write("")
        self.stdout.write(f"indexed {done:,} products")
