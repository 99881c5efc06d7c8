"""Load the CBEC positive list from a CSV file: all of it, or nothing."""

from __future__ import annotations

import csv
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from etalage.customs.caps import parse_cap
from etalage.customs.hs_codes import normalize_hs_code
from etalage.customs.models import PositiveListEntry

COLUMNS = ("hs_code", "description", "remarks", "bonded_only", "yearly_cap")


class PositiveListRefused(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems[:20]))
        self.problems = problems


def positive_list_load(*, data: bytes, list_version: str) -> tuple[int, int]:
    """Replace the positive list by the file's lines; return (added, removed)."""

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PositiveListRefused([_("The file is not UTF-8 text.")]) from None
    rows = list(csv.DictReader(io.StringIO(text)))
    problems: list[str] = []
    entries: list[PositiveListEntry] = []
    seen: dict[str, int] = {}
    if not rows or "hs_code" not in rows[0] or "description" not in rows[0]:
        raise PositiveListRefused(
            [_("line 1: the columns are %s") % ", ".join(COLUMNS)]
        )
    for number, row in enumerate(rows, start=2):
        try:
            code = normalize_hs_code(row.get("hs_code", ""))
        except ValidationError as error:
            problems.append(f"line {number}: hs_code: {error.messages[0]}")
            continue
        if code in seen:
            problems.append(
                f"line {number}: hs_code {code} is also on line {seen[code]}"
            )
            continue
        seen[code] = number
        if not (row.get("description") or "").strip():
            problems.append(f"line {number}: description: required")
            continue
        cap_text = (row.get("yearly_cap") or "").strip()[:100]
        try:
            cap = parse_cap(cap_text)
        except ValueError as error:
            problems.append(f"line {number}: yearly_cap: {error}")
            continue
        entries.append(
            PositiveListEntry(
                hs_code=code,
                description=row["description"].strip()[:300],
                remarks=(row.get("remarks") or "").strip(),
                bonded_only=(row.get("bonded_only") or "").strip().lower()
                in {"1", "yes", "true", "y", "是"},
                yearly_cap=cap_text,
                cap_amount=cap.amount if cap else None,
                cap_unit=cap.unit if cap else "",
                list_version=list_version,
            )
        )
    if problems:
        raise PositiveListRefused(problems)
    with transaction.atomic():
        removed, _details = PositiveListEntry.objects.all().delete()
        PositiveListEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries), removed
