"""A set's natural key: how sets are numbered and recognised again on a re-import.

The key is the athlete, the session (start second + workout name), the exercise (case
ignored) and the set's position among that exercise's rows in the session, in file order.
"""

from __future__ import annotations

from ingest_helpers import template_csv

from analytics.ingest import import_file
from analytics.store import Store

WHEN = "2025-03-05 18:12:00"


def _numbers(store: Store) -> list[tuple[str, int, float]]:
    return [tuple(row) for row in store.query_df(
        "SELECT exercise_raw, set_index, reps FROM sets ORDER BY exercise_raw, set_index"
    ).itertuples(index=False)]


def test_sets_are_numbered_per_exercise_in_file_order_across_a_superset() -> None:
    rows = [f"{WHEN},Hip Thrust,,100,kg,{reps},,,,,Glutes" for reps in (10, 9)]
    rows[1:1] = [f"{WHEN},Back Extension,,10,kg,15,,,,,Glutes"]  # alternating with it
    rows.append(f"{WHEN},hip thrust,,100,kg,8,,,,,Glutes")  # the same lift, other case
    with Store(":memory:") as store:
        result = import_file(store, template_csv(rows), athlete="me")
        assert result.imported == 4
        assert _numbers(store) == [("Back Extension", 1, 15), ("Hip Thrust", 1, 10),
                                   ("Hip Thrust", 2, 9), ("hip thrust", 3, 8)]


def test_a_fixed_row_slots_in_without_renumbering_the_others() -> None:
    bad = [f"{WHEN},Romanian Deadlift,,80,kg,{reps},,,,,Hinge" for reps in ("8", "x", "6")]
    fixed = [row.replace(",x,", ",7,") for row in bad]
    with Store(":memory:") as store:
        first = import_file(store, template_csv(bad), athlete="me")
        assert (first.imported, first.rejected) == (2, 1)
        assert _numbers(store) == [("Romanian Deadlift", 1, 8), ("Romanian Deadlift", 3, 6)]
        again = import_file(store, template_csv(fixed), athlete="me")
        assert (again.imported, again.duplicates, again.rejected) == (1, 2, 0)
        assert _numbers(store) == [("Romanian Deadlift", 1, 8), ("Romanian Deadlift", 2, 7),
                                   ("Romanian Deadlift", 3, 6)]


def test_names_holding_the_separator_are_still_two_different_sets() -> None:
    # Joined with "|", both keys would read "... a|b|c|1": the key compares its parts.
    rows = [f"{WHEN},C,,50,kg,5,,,,,a|b", f"{WHEN},B|C,,50,kg,5,,,,,a"]
    with Store(":memory:") as store:
        first = import_file(store, template_csv(rows), athlete="me")
        assert (first.imported, first.duplicates) == (2, 0)
        again = import_file(store, template_csv(rows), athlete="me")
        assert (again.imported, again.duplicates) == (0, 2)
        assert store.query_one("SELECT count(DISTINCT row_hash) FROM sets") == 2


def test_the_same_sets_for_another_athlete_are_not_duplicates() -> None:
    rows = [f"{WHEN},Kettlebell Swing,,24,kg,15,,,,,Swing"]
    with Store(":memory:") as store:
        assert import_file(store, template_csv(rows), athlete="me").imported == 1
        assert import_file(store, template_csv(rows), athlete="you").imported == 1
        assert import_file(store, template_csv(rows), athlete="you").duplicates == 1
