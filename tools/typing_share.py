"""Print the share of Étalage's lines that mypy checks strictly (``make lint``).

Reads the settings in ``pyproject.toml`` the way mypy does: a module counts when
mypy checks it and no override there loosens it. Tests and migrations count on
neither side. docs/typing.md says what is strict and why.
"""

import io
import os
import sys
from pathlib import Path

from mypy.main import process_options
from mypy.options import Options

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "etalage"
LOOSENERS = ("disallow_untyped_defs", "disallow_any_generics", "warn_return_any")


def _strict(options: Options, module: str) -> bool:
    per_module = options.clone_for_module(module)
    return not per_module.ignore_errors and all(
        getattr(per_module, flag) for flag in LOOSENERS
    )


def typing_share() -> tuple[int, int, int, int]:
    """(strict lines, all lines, strict modules, all modules)."""
    os.chdir(ROOT)  # mypy reads ``files`` from where it runs
    sources, options = process_options(
        ["--config-file", str(ROOT / "pyproject.toml")],
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    module_of = {Path(s.path).resolve(): s.module for s in sources if s.path}
    strict_lines = all_lines = strict_modules = all_modules = 0
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if {"tests", "migrations"} & set(relative.parts):
            continue
        lines = len(path.read_text().splitlines())
        all_lines += lines
        all_modules += 1
        module = module_of.get(path.resolve())
        if module is not None and _strict(options, module):
            strict_lines += lines
            strict_modules += 1
    return strict_lines, all_lines, strict_modules, all_modules


def main() -> int:
    strict_lines, all_lines, strict_modules, all_modules = typing_share()
    print(
        f"Strict typing: {strict_lines / all_lines:.1%} of the lines "
        f"({strict_lines:,} of {all_lines:,}), "
        f"{strict_modules} of {all_modules} modules (tests and migrations aside)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
