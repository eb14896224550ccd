"""Programme data, the programme an athlete follows, adherence and overload advice."""

from __future__ import annotations

from datetime import date

import pytest

from analytics.catalog import load_catalog
from analytics.filters import Filters
from analytics.programs import (
    athlete_programme,
    exercise_adherence,
    load_programs,
    overload_suggestions,
    session_adherence,
)
from tests.analytics_helpers import Row, add_sets, new_store, sets_of

S1 = "2025-01-06 18:00"
S2 = "2025-01-09 18:00"


def _beginner_log() -> list[Row]:
    return [
        *sets_of(S1, "Glute Bridge", None, [15, 15, 15]),
        Row(S1, "Romanian Deadlift (Barbell)", 40, 12, set_type="warmup"),  # not counted
        *sets_of(S1, "Romanian Deadlift (Barbell)", 60, [12, 12, 12]),  # all at top (10-12)
        *sets_of(S1, "Bent Over Row (Barbell)", 40, [10, 9]),  # 9 < 10: short
        *[Row(S1, "Wall Sit", None, None, duration_s=s) for s in (40, 50, 30)],  # 50 > 45
        *sets_of(S2, "Romanian Deadlift (Barbell)", 62.5, [12, 11, 10]),  # in range, not top
        *sets_of(S2, "Bent Over Row (Barbell)", 40, [8, 10, 10]),  # short again
    ]


def _store(program: str | None = "beginner", rows: list[Row] | None = None):
    store, athlete = new_store(program=program)
    add_sets(store, athlete, _beginner_log() if rows is None else rows)
    return store.cursor(), athlete


def test_programmes_load_and_name_catalog_exercises() -> None:
    programmes = load_programs()
    assert list(programmes) == ["beginner", "intermediate"]
    beginner = programmes["beginner"]
    assert (beginner.sessions_per_week_min, beginner.sessions_per_week_max) == (2, 2)
    wall_sit = next(p for p in beginner.exercises if p.exercise_id == "wall-sit")
    assert (wall_sit.measure, wall_sit.low, wall_sit.high, wall_sit.sets) == ("seconds", 30, 45, 3)
    ids = set(load_catalog()["id"])
    for programme in programmes.values():
        assert {p.exercise_id for p in programme.exercises} <= ids


def test_programme_set_on_athlete_wins() -> None:
    con, athlete = _store("intermediate")
    programme, how = athlete_programme(con, Filters(athlete))
    assert (programme.key, how) == ("intermediate", "set")


def test_programme_auto_picked_by_overlap() -> None:
    rows = [
        *sets_of(S1, "Hip Thrust (Barbell)", 100, [10]),
        *sets_of(S1, "Romanian Deadlift", 80, [8]),
        *sets_of(S1, "Single Leg RDL", 20, [8]),
        *sets_of(S1, "Face Pull", 20, [12]),
    ]
    # beginner shares 1 of 11 ids (1/11), intermediate 4 of 8 (4/8)
    con, athlete = _store(None, rows)
    programme, how = athlete_programme(con, Filters(athlete))
    assert (programme.key, how) == ("intermediate", "auto")


def test_auto_pick_follows_the_last_four_weeks() -> None:
    # Eight weeks of the beginner programme's lifts, then one intermediate session five
    # weeks later: over all time beginner overlaps more, but only the intermediate
    # session lies within 28 days of the latest session, so that programme is picked.
    beginner = [
        row
        for day in (6, 9, 13, 16)
        for name in ("Glute Bridge", "Wall Sit", "Kettlebell Swing", "Bent Over Row (Barbell)")
        for row in sets_of(f"2025-01-{day:02d} 18:00", name, 20, [12])
    ]
    later = [
        *sets_of("2025-02-24 18:00", "Hip Thrust (Barbell)", 100, [10]),
        *sets_of("2025-02-24 18:00", "Face Pull", 20, [12]),
    ]
    con, athlete = _store(None, [*beginner, *later])
    programme, how = athlete_programme(con, Filters(athlete))
    assert (programme.key, how) == ("intermediate", "auto")


def test_no_overlap_means_no_programme() -> None:
    con, athlete = _store(None, sets_of(S1, "Pull Up", None, [8]))
    assert athlete_programme(con, Filters(athlete)) == (None, "none")
    assert session_adherence(con, Filters(athlete)).empty
    assert overload_suggestions(con, Filters(athlete)).empty


def test_exercise_adherence_first_session() -> None:
    con, athlete = _store()
    detail = exercise_adherence(con, Filters(athlete, end=date(2025, 1, 6)))
    got = detail.set_index("exercise_id")[["sets_prescribed", "sets_done", "sets_in_range"]]
    assert got.loc["glute-bridge"].tolist() == [3, 3, 3]
    assert got.loc["romanian-deadlift"].tolist() == [3, 3, 3]
    assert got.loc["bent-over-row"].tolist() == [3, 2, 1]
    assert got.loc["wall-sit"].tolist() == [3, 3, 2]  # seconds 30-45: 40 and 30 in, 50 out
    assert got.loc["kettlebell-swing"].tolist() == [3, 0, 0]
    assert len(detail) == 8


