"""The store: migrations, transactions, deleting imports and athletes, clear errors."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from analytics.ingest import import_file
from analytics.schema import MIGRATIONS
from analytics.store import Store, StoreError
from tests.ingest_helpers import snapshot, template_csv

FIRST = template_csv([
    "2025-01-06 07:00,Romanian Deadlift,1,60,kg,10,8,,,,A",
    "2025-01-06 07:00,Romanian Deadlift,2,60,kg,x,,,,,A",  # rejected: reps
    "2025-01-06 07:00,Hip Thrust,1,80,kg,12,,,,,A",
])
SECOND = template_csv([
    "2025-01-09 07:00,Romanian Deadlift,1,62.5,kg,10,,,,,B",
    "2025-01-09 07:00,Kettlebell Swing,1,24,kg,20,,,,,B",
])


def test_migrations_run_once_and_opening_again_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    with Store(path) as store:
        import_file(store, FIRST, athlete="me")
        first = snapshot(store)
        versions = store.query_df("SELECT version FROM schema_version ORDER BY version")
        assert versions["version"].tolist() == [v for v, _, _ in MIGRATIONS]
        assert store.migrate() == max(v for v, _, _ in MIGRATIONS)  # again: a no-op
        assert snapshot(store) == first
    for _ in range(2):
        with Store(path) as store:
            assert snapshot(store) == first


def test_a_store_from_before_derived_keys_keeps_its_sets_and_knows_them_again(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v2.duckdb"
    con = duckdb.connect(str(path))  # a store whose sets hold a stored digest as their key
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                "description VARCHAR, applied_at TIMESTAMP DEFAULT current_timestamp)")
    for version, description, ddl in MIGRATIONS[:2]:
        con.execute(ddl)
        con.execute("INSERT INTO schema_version (version, description) VALUES (?, ?)",
                    [version, description])
    con.execute("INSERT INTO athletes (name, unit) VALUES ('me', 'kg')")
    con.execute("INSERT INTO imports (athlete_id, file_name, sha256, format, rows_read, "
                "imported, duplicates, skipped, rejected) VALUES (1, 'old.csv', '', "
                "'template', 1, 1, 0, 0, 0)")
    con.execute(
        "INSERT INTO sets VALUES (1, TIMESTAMP '2025-01-06 07:00', '2025-01-06T07:00:00 A', "
        "'A', NULL, 'Romanian Deadlift', 'romanian-deadlift', 1, 'working', 60, 10, 8, NULL, "
        "NULL, NULL, 'template', 1, 'an old stored digest')"
    )
    before = con.execute("SELECT * EXCLUDE (row_hash) FROM sets").fetchall()
    con.close()
    with Store(path) as store:
        with store.cursor() as cur:
            after = cur.execute("SELECT * EXCLUDE (row_hash) FROM sets").fetchall()
            # later migrations only add columns: the old ones keep their values
            assert [row[:len(before[0])] for row in after] == before
        assert len(store.query_one("SELECT row_hash FROM sets")) == 32
        result = import_file(store, FIRST, athlete="me")  # holds that set: a duplicate
        assert (result.imported, result.duplicates, result.rejected) == (1, 1, 1)


def test_a_file_that_is_not_a_store_is_a_clear_error(tmp_path: Path) -> None:
    text = tmp_path / "notes.duckdb"
    text.write_text("date,exercise\n")
    with pytest.raises(StoreError, match="not a valid DuckDB database file"):
        Store(text)


def test_a_csv_given_as_the_store_is_refused_not_opened_in_memory(tmp_path: Path) -> None:
    """DuckDB opens a .csv path as an in-memory database: an import would vanish."""
    export = tmp_path / "strong.csv"
    export.write_bytes(FIRST)
    with pytest.raises(StoreError, match="is not a Backline store: DuckDB reads it as a CSV"):
        Store(export)
    assert export.read_bytes() == FIRST


def test_read_only_store_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    Store(path).close()
    with Store(path, read_only=True) as store, pytest.raises(StoreError, match="read-only"):
        store.set_setting("x", "1")


def test_a_failed_transaction_changes_nothing_and_keeps_its_error(tmp_path: Path) -> None:
    with Store(tmp_path / "store.duckdb") as store:
        import_file(store, FIRST, athlete="me")
        before, version = snapshot(store), store.data_version
        with pytest.raises(ValueError, match="boom"), store.transaction() as cur:
            cur.execute("DELETE FROM sets")
            raise ValueError("boom")
        assert snapshot(store) == before
        assert store.data_version == version

        # Even when the rollback itself cannot run, the original error is the one raised.
        cur = store.cursor()
        with pytest.raises(KeyError), store.transaction(cur):
            cur.execute("DELETE FROM sets")
            cur.close()
            raise KeyError("original")
        assert snapshot(store) == before

        with store.transaction() as cur:
            cur.execute("DELETE FROM rejected_rows")
        assert store.data_version == version + 1


def test_delete_import_removes_exactly_that_import(tmp_path: Path) -> None:
    with Store(tmp_path / "store.duckdb") as store:
        first = import_file(store, FIRST, athlete="me")
        second = import_file(store, SECOND, athlete="me")
        assert first.rejected == 1
        assert store.delete_import(first.import_id) == first.imported
        assert store.query_one("SELECT count(*) FROM sets") == second.imported
        assert store.query_one(
            "SELECT count(*) FROM sets WHERE import_id = ?", [first.import_id]) == 0
        assert store.query_one("SELECT count(*) FROM rejected_rows") == 0
        assert store.query_df("SELECT import_id FROM imports")["import_id"].tolist() == [
            second.import_id]
        # The undone file can be imported again, as new.
        again = import_file(store, FIRST, athlete="me")
        assert (again.imported, again.duplicates) == (first.imported, 0)
        before = snapshot(store)
        with pytest.raises(StoreError, match="No import 999"):
            store.delete_import(999)
        assert snapshot(store) == before


def test_delete_athlete_removes_everything_of_theirs_only(tmp_path: Path) -> None:
    with Store(tmp_path / "store.duckdb") as store:
        import_file(store, FIRST, athlete="me")
        import_file(store, SECOND, athlete="coach's other athlete")
        me = store.athlete_id("me")
        other = store.athlete_id("coach's other athlete")
        store.set_setting("theme", "dark")
        with store.transaction() as cur:
            cur.execute("INSERT INTO share_links (token_hash, athlete_id, created_at) "
                        "VALUES ('h1', ?, now()), ('h2', ?, now())", [me, other])
        kept = {table: store.query_one(f"SELECT count(*) FROM {table} WHERE athlete_id = ?",
                                       [other])
                for table in ("sets", "imports", "share_links")}
        store.delete_athlete(me)
        for table in ("sets", "imports", "share_links", "athletes"):
            assert store.query_one(
                f"SELECT count(*) FROM {table} WHERE athlete_id = ?", [me]) == 0, table
        assert store.query_one("SELECT count(*) FROM rejected_rows") == 0  # only me had any
        for table, count in kept.items():
            assert store.query_one(
                f"SELECT count(*) FROM {table} WHERE athlete_id = ?", [other]) == count
        assert store.get_setting("theme") == "dark"
        before = snapshot(store)
        store.delete_athlete(me)  # already gone: nothing happens
        assert snapshot(store) == before
        with pytest.raises(StoreError, match="No athlete called 'me'"):
            store.athlete_id("me")


def test_athletes_and_settings(tmp_path: Path) -> None:
    with Store(tmp_path / "store.duckdb") as store:
        first = store.athlete_id("  Ana ", create=True)
        assert store.athlete_id("Ana", create=True) == first
        assert store.athlete_name(first) == "Ana"
        with pytest.raises(StoreError, match="empty"):
            store.athlete_id("  ", create=True)
        with pytest.raises(StoreError, match="Unknown athlete fields"):
            store.update_athlete(first, colour="red")
        store.update_athlete(first, unit="lb", bodyweight_kg=61.5)
        row = store.athletes().iloc[0]
        assert (row["name"], row["unit"], row["sets"]) == ("Ana", "lb", 0)
        assert store.get_setting("missing", "default") == "default"
        store.set_setting("k", "1")
        store.set_setting("k", "2")
        assert store.get_setting("k") == "2"


def test_export_parquet_holds_every_table(tmp_path: Path) -> None:
    with Store(tmp_path / "store.duckdb") as store:
        result = import_file(store, FIRST, athlete="me")
        target = store.export_parquet(tmp_path / "backup")
    con = duckdb.connect()
    sets = con.execute(f"SELECT count(*) FROM read_parquet('{target}/sets.parquet')").fetchone()
    assert sets == (result.imported,)
    assert (target / "rejected_rows.parquet").exists()


def test_opening_a_store_rematches_names_filed_under_an_older_catalog(tmp_path: Path) -> None:
    """Sets imported before a catalog change take today's ids on the next opening; the
    user's own aliases are re-keyed with today's normaliser and still win."""
    from analytics.store import CATALOG_SETTING

    db = tmp_path / "old.duckdb"
    with Store(db) as store:
        athlete = store.athlete_id("Ana", create=True)
        with store.transaction() as cur:
            for raw, filed in (("Pull Up (Assisted)", "pull-up"), ("My Hinge", None),
                               ("Hip Thrust (Barbell)", "hip-thrust")):
                cur.execute(
                    "INSERT INTO sets (athlete_id, performed_at, session_id, exercise_raw, "
                    "exercise_id, set_index, set_type, source_format, import_id) VALUES "
                    "(?, TIMESTAMP '2025-01-06 07:00', 's1', ?, ?, 1, 'working', 'backline', 1)",
                    [athlete, raw, filed],
                )
            # an alias saved by the old normaliser (ASCII words only), and a stale one
            cur.execute("INSERT INTO exercise_aliases (alias_norm, exercise_id) VALUES "
                        "('my hinge', 'romanian-deadlift'), ('gone', 'no-such-exercise')")
            cur.execute("UPDATE settings SET value = 'an older catalog' WHERE key = ?",
                        [CATALOG_SETTING])
    with Store(db) as store:
        filed = dict(store.cursor().execute(
            "SELECT exercise_raw, exercise_id FROM sets").fetchall())
        aliases = dict(store.cursor().execute(
            "SELECT alias_norm, exercise_id FROM exercise_aliases").fetchall())
        version = store.get_setting(CATALOG_SETTING)
    assert filed == {"Pull Up (Assisted)": "assisted-pull-up", "My Hinge": "romanian-deadlift",
                     "Hip Thrust (Barbell)": "hip-thrust"}
    assert aliases == {"my hinge": "romanian-deadlift"}
    from analytics import catalog
    assert version == catalog.fingerprint()
    with Store(db) as store:  # the same catalog again: nothing to do
        assert store.get_setting(CATALOG_SETTING) == version
