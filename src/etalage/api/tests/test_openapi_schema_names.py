"""Each schema of the API has a name of its own in the OpenAPI document: two
classes of one name share one component, and one of their endpoints then
describes the other's body (a quote's sub-orders in place of an order's)."""

import importlib
import pkgutil
from collections import defaultdict

from ninja import Schema

import etalage.api
from etalage.api.api import api


def _schemas():
    for found in pkgutil.walk_packages(etalage.api.__path__, "etalage.api."):
        if ".tests" not in found.name:
            importlib.import_module(found.name)
    seen, stack = set(), list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        if cls not in seen:
            seen.add(cls)
            stack.extend(cls.__subclasses__())
    return [c for c in seen if c.__module__.startswith("etalage.api.")]


def test_no_two_schemas_of_the_api_share_a_name():
    by_name = defaultdict(set)
    for cls in _schemas():
        by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    assert {name: where for name, where in by_name.items() if len(where) > 1} == {}


def test_an_order_s_and_a_quote_s_sub_orders_are_described_each_by_its_own():
    components = api.get_openapi_schema()["components"]["schemas"]

    def sub_order(parent):
        ref = components[parent]["properties"]["sub_orders"]["items"]["$ref"]
        return components[ref.rsplit("/", 1)[1]]["properties"]

    assert "number" in sub_order("OrderOut") and "state" in sub_order("OrderOut")
    assert "lines" in sub_order("QuoteOut") and "number" not in sub_order("QuoteOut")
