"""The demo athlete is committed data the dashboard and analytics tests rely on.

These tests pin the promises made in sample_data/README.md: the generator reproduces the
file byte for byte, and the log tells the story the analytics are meant to find (a missed
week, a thin week, warm-ups, RPE, progression and one plateau).
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import subprocess
import sys
from collections import defaultdict
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from types import ModuleType

import pytest

from analytics.ingest import import_file
from analytics.programs import load_programs
from analytics.store import Store

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "sample_data" / "generate.py"
DEMO = ROOT / "sample_data" / "demo_athlete.csv"
START = date(2026, 6, 1)
HEADER = "date,exercise,set,weight,unit,reps,rpe,set_type,duration_s,notes,workout"
EXERCISES = {
    "Glute Bridge", "Romanian Deadlift (Barbell)", "Bent Over Row (Barbell)", "Wall Sit",
    "Single Leg Glute Bridge", "Kettlebell Swing", "Superman Hold", "Reverse Lunge (Dumbbell)",
    "Hip Thrust (Barbell)", "Single Leg Romanian Deadlift (Dumbbell)", "Bulgarian Split Squat",
    "Face Pull (Cable)", "Bird Dog",
}
TIMED = {"Wall Sit", "Superman Hold"}
BODYWEIGHT = {"Single Leg Glute Bridge", "Bird Dog"}
ROW = "Bent Over Row (Barbell)"
RDL = "Romanian Deadlift (Barbell)"


@functools.cache
def generator() -> ModuleType:
    """The generator module, loaded from its path (run as a script, as its README says)."""
    spec = importlib.util.spec_from_file_location("sample_data_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through it
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with DEMO.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def week_of(row: dict[str, str]) -> int:
    """1-based programme week, counted from the fixed Monday start."""
    return (datetime.strptime(row["date"], "%Y-%m-%d %H:%M").date() - START).days // 7 + 1


def test_generator_is_byte_identical(tmp_path: Path) -> None:
    target = tmp_path / "demo.csv"
    for _ in range(2):
        subprocess.run([sys.executable, str(GENERATOR), str(target)], check=True,
                       capture_output=True)
        assert target.read_bytes() == DEMO.read_bytes()


def test_header_and_size(rows: list[dict[str, str]]) -> None:
    assert DEMO.read_text(encoding="utf-8").splitlines()[0] == HEADER
    assert 1000 <= len(rows) <= 2500


def test_every_field_is_well_formed(rows: list[dict[str, str]]) -> None:
    for row in rows:
        assert row["exercise"] in EXERCISES
        assert row["unit"] == "kg"
        assert row["set_type"] in {"working", "warmup", "drop", "failure"}
        assert row["workout"] in {"Beginner A", "Beginner B", "Intermediate A", "Intermediate B"}
        assert int(row["set"]) >= 1
        if row["rpe"]:
            rpe = float(row["rpe"])
            assert 6 <= rpe <= 10 and rpe * 2 == int(rpe * 2)
        if row["exercise"] in TIMED:
            assert row["reps"] == "" and row["weight"] == "" and float(row["duration_s"]) > 0
        else:
            assert int(row["reps"]) > 0 and row["duration_s"] == ""
        if row["exercise"] in BODYWEIGHT:
            assert row["weight"] == ""


def test_set_numbers_run_from_one_per_exercise_and_session(rows: list[dict[str, str]]) -> None:
    numbers: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in rows:
        numbers[(row["date"], row["exercise"])].append(int(row["set"]))
    for sets in numbers.values():
        assert sets == list(range(1, len(sets) + 1))


def test_weeks_missed_week_and_thin_week(rows: list[dict[str, str]]) -> None:
    sessions: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        sessions[week_of(row)].add(row["date"])
    per_week = {week: len(sessions.get(week, set())) for week in range(1, 17)}
    assert max(sessions) == 16
    assert [week for week, count in per_week.items() if count == 0] == [6]
    assert [week for week, count in per_week.items() if count == 1] == [11]
    assert all(count == 2 for week, count in per_week.items() if week <= 8 and week != 6)
    assert all(2 <= count <= 3 for week, count in per_week.items() if week > 8 and week != 11)
    for row in rows:
        expected = "Beginner" if week_of(row) <= 8 else "Intermediate"
        assert row["workout"].startswith(expected)


def test_warmups_are_lighter_and_come_first(rows: list[dict[str, str]]) -> None:
    by_exercise: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_exercise[(row["date"], row["exercise"])].append(row)
    warmed = 0
    for sets in by_exercise.values():
        types = [s["set_type"] for s in sets]
        if "warmup" not in types:
            continue
        warmed += 1
        count = types.count("warmup")
        assert types[:count] == ["warmup"] * count
        working = min(float(s["weight"]) for s in sets[count:] if s["set_type"] == "working")
        assert all(float(s["weight"]) < working for s in sets[:count])
    assert warmed > 50


def test_rpe_notes_and_special_set_types_present(rows: list[dict[str, str]]) -> None:
    assert sum(1 for row in rows if row["rpe"]) > 100
    assert {"drop", "failure"} <= {row["set_type"] for row in rows}
    notes = [row["notes"] for row in rows if row["notes"]]
    assert any("," in note and '"' in note for note in notes)
    assert '""hook grip""' in DEMO.read_text(encoding="utf-8")


def test_reps_follow_the_programme_ranges(rows: list[dict[str, str]]) -> None:
    """Never above the top of the prescribed range, mostly inside it (after load jumps
    and bad days a set may fall short, which is what the overload advice looks for)."""
    ranges = {}
    for phase, programme in load_programs().items():
        for item in programme.exercises:
            name = generator().DISPLAY_NAMES[item.exercise_id]
            ranges[(phase.capitalize(), name)] = (item.low, item.high)
    inside = 0
    working = [r for r in rows if r["set_type"] in {"working", "failure"}]
    for row in working:
        low, high = ranges[(row["workout"].split()[0], row["exercise"])]
        value = int(row["reps"] or float(row["duration_s"]))
        assert value <= high
        inside += value >= low
    assert inside / len(working) > 0.85


def test_rdl_and_hip_thrust_progress(rows: list[dict[str, str]]) -> None:
    def top_sets(exercise: str) -> list[float]:
        tops: dict[str, float] = {}
        for row in rows:
            if row["exercise"] == exercise and row["set_type"] == "working":
                tops[row["date"]] = max(tops.get(row["date"], 0.0), float(row["weight"]))
        return [tops[day] for day in sorted(tops)]

    rdl = top_sets(RDL)
    assert rdl[0] == 40 and rdl[-1] >= 65 and rdl[-1] > rdl[0]
    hip = top_sets("Hip Thrust (Barbell)")
    assert hip[0] == 60 and hip[-1] >= 95
    assert all(b >= a for a, b in pairwise(rdl))


def test_bent_over_row_plateaus_for_the_last_five_weeks(rows: list[dict[str, str]]) -> None:
    """Mirrors design.md: per-session best e1RM (Epley, sets of <= 10 reps, RPE-adjusted
    from RPE 7) and no >= 1 % PR in the last 4+ weeks, so plateau detection fires."""
    working = [r for r in rows if r["exercise"] == ROW and r["set_type"] == "working"]
    late = [r for r in working if week_of(r) >= 11]
    assert len({r["weight"] for r in late}) == 1
    sessions: dict[str, list[int]] = defaultdict(list)
    for row in late:
        sessions[row["date"]].append(int(row["reps"]))
    assert all(max(reps) < 12 for reps in sessions.values())

    best: dict[str, float] = {}
    for row in working:
        reps = int(row["reps"])
        if reps > 10:
            continue
        rpe = float(row["rpe"]) if row["rpe"] else 0.0
        effective = reps + (10 - rpe if 7 <= rpe <= 10 else 0)
        estimate = float(row["weight"]) * (1 + effective / 30)
        best[row["date"]] = max(best.get(row["date"], 0.0), estimate)
    last_pr, record = None, 0.0
    for day in sorted(best):
        if best[day] >= record * 1.01:
            last_pr = day
        record = max(record, best[day])
    assert last_pr is not None
    last_session = max(r["date"] for r in rows)
    gap = datetime.fromisoformat(last_session) - datetime.fromisoformat(last_pr)
    assert gap.days >= 28


def test_imports_cleanly_and_maps_to_the_programme_exercises(tmp_path: Path) -> None:
    """The dashboard loads this file through the normal importer, so it must pass cleanly
    and every exercise must resolve to the catalog ids programs.toml prescribes."""
    with Store(tmp_path / "store.duckdb") as store:
        result = import_file(store, DEMO, athlete="Demo")
        assert result.format == "backline"
        assert (result.imported, result.skipped, result.rejected) == (result.rows_read, 0, 0)
        mapped = store.query_df(
            "SELECT count(DISTINCT session_id) AS sessions, count(exercise_id) AS mapped,"
            " count(*) AS total FROM sets"
        ).iloc[0]
        ids = set(store.query_df("SELECT DISTINCT exercise_id FROM sets")["exercise_id"])
    assert mapped["sessions"] == 35
    assert mapped["mapped"] == mapped["total"]
    programme_ids = {
        item.exercise_id for programme in load_programs().values()
        for item in programme.exercises
    }
    assert ids == programme_ids
