from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from etalage.pricing.ecb import EcbFileError
from etalage.pricing.services import exchange_rates_import


class Command(BaseCommand):
    help = "Exchange rates: import an ECB euro reference-rate file (XML, CSV or ZIP)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        importer = sub.add_parser("import", help="import an ECB file from a path")
        importer.add_argument("file", type=Path)

    def handle(self, *args, action, file, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        try:
            result = exchange_rates_import(data=data, file_name=file.name)
        except EcbFileError as exc:
            raise CommandError(f"{file.name}: {exc} (nothing was imported)") from None
        self.stdout.write(
            f"{file.name}: {result.file_format}, {result.first_date} to "
            f"{result.last_date}: {result.created} added, {result.updated} corrected, "
            f"{result.unchanged} unchanged"
        )
