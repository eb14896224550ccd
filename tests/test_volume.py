"""Tonnage, reps, hold time and hard sets per muscle, checked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from analytics.filters import Filters
from analytics.volume import (
    hard_sets_by_muscle,
    volume_by_exercise,
    volume_by_session,
    volume_by_week,
)
from tests.analytics_helpers import Row, add_sets, new_store, sets_of

MONDAY = "2025-01-06 18:00"  # ISO week starting 2025-01-06
LATER = "2025-01-22 18:00"  # two weeks later (week of 2025-01-20); the week between is empty


def _log() -> list[Row]:
    return [
        Row(MONDAY, "Romanian Deadlift (Barbell)", 60, 5, set_type="warmup"),  # never counts
        *sets_of(MONDAY, "Romanian Deadlift (Barbell)", 100, [5, 5, 5]),  # 3 x 500 = 1500 kg
        *sets_of(MONDAY, "Pull Up", None, [8, 6]),  # bodyweight: 14 reps
        Row(MONDAY, "Wall Sit", None, None, duration_s=45),  # timed: 2 x 45 s
        Row(MONDAY, "Wall Sit", None, None, duration_s=45),
        Row(LATER, "Mystery Lift", 20, 10),  # unmapped: 200 kg, no muscle
        Row(LATER, "Kettlebell Swing", 24, 15, set_type="drop"),  # drop sets are working: 360
    ]


def test_session_totals() -> None:
    store, athlete = new_store()
    add_sets(store, athlete, _log())
    frame = volume_by_session(store.cursor(), Filters(athlete))
    first, second = frame.to_dict("records")
    # 3 RDL + 2 pull-up + 2 wall-sit working sets; reps 15 + 14 (holds have none)
    assert (first["sets"], first["reps"], first["tonnage"]) == (7, 29, 1500.0)
    assert (first["bodyweight_reps"], first["hold_seconds"], first["exercises"]) == (14, 90, 3)
    assert (second["sets"], second["reps"], second["tonnage"]) == (2, 25, 560.0)


def test_bodyweight_counts_as_tonnage_only_when_known() -> None:
    store, athlete = new_store(bodyweight_kg=80)
    add_sets(store, athlete, _log())
    first = volume_by_session(store.cursor(), Filters(athlete)).iloc[0]
    # 1500 + 80 kg x 14 reps = 2620; holds still add nothing
    assert first["tonnage"] == 2620.0
    assert first["bodyweight_reps"] == 14


def test_weeks_include_empty_weeks_and_lb() -> None:
    store, athlete = new_store()
    add_sets(store, athlete, _log())
    weeks = volume_by_week(store.cursor(), Filters(athlete, unit="lb"))
    assert [d.date().isoformat() for d in weeks["week_start"]] == [
        "2025-01-06",
        "2025-01-13",
        "2025-01-20",
    ]
    assert weeks["sessions"].tolist() == [1, 0, 1]
    assert weeks["sets"].tolist() == [7, 0, 2]
    # 1500 kg / 0.45359237 = 3306.934 lb; 560 kg = 1234.589 lb
    assert weeks["tonnage"].tolist() == [
        pytest.approx(3306.934, abs=0.001),
        0,
        pytest.approx(1234.589, abs=0.001),
    ]
    assert set(weeks["unit"]) == {"lb"}


def test_filter_range_limits_the_weeks() -> None:
    store, athlete = new_store()
    add_sets(store, athlete, _log())
    weeks = volume_by_week(store.cursor(), Filters(athlete, start=date(2025, 1, 10)))
    # weeks of 01-06 (from the 10th on: nothing), 01-13 (empty) and 01-20
    assert weeks["sessions"].tolist() == [0, 0, 1]
    assert weeks["tonnage"].tolist() == [0, 0, 560.0]


def test_per_exercise_keeps_unmapped_names() -> None:
    store, athlete = new_store()
    add_sets(store, athlete, _log())
    frame = volume_by_exercise(store.cursor(), Filters(athlete)).set_index("exercise")
    assert frame.loc["Romanian Deadlift", "tonnage"] == 1500
    assert frame.loc["Wall Sit", "hold_seconds"] == 90 and frame.loc["Wall Sit", "timed"]
    assert frame.loc["Wall Sit", "tonnage"] == 0
    assert frame.loc["Mystery Lift", "sets"] == 1
    assert frame["exercise_id"].isna().sum() == 1


def test_hard_sets_per_muscle_primary_one_secondary_half() -> None:
    store, athlete = new_store()
    add_sets(store, athlete, _log())
    frame = hard_sets_by_muscle(store.cursor(), Filters(athlete))
    # 3 weeks x 18 muscles, zeros kept
    assert len(frame) == 54
    week = frame[frame["week_start"].dt.strftime("%Y-%m-%d") == "2025-01-06"]
    got = dict(zip(week["muscle"], week["hard_sets"], strict=True))
    # RDL x3: hamstrings, glutes 1.0, erectors 0.5
    # Pull-up x2: lats 1.0; rhomboids/mid-traps, posterior delts, biceps, core 0.5
    # Wall sit x2: quads 1.0, glutes 0.5 (holds count as sets)
    assert got == {
        "erector_spinae": 1.5,
        "lats": 2.0,
        "rhomboids_mid_traps": 1.0,
        "posterior_delts": 1.0,
        "glutes": 4.0,
        "hamstrings": 3.0,
        "calves": 0.0,
        "chest": 0.0,
        "front_delts": 0.0,
        "side_delts": 0.0,
        "biceps": 1.0,
        "triceps": 0.0,
        "forearms": 0.0,
        "quads": 2.0,
        "adductors": 0.0,
        "abductors": 0.0,
        "core": 1.0,
        "hip_flexors": 0.0,
    }
    empty = frame[frame["week_start"].dt.strftime("%Y-%m-%d") == "2025-01-13"]
    assert empty["hard_sets"].sum() == 0
    # the warm-up RDL did not count: hamstrings would be 4 otherwise
    swing_week = frame[frame["week_start"].dt.strftime("%Y-%m-%d") == "2025-01-20"]
    assert dict(zip(swing_week["muscle"], swing_week["hard_sets"], strict=True))["glutes"] == 1


def test_empty_log() -> None:
    store, athlete = new_store()
    assert volume_by_week(store.cursor(), Filters(athlete)).empty
    assert hard_sets_by_muscle(store.cursor(), Filters(athlete)).empty
    assert volume_by_session(store.cursor(), Filters(athlete)).empty
