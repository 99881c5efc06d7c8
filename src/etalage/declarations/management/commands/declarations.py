"""``etalage declarations read FILE...``: what customs' answer files say, without
applying them (for an operator looking into the customs client's folders)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from etalage.declarations.messages import MessageRefused
from etalage.declarations.receipts import (
    RECEIPT_BLOCKS,
    Answer,
    ReceiptDoc,
    parse_xml,
    read_answer,
)

KINDS = {
    kind: f"receipt of CEB{declared}"
    for declared, (kind, _t, _f) in RECEIPT_BLOCKS.items()
}
KINDS |= {"816": "tax bill", "900": "format check"}


def _time(answer: Answer) -> str:
    return f"{answer.at:%Y-%m-%d %H:%M:%S}.{answer.at.microsecond // 1000:03d}"


def _block(number: int, answer: Answer) -> str:
    if isinstance(answer, ReceiptDoc):
        fields = " ".join(f"{k}={v}" for k, v in answer.fields.items() if v)
        return (
            f"  {number}. guid {answer.guid}  status {answer.status}  "
            f"at {_time(answer)} (Beijing)  info {answer.info!r}  {fields}"
        ).rstrip()
    return (
        f"  {number}. guid {answer.guid}  invtNo {answer.invt_no}  taxNo "
        f"{answer.tax_no}  status {answer.status}  at {_time(answer)} (Beijing)  "
        f"customs duty {answer.customs_tax}  VAT {answer.vat}  consumption tax "
        f"{answer.consumption_tax}  total {answer.total}  lines {len(answer.lines)}"
    )


def described(data: bytes) -> list[str]:
    """What one answer file says, line by line; ``MessageRefused`` if unreadable."""
    answers = read_answer(data)
    root = parse_xml(data)
    kind = str(root.tag).rsplit("}", 1)[-1].removeprefix("CEB").removesuffix("Message")
    head = (
        f"CEB{kind} ({KINDS.get(kind, 'answer')}), guid {root.get('guid', '')}, "
        f"{len(answers)} block{'s' if len(answers) != 1 else ''}"
    )
    return [head, *(_block(n, a) for n, a in enumerate(answers, start=1))]


class Command(BaseCommand):
    help = (
        "Customs declarations: 'read FILE...' prints what each answer file from "
        "customs says (kind, guid, and each return block's status, time and "
        "words), applying nothing; it exits 1 if any file cannot be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["read"])
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args, action, files, **options):
        unreadable = 0
        for name in files:
            try:
                lines = described(Path(name).read_bytes())
            except (OSError, MessageRefused) as error:
                unreadable += 1
                self.stdout.write(f"{name}: unreadable: {error}")
                continue
            self.stdout.write(f"{name}: {lines[0]}")
            for line in lines[1:]:
                self.stdout.write(line)
        if unreadable:
            raise CommandError(
                f"{unreadable} of {len(files)} files unreadable", returncode=1
            )
