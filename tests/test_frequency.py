"""Sessions per week, streaks, short rests and the calendar, on hand-made logs."""

from __future__ import annotations

from datetime import date

import pytest

from analytics.filters import Filters
from analytics.frequency import Streaks, calendar, sessions_per_week, short_rests, streaks
from tests.analytics_helpers import Row, add_sets, new_store, sets_of

RDL = "Romanian Deadlift (Barbell)"
ROW = "Bent Over Row (Barbell)"


def _sessions(*days: str, exercise: str = RDL) -> list[Row]:
    return [Row(f"{day} 18:00", exercise, 100, 5) for day in days]


def _store_with(rows: list[Row]):
    store, athlete = new_store()
    add_sets(store, athlete, rows)
    return store.cursor(), athlete


def test_sessions_per_week_keeps_empty_weeks_and_flags_target() -> None:
    # week of 01-06: Mon, Thu (2: in range); 01-13: none (below); 01-20: Mon (below);
    # 01-27: Mon Tue Wed Thu (4: above); a warm-up-only session on 01-15 is no session
    con, athlete = _store_with(
        [
            *_sessions("2025-01-06", "2025-01-09", "2025-01-20"),
            *_sessions("2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30"),
            Row("2025-01-15 18:00", RDL, 60, 5, set_type="warmup"),
        ]
    )
    weeks = sessions_per_week(con, Filters(athlete))
    assert [d.date() for d in weeks["week_start"]] == [
        date(2025, 1, 6),
        date(2025, 1, 13),
        date(2025, 1, 20),
        date(2025, 1, 27),
    ]
    assert weeks["sessions"].tolist() == [2, 0, 1, 4]
    assert weeks["met"].tolist() == [True, False, False, True]
    assert weeks["status"].tolist() == ["in range", "below", "below", "above"]
    # a stricter target changes "met"
    strict = sessions_per_week(con, Filters(athlete, target_min=3, target_max=4))
    assert strict["met"].tolist() == [False, False, False, True]


def test_streaks_current_and_best() -> None:
    # weeks: 01-06 met, 01-13 met, 01-20 met, 01-27 miss, 02-03 met, 02-10 met
    days = [
        "2025-01-06", "2025-01-08", "2025-01-13", "2025-01-15", "2025-01-20", "2025-01-22",
        "2025-01-27", "2025-02-03", "2025-02-05", "2025-02-10", "2025-02-12",
    ]  # fmt: skip
    con, athlete = _store_with(_sessions(*days))
    assert streaks(con, Filters(athlete)) == Streaks(2, 3, date(2025, 1, 6), date(2025, 1, 20))


def test_unfinished_week_does_not_break_the_current_streak() -> None:
    # weeks 01-06 and 01-13 met; the period ends Mon 01-20 with one session: still running
    con, athlete = _store_with(
        _sessions("2025-01-06", "2025-01-08", "2025-01-13", "2025-01-15", "2025-01-20")
    )
    assert streaks(con, Filters(athlete)).current == 2
    # once that week is over (period to Sunday 01-26) the miss breaks the streak
    assert streaks(con, Filters(athlete, end=date(2025, 1, 26))).current == 0
    # and a finished gap week breaks it too
    assert streaks(con, Filters(athlete, end=date(2025, 2, 2))).current == 0
    assert streaks(con, Filters(athlete, end=date(2025, 2, 2))).best == 2


def test_four_week_gap() -> None:
    # two sessions, then four empty weeks, then two sessions
    con, athlete = _store_with(_sessions("2025-01-06", "2025-01-08", "2025-02-10", "2025-02-12"))
    weeks = sessions_per_week(con, Filters(athlete))
    assert weeks["sessions"].tolist() == [2, 0, 0, 0, 0, 2]
    assert streaks(con, Filters(athlete)) == Streaks(1, 1, date(2025, 1, 6), date(2025, 1, 6))


def test_no_sessions() -> None:
    con, athlete = _store_with([])
    assert sessions_per_week(con, Filters(athlete)).empty
    assert streaks(con, Filters(athlete)) == Streaks(0, 0, None, None)
    assert calendar(con, Filters(athlete)).empty


