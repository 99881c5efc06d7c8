from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from etalage.payments.models import Provider
from etalage.payments.sandbox import settlement_report
from etalage.payments.settlement import ReportRefused, settlement_import


class Command(BaseCommand):
    help = (
        "Payments: import a provider's settlement report and match it with the "
        "payments and refunds; in the sandbox, write the sandbox's report of a day."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        settle = sub.add_parser("settle", help="import a settlement report")
        settle.add_argument("provider", choices=Provider.values)
        settle.add_argument("file", type=Path)
        report = sub.add_parser(
            "sandbox-report", help="print the sandbox's settlement report of a day"
        )
        report.add_argument("provider", choices=Provider.values)
        report.add_argument("day", type=date.fromisoformat)

    def handle(self, *args, action, provider, **options):
        if action == "sandbox-report":
            if not settings.ETALAGE_PAYMENT_SANDBOX:
                raise CommandError("the payment sandbox is off")
            self.stdout.write(settlement_report(provider, options["day"]), ending="")
            return
        file = options["file"]
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {file}: {exc}") from None
        try:
            report = settlement_import(provider=provider, name=file.name, text=text)
        except ReportRefused as refused:
            raise CommandError(f"{file.name}: {refused} (nothing imported)") from None
        self.stdout.write(
            f"{file.name}: lines matched {report.lines_count}, "
            f"with a difference {report.differences_count}"
        )
        for line in report.lines.exclude(difference=""):
            self.stdout.write(f"  {line.kind} {line.request_id}: {line.difference}")
