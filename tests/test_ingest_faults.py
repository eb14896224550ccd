"""Faults seen in real exports (issue 10) that need more than one file to show.

Each test below failed before its fix: a row's true field count, a corrected file after
a bad byte, stale rejects, a file where every row fails for one reason, the distance
unit and the time zone an athlete chooses, and the rows an unsaved import reports.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from analytics.ingest import IngestError, import_file
from analytics.store import Store
from tests.ingest_helpers import TEMPLATE_HEADER, run_cli, snapshot, template_csv

BAD = Path(__file__).resolve().parent / "data" / "bad"
EXPORTS = Path(__file__).resolve().parent / "data" / "exports"


def _rejects(store: Store) -> list[tuple[int, str]]:
    return [tuple(row) for row in store.query_df(
        "SELECT line, reason FROM rejected_rows ORDER BY import_id, line"
    ).itertuples(index=False)]


# --- fault 6: the true field count of a long row ------------------------------------------

def test_a_row_with_ten_thousand_fields_is_rejected_with_its_true_count() -> None:
    wide = "2025-03-01 10:00,Hip Thrust,2,80,kg,10,,,,,A," + ",".join(["x"] * 9_989)
    data = template_csv(["2025-03-01 10:00,Hip Thrust,1,80,kg,10,,,,,A", wide])
    with Store(":memory:") as store:
        result = import_file(store, data, file_name="wide.csv")
        assert (result.imported, result.rejected) == (1, 1)
        assert _rejects(store) == [
            (3, "row has 10,000 fields but the header has 11 (extra columns)")]


def test_trailing_empty_fields_are_ignored() -> None:
    """A trailing comma (as spreadsheets save rows) adds nothing: the row is read."""
    data = template_csv(["2025-03-01 10:00,Hip Thrust,1,80,kg,10,,,,,A,,",
                         "2025-03-01 10:00,Hip Thrust,2,80,kg,9,,,,,A,"])
    with Store(":memory:") as store:
        result = import_file(store, data, file_name="trailing.csv")
        assert (result.imported, result.rejected) == (2, 0)


# --- fault 8: one bad byte does not make a file Windows-1252 --------------------------------

def test_the_corrected_file_finds_every_set_of_the_damaged_one() -> None:
    damaged = (BAD / "utf8_one_bad_byte.csv").read_bytes()
    corrected = damaged.replace(b"Soulev\xe9", "Soulevé".encode())
    with Store(":memory:") as store:
        first = import_file(store, damaged, file_name="log.csv")
        again = import_file(store, corrected, file_name="log.csv")
        assert (first.imported, first.rejected) == (3, 1)
        assert (again.imported, again.duplicates, again.rejected) == (1, 3, 0)
        names = set(store.query_df("SELECT exercise_raw FROM sets")["exercise_raw"])
        assert names == {"Жим лёжа", "懸垂", "Soulevé de terre"}
        assert _rejects(store) == []  # the fixed row is stored: its reject is settled


def test_a_file_that_is_not_utf8_as_a_whole_is_read_as_latin1() -> None:
    data = (TEMPLATE_HEADER + "2025-03-01 10:00,Soulevé de terre,1,80,kg,10,,,,très bien,A\n"
            "2025-03-01 10:00,Soulevé de terre,2,80,kg,9,,,,,A\n").encode("cp1252")
    with Store(":memory:") as store:
        result = import_file(store, data, file_name="latin1.csv")
        assert (result.imported, result.rejected) == (2, 0)
        assert store.query_one("SELECT notes FROM sets WHERE set_index = 1") == "très bien"


# --- fault 12: a reject is listed until a later import settles it ----------------------------

BROKEN = template_csv([
    "2025-03-01 10:00,Romanian Deadlift,1,80,kg,8,,,,,A",
    "2025-03-01 10:00,Romanian Deadlift,2,80,kg,seven,,,,,A",
    "2025-03-01 10:00,Romanian Deadlift,3,80,kg,6,,bogus,,,A",
])


def test_importing_a_broken_file_twice_lists_each_reject_once() -> None:
    with Store(":memory:") as store:
        import_file(store, BROKEN, file_name="log.csv")
        import_file(store, BROKEN, file_name="log.csv")
        assert [line for line, _ in _rejects(store)] == [3, 4]


def test_rejects_stop_being_listed_once_the_fixed_rows_are_stored(tmp_path: Path) -> None:
    fixed = BROKEN.replace(b",seven,", b",7,").replace(b",bogus,", b",,")
    db = tmp_path / "store.duckdb"
    with Store(db) as store:
        import_file(store, BROKEN, file_name="log.csv")
        import_file(store, BROKEN, file_name="log.csv")
        result = import_file(store, fixed, file_name="log.csv")
        assert (result.imported, result.duplicates) == (2, 1)
        assert _rejects(store) == []
    code, out, _err = run_cli(["rejects", "--db", str(db)])
    assert (code, out.strip()) == (0, "No rejected rows.")


def test_a_reject_another_file_does_not_settle_stays_listed() -> None:
    other = template_csv(["2025-03-08 10:00,Hip Thrust,1,100,kg,10,,,,,B"])
    with Store(":memory:") as store:
        import_file(store, BROKEN, file_name="log.csv")
        import_file(store, other, file_name="week.csv")
        assert [line for line, _ in _rejects(store)] == [3, 4]


# --- fault 14: a file where nearly every row fails for one reason is refused ------------------

def _day_first(count: int, *, ambiguous: bool = False) -> bytes:
    start = datetime(2024, 1, 1, 7, 0)
    rows = []
    for i in range(count):
        when = start + timedelta(days=i % 360)
        if ambiguous:
            when = when.replace(day=min(when.day, 12))
        rows.append(f"{when:%d/%m/%Y},Hip Thrust,{i % 5 + 1},100,kg,10,,,,,A")
    return template_csv(rows)


def test_a_file_of_day_first_dates_is_refused_with_the_fix(tmp_path: Path) -> None:
    data = _day_first(2_000)
    with Store(tmp_path / "store.duckdb") as store:
        before = snapshot(store)
        with pytest.raises(IngestError) as refused:
            import_file(store, data, file_name="sheet.csv", unit="kg")
        message = str(refused.value)
        assert "sheet.csv: 2,000 of 2,000 rows fail for the same reason" in message
        assert "every date is day-first: use --date-format %d/%m/%Y" in message
        assert snapshot(store) == before  # no rejects stored, no athlete created
        result = import_file(store, data, file_name="sheet.csv", date_format="%d/%m/%Y")
        assert (result.imported, result.rejected) == (2_000, 0)


def test_dates_that_read_both_ways_ask_which() -> None:
    with Store(":memory:") as store, pytest.raises(IngestError) as refused:
        import_file(store, _day_first(300, ambiguous=True), file_name="sheet.csv")
    assert "the dates read both day-first and month-first: say which with --date-format " \
        "%d/%m/%Y or %m/%d/%Y" in str(refused.value)


def test_a_few_bad_rows_are_rejects_not_a_refusal() -> None:
    rows = [f"2025-03-0{1 + i % 5} 10:00,Hip Thrust,{i},100,kg,10,,,,,A" for i in range(1, 30)]
    rows += ["31/12/2024,Hip Thrust,1,100,kg,10,,,,,A"] * 5
    with Store(":memory:") as store:
        result = import_file(store, template_csv(rows), file_name="mostly.csv")
        assert (result.imported, result.rejected) == (29, 5)


# --- issue 13: nothing stored for someone new -------------------------------------------------

def test_the_cli_shows_the_rejects_of_an_import_that_stored_nothing(tmp_path: Path) -> None:
    code, out, err = run_cli(["import", str(BAD / "all_rows_rejected.csv"), "--db",
                              str(tmp_path / "s.duckdb"), "--athlete", "New", "--quiet"])
    assert code == 1, err
    assert "nothing was stored" in out
    assert 'line 2, column date: date "someday" is not a date Backline can read' in out
    code, out, _ = run_cli(["import", str(BAD / "all_rows_rejected.csv"), "--db",
                            str(tmp_path / "s.duckdb"), "--athlete", "New", "--json"])
    payload = json.loads(out)
    assert payload["import_id"] is None and len(payload["rejects"]) == 3
    code, out, _ = run_cli(["athletes", "--db", str(tmp_path / "s.duckdb")])
    assert out.strip() == "No athletes yet."


# --- faults 3 and 4: what the CLI says and asks about columns and distances --------------------

def test_the_cli_names_the_columns_it_does_not_read(tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    code, out, _ = run_cli(["import", str(EXPORTS / "fitbod.csv"), "--db", db, "--quiet"])
    assert code == 0
    assert "columns not read: Incline, Resistance, multiplier" in out
    code, out, _ = run_cli(["import", str(EXPORTS / "fitbod.csv"), "--db", db, "--json"])
    assert json.loads(out)["columns_not_read"] == ["Incline", "Resistance", "multiplier"]


def test_strong_distances_follow_the_account_unit_or_the_distance_unit_given() -> None:
    sample = EXPORTS / "strong_2019.csv"  # a Farmers Walk of 0.04
    walk = "SELECT distance_m FROM sets WHERE exercise_raw = 'Farmers Walk'"
    with Store(":memory:") as store:
        assert import_file(store, sample, athlete="a", unit="kg").distance_unit == "km"
        assert store.query_one(walk) == pytest.approx(40.0)
    with Store(":memory:") as store:
        assert import_file(store, sample, athlete="b", unit="lb").distance_unit == "mi"
        assert store.query_one(walk) == pytest.approx(0.04 * 1609.344)
    with Store(":memory:") as store:
        import_file(store, sample, athlete="c", unit="kg", distance_unit="mi")
        assert store.query_one(walk) == pytest.approx(0.04 * 1609.344)
        # remembered: the next import of this athlete reads miles without being told
        assert store.query_one("SELECT distance_unit FROM athletes") == "mi"
        assert import_file(store, sample, athlete="c").distance_unit == "mi"


def test_the_cli_takes_a_distance_unit(tmp_path: Path) -> None:
    code, out, err = run_cli(["import", str(EXPORTS / "strong_2019.csv"), "--db",
                              str(tmp_path / "s.duckdb"), "--unit", "kg", "--distance-unit",
                              "mi", "--json"])
    assert code == 0, err
    assert json.loads(out)["distance_unit"] == "mi"
    code, _out, err = run_cli(["import", str(EXPORTS / "strong_2019.csv"), "--db",
                               str(tmp_path / "s.duckdb"), "--distance-unit", "parsecs"])
    assert code == 2 and "Distance unit must be one of" in err


# --- time zones ------------------------------------------------------------------------------

def test_offset_dates_follow_the_athletes_time_zone() -> None:
    sample = EXPORTS / "fitbod.csv"  # 2021-01-17 22:14:35 +0000
    first = "SELECT min(performed_at) FROM sets WHERE exercise_raw = 'Back Squat'"
    with Store(":memory:") as store:
        result = import_file(store, sample, athlete="a", time_zone="Asia/Tokyo")
        assert result.time_zone == "Asia/Tokyo"
        assert store.query_one(first) == datetime(2021, 1, 18, 7, 14, 35)
        assert store.query_one("SELECT time_zone FROM athletes") == "Asia/Tokyo"
        again = import_file(store, sample, athlete="a")
        assert (again.time_zone, again.duplicates) == ("Asia/Tokyo", 5)
    with Store(":memory:") as store, pytest.raises(IngestError, match="Unknown time zone"):
        import_file(store, sample, athlete="a", time_zone="Mars/Olympus")


def test_a_date_without_offset_is_taken_as_written() -> None:
    with Store(":memory:") as store:
        result = import_file(store, template_csv(["2025-03-01 10:00,RDL,1,80,kg,8,,,,,A"]),
                             athlete="a", time_zone="Asia/Tokyo", file_name="t.csv")
        assert result.time_zone is None
        assert store.query_one("SELECT performed_at FROM sets") == datetime(2025, 3, 1, 10, 0)


# --- fault 13: a report is in the athlete's unit unless told otherwise ------------------------

def test_report_without_unit_uses_the_athletes_unit(tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    run_cli(["import", str(EXPORTS / "hevy_lbs.csv"), "--db", db, "--athlete", "Sam",
             "--quiet"])
    code, out, err = run_cli(["report", "--db", db, "--json"])
    assert code == 0, err
    assert json.loads(out)["period"]["unit"] == "lb"
    code, out, _ = run_cli(["report", "--db", db, "--json", "--unit", "kg"])
    assert json.loads(out)["period"]["unit"] == "kg"


# --- fault 2: every set-type spelling the supported apps use --------------------------------

@pytest.mark.parametrize(("word", "kind"), [
    ("W", "warmup"), ("WARM_UP", "warmup"), ("WARMUP", "warmup"), ("warm-up", "warmup"),
    ("D", "drop"), ("DROP", "drop"), ("DROP_SET", "drop"), ("dropset", "drop"),
    ("F", "failure"), ("FAILURE", "failure"), ("NORMAL", "working"),
    ("NORMAL_SET", "working"), ("normal", "working"), ("0", "working"), ("3", "working"),
])
def test_set_type_spellings(word: str, kind: str) -> None:
    data = template_csv([f"2025-03-01 10:00,Hip Thrust,{word},100,kg,10,,,,,A"])
    with Store(":memory:") as store:
        assert import_file(store, data, file_name="t.csv").imported == 1
        assert store.query_one("SELECT set_type FROM sets") == kind