def test_short_rests_between_sessions_loading_the_same_primary_muscle() -> None:
    con, athlete = _store_with(
        [
            *_sessions("2025-01-06"),  # RDL: hamstrings + glutes (primary)
            Row("2025-01-07 07:00", ROW, 60, 10),  # row: lats + rhomboids; 13 h later
            Row("2025-01-08 06:00", RDL, 100, 5),  # RDL again 36 h after Monday 18:00
            Row("2025-01-10 06:00", RDL, 100, 5),  # 48 h later exactly: fine
            Row("2025-01-10 20:00", "Glute Bridge", None, 12),  # glutes again after 14 h
            Row("2025-01-11 08:00", "Face Pull", 20, 12, set_type="warmup"),  # warm-up only
        ]
    )
    gaps = short_rests(con, Filters(athlete))
    assert gaps["hours_between"].tolist() == [36.0, 14.0]
    assert gaps["muscles"].tolist() == ["glutes, hamstrings", "glutes"]
    assert gaps["performed_at"].iloc[0].isoformat() == "2025-01-08T06:00:00"
    # the row session shares only secondary muscles (erectors) with the RDL: not flagged
    assert len(short_rests(con, Filters(athlete), min_hours=12)) == 0


def test_calendar_every_day_of_the_period() -> None:
    con, athlete = _store_with(
        [*sets_of("2025-01-06 18:00", RDL, 100, [5, 5]), *_sessions("2025-01-09")]
    )
    days = calendar(con, Filters(athlete, unit="lb"))
    assert len(days) == 4  # 6th to 9th
    assert days["sessions"].tolist() == [1, 0, 0, 1]
    assert days["sets"].tolist() == [2, 0, 0, 1]
    # 1000 kg and 500 kg in lb
    assert days["tonnage"].tolist() == [
        pytest.approx(2204.623, abs=0.001),
        0,
        0,
        pytest.approx(1102.311, abs=0.001),
    ]


# -- "now" is today: judged at Filters.today, not at the last session ---------------------


def test_streak_and_this_week_are_judged_at_today() -> None:
    # weeks 01-06 and 01-13 met (Mon + Wed each); the log stops on Wed 15 Jan
    from analytics.frequency import this_week

    con, athlete = _store_with(_sessions("2025-01-06", "2025-01-08", "2025-01-13", "2025-01-15"))
    at_last = Filters(athlete)
    assert streaks(con, at_last).current == 2
    assert this_week(con, at_last).sessions == 2
    # Fri 17 Jan: same week, streak alive
    friday = Filters(athlete, today=date(2025, 1, 17))
    assert streaks(con, friday).current == 2 and this_week(con, friday).sessions == 2
    # Tue 21 Jan: a new week in progress with no session yet; not broken yet
    tuesday = Filters(athlete, today=date(2025, 1, 21))
    assert this_week(con, tuesday).week_start == date(2025, 1, 20)
    assert this_week(con, tuesday).sessions == 0
    assert streaks(con, tuesday).current == 2
    # Tue 28 Jan: the week of 20 Jan is over without a session: broken; best stays 2
    later = streaks(con, Filters(athlete, today=date(2025, 1, 28)))
    assert later == Streaks(0, 2, date(2025, 1, 6), date(2025, 1, 13))
    # a range's end still decides over today
    ranged = Filters(athlete, end=date(2025, 1, 19), today=date(2025, 6, 1))
    assert streaks(con, ranged).current == 2


def test_freshness_says_how_old_the_data_is() -> None:
    from analytics.filters import as_of, freshness

    con, athlete = _store_with(_sessions("2025-02-10", "2025-02-18"))  # last: Tue 18 Feb
    old = freshness(con, Filters(athlete, today=date(2026, 11, 24)))
    assert old.days_ago == 644 and old.stale
    assert old.describe() == "data up to Tue 18 Feb 2025, 92 weeks ago"
    assert freshness(con, Filters(athlete, today=date(2025, 2, 18))).describe() == (
        "data up to Tue 18 Feb 2025, today")
    assert freshness(con, Filters(athlete, today=date(2025, 2, 21))).describe() == (
        "data up to Tue 18 Feb 2025, 3 days ago")
    recent = freshness(con, Filters(athlete, today=date(2025, 3, 4)))
    assert recent.days_ago == 14 and not recent.stale  # two weeks is not yet stale
    # no today: "now" is the last session, as the CLI reads an export
    assert as_of(con, Filters(athlete)) == date(2025, 2, 18)
    # a clock behind the log never moves "now" before the data
    assert as_of(con, Filters(athlete, today=date(2025, 1, 1))) == date(2025, 2, 18)
