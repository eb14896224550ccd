"""Helpers shared by the import, store and CLI tests.

``snapshot`` captures everything a store holds (every table's rows and every sequence's
position), so a test can show that a refused, failed or killed import changed nothing.
``run_cli`` runs ``backline`` in this process and returns (exit code, stdout, stderr).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from analytics.cli import main as cli_main
from analytics.store import Store

TEMPLATE_HEADER = "date,exercise,set,weight,unit,reps,rpe,set_type,duration_s,notes,workout\n"


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[Any, ...]]:
    return sorted(con.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)


def snapshot(target: Store | duckdb.DuckDBPyConnection | str | Path) -> dict[str, Any]:
    """Every table's rows (sorted) and every sequence's last value, by name."""
    if isinstance(target, str | Path):
        con = duckdb.connect(str(target), read_only=True)
        try:
            return snapshot(con)
        finally:
            con.close()
    con = target.cursor() if isinstance(target, Store) else target
    try:
        tables = [row[0] for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary "
            "AND database_name = current_database() ORDER BY table_name"
        ).fetchall()]
        state: dict[str, Any] = {table: _rows(con, table) for table in tables}
        state["(sequences)"] = con.execute(
            "SELECT sequence_name, last_value FROM duckdb_sequences() "
            "WHERE database_name = current_database() ORDER BY 1"
        ).fetchall()
        return state
    finally:
        if isinstance(target, Store):
            con.close()


def run_cli(args: Sequence[str]) -> tuple[int, str, str]:
    """``backline ARGS`` in this process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli_main(list(args))
        except SystemExit as stop:  # argparse: --help, or a usage problem (exit 2)
            code = stop.code if isinstance(stop.code, int) else 1
    return code, out.getvalue(), err.getvalue()


def template_csv(rows: Sequence[str]) -> bytes:
    """The Backline template header plus ``rows`` (each a CSV line without newline)."""
    return (TEMPLATE_HEADER + "".join(f"{row}\n" for row in rows)).encode("utf-8")
