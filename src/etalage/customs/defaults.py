"""The CBEC rates in force since 2019-04-01 (VAT 13 % and 9 %)."""

from datetime import date
from decimal import Decimal

from django.db.models import Model

from etalage.core.ids import new_id

SOURCE = (
    "Caiguanshui [2016] No. 18 and [2018] No. 49; VAT rates of 2019-04-01; "
    "consumption-tax schedule"
)
RATES = [
    ("ordinary-13", "0.13", "none", "0", "0", None, None),
    ("food-9", "0.09", "none", "0", "0", None, None),
    ("wine", "0.13", "ad_valorem", "0.10", "0", None, None),
    # Imported beer at 3,000 CNY a tonne or more pays 250 CNY a tonne (else 220).
    ("beer", "0.13", "per_tonne", "0", "250", None, None),
    ("cosmetics", "0.13", "ad_valorem", "0.15", "0", "10", "15"),
    # Gold, silver, platinum and diamond jewellery: 5 % (other precious stones 10 %).
    ("jewellery", "0.13", "ad_valorem", "0.05", "0", None, None),
]


# Beer's two classes: 220 CNY a tonne below 3,000 CNY a tonne (988 L a tonne).
BEER_CLASSES = {
    "consumption_per_tonne_lower": Decimal("220"),
    "per_tonne_class_a_from": Decimal("3000"),
}


def create_default_tax_rates(TaxClassRate: type[Model]) -> None:  # noqa: N803 (a model class)
    """Create the rates in force since 2019-04-01 that are missing (``TaxClassRate``:
    the model class, so that a data migration can pass its historical one)."""

    for code, vat, basis, rate, per_tonne, per_gram, per_piece in RATES:
        # A migration older than the beer classes passes a model without them.
        fields = {field.name for field in TaxClassRate._meta.get_fields()}
        beer = BEER_CLASSES if code == "beer" and set(BEER_CLASSES) <= fields else {}
        TaxClassRate._default_manager.get_or_create(
            tax_class=code,
            effective_from=date(2019, 4, 1),
            defaults={
                "id": new_id(),
                "vat_rate": Decimal(vat),
                "consumption_basis": basis,
                "consumption_rate": Decimal(rate),
                "consumption_per_tonne": Decimal(per_tonne),
                "threshold_per_gram": Decimal(per_gram) if per_gram else None,
                "threshold_per_piece": Decimal(per_piece) if per_piece else None,
                "source": SOURCE,
                **beer,
            },
        )
