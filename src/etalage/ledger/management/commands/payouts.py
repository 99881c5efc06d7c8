import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from etalage.ledger.bank import StatementRefused, statement_import
from etalage.ledger.models import PayoutRun
from etalage.ledger.payouts import PayoutRefused, payout_file_take, payout_run
from etalage.ledger.postings import books_matured


class Command(BaseCommand):
    help = (
        "Payouts: prepare a run and write its SEPA file (pain.001.001.09, once), "
        "import the bank's camt.053 statement."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser(
            "run", help="pay every merchant owed at least the minimum; write the file"
        )
        run.add_argument(
            "--dir",
            type=Path,
            default=Path("."),
            help="where to write <run number>.pain.001.xml (default: here)",
        )
        statement = sub.add_parser("statement", help="import a camt.053 statement")
        statement.add_argument("file", type=Path)

    def handle(self, *args, action, **options):
        if action == "run":
            self._run(options["dir"])
        else:
            self._statement(options["file"])

    def _run(self, folder: Path) -> None:
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a directory")
        books_matured()  # what became available since the clock last ran
        run = PayoutRun.objects.filter(state=PayoutRun.State.PREPARED).first()
        if run is None:  # (one prepared in the back-office is taken as it is)
            try:
                run = payout_run(by="etalage payouts run")
            except PayoutRefused as refused:
                raise CommandError(str(refused)) from None
        path = folder / f"{run.number}.pain.001.xml"
        # The file is on disk before the run reads "downloaded": a crash between
        # the two leaves the file and the run still to take, and taking it again
        # finds the same bytes in the same place.
        with transaction.atomic():
            try:
                data = payout_file_take(run=run, by="etalage payouts run")
            except PayoutRefused as refused:
                raise CommandError(str(refused)) from None
            _write_once(path, data)
        self.stdout.write(
            f"{run.number}: {run.payouts_count} payouts, {run.total} EUR, to be "
            f"executed on {run.execution_date}; file {path} "
            f"(SHA-256 {run.file_sha256[:16]}…)"
        )
        if settings.ETALAGE_BANK_SANDBOX:
            self.stdout.write(
                "(bank sandbox: the paying account is the demo's, not real)"
            )

    def _statement(self, file: Path) -> None:
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error}") from None
        try:
            statement = statement_import(name=file.name, data=data)
        except StatementRefused as refused:
            raise CommandError(f"{file.name}: {refused} (nothing imported)") from None
        self.stdout.write(
            f"{file.name}: {statement.lines_count} lines, "
            f"{statement.unmatched_count} not matched"
        )
        for line in statement.lines.all():
            amount = f"{'+' if line.credit else '-'}{line.amount} {line.currency}"
            self.stdout.write(f"  {line.booked_on} {amount}: {line.outcome}")


def _write_once(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` durably; a file already there must be the same."""
    if path.exists():
        if hashlib.sha256(path.read_bytes()).digest() != hashlib.sha256(data).digest():
            raise CommandError(f"{path} exists with other content; nothing written")
        return
    partial = path.with_suffix(".partial")
    with partial.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    partial.replace(path)
