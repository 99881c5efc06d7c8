"""The markets a new Étalage starts with: China (CNY) and Belgium (EUR)."""

from decimal import Decimal

from django.db.models import Model

from etalage.core.ids import new_id

DEFAULT_MARKETS = [
    {
        "code": "CN",
        "name": "China",
        "country": "CN",
        "currency": "CNY",
        "default_language": "zh-hans",
        "fx_margin_percent": Decimal("2.00"),
        "position": 0,
        "warehouse_priority": ["bonded", "hub", "merchant"],
    },
    {
        "code": "BE",
        "name": "Belgium",
        "country": "BE",
        "currency": "EUR",
        "default_language": "fr",
        "fx_margin_percent": Decimal("0.00"),
        "position": 1,
        "warehouse_priority": ["merchant", "hub"],
    },
]


def create_default_markets(market_model: type[Model]) -> None:
    """Create the default markets that are missing (``market_model``: the model class,
    so that a data migration can pass its historical one)."""

    fields = {f.name for f in market_model._meta.get_fields()}
    for values in DEFAULT_MARKETS:
        if not market_model._default_manager.filter(code=values["code"]).exists():
            known = {k: v for k, v in values.items() if k in fields}
            market_model._default_manager.create(id=new_id(), **known)


def set_default_warehouse_priority(market_model: type[Model]) -> None:
    """Give the default markets their warehouse priority where they have none."""
    for values in DEFAULT_MARKETS:
        market_model._default_manager.filter(
            code=values["code"], warehouse_priority=[]
        ).update(warehouse_priority=values["warehouse_priority"])
