"""SEPA credit-transfer files (ISO 20022 pain.001.001.09) for payout runs, built
with ``sepaxml`` and validated against the schema it ships.

From November 2026 banks refuse addresses given only as free lines: every party
here has a structured address (street, postcode, town, country). Names, addresses
and remittances keep to the EPC's basic Latin character set (``epc_text``), within
the schema's lengths; the requested execution date is a TARGET2 business day
(``execution_date``).

The run's transfers go in one batch (``BtchBookg`` true, one ``PmtInf``): the bank
may book it as one debit, which ``bank`` matches to the run by its ``PmtInfId`` or
``MsgId``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import holidays
from lxml import etree
from sepaxml import SepaTransfer
from sepaxml.validation import ValidationError
from text_unidecode import unidecode

SCHEMA = "pain.001.001.09"
NAMESPACE = f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"
# The EPC's basic Latin set (EPC217-08, and the SEPA rulebooks' implementation
# guidelines): what every SEPA bank takes in names and remittance information.
_OUTSIDE_EPC = re.compile(r"[^a-zA-Z0-9/?:().,'+ -]")


def epc_text(text: str, size: int) -> str:
    """``text`` in the EPC basic Latin set, at most ``size`` characters: accents
    transliterated (``Liège``: ``Liege``), ``&`` as ``+`` (the EPC conversion
    table's), any other character outside the set as ``.``, blanks as one space."""
    latin = unidecode(" ".join(text.split())).replace("&", "+")
    return " ".join(_OUTSIDE_EPC.sub(".", latin).split())[:size].strip()


def execution_date(today: date) -> date:
    """The next TARGET2 business day after ``today``: Saturdays, Sundays and its
    closing days (New Year, Good Friday, Easter Monday, 1 May, 25 and 26
    December; ``holidays``' ECB/TARGET calendar) skipped."""
    closed = holidays.financial_holidays("XECB", years=[today.year, today.year + 1])
    day = today + timedelta(days=1)
    while day.weekday() >= 5 or day in closed:
        day += timedelta(days=1)
    return day


@dataclass(frozen=True, slots=True)
class File:
    """A pain.001 file and the ids the bank quotes back on its statement."""

    message_id: str
    payment_info_id: str
    data: bytes


class FileRefused(ValueError):
    """The transfers cannot make a valid file (the reason is for the operator)."""


@dataclass(frozen=True, slots=True)
class Transfer:
    end_to_end_id: str
    name: str
    iban: str
    bic: str
    amount_cents: int
    remittance: str
    street: str
    postcode: str
    town: str
    country: str


def pain001(
    *, debtor: dict[str, str], execution_date: date, transfers: Sequence[Transfer]
) -> File:
    """The file paying ``transfers`` from ``debtor``'s account on
    ``execution_date``, in one batch."""
    if not debtor.get("IBAN"):
        raise FileRefused("no account to pay from: set ETALAGE_PAYOUT_IBAN")
    if not (debtor.get("town") and debtor.get("country")):
        raise FileRefused("the paying account's address needs a town and a country")
    config: dict[str, Any] = {
        "name": epc_text(debtor["name"], 70),
        "IBAN": debtor["IBAN"],
        "currency": "EUR",
        "batch": True,
        "address": {
            k: epc_text(debtor[k], 70 if k == "street_name" else 35)
            for k in ("street_name", "building_number", "postcode", "town", "country")
            if debtor.get(k)
        },
    }
    if debtor.get("BIC"):
        config["BIC"] = debtor["BIC"]
    sepa = SepaTransfer(config, schema=SCHEMA, clean=True)
    for transfer in transfers:
        if not (transfer.town and transfer.country):
            raise FileRefused(
                f"{transfer.name}: the address needs a town and a country"
            )
        payment: dict[str, Any] = {
            "name": epc_text(transfer.name, 70),
            "IBAN": transfer.iban,
            "amount": transfer.amount_cents,
            "execution_date": execution_date,
            "description": epc_text(transfer.remittance, 140),
            "endtoend_id": transfer.end_to_end_id,
            "address": {
                k: epc_text(v, size)
                for k, v, size in (
                    ("street_name", transfer.street, 70),
                    ("postcode", transfer.postcode, 16),
                    ("town", transfer.town, 35),
                    ("country", transfer.country, 2),
                )
                if v
            },
        }
        if transfer.bic:
            payment["BIC"] = transfer.bic
        sepa.add_payment(payment)
    try:
        data: bytes = sepa.export(validate=True)
    except ValidationError as error:
        raise FileRefused(
            f"the file does not validate against {SCHEMA}: {error.__cause__}"
        ) from None
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False))
    ids = root.findall(f".//{{{NAMESPACE}}}PmtInfId")
    if len(ids) != 1:  # one execution date, one batch
        raise FileRefused(f"the file has {len(ids)} batches (PmtInf), not one")
    return File(message_id=sepa.msg_id, payment_info_id=ids[0].text or "", data=data)
