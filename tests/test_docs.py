"""The README is checked against the code, so it cannot drift from what Backline does."""

from __future__ import annotations

import argparse
import csv
import io
import re
from pathlib import Path

import pytest

from analytics.cli import build_parser
from analytics.filters import FORMULAS
from analytics.ingest import import_file
from analytics.ingest.formats import BACKLINE_TEMPLATE
from analytics.store import Store

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
FORMULA_NAMES = {"epley": "Epley", "brzycki": "Brzycki", "lombardi": "Lombardi",
                 "mayhew": "Mayhew", "oconner": "O'Conner", "wathan": "Wathan"}


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
    assert FORMULA_NAMES[formula] in section("How Backline computes its numbers")


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
