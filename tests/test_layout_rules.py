"""Rules of the code's layout that a reviewer would otherwise have to remember.

* The UI and the renderers hold no SQL: bookkeeping queries are named ``Store`` methods
  (:mod:`analytics.store`) and metrics are analytics functions, so a page, the CLI or a
  report renderer never talks to the database directly.
* ``analytics/`` never imports Streamlit: the library runs the same under the CLI, the
  dashboard and the tests.
* A metric runs its SQL through :class:`analytics.sql.Piece`, which carries the
  parameters and registers the tables it reads: no metric binds a parameter dictionary or
  registers a frame itself. The store, the migrations, the import's write path and the
  catalog (which registers its own tables, through the catalog piece) are the exceptions.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

NO_SQL = sorted(
    [*(ROOT / "pages").glob("*.py"), ROOT / "ui.py", ROOT / "app.py",
     ROOT / "analytics" / "cli.py", ROOT / "analytics" / "report.py",
     ROOT / "analytics" / "html_report.py"]
)
SQL = re.compile(
    r"\b(SELECT\b[\s\S]*\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
    r"CREATE\s+(OR\s+REPLACE\s+)?(TEMP\s+)?(TABLE|VIEW|MACRO)|ALTER\s+TABLE|DROP\s+TABLE)\b"
)
DATABASE_CALLS = {"execute", "executemany", "sql", "query_df", "query_one", "fetchall",
                  "fetchone", "df"}


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):  # f-strings: their literal parts together
            text = "".join(part.value for part in node.values
                           if isinstance(part, ast.Constant) and isinstance(part.value, str))
            found.append((node.lineno, text))
    return found


@pytest.mark.parametrize("path", NO_SQL, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_sql_outside_the_store_and_the_analytics(path: Path) -> None:
    tree = ast.parse(path.read_text("utf-8"))
    sql = [f"line {line}: {text[:60]!r}" for line, text in _strings(tree) if SQL.search(text)]
    calls = [
        f"line {node.lineno}: .{node.func.attr}(...)"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr in DATABASE_CALLS
    ]
    assert not sql and not calls, (
        f"{path.name} talks to the database directly; add a named Store method or an "
        f"analytics function instead: {sql + calls}"
    )


def test_the_sql_check_finds_sql() -> None:
    assert SQL.search("SELECT count(*) FROM imports")
    assert SQL.search('UPDATE athletes SET unit = ?')
    assert not SQL.search("Select the athlete from the list")


def test_analytics_never_imports_streamlit() -> None:
    offenders = []
    for path in sorted((ROOT / "analytics").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(name == "streamlit" or name.startswith("streamlit.") for name in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders


BOOKKEEPING = ("imports", "rejected_rows", "share_links", "owner_sessions",
               "exercise_aliases", "settings")
"""Tables no metric reads: only the Store (and the migrations) query or change them."""
STORE_ONLY = {ROOT / "analytics" / "store.py", ROOT / "analytics" / "schema.py"}
TABLE_IN_SQL = re.compile(
    r"\b(FROM|JOIN|INTO|UPDATE|TABLE)\s+(" + "|".join(BOOKKEEPING) + r")\b", re.I)
WRITES_ATHLETES = re.compile(r"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+athletes\b", re.I)


def _python_files() -> list[Path]:
    return sorted([*(ROOT / "analytics").rglob("*.py"), *(ROOT / "pages").glob("*.py"),
                   ROOT / "ui.py", ROOT / "app.py", ROOT / "server.py"])


@pytest.mark.parametrize("path", [p for p in _python_files() if p not in STORE_ONLY],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_bookkeeping_tables_belong_to_the_store(path: Path) -> None:
    tree = ast.parse(path.read_text("utf-8"))
    found = [f"line {line}: {text[:70]!r}" for line, text in _strings(tree)
             if TABLE_IN_SQL.search(text) or WRITES_ATHLETES.search(text)]
    assert not found, (
        f"{path.relative_to(ROOT)} queries the store's bookkeeping directly; make it a "
        f"named Store method: {found}"
    )


PIECE_EXEMPT = {ROOT / "analytics" / name for name in ("store.py", "schema.py", "sql.py")}


def _metric_modules() -> list[Path]:
    return sorted(p for p in (ROOT / "analytics").glob("*.py") if p not in PIECE_EXEMPT)


@pytest.mark.parametrize("path", _metric_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_metrics_run_their_sql_through_pieces(path: Path) -> None:
    tree = ast.parse(path.read_text("utf-8"))
    found = [
        f"line {node.lineno}: .{node.func.attr}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"execute", "executemany", "sql", "register"}
    ]
    found += [f"line {node.lineno}: .params" for node in ast.walk(tree)
              if isinstance(node, ast.Attribute) and node.attr == "params"]
    assert not found, (
        f"{path.relative_to(ROOT)} runs SQL or binds parameters outside analytics.sql "
        f"(build a Piece: sql.cte / sql.catalog / sql.registered): {found}"
    )
