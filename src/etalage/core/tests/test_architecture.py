"""The map's rules on imports, checked on the source code itself.

The packages form layers: a package imports only packages below it, so the graph
has no cycle and nothing reaches up (``web`` and ``api`` sit on top and never import
each other; the contexts never import them). Every import counts, at module level
or inside a function: an import does not hide in a function to dodge a cycle (only
an ``AppConfig.ready`` registers handlers and chores that way, as Django wants, and
the command line sets Django up before importing it). No import is relative, so
none escapes these checks. Pure cores import no Django.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]

# Lowest first. A new package goes where what it imports is below it; the
# contexts still to come are placed in the README's Layout section.
LAYERS = [
    ["money", "addresses"],
    ["core"],
    ["events"],
    ["merchants"],
    ["customs"],
    ["accounts"],
    ["pricing"],
    ["catalog"],
    ["inventory"],
    ["imports"],
    ["orders"],
    ["promotions"],
    ["checkout", "reviews"],
    ["payments", "search", "logistics"],
    ["ledger", "webhooks", "declarations"],
    ["returns"],
    ["analytics"],
    ["demo"],
    ["web", "api"],
]
LAYER = {package: level for level, names in enumerate(LAYERS) for package in names}

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
    "events/types.py",
    "payments/antom_signing.py",
    "ledger/chart.py",
    "logistics/awb.py",
    "logistics/vocabulary.py",
    "webhooks/schedule.py",
    "declarations/messages.py",
    "declarations/inventory.py",
    "declarations/receipts.py",
    "ledger/posting.py",
    "payments/provider.py",
    "payments/wechat_signing.py",
    "payments/scenes.py",
    "search/text.py",
    "search/glossary.py",
    "addresses/regions.py",
    "addresses/paste.py",
    "catalog/variant_rules.py",
    "orders/promise.py",
    "promotions/core.py",
    "promotions/declared.py",
    "reviews/rating.py",
]
# Where an import inside a function is the framework's way, not a dodge.
FUNCTION_IMPORTS_ALLOWED = {"apps.py", "cli.py"}


def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        if relative.name == "conftest.py":
            continue
        yield relative, ast.parse(path.read_text(), filename=str(path))


def _imports(tree):
    """(module, line, inside a function) of every absolute import."""
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inside.update(id(sub) for sub in ast.walk(node) if sub is not node)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno, id(node) in inside
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, node.lineno, id(node) in inside


def _etalage_package(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "etalage" or len(parts) < 2:
        return None
    return parts[1] if (PACKAGE / parts[1]).is_dir() else None


SOURCES = list(_sources())


def test_every_package_has_its_place_in_the_layers():
    packages = {rel.parts[0] for rel, _tree in SOURCES if len(rel.parts) > 1}
    assert packages - LAYER.keys() == set(), "put the new package in LAYERS"


def upward_imports(sources) -> list[str]:
    offenders = []
    for relative, tree in sources:
        if len(relative.parts) < 2:
            continue  # settings, urls, cli: the project's own wiring
        source = relative.parts[0]
        for module, line, _inside in _imports(tree):
            target = _etalage_package(module)
            if target and target != source and LAYER[target] >= LAYER[source]:
                offenders.append(f"{relative}:{line} ({source}) imports {module}")
    return offenders


def test_a_package_imports_only_the_layers_below_it():
    offenders = upward_imports(SOURCES)
    assert not offenders, "\n".join(offenders)


def test_the_package_graph_has_no_cycle():
    graph = defaultdict(set)
    for relative, tree in SOURCES:
        if len(relative.parts) < 2:
            continue
        for module, _line, _inside in _imports(tree):
            target = _etalage_package(module)
            if target and target != relative.parts[0]:
                graph[relative.parts[0]].add(target)
    seen, stack = set(), []

    def visit(node):
        if node in stack:
            raise AssertionError(" -> ".join([*stack[stack.index(node) :], node]))
        if node in seen:
            return
        stack.append(node)
        for target in sorted(graph[node]):
            visit(target)
        stack.pop()
        seen.add(node)

    for node in sorted(graph):
        visit(node)


def test_no_import_of_etalage_hides_in_a_function():
    offenders = [
        f"{relative}:{line} imports {module} inside a function"
        for relative, tree in SOURCES
        if relative.name not in FUNCTION_IMPORTS_ALLOWED
        for module, line, inside in _imports(tree)
        if inside and module.split(".")[0] == "etalage"
    ]
    assert not offenders, "\n".join(offenders)


def relative_imports(sources) -> list[str]:
    """Every relative import: the layer checks read only absolute ones."""
    return [
        f"{relative}:{node.lineno} imports {'.' * node.level}{node.module or ''}"
        for relative, tree in sources
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level
    ]


def test_no_module_imports_relatively():
    every = [
        (path.relative_to(PACKAGE), ast.parse(path.read_text(), filename=str(path)))
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.relative_to(PACKAGE).parts
    ]  # tests and conftest too
    offenders = relative_imports(every)
    assert not offenders, "\n".join(offenders)


def test_the_check_catches_a_relative_import():
    source = "from . import models\nfrom ..orders.services import order_place\n"
    found = relative_imports([(Path("orders/views.py"), ast.parse(source))])
    assert found == [
        "orders/views.py:1 imports .",
        "orders/views.py:2 imports ..orders.services",
    ]


@pytest.mark.parametrize("module", PURE_CORES)
def test_a_pure_core_imports_no_django(module):
    tree = ast.parse((PACKAGE / module).read_text())
    modules = {name for name, _line, _inside in _imports(tree)}
    assert not [m for m in modules if m.split(".")[0] == "django"]
    # Only other pure modules of Étalage.
    pure = {"etalage.money"} | {
        "etalage." + core.removesuffix(".py").replace("/", ".") for core in PURE_CORES
    }
    for name in modules:
        if name.startswith("etalage."):
            assert name in pure, name


def test_the_check_catches_an_upward_import_even_inside_a_function():
    source = "def f():\n    from etalage.checkout.info import checkout_info\n"
    found = upward_imports([(Path("orders/services.py"), ast.parse(source))])
    assert found == ["orders/services.py:2 (orders) imports etalage.checkout.info"]
