from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from etalage.customs.positive_list import PositiveListRefused, positive_list_load


class Command(BaseCommand):
    help = (
        "Replace the CBEC positive list with a CSV file "
        "(hs_code, description, remarks, bonded_only, yearly_cap)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load"])
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--list",
            dest="list_version",
            required=True,
            help="the list's name, e.g. 2022",
        )

    def handle(self, *args, action, file, list_version, **options):
        try:
            added, removed = positive_list_load(
                data=file.read_bytes(), list_version=list_version
            )
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        except PositiveListRefused as refused:
            raise CommandError(
                "\n".join(refused.problems) + "\nNothing was loaded."
            ) from None
        self.stdout.write(f"{file.name}: {added} lines loaded, {removed} replaced")
