"""The README is the front door: its commands are the ones CI runs, and every link it
gives opens a page of the manual (``mkdocs build --strict`` checks the manual's own
links, not the README's)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
README = ROOT / "README.md"
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)\s]*)?\)")


def readme_commands() -> list[str]:
    """The commands of the README's shell block, without their comments."""
    block = re.search(r"```sh\n(.*?)```", README.read_text(), re.DOTALL)
    assert block, "the README shows its commands in a ```sh block"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines()]


def test_the_readme_test_command_is_the_one_ci_runs():
    commands = readme_commands()
    assert commands == ["make run", "make test"]
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert "make test" in [line.strip() for line in ci]
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run:", makefile, re.MULTILINE)
    assert re.search(r"^test:", makefile, re.MULTILINE)


def test_every_link_of_the_readme_opens_a_page_of_the_manual():
    targets = LINK.findall(README.read_text())
    local = [t for t in targets if not re.match(r"[a-z]+:", t)]
    assert local, "the README links into docs/"
    missing = [t for t in local if not (ROOT / t).is_file()]
    assert missing == []
    outside = [t for t in local if not t.startswith("docs/")]
    assert outside == [], "the README's links stay inside the repository's docs/"


def test_every_page_of_the_manual_is_in_its_navigation():
    config = (ROOT / "mkdocs.yml").read_text()
    listed = set(re.findall(r":\s*([\w./-]+\.md)\s*$", config, re.MULTILINE))
    pages = {
        p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")
    }
    assert pages - listed == set(), "add the page to mkdocs.yml's nav"
    assert listed - pages == set(), "a page in mkdocs.yml's nav is missing"
