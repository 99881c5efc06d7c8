"""The map's rules on imports, checked on the source code itself."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
CONTEXTS = [
    "money",
    "merchants",
    "catalog",
    "pricing",
    "customs",
    "inventory",
    "checkout",
    "orders",
    "core",
]
PURE_CORES = [
    "money/money.py",
    "money/formatting.py",
    "pricing/core.py",
    "pricing/ecb.py",
    "customs/cbec.py",
    "inventory/allocation.py",
    "pricing/freight.py",
    "orders/states.py",
    "orders/numbers.py",
    "customs/caps.py",
]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("context", CONTEXTS)
def test_a_context_never_imports_web_or_api(context):
    offenders = []
    for path in (PACKAGE / context).rglob("*.py"):
        for module in imported_modules(path):
            if module.startswith(("etalage.web", "etalage.api")):
                offenders.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert not offenders, offenders


@pytest.mark.parametrize("module", PURE_CORES)
def test_a_pure_core_imports_no_django(module):
    modules = imported_modules(PACKAGE / module)
    assert not [m for m in modules if m.split(".")[0] == "django"]
    # Only other pure modules of Étalage.
    for name in modules:
        if name.startswith("etalage."):
            assert name in {"etalage.money", "etalage.money.money"}, name
