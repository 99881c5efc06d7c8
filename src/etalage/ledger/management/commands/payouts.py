from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

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
            "--out",
            type=Path,
            required=True,
            help="where to write the pain.001 file (given once)",
        )
        statement = sub.add_parser("statement", help="import a camt.053 statement")
        statement.add_argument("file", type=Path)

    def handle(self, *args, action, **options):
        if action == "run":
            self._run(options["out"])
        else:
            self._statement(options["file"])

    def _run(self, out: Path) -> None:
        if out.exists():
            raise CommandError(
                f"{out} exists: the file is given once, choose a new path"
            )
        books_matured()  # what became available since the clock last ran
        try:
            run = payout_run(by="etalage payouts run")
        except PayoutRefused as refused:
            open_run = PayoutRun.objects.filter(state=PayoutRun.State.PREPARED).first()
            if open_run is None:
                raise CommandError(str(refused)) from None
            run = open_run  # prepared in the back-office, never downloaded
        try:
            data = payout_file_take(run=run, by="etalage payouts run")
        except PayoutRefused as refused:
            raise CommandError(str(refused)) from None
        out.write_bytes(data)
        self.stdout.write(
            f"{run.number}: {run.payouts_count} payouts, {run.total} EUR, to be "
            f"executed on {run.execution_date}; file {out} "
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
            self.stdout.write(
                f"  {line.booked_on} {'+' if line.credit else '-'}"
                f"{line.amount} {line.currency}: {line.outcome}"
            )
