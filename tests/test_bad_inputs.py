"""Malformed and hostile CSVs: each gets the outcome tests/data/bad/cases.toml declares.

For every case, through the library and through the command line, into new stores:

* a refused file raises :class:`IngestError` whose message names the file and says what
  is wrong; the CLI exits 2 with that message as its only stderr line; and every table
  and sequence of the store is exactly as before (the store already holds another
  athlete's import, so "unchanged" is not "empty");
* an imported file gives the declared counts (which add up to rows_read), stores every
  reject with the line a text editor shows, the column and the reason, and a second
  import of it adds nothing;
* nothing ever reaches the user as a traceback.

Files too big to commit (a 5 MB single line, a 5 MB row, a 500 KB header name, 1,000,000
rows) are generated here, deterministically, into a temporary folder.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from analytics.csv_safety import safe_csv_bytes
from analytics.ingest import IngestError, import_file
from analytics.store import Store
from tests.ingest_helpers import run_cli, snapshot, template_csv

BAD = Path(__file__).resolve().parent / "data" / "bad"
CASES: list[dict[str, Any]] = tomllib.loads((BAD / "cases.toml").read_text("utf-8"))["case"]
COUNTS = ("rows_read", "imported", "duplicates", "skipped", "rejected")
ATHLETE = "Bad input"
OTHER_IMPORT = template_csv([
    "2025-01-06 07:00,Romanian Deadlift,1,60,kg,10,8,,,,Base",
    "2025-01-06 07:00,Romanian Deadlift,2,60,kg,9,,,,,Base",
])


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [Path(case["file"]).stem for case in cases]


def _store_with_history(path: Path) -> Store:
    """A store already holding one import of another athlete."""
    store = Store(path)
    import_file(store, OTHER_IMPORT, athlete="Someone else", file_name="base.csv")
    return store


def _kwargs(case: dict[str, Any]) -> dict[str, Any]:
    return {"unit": case.get("unit"), "mapping": case.get("mapping")}


def _cli_args(case: dict[str, Any], path: Path, db: Path) -> list[str]:
    args = ["import", str(path), "--db", str(db), "--json", "--athlete", ATHLETE]
    if case.get("unit"):
        args += ["--unit", case["unit"]]
    for field, value in (case.get("mapping") or {}).items():
        if field == "weight_unit":
            args += ["--weight-unit", value]
        elif field == "date_format":
            args += ["--date-format", value]
        else:
            args += ["--map", f"{field}={value}"]
    return args


def _matches(stored: dict[str, Any], wanted: dict[str, Any]) -> bool:
    for name, want in wanted.items():
        got = stored[name]
        if isinstance(got, datetime):
            got = got.strftime("%Y-%m-%d %H:%M:%S")
        if isinstance(want, float):
            if got is None or (isinstance(got, float) and math.isnan(got)):
                return False
            if not math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-6):
                return False
        elif got != want:
            return False
    return True


def check_refused(case: dict[str, Any], path: Path, tmp: Path) -> None:
    with _store_with_history(tmp / "lib.duckdb") as store:
        before = snapshot(store)
        with pytest.raises(IngestError) as refused:
            import_file(store, path, athlete=ATHLETE, **_kwargs(case))
        message = str(refused.value)
        assert path.name in message, message
        assert case["refused"] in message, message
        assert snapshot(store) == before

    db = tmp / "cli.duckdb"
    _store_with_history(db).close()
    before = snapshot(db)
    code, out, err = run_cli(_cli_args(case, path, db))
    assert code == 2, (out, err)
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("backline: ") and case["refused"] in lines[0], lines[0]
    assert "Traceback" not in err
    assert snapshot(db) == before


def check_imported(case: dict[str, Any], path: Path, tmp: Path) -> None:
    with Store(tmp / "lib.duckdb") as store:
        result = import_file(store, path, athlete=ATHLETE, **_kwargs(case))
        counts = {name: getattr(result, name) for name in COUNTS}
        assert counts == case["counts"]
        assert result.rows_read == sum(counts[n] for n in COUNTS[1:])

        if result.import_id is None:
            # Nothing to store for a new athlete: no trace in the store, the rejects are in
            # the result.
            assert result.imported == result.duplicates == 0
            assert store.query_one("SELECT count(*) FROM athletes WHERE name = ?",
                                   [ATHLETE]) == 0
            rejects = pd.DataFrame(result.rejects).rename(columns={"column": "column_name"})
            rejects["column_name"] = rejects["column_name"].fillna("")
        else:
            rejects = store.query_df(
                "SELECT line, coalesce(column_name, '') AS column_name, reason, raw "
                "FROM rejected_rows WHERE import_id = ? ORDER BY line", [result.import_id],
            )
        wanted = case.get("rejects", [])
        assert len(rejects) == len(wanted), rejects
        for row, (line, column, reason) in zip(rejects.itertuples(), wanted, strict=True):
            assert (row.line, row.column_name) == (line, column), (row, reason)
            assert reason in row.reason, (row.reason, reason)
            assert row.raw, "a reject keeps the text of its row"
        text_lines = path.read_bytes().decode("utf-8", "replace").splitlines()
        for row in rejects.itertuples():  # the raw text is the line the editor shows
            if path.read_bytes()[:2] not in (b"\xff\xfe", b"\xfe\xff"):
                assert text_lines[row.line - 1].lstrip("\ufeff")[:50] in row.raw[:60]

        sets = store.query_df("SELECT * FROM sets WHERE import_id = ?", [result.import_id])
        records = [
            {k: (None if v is pd.NA else v) for k, v in row.items()}
            for row in sets.astype(object).to_dict("records")
        ]
        for wanted_set in case.get("stored", []):
            assert any(_matches(row, wanted_set) for row in records), (wanted_set, records)

        stored_before = snapshot(store)["sets"]
        again = import_file(store, path, athlete=ATHLETE, **_kwargs(case))
        assert (again.imported, again.duplicates) == (0, result.imported)
        assert snapshot(store)["sets"] == stored_before

    code, out, err = run_cli(_cli_args(case, path, tmp / "cli.duckdb"))
    assert "Traceback" not in err
    payload = json.loads(out)
    assert {name: payload[name] for name in COUNTS} == case["counts"]
    assert payload["athlete"] == ATHLETE and payload["format"] == result.format
    assert code == (0 if case["counts"]["imported"] else 1)


def test_corpus_is_big_and_fully_declared() -> None:
    files = {p.name for p in BAD.glob("*.csv")}
    declared = [case["file"] for case in CASES]
    assert len(declared) == len(set(declared)), "a file is declared twice"
    assert set(declared) == files, files.symmetric_difference(declared)
    assert len(CASES) + len(GENERATED) >= 30
    for case in CASES:
        assert ("refused" in case) != ("counts" in case), case["file"]
        assert case.get("why"), case["file"]


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_bad_file(case: dict[str, Any], tmp_path: Path) -> None:
    path = BAD / case["file"]
    if "refused" in case:
        check_refused(case, path, tmp_path)
    else:
        check_imported(case, path, tmp_path)


# --- generated: too big to commit -----------------------------------------------------

def _single_line_5mb(path: Path) -> None:
    """5 MB and no line break at all (a minified dump, or random bytes that decode)."""
    path.write_bytes(b"date,exercise," + b"x" * 5_000_000)


def _row_5mb(path: Path) -> None:
    """A good row, a row whose note is 5 MB of pasted text, another good row."""
    path.write_bytes(template_csv([
        "2025-03-01 10:00,Hip Thrust,1,80,kg,10,,,,,A",
        "2025-03-01 10:00,Hip Thrust,2,80,kg,10,,,," + "n" * 5_000_000 + ",A",
        "2025-03-01 10:00,Hip Thrust,3,80,kg,10,,,,,A",
    ]))


def _header_cell_500kb(path: Path) -> None:
    """A header whose first name is 500 KB long (over Python's CSV field limit)."""
    path.write_bytes(b"a" * 500_000 + b",exercise\n1,RDL\n")


def _nul_after_70kb(path: Path) -> None:
    """A good start (past the first 64 KB checked on opening), then a NUL byte in a row."""
    rows = [f"2025-03-01 10:00,Hip Thrust,{n},80,kg,10,,,,,A" for n in range(1, 2001)]
    rows.append("2025-03-01 10:00,Hip Thrust,2001,80,kg,1\x000,,,,,A")
    path.write_bytes(template_csv(rows))


def _utf16_nul_after_70kb(path: Path) -> None:
    """The same in UTF-16 (whose NUL bytes are normal): a NUL character, not a byte."""
    _nul_after_70kb(path)
    path.write_bytes(path.read_bytes().decode("utf-8").encode("utf-16"))


GENERATED: list[tuple[str, Callable[[Path], None], dict[str, Any]]] = [
    ("nul_after_70kb.csv", _nul_after_70kb,
     {"refused": "contains binary data (NUL bytes, the first at byte 95,006); it is not a CSV"}),
    ("utf16_nul_after_70kb.csv", _utf16_nul_after_70kb,
     {"refused": "contains binary data (NUL characters); it is not a CSV text file."}),
    ("header_cell_500kb.csv", _header_cell_500kb,
     {"refused": "the header row is not one Backline recognises (aaaaaaaaa"}),
    ("single_line_5mb.csv", _single_line_5mb,
     {"refused": "line 1 runs past 1 MB without a line break; expected the header row"}),
    ("row_5mb.csv", _row_5mb, {
        "counts": {"rows_read": 3, "imported": 2, "duplicates": 0, "skipped": 0,
                   "rejected": 1},
        "rejects": [[3, "", "row is 5000044 bytes long; a row may be at most 2,000,000 bytes"]],
    }),
]


@pytest.mark.parametrize(("name", "write", "expect"), GENERATED, ids=[g[0] for g in GENERATED])
def test_generated_bad_file(name: str, write: Callable[[Path], None], expect: dict[str, Any],
                            tmp_path: Path) -> None:
    path = tmp_path / "input" / name
    path.parent.mkdir()
    write(path)
    case = {"file": name, **expect}
    if "refused" in case:
        check_refused(case, path, tmp_path)
    else:
        check_imported(case, path, tmp_path)


MILLION = 1_000_000
BAD_REPS = {i for i in range(MILLION) if i % 250_000 == 123}  # rejected (4)
REST_TIMERS = {i for i in range(MILLION) if i % 100_000 == 7}  # skipped (10)


def _million_rows(path: Path) -> None:
    """1,000,000 Strong rows: 25 sets a session, sessions 8 h apart, a few bad rows."""
    exercises = ("Romanian Deadlift (Barbell)", "Hip Thrust (Barbell)", "Kettlebell Swing",
                 "Bent Over Row (Barbell)", "Back Extension")
    start = datetime(1990, 1, 1, 7, 0)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,"
                  "Seconds,Notes,Workout Notes,RPE\n")
        for session in range(MILLION // 25):
            when = (start + timedelta(hours=8 * session)).strftime("%Y-%m-%d %H:%M:%S")
            prefix = f"{when},Day {session % 3},40min,"
            lines = []
            for position in range(25):
                i = session * 25 + position
                order = "Rest Timer" if i in REST_TIMERS else str(position % 5 + 1)
                reps = "x" if i in BAD_REPS else str(5 + (i * 7) % 8)
                lines.append(f"{prefix}{exercises[position // 5]},{order},"
                             f"{20 + (i * 13) % 140}.5,{reps},0,0,,,\n")
            out.write("".join(lines))


@pytest.mark.slow
def test_a_million_rows(tmp_path: Path) -> None:
    """10^6 rows import with exact counts, the bad rows' lines, and sets numbered in order."""
    path = tmp_path / "million.csv"
    _million_rows(path)
    with Store(tmp_path / "store.duckdb") as store:
        result = import_file(store, path, athlete=ATHLETE, unit="kg")
        assert (result.rows_read, result.imported, result.skipped, result.rejected) == (
            MILLION, MILLION - 14, 10, 4)
        lines = store.query_df("SELECT line, column_name, reason FROM rejected_rows ORDER BY line")
        assert lines["line"].tolist() == [i + 2 for i in sorted(BAD_REPS)]
        assert set(lines["column_name"]) == {"Reps"}
        # File order survives the parallel read: the set number is the position in its
        # exercise block (Rest Timer rows are skipped and take no number; rejected ones do).
        wrong = store.query_one(
            """
            SELECT count(*) FROM (
                SELECT set_index, row_number() OVER (
                    PARTITION BY session_id, exercise_raw ORDER BY set_index) AS position
                FROM sets) WHERE set_index < position
            """
        )
        assert wrong == 0
        assert store.query_one("SELECT max(set_index) FROM sets") == 5


# --- formula injection on the way out ---------------------------------------------------

def test_formula_cells_are_stored_verbatim_and_exported_escaped(tmp_path: Path) -> None:
    with Store(tmp_path / "store.duckdb") as store:
        import_file(store, BAD / "formula_injection.csv", athlete=ATHLETE)
        sets = store.query_df(
            "SELECT exercise_raw, notes, workout_name, weight_kg, reps FROM sets "
            "ORDER BY exercise_raw"
        )
    exported = safe_csv_bytes(sets).decode("utf-8")
    assert "'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")" in exported
    assert "'@SUM(A1)" in exported and "'+cmd|' /C calc'!A0" in exported
    assert "'-2+3" in exported and "'=1+1" in exported
    for line in exported.splitlines()[1:]:
        for cell in line.split(","):
            assert not cell.lstrip('"').startswith(("=", "+", "@")), line
