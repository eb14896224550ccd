"""The README is checked against the code, so it cannot drift from what Backline does."""

from __future__ import annotations

import argparse
import csv
import io
import re
from pathlib import Path

import pytest

from analytics.cli import build_parser
from analytics.filters import FORMULA_LABELS, FORMULAS
from analytics.ingest import import_file
from analytics.ingest.formats import BACKLINE_TEMPLATE
from analytics.store import Store
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text of the README's ``## title`` section, up to the next ``## `` heading."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def quick_start_commands() -> list[str]:
    return re.findall(r"```bash\n(.*?)\n```", section("Quick start"), re.S)


def test_readme_has_exactly_the_two_entry_points() -> None:
    run, test = quick_start_commands()
    assert run == "python3 -m pip install -e . && backline serve"
    assert test == "bash scripts/test.sh"


def test_ci_calls_the_readme_test_command_verbatim() -> None:
    _run, test = quick_start_commands()
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test in ci_lines


def _subcommands(parser: argparse.ArgumentParser, prefix: str = "backline") -> list[str]:
    names = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                nested = _subcommands(sub, f"{prefix} {name}")
                names.extend(nested or [f"{prefix} {name}"])
    return names


@pytest.mark.parametrize("command", _subcommands(build_parser()))
def test_every_cli_command_is_documented(command: str) -> None:
    documented = section("Command line") + section("Sharing with a coach")
    parts = command.split()
    # "backline share create" is documented as "backline share create | list | revoke"
    assert " ".join(parts[:2]) in documented and parts[-1] in documented, command


@pytest.mark.parametrize("formula", FORMULAS)
def test_every_e1rm_formula_is_explained(formula: str) -> None:
    assert FORMULA_LABELS[formula] in section("How Backline computes its numbers")


def test_template_example_matches_the_template_and_imports_cleanly(tmp_path: Path) -> None:
    example = re.search(r"```csv\n(.*?)\n```", section("Importing your log"), re.S)
    assert example, "README shows no template example"
    text = example.group(1) + "\n"
    header = next(csv.reader(io.StringIO(text)))
    assert tuple(header) == BACKLINE_TEMPLATE
    with Store(tmp_path / "docs.duckdb") as store:
        result = import_file(store, text.encode(), file_name="template.csv", unit="kg")
    rows = len(text.strip().splitlines()) - 1
    assert (result.format, result.rows_read, result.imported) == ("backline", rows, rows)


def test_quick_start_documents_the_normal_install() -> None:
    quick = section("Quick start")
    for command in ("pipx install .", "python3 -m pip install .",
                    "python3 -m pip install dist/backline-*.whl"):
        assert command in quick, command


def test_structure_section_describes_the_layout_as_it_is() -> None:
    block = re.search(r"### How the app is structured\n\n```\n(.*?)\n```", README, re.S)
    assert block, "README has no structure block"
    text = block.group(1)
    named = re.findall(r"^\s*([\w./-]+(?:\.py|\.toml|/))", text, re.M)
    for name in named:  # everything the block names exists...
        path = ROOT / name if (ROOT / name).exists() else ROOT / "analytics" / name.strip()
        assert path.exists(), f"the structure section names {name}, which does not exist"
    for module in sorted((ROOT / "analytics").glob("*.py")):  # ...and every module is named
        if module.name != "__init__.py":
            assert module.name in text, f"analytics/{module.name} is not in the structure"
    for folder in ("ingest", "catalog"):
        assert f"{folder}/" in text
