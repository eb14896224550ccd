"""A store the importer wrote before issue 10 upgrades in place and keeps every set.

The store is rebuilt from ``tests/data/store_v3/imports.json``: what that importer stored
for some export samples (see the README there). Opening it runs the new migrations;
importing the same samples again must find every stored set as a duplicate (no set is
doubled by the new way of reading them), add the rows that importer rejected and this one
reads (Strong v6 ``WARM_UP`` and ``DROP_SET``), and stop listing their old rejects, even
the second copy a repeated import left.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from analytics.ingest import import_file
from analytics.schema import MIGRATIONS
from analytics.store import Store

DATA = Path(__file__).resolve().parent / "data"
OLD = json.loads((DATA / "store_v3" / "imports.json").read_text("utf-8"))
UNITS = {"strong_classic.csv": "lb"}
#: Rows the old importer rejected that are read now.
NOW_READ = {"strong_v6_words.csv": 2}
SET_COLUMNS = ("performed_at", "session_id", "workout_name", "workout_duration_s",
               "exercise_raw", "exercise_id", "set_index", "set_type", "weight_kg", "reps",
               "rpe", "duration_s", "distance_m", "notes", "source_format")


def _insert_import(con: duckdb.DuckDBPyConnection, import_id: int, name: str,
                   old: dict[str, Any], sets: bool = True) -> None:
    read, imported, skipped, rejected = old["counts"]
    con.execute(
        "INSERT INTO imports (import_id, athlete_id, file_name, sha256, format, unit, "
        "rows_read, imported, duplicates, skipped, rejected) VALUES (?, 1, ?, '', ?, ?, ?, ?, "
        "?, ?, ?)",
        [import_id, name, old["sets"][0]["source_format"], UNITS.get(name), read,
         imported if sets else 0, 0 if sets else imported, skipped, rejected],
    )
    for row in old["sets"] if sets else []:
        con.execute(
            f"INSERT INTO sets (athlete_id, import_id, {', '.join(SET_COLUMNS)}) "
            f"VALUES (1, ?, {', '.join('?' for _ in SET_COLUMNS)})",
            [import_id, *(row[c] for c in SET_COLUMNS)],
        )
    for reject in old["rejects"]:
        con.execute("INSERT INTO rejected_rows VALUES (?, ?, ?, ?, ?)",
                    [import_id, reject["line"], reject["column_name"], reject["reason"],
                     reject["raw"]])


def _old_store(path: Path) -> int:
    """A schema-3 store holding the old imports; returns how many sets it holds."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                "description VARCHAR, applied_at TIMESTAMP DEFAULT current_timestamp)")
    for version, description, ddl in MIGRATIONS[:3]:
        con.execute(ddl)
        con.execute("INSERT INTO schema_version (version, description) VALUES (?, ?)",
                    [version, description])
    con.execute("INSERT INTO athletes (name, unit) VALUES ('me', 'lb')")
    for import_id, (name, old) in enumerate(OLD.items(), 1):
        _insert_import(con, import_id, name, old)
    # The v6 file imported a second time: its rejects were stored twice.
    _insert_import(con, len(OLD) + 1, "strong_v6_words.csv", OLD["strong_v6_words.csv"],
                   sets=False)
    # An old import stored a name with a zero-width space in it (it came from the file).
    con.execute("UPDATE sets SET exercise_raw = chr(8203) || exercise_raw "
                "WHERE source_format = 'hevy' AND exercise_raw = 'Back Extension'")
    con.execute("SELECT setval('import_id_seq', ?)", [len(OLD) + 1])
    total = con.execute("SELECT count(*) FROM sets").fetchone()[0]
    con.close()
    return int(total)


def test_the_old_store_is_what_the_old_importer_left() -> None:
    v6 = OLD["strong_v6_words.csv"]
    assert v6["counts"] == [8, 4, 2, 2]  # WARM_UP and DROP_SET were rejected
    assert {r["line"] for r in v6["rejects"]} == {4, 12}


def test_reimporting_after_the_upgrade_doubles_no_set(tmp_path: Path) -> None:
    path = tmp_path / "v3.duckdb"
    stored = _old_store(path)
    with Store(path) as store:
        assert store.query_one("SELECT max(version) FROM schema_version") == MIGRATIONS[-1][0]
        assert store.query_one("SELECT count(*) FROM sets") == stored
        assert store.query_one("SELECT count(*) FROM rejected_rows") == 4
        assert store.query_one(
            "SELECT count(*) FROM sets WHERE contains(exercise_raw, chr(8203))") == 0
        for name, old in OLD.items():
            result = import_file(store, DATA / "exports" / name, athlete="me",
                                 unit=UNITS.get(name))
            assert result.duplicates == len(old["sets"]), name
            assert result.imported == NOW_READ.get(name, 0), name
        assert store.query_one("SELECT count(*) FROM sets") == stored + sum(NOW_READ.values())
        # The rows that were rejected (both copies) are stored now: no reject is listed.
        assert store.query_one("SELECT count(*) FROM rejected_rows") == 0
        v6 = store.query_df(
            "SELECT set_index, set_type FROM sets WHERE exercise_raw = 'Hip Thrust (Barbell)' "
            "AND performed_at = TIMESTAMP '2025-05-06 18:00:00' ORDER BY set_index")
        assert v6.values.tolist() == [[1, "warmup"], [2, "working"], [3, "working"],
                                      [4, "failure"], [5, "drop"]]
