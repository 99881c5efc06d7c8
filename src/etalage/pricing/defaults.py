"""The markets a new Étalage starts with: China (CNY) and Belgium (EUR)."""

from decimal import Decimal

DEFAULT_MARKETS = [
    {
        "code": "CN",
        "name": "China",
        "country": "CN",
        "currency": "CNY",
        "default_language": "zh-hans",
        "fx_margin_percent": Decimal("2.00"),
        "position": 0,
    },
    {
        "code": "BE",
        "name": "Belgium",
        "country": "BE",
        "currency": "EUR",
        "default_language": "fr",
        "fx_margin_percent": Decimal("0.00"),
        "position": 1,
    },
]


def create_default_markets(market_model) -> None:
    """Create the default markets that are missing (``market_model``: the model class,
    so that a data migration can pass its historical one)."""
    from etalage.core.ids import new_id

    for values in DEFAULT_MARKETS:
        if not market_model.objects.filter(code=values["code"]).exists():
            market_model.objects.create(id=new_id(), **values)
