from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext as _

from etalage.core.ids import parse_id
from etalage.core.reference import reference_cached
from etalage.customs.caps import Cap, describe, fits
from etalage.customs.cbec import ConsumptionBasis, NetUnit, TaxRates
from etalage.customs.models import (
    BuyerIdentity,
    DeliveryAddress,
    PositiveListEntry,
    TariffRate,
    TaxClassRate,
)


class NoRatesInForce(LookupError):
    """No rate of a tax class was in force on the day asked for."""


def tax_rates_in_force(*, on: date) -> dict[str, TaxRates]:
    """Return the rates of every tax class in force on ``on`` (one query)."""
    rates: dict[str, TaxRates] = {}
    for row in TaxClassRate.objects.filter(effective_from__lte=on).order_by(
        "tax_class", "-effective_from"
    ):
        if row.tax_class in rates:
            continue
        rates[row.tax_class] = TaxRates(
            vat=row.vat_rate,
            consumption=row.consumption_rate,
            consumption_basis=ConsumptionBasis(row.consumption_basis),
            consumption_per_tonne=row.consumption_per_tonne,
            consumption_per_tonne_lower=row.consumption_per_tonne_lower,
            per_tonne_class_a_from=row.per_tonne_class_a_from,
            threshold_per_gram=row.threshold_per_gram,
            threshold_per_piece=row.threshold_per_piece,
        )
    return rates


def tariff_in_force(*, hs_code: str, on: date) -> Decimal:
    """Return the tariff rate of the longest matching HS prefix in force on ``on``."""
    prefixes = [hs_code[:n] for n in range(len(hs_code), 1, -1)]
    best = TariffRate.objects.filter(
        hs_prefix__in=prefixes, effective_from__lte=on
    ).order_by("-effective_from")
    by_prefix: dict[str, Decimal] = {}
    for row in best:
        by_prefix.setdefault(row.hs_prefix, row.rate)
    for prefix in prefixes:
        if prefix in by_prefix:
            return by_prefix[prefix]
    raise NoRatesInForce(f"no tariff for HS code {hs_code} on {on}")


def positive_list_entry(*, hs_code: str) -> PositiveListEntry | None:
    """Return the positive-list line of ``hs_code``, or None when it is not listed."""

    return PositiveListEntry.objects.filter(hs_code=hs_code).first()


def bonded_only_hs_codes() -> frozenset[str]:
    """The HS codes China's positive list allows only as bonded imports (1210);
    reference data, reused for ``ETALAGE_REFERENCE_CACHE_SECONDS``."""

    return reference_cached(
        "etalage:bonded-only",
        lambda: frozenset(
            PositiveListEntry.objects.filter(bonded_only=True).values_list(
                "hs_code", flat=True
            )
        ),
    )


def positive_list_hs_codes() -> frozenset[str]:
    """Every HS code on China's positive list; reference data, reused for
    ``ETALAGE_REFERENCE_CACHE_SECONDS``."""
    return reference_cached(
        "etalage:positive-list",
        lambda: frozenset(PositiveListEntry.objects.values_list("hs_code", flat=True)),
    )


def yearly_caps() -> dict[str, tuple[Cap, str]]:
    """{HS code: (Cap, description)} of the positive-list lines with a yearly cap per
    person; reference data, reused for ``ETALAGE_REFERENCE_CACHE_SECONDS``."""

    return reference_cached(
        "etalage:yearly-caps",
        lambda: {
            code: (Cap(amount=amount, unit=NetUnit(unit)), description)
            for code, amount, unit, description in PositiveListEntry.objects.filter(
                cap_amount__isnull=False
            ).values_list("hs_code", "cap_amount", "cap_unit", "description")
            if amount is not None
        },
    )


def net_unit_problem(
    *, hs_code: str, net_unit: str, caps: dict[str, tuple[Cap, str]] | None = None
) -> str:
    """Why a unit whose net content is counted in ``net_unit`` cannot be sold under
    ``hs_code`` ("" when it can): a yearly cap by weight or volume cannot count
    pieces. ``caps``: ``yearly_caps()``, read once by a caller checking many."""
    capped = (yearly_caps() if caps is None else caps).get(hs_code)
    if capped is None or fits(capped[0], NetUnit(net_unit)):
        return ""
    return _(
        "China allows each person %(cap)s a year of HS %(hs)s: give the net content "
        "in g or ml, not pieces."
    ) % {"cap": describe(capped[0]), "hs": hs_code}


def identities_of(*, user: User | AnonymousUser) -> list[BuyerIdentity]:
    """The identities a buyer may use (not deleted), oldest first."""
    if not user.is_authenticated:
        return []
    return list(BuyerIdentity.objects.filter(user=user, deleted_at__isnull=True))


def identity_of(*, user: User, key: object) -> BuyerIdentity | None:
    """The buyer's identity with the key ``key`` (a UUID or its text), if it is one
    of theirs and not deleted; None for anything else, malformed keys included."""
    pk = parse_id(key)
    if pk is None:
        return None
    return BuyerIdentity.objects.filter(
        user=user, pk=pk, deleted_at__isnull=True
    ).first()


def address_of(*, user: User, key: object) -> DeliveryAddress | None:
    """The buyer's delivery address with the key ``key``, if it is one of theirs."""
    pk = parse_id(key)
    if pk is None:
        return None
    return DeliveryAddress.objects.filter(user=user, pk=pk).first()


def addresses_of(*, user: User | AnonymousUser) -> list[DeliveryAddress]:
    """The buyer's delivery addresses, oldest first."""
    if not user.is_authenticated:
        return []
    return list(DeliveryAddress.objects.filter(user=user))
