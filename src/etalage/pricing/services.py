from django.contrib.auth.models import User
from django.db import transaction

from etalage.events.outbox import event_record
from etalage.events.types import PricingChanged
from etalage.pricing.ecb import parse_ecb_file
from etalage.pricing.models import ExchangeRate, ExchangeRateImport


@transaction.atomic
def exchange_rates_import(
    *, data: bytes, file_name: str, imported_by: User | None = None
) -> ExchangeRateImport:
    """Import an ECB reference-rate file: all of it, or nothing (EcbFileError).

    Rates already known with the same value are left alone; a different value for a
    known day (the ECB corrects rates, rarely) replaces it and is counted.
    """
    parsed = parse_ecb_file(data, file_name)
    currencies = {r.currency for r in parsed.rates}
    existing = {
        (rate.currency, rate.rate_date): rate
        for rate in ExchangeRate.objects.filter(
            currency__in=currencies,
            rate_date__gte=parsed.first_date,
            rate_date__lte=parsed.last_date,
        )
    }
    to_create: list[ExchangeRate] = []
    to_update: list[ExchangeRate] = []
    unchanged = 0
    for row in parsed.rates:
        known = existing.get((row.currency, row.day))
        if known is None:
            to_create.append(
                ExchangeRate(
                    currency=row.currency,
                    rate_date=row.day,
                    rate=row.rate,
                    source=file_name,
                )
            )
        elif known.rate != row.rate:
            known.rate = row.rate
            known.source = file_name
            to_update.append(known)
        else:
            unchanged += 1
    ExchangeRate.objects.bulk_create(to_create, batch_size=2000)
    ExchangeRate.objects.bulk_update(to_update, ["rate", "source"], batch_size=2000)
    if to_create or to_update:
        event_record(PricingChanged(reason=f"exchange rates imported from {file_name}"))
    return ExchangeRateImport.objects.create(
        file_name=file_name,
        file_format=parsed.file_format,
        first_date=parsed.first_date,
        last_date=parsed.last_date,
        created=len(to_create),
        updated=len(to_update),
        unchanged=unchanged,
        imported_by=imported_by,
    )