def test_session_adherence_caps_and_percentages() -> None:
    con, athlete = _store()
    first, second = session_adherence(con, Filters(athlete)).to_dict("records")
    # prescribed sets 3+3+3+3+2+3+3+2 = 22; done 3+3+2+3 = 11; in range 3+3+1+2 = 9
    assert (first["exercises_prescribed"], first["exercises_done"]) == (8, 4)
    assert (first["sets_prescribed"], first["sets_done"], first["sets_in_range"]) == (22, 11, 9)
    assert first["adherence_pct"] == pytest.approx(50.0)
    assert first["in_range_pct"] == pytest.approx(81.818, abs=0.001)
    # second: RDL 3 (in range 3) + row 3 (in range 2) = 6 of 22
    assert (second["sets_done"], second["sets_in_range"]) == (6, 5)
    assert second["adherence_pct"] == pytest.approx(27.273, abs=0.001)


def test_add_load_when_every_set_reached_the_top() -> None:
    con, athlete = _store()
    advice = overload_suggestions(con, Filters(athlete, end=date(2025, 1, 6)))
    assert advice["exercise_id"].tolist() == ["romanian-deadlift"]  # row: one session only
    rdl = advice.iloc[0]
    assert rdl["action"] == "add load"
    assert (rdl["last_load"], rdl["next_low"], rdl["next_high"]) == (60, 61, 62.5)
    assert "add 1-2.5 kg" in rdl["message"] and "60 kg" in rdl["message"]
    # in lb: 60 kg = 132.277 lb, +2.5-5 lb
    lb = overload_suggestions(con, Filters(athlete, end=date(2025, 1, 6), unit="lb")).iloc[0]
    assert lb["last_load"] == pytest.approx(132.277, abs=0.001)
    assert lb["next_low"] == pytest.approx(134.777, abs=0.001)
    assert lb["next_high"] == pytest.approx(137.277, abs=0.001)
    assert "add 2.5-5 lb" in lb["message"] and "132.3 lb" in lb["message"]


def test_hold_load_when_short_two_sessions_running() -> None:
    con, athlete = _store()
    advice = overload_suggestions(con, Filters(athlete)).set_index("exercise_id")
    # RDL's last session (12, 11, 10) is in range but not all at the top: no advice
    assert list(advice.index) == ["bent-over-row"]
    row = advice.loc["bent-over-row"]
    assert row["action"] == "hold load"
    assert row["next_low"] == row["next_high"] == row["last_load"] == 40
    assert "hold 40 kg" in row["message"]
    # a later start does not hide the earlier session the rule needs
    later = overload_suggestions(con, Filters(athlete, start=date(2025, 1, 8)))
    assert later["action"].tolist() == ["hold load"]


def test_each_week_is_judged_against_the_programme_in_force_then() -> None:
    # week of 6 Jan: the full beginner session (every exercise, every set, in range);
    # week of 13 Jan: hip thrusts, split squats, face pulls: the intermediate programme.
    from analytics.programs import weekly_programmes

    beginner = load_programs()["beginner"]
    rows: list[Row] = []
    names = {"glute-bridge": "Glute Bridge", "romanian-deadlift": "Romanian Deadlift (Barbell)",
             "bent-over-row": "Bent Over Row (Barbell)", "wall-sit": "Wall Sit",
             "single-leg-glute-bridge": "Single Leg Glute Bridge",
             "kettlebell-swing": "Kettlebell Swing", "superman-hold": "Superman Hold",
             "reverse-lunge": "Reverse Lunge"}
    for item in beginner.exercises:
        for _ in range(item.sets):
            if item.timed:
                rows.append(Row(S1, names[item.exercise_id], None, None, duration_s=item.low))
            else:
                rows.append(Row(S1, names[item.exercise_id], 20, item.low))
    week2 = "2025-01-14 18:00"
    rows += sets_of(week2, "Hip Thrust (Barbell)", 100, [10, 10, 10, 10])
    rows += sets_of(week2, "Bulgarian Split Squat", 20, [8, 8, 8])
    rows += sets_of(week2, "Face Pull", 15, [12, 12, 12])
    con, athlete = _store(program=None, rows=rows)
    flt = Filters(athlete)
    plan = weekly_programmes(con, flt)
    assert plan["programme"].tolist() == ["beginner", "intermediate"]
    adherence = session_adherence(con, flt)
    assert adherence["programme"].tolist() == ["beginner", "intermediate"]
    # the beginner week is complete against the beginner plan (against the intermediate
    # one, where only RDL/row/swings overlap, it would read far below 100 %)
    first = adherence.iloc[0]
    assert first["sets_prescribed"] == sum(p.sets for p in beginner.exercises) == 22
    assert first["sets_done"] == 22 and first["adherence_pct"] == 100.0
    # week 2 against the intermediate plan: 4 + 3 + 3 of 28 prescribed sets
    second = adherence.iloc[1]
    assert second["sets_prescribed"] == 28 and second["sets_done"] == 10
    # a set programme judges every week against it
    con.execute("UPDATE athletes SET program = 'intermediate'")
    assert set(weekly_programmes(con, flt)["programme"]) == {"intermediate"}
