"""Every ``backline`` command given bad arguments: one ``backline:`` line, exit 2, no traceback.

The cases are data: each names a command, its arguments (``{db}``, ``{csv}``, ``{dir}`` are
filled in) and words the message must hold. A test checks that every command the parser
knows has a case here, so a new command cannot skip the rule.
"""

from __future__ import annotations

import argparse
import re

import pytest

from analytics.cli import build_parser
from analytics.sample import load_sample
from analytics.store import Store
from tests.ingest_helpers import run_cli

PROGRESS = re.compile(r"^\[\s*\d+%\] ")

CASES: list[tuple[str, list[str], str]] = [
    ("import", ["import", "--db", "{db}"], "required: files"),
    ("import", ["import", "{dir}/missing.csv", "--db", "{db}"], "no such file"),
    ("import", ["import", "{csv}", "--db", "{db}", "--unit", "stone"], "invalid choice"),
    ("import", ["import", "{csv}", "--db", "{db}", "--map", "nonsense"], "FIELD=COLUMN"),
    ("import", ["import", "{csv}", "--db", "{dir}"], "Cannot open the store"),
    ("rejects", ["rejects", "--db", "{db}", "--import", "abc"], "invalid int value"),
    ("rejects", ["rejects", "--db", "{db}", "--import", "99"], "No import 99"),
    ("imports", ["imports", "--db", "{db}", "--bogus"], "unrecognized arguments"),
    ("imports", ["imports", "--db", "{csv}"], "not a Backline store"),
    ("athletes", ["athletes", "--db", "{dir}/no/such/../../x.duckdb", "--nope"],
     "unrecognized arguments"),
    ("delete-import", ["delete-import", "--db", "{db}"], "required: import_id"),
    ("delete-import", ["delete-import", "999", "--db", "{db}"], "No import 999"),
    ("load-sample", ["load-sample", "--db", "/proc/no-such-dir/x.duckdb"],
     "Cannot create the folder"),
    ("report", ["report", "--db", "{db}", "--from", "2025-02-01", "--to", "2025-01-01"],
     "starts on 2025-02-01, after it ends on 2025-01-01"),
    ("report", ["report", "--db", "{db}", "--from", "2025-13-01"], "is not a date"),
    ("report", ["report", "--db", "{db}", "--athlete", "Nobody"], "No athlete called"),
    ("report", ["report", "--db", "{db}", "--formula", "guess"], "invalid choice"),
    ("export-report", ["export-report", "--db", "{db}"], "required: --out"),
    ("export-report", ["export-report", "--db", "{db}", "--out", "{dir}"],
     "Cannot write the report"),
    ("share create", ["share", "create", "--db", "{db}", "--athlete", "Nobody"],
     "No athlete called"),
    ("share create", ["share", "create", "--db", "{db}", "--days", "5"], "invalid choice"),
    ("share list", ["share", "list", "--db", "{db}", "--athlete", "Nobody"],
     "No athlete called"),
    ("share revoke", ["share", "revoke", "zzzzzz", "--db", "{db}"], "No share link matches"),
    ("share", ["share"], "required: create|list|revoke"),
    ("serve", ["serve", "--db", "{db}", "--port", "99999"], "not a port number"),
    ("(none)", ["frobnicate"], "invalid choice"),
]


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("cli-errors")
    db = folder / "store.duckdb"
    with Store(db) as store:
        load_sample(store)
    csv = folder / "week.csv"
    csv.write_text("date,exercise,set,weight,unit,reps\n2025-01-06,RDL,1,60,kg,8\n", "utf-8")
    return {"db": str(db), "csv": str(csv), "dir": str(folder)}


@pytest.mark.parametrize(("command", "argv", "expected"), CASES,
                         ids=[f"{c}:{' '.join(a[1:3])}" for c, a, _ in CASES])
def test_bad_arguments_give_one_line_and_exit_2(paths: dict[str, str], command: str,
                                                argv: list[str], expected: str) -> None:
    args = [part.format(**paths) for part in argv]
    code, out, err = run_cli(args)
    assert code == 2, (out, err)
    assert "Traceback" not in err + out
    # (an import's progress lines may come first on stderr; they are not messages)
    lines = [line for line in err.strip().splitlines() if not PROGRESS.match(line)]
    assert len(lines) == 1 and lines[0].startswith("backline: "), err
    assert expected in lines[0]


def _commands(parser: argparse.ArgumentParser, prefix: str = "") -> set[str]:
    found: set[str] = set()
    for action in parser._actions:  # argparse keeps subcommands only here
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                full = f"{prefix}{name}"
                nested = _commands(sub, f"{full} ")
                found |= nested or {full}
    return found


def test_every_command_has_a_bad_arguments_case() -> None:
    assert _commands(build_parser()) <= {command for command, _, _ in CASES}
