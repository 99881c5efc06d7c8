"""The map's rule on types, checked against mypy's own reading of its settings.

Where the money moves is typed strictly: every context's services (``services.py``
or a ``services/`` package), selectors and event handlers (``handlers.py`` and any
module that registers one with ``@handles`` or ``@within``), and the API. The
settings in ``pyproject.toml`` check the whole package strictly and name by pattern
the interfaces not typed yet; a new module of those kinds is strict by itself, and
this test fails if a pattern ever reaches one, or if mypy would not look at it.
"""

import ast
import io
from pathlib import Path

import pytest
from mypy.main import process_options
from mypy.options import Options

PACKAGE = Path(__file__).resolve().parents[2]
ROOT = PACKAGE.parents[1]

# What ``strict = true`` turns on per module, and what a module may not turn off.
STRICT_FLAGS = [
    "check_untyped_defs",
    "disallow_any_generics",
    "disallow_incomplete_defs",
    "disallow_subclassing_any",
    "disallow_untyped_calls",
    "disallow_untyped_decorators",
    "disallow_untyped_defs",
    "extra_checks",
    "strict_equality",
    "warn_return_any",
    "warn_unused_ignores",
]


def _registers_handlers(path: Path) -> bool:
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                call = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(call, ast.Name) and call.id in {"handles", "within"}:
                    return True
    return False


def must_be_strict(package: Path) -> list[Path]:
    """Every services, selectors and handlers module and every API module."""
    found = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        if {"tests", "migrations"} & set(relative.parts):
            continue
        if (
            relative.stem in {"services", "selectors", "handlers"}
            or {"services", "selectors"} & set(relative.parts[:-1])
            or relative.parts[0] == "api"
            or _registers_handlers(path)
        ):
            found.append(path)
    return found


def _mypy_settings(monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, str], Options]:
    """(module of each file mypy checks, by path; the options) as mypy reads them."""
    monkeypatch.chdir(ROOT)  # mypy reads ``files`` from where it runs
    sources, options = process_options(
        ["--config-file", str(ROOT / "pyproject.toml")],
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    checked = {str(Path(s.path).resolve()): s.module for s in sources if s.path}
    return checked, options


def outside_strict(paths: list[Path], checked: dict[str, str], options: Options):
    """Why each of ``paths`` is not checked strictly (none when all are)."""
    offenders = []
    for path in paths:
        module = checked.get(str(path.resolve()))
        if module is None:
            offenders.append(f"{path}: not among the files mypy checks")
            continue
        per_module = options.clone_for_module(module)
        loose = [flag for flag in STRICT_FLAGS if not getattr(per_module, flag)]
        if per_module.ignore_errors:
            loose.insert(0, "ignore_errors")
        if per_module.implicit_reexport:
            loose.append("implicit_reexport")
        if per_module.disabled_error_codes:
            loose.append("disable_error_code")
        if loose:
            offenders.append(f"{module}: {', '.join(loose)} (pyproject.toml)")
    return offenders


def test_mypy_checks_every_services_selectors_handlers_and_api_module_strictly(
    monkeypatch,
):
    paths = must_be_strict(PACKAGE)
    checked, options = _mypy_settings(monkeypatch)
    assert not outside_strict(paths, checked, options), "\n".join(
        outside_strict(paths, checked, options)
    )


def test_the_list_finds_each_kind_of_module_that_must_be_strict():
    relative = {str(p.relative_to(PACKAGE)) for p in must_be_strict(PACKAGE)}
    assert {
        "payments/services.py",
        "ledger/selectors.py",
        "orders/handlers.py",
        "catalog/listing_prices.py",  # registers a handler without being named so
        "api/errors.py",
    } <= relative
    assert not [name for name in relative if "/tests/" in name]


def test_the_check_refuses_a_services_module_outside_strict_typing(monkeypatch):
    checked, options = _mypy_settings(monkeypatch)
    services = PACKAGE / "returns" / "services.py"
    # As if it sat where the settings leave modules unchecked (the demo loader),
    # and as if mypy never read it.
    as_if_loose = {str(services.resolve()): "etalage.demo.loader"}
    assert outside_strict([services], as_if_loose, options) == [
        "etalage.demo.loader: ignore_errors (pyproject.toml)"
    ]
    assert outside_strict([services], {}, options) == [
        f"{services}: not among the files mypy checks"
    ]
    assert outside_strict([services], checked, options) == []
