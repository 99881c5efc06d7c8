"""SEPA credit-transfer files (ISO 20022 pain.001.001.09) for payout runs, built
with ``sepaxml`` and validated against the schema it ships.

From November 2026 banks refuse addresses given only as free lines: every party
here has a structured address (street, postcode, town, country). Names, addresses
and remittances are transliterated to the Latin characters every SEPA bank takes
(``Liège`` becomes ``Liege``), within the schema's lengths.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sepaxml import SepaTransfer
from sepaxml.validation import ValidationError
from text_unidecode import unidecode

SCHEMA = "pain.001.001.09"


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
) -> tuple[str, bytes]:
    """The file paying ``transfers`` from ``debtor``'s account on
    ``execution_date``: its message id and bytes."""
    if not debtor.get("IBAN"):
        raise FileRefused("no account to pay from: set ETALAGE_PAYOUT_IBAN")
    if not (debtor.get("town") and debtor.get("country")):
        raise FileRefused("the paying account's address needs a town and a country")
    config: dict[str, Any] = {
        "name": debtor["name"],
        "IBAN": debtor["IBAN"],
        "currency": "EUR",
        "batch": True,
        "address": {
            k: unidecode(debtor[k])[:35]
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
            "name": transfer.name,
            "IBAN": transfer.iban,
            "amount": transfer.amount_cents,
            "execution_date": execution_date,
            "description": transfer.remittance,
            "endtoend_id": transfer.end_to_end_id,
            "address": {
                k: unidecode(v)[:size]
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
        return sepa.msg_id, sepa.export(validate=True)
    except ValidationError as error:
        raise FileRefused(
            f"the file does not validate against {SCHEMA}: {error.__cause__}"
        ) from None
