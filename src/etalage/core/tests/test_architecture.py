"""The map's rules on imports, checked on the source code itself.

The packages form layers: a package imports only packages below it, so the graph
has no cycle and nothing reaches up (``web`` and ``api`` sit on top and never import
each other; the contexts never import them). Every import counts, at module level
or inside a function: an import does not hide in a function to dodge a cycle (only
an ``AppConfig.ready`` registers handlers and chores that way, as Django wants, and
the command line sets Django up before importing it). No import is relative, so
none escapes these checks. Pure cores import no Django. Inside ``web`` and ``api``,
the rooms by audience (``web/portal``, ``api/buyer``...) take no private name from
one another, and their modules import no cycle.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]

# Lowest first. A new package goes where what it imports is below it; the
# contexts still to come are placed in docs/architecture.md's layout.
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
    "core/time_zones.py",
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


# The interfaces' rooms, one per audience (docs/code-layout.md). A room reaches
# into another only by its public names; what two rooms share sits in the
# interface's top level (web/access.py, web/forms.py, api/errors.py...).
ROOMS = {
    "web": {"storefront", "account", "portal", "hub", "backoffice", "callbacks",
            "sandbox"},
    "api": {"buyer", "merchant", "catalogue"},
}  # fmt: skip


def _room(parts: tuple[str, ...] | list[str]) -> tuple[str, str] | None:
    """The (interface, room) a module's path or dotted name is in, if any."""
    if len(parts) > 2 and parts[0] in ROOMS and parts[1] in ROOMS[parts[0]]:
        return parts[0], parts[1]
    return None


def private_names_across_rooms(sources) -> list[str]:
    """Every import of a private name (``_membership``) or module from another room."""
    offenders = []
    for relative, tree in sources:
        source = _room(relative.parts)
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
                continue
            parts = node.module.split(".")
            target = _room([*parts[1:], "module"]) if parts[0] == "etalage" else None
            if target is None or target == source:
                continue
            names = [part for part in parts[1:] if part.startswith("_")]
            names += [a.name for a in node.names if a.name.startswith("_")]
            if names:
                offenders.append(
                    f"{relative}:{node.lineno} imports {', '.join(names)} from "
                    f"{node.module}"
                )
    return offenders


def test_a_room_takes_no_private_name_from_another_room():
    offenders = private_names_across_rooms(SOURCES)
    assert not offenders, "\n".join(offenders)


def test_the_check_catches_a_private_name_taken_from_another_room():
    source = (
        "from etalage.web.portal.dashboard import _membership, dashboard\n"
        "from etalage.web.portal.orders import ORDER_ROLES\n"
        "from etalage.web.hub._desk import desk\n"
    )
    found = private_names_across_rooms(
        [(Path("web/hub/returns.py"), ast.parse(source))]
    )
    assert found == [
        "web/hub/returns.py:1 imports _membership from etalage.web.portal.dashboard"
    ]
    inside = private_names_across_rooms([(Path("web/portal/x.py"), ast.parse(source))])
    assert inside == ["web/portal/x.py:3 imports _desk from etalage.web.hub._desk"]


def module_cycles(sources) -> list[str]:
    """Import cycles between the modules of web and api (module-level imports)."""
    names = {".".join(("etalage", *rel.with_suffix("").parts)) for rel, _ in sources}
    names |= {n.removesuffix(".__init__") for n in names}
    graph = defaultdict(set)
    for relative, tree in sources:
        if relative.parts[0] not in ROOMS:
            continue
        me = ".".join(("etalage", *relative.with_suffix("").parts))
        me = me.removesuffix(".__init__")
        for node in tree.body:  # module level only: what runs on import
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                targets = [f"{node.module}.{a.name}" for a in node.names]
                targets = [t if t in names else node.module for t in targets]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            graph[me].update(t for t in targets if t in names and t != me)
    cycles, done = [], set()

    def visit(node, stack):
        if node in stack:
            cycles.append(" -> ".join([*stack[stack.index(node) :], node]))
            return
        if node in done:
            return
        for target in sorted(graph[node]):
            visit(target, [*stack, node])
        done.add(node)

    for node in sorted(graph):
        visit(node, [])
    return cycles


def test_the_modules_of_web_and_api_import_no_cycle():
    cycles = module_cycles(SOURCES)
    assert not cycles, "\n".join(cycles)


def test_the_check_catches_a_cycle_between_two_rooms():
    one = "from etalage.web.account.orders import own_order\n"
    two = "from etalage.web.storefront.cart import request_cart\n"
    found = module_cycles(
        [
            (Path("web/storefront/cart.py"), ast.parse(one)),
            (Path("web/account/orders.py"), ast.parse(two)),
        ]
    )
    assert found == [
        "etalage.web.account.orders -> etalage.web.storefront.cart"
        " -> etalage.web.account.orders"
    ]


def atomic_classes(modules: list[tuple[Path, ast.Module]]) -> list[str]:
    """Classes decorated with ``transaction.atomic``: the decorator meant for the
    function below them, which then runs outside any transaction."""
    found = []
    for path, tree in modules:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for decorator in node.decorator_list:
                    if "atomic" in ast.unparse(decorator):
                        found.append(f"{path}:{node.lineno} {node.name}")
    return found


def test_no_class_is_decorated_as_a_transaction():
    every = [
        (path.relative_to(PACKAGE), ast.parse(path.read_text(), filename=str(path)))
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.relative_to(PACKAGE).parts
    ]
    offenders = atomic_classes(every)
    assert not offenders, "\n".join(offenders)


def test_the_check_catches_a_class_decorated_as_a_transaction():
    source = (
        "@transaction.atomic\nclass Facts(TypedDict):\n    n: int\n\n\n"
        "def tax_bill():\n    pass\n"
    )
    found = atomic_classes([(Path("declarations/answers.py"), ast.parse(source))])
    assert found == ["declarations/answers.py:2 Facts"]
