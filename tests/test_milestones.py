"""Programme start, milestone windows, statuses and evidence, on hand-made calendars."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from analytics.filters import Filters
from analytics.milestones import WINDOWS, milestones, programme_start
from tests.analytics_helpers import Row, add_sets, new_store

START = date(2025, 1, 6)  # a Monday; programme week k = days 7(k-1) .. 7k-1
RDL = "Romanian Deadlift (Barbell)"


def _on_days(*days: int, start: date = START, load: float = 100) -> list[Row]:
    """One RDL single per listed day offset from ``start``."""
    return [Row(datetime.combine(start + timedelta(days=d), datetime.min.time()), RDL, load, 1)
            for d in days]  # fmt: skip


def _windows(rows: list[Row], end_day: int, program_start: date | None = START):
    store, athlete = new_store(program_start=program_start)
    add_sets(store, athlete, rows)
    flt = Filters(athlete, end=START + timedelta(days=end_day))
    return milestones(store.cursor(), flt).set_index("window")


def test_windows_are_the_promised_weeks() -> None:
    assert [(w.first, w.last, w.needed) for w in WINDOWS] == [(2, 4, 2), (6, 8, 2), (8, 12, 4)]


def test_programme_start_rules() -> None:
    store, athlete = new_store()
    # Nov: 2 sessions; 21-day gap (not a break); then a 40-day gap (a break) -> restart
    add_sets(store, athlete, _on_days(0, 2, 23, 63, 65, start=date(2024, 11, 4)))
    assert programme_start(store.cursor(), Filters(athlete)) == (date(2025, 1, 6), "after break")
    # looking only up to before the break, the first session is the start
    early = Filters(athlete, end=date(2024, 12, 1))
    assert programme_start(store.cursor(), early) == (date(2024, 11, 4), "first session")
    store.update_athlete(athlete, program_start=date(2024, 12, 2))
    assert programme_start(store.cursor(), Filters(athlete)) == (date(2024, 12, 2), "set")
    empty_store, nobody = new_store()
    assert programme_start(empty_store.cursor(), Filters(nobody)) == (None, "none")


def test_twice_a_week_for_five_weeks() -> None:
    # sessions on days 0,3 / 7,10 / 14,17 / 21,24 / 28,31; seen on day 34 (end of week 5)
    got = _windows(_on_days(0, 3, 7, 10, 14, 17, 21, 24, 28, 31), end_day=34)
    first = got.loc[1]
    assert (first["weeks_elapsed"], first["weeks_met"], first["status"]) == (3, 3, "achieved")
    assert first["adherence_pct"] == 100
    assert first["evidence"] == {"sessions": 6, "target_min": 2}
    assert got.loc[2, "status"] == "not reached" and got.loc[3, "status"] == "not reached"
    assert got.loc[2, "weeks_elapsed"] == 0 and pd_isna(got.loc[2, "adherence_pct"])
    assert got.loc[2, "starts_on"] == date(2025, 2, 10)  # day 35
    assert got.loc[3, "ends_on"] == date(2025, 3, 30)  # day 83


def pd_isna(value: object) -> bool:
    return value is None or value != value


def test_on_track_when_the_week_in_progress_has_not_met_the_target_yet() -> None:
    # week 2 met (days 7, 9); seen on day 15 (Tue of week 3) with one session on day 14
    first = _windows(_on_days(0, 3, 7, 9, 14), end_day=15).loc[1]
    assert (first["weeks_elapsed"], first["weeks_met"]) == (1, 1)
    assert first["status"] == "on track"


def test_at_risk_when_behind_pace() -> None:
    # week 2 had one session only: 0 of 1 elapsed weeks met (< two thirds)
    first = _windows(_on_days(0, 3, 7, 14), end_day=15).loc[1]
    assert (first["weeks_elapsed"], first["weeks_met"], first["adherence_pct"]) == (1, 0, 0)
    assert first["status"] == "at risk"


def test_at_risk_when_the_goal_can_no_longer_be_reached() -> None:
    # weeks 2 and 3 missed (one session each); week 4 in progress: 0 + 1 left < 2 needed
    first = _windows(_on_days(0, 3, 7, 14, 22), end_day=23).loc[1]
    assert (first["weeks_elapsed"], first["weeks_met"]) == (2, 0)
    assert first["status"] == "at risk"


def test_in_progress_week_that_met_the_target_counts_and_achieves() -> None:
    # week 2 met; week 3 in progress (seen on day 16) already has 2 sessions: 2 of 2 needed
    first = _windows(_on_days(7, 9, 14, 16), end_day=16).loc[1]
    assert (first["weeks_elapsed"], first["weeks_met"], first["status"]) == (2, 2, "achieved")


def test_four_week_gap_puts_a_running_window_at_risk() -> None:
    # trained weeks 1-5 twice a week, then nothing until day 62 (week 9)
    got = _windows(_on_days(0, 3, 7, 10, 14, 17, 21, 24, 28, 31, 62), end_day=62)
    assert got.loc[1, "status"] == "achieved"
    assert (got.loc[2, "weeks_elapsed"], got.loc[2, "weeks_met"]) == (3, 0)
    assert got.loc[2, "status"] == "at risk"
    assert got.loc[3, "status"] == "at risk"  # week 8 missed: 0 of 1


def test_strength_evidence_against_weeks_one_and_two() -> None:
    # best e1RM (singles) weeks 1-2: 102 (day 7); weeks 4-5: 110 (day 28) -> +7.8 %
    rows = [*_on_days(0, load=100), *_on_days(7, load=102), *_on_days(21, load=108),
            *_on_days(28, load=110)]  # fmt: skip
    evidence = _windows(rows, end_day=34).loc[2, "evidence"]
    assert evidence["baseline_weeks"] == [1, 2] and evidence["current_weeks"] == [4, 5]
    (lift,) = evidence["lifts"]
    assert (lift["exercise_id"], lift["baseline_e1rm"], lift["current_e1rm"]) == (
        "romanian-deadlift",
        102,
        110,
    )
    assert lift["change_pct"] == pytest.approx(7.8)
    assert evidence["median_change_pct"] == pytest.approx(7.8)


def test_strength_evidence_needs_a_third_week() -> None:
    evidence = _windows(_on_days(0, 7), end_day=8).loc[2, "evidence"]
    assert evidence["lifts"] == [] and evidence["median_change_pct"] is None


def test_muscle_evidence_accumulates_hard_sets() -> None:
    # 3 RDL sessions + a warm-up (ignored): hamstrings/glutes 3 x 1.0, erectors 3 x 0.5
    rows = [*_on_days(0, 7, 14), Row(datetime(2025, 1, 6, 1), RDL, 40, 5, set_type="warmup")]
    evidence = _windows(rows, end_day=20).loc[3, "evidence"]
    assert evidence["through_week"] == 3
    assert evidence["hard_sets"]["hamstrings"] == 3
    assert evidence["hard_sets"]["glutes"] == 3
    assert evidence["hard_sets"]["erector_spinae"] == 1.5
    assert evidence["hard_sets"]["lats"] == 0
    assert set(evidence["hard_sets"]) >= {"calves", "posterior_delts", "rhomboids_mid_traps"}


def test_no_sessions_means_nothing_reached() -> None:
    got = _windows([], end_day=30, program_start=None)
    assert got["status"].tolist() == ["not reached"] * 3
    assert got["weeks_elapsed"].tolist() == [0, 0, 0]


def test_windows_are_judged_at_today_not_at_the_last_session() -> None:
    # twice a week in weeks 1-2, once in week 3, then nothing. At the last session (day 14,
    # week 3) window 1 has weeks 2 met and 3 in progress: on track. Judged at today, day
    # 70 (week 11), weeks 2-4 are over with 1 of 3 met: at risk.
    store, athlete = new_store(program_start=START)
    add_sets(store, athlete, _on_days(0, 3, 7, 10, 14))
    at_last = milestones(store.cursor(), Filters(athlete)).set_index("window")
    assert at_last.loc[1, "status"] == "on track"
    today = Filters(athlete, today=START + timedelta(days=70))
    later = milestones(store.cursor(), today).set_index("window")
    assert (later.loc[1, "weeks_elapsed"], later.loc[1, "weeks_met"]) == (3, 1)
    assert later.loc[1, "status"] == "at risk"
    assert later.loc[2, "status"] == "at risk"  # weeks 6-8 passed with no session
