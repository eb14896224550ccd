"""The one advice list: which metric speaks, in which order, with what words."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from analytics.advice import next_steps
from analytics.filters import Filters
from tests.analytics_helpers import Row, add_sets, new_store, sets_of

RDL = "Romanian Deadlift (Barbell)"


def test_no_sessions_no_advice() -> None:
    store, athlete = new_store()
    assert next_steps(store.cursor(), Filters(athlete)).empty


def test_two_sessions_a_week_on_well_spaced_days_need_no_advice() -> None:
    # Mon + Thu for two weeks: 72 h and 96 h apart, every week meets the 2-3 target, and
    # pull-ups are in neither programme, so there is no load advice either.
    store, athlete = new_store()
    for day in ("2025-01-06", "2025-01-09", "2025-01-13", "2025-01-16"):
        add_sets(store, athlete, sets_of(f"{day} 18:00", "Pull Up", None, [8, 8]))
    assert next_steps(store.cursor(), Filters(athlete)).empty


def test_one_session_this_week_asks_for_one_more() -> None:
    # week of 13 Jan has 1 session against a minimum of 2 -> 1 more
    store, athlete = new_store()
    for day in ("2025-01-06", "2025-01-09", "2025-01-13"):
        add_sets(store, athlete, sets_of(f"{day} 18:00", "Pull Up", None, [8]))
    advice = next_steps(store.cursor(), Filters(athlete))
    assert advice.iloc[0]["kind"] == "frequency"
    assert advice.iloc[0]["message"].startswith("Fit in 1 more session this week")


def test_back_to_back_days_give_rest_advice() -> None:
    # Mon 18:00 and Tue 18:00 both load the lats: 24 h apart, inside the last two weeks.
    store, athlete = new_store()
    add_sets(store, athlete, sets_of("2025-01-06 18:00", "Pull Up", None, [8]))
    add_sets(store, athlete, sets_of("2025-01-07 18:00", "Pull Up", None, [8]))
    kinds = next_steps(store.cursor(), Filters(athlete))["kind"].tolist()
    assert kinds == ["rest"]


def test_a_plateaued_lift_is_named_with_its_weeks() -> None:
    # Same log as the strength plateau test: last meaningful PR on 20 Jan, seen 7 weeks on.
    loads = [100, 102, 104, 104, 103, 104.5, 103.5, 104, 104.2, 103.8]
    store, athlete = new_store()
    add_sets(store, athlete, [
        Row(datetime(2025, 1, 6) + timedelta(weeks=k), RDL, load, 1)
        for k, load in enumerate(loads)
    ])
    advice = next_steps(store.cursor(), Filters(athlete, end=date(2025, 3, 10)))
    plateau = advice[advice["kind"] == "plateau"].iloc[0]
    assert plateau["exercise_id"] == "romanian-deadlift"
    assert "for 7 weeks" in plateau["message"]
    # one session a week is below the 2-3 target, so frequency comes first
    assert advice.iloc[0]["kind"] == "frequency"


def test_a_stale_log_gets_one_plain_notice() -> None:
    # one session on Mon 17 Feb 2025 would ask for "1 more session this week" at that date;
    # judged 93 weeks later it gets the notice alone
    store, athlete = new_store()
    add_sets(store, athlete, sets_of("2025-02-17 18:00", "Pull Up", None, [8]))
    at_then = next_steps(store.cursor(), Filters(athlete))
    assert at_then.iloc[0]["kind"] == "frequency"
    later = next_steps(store.cursor(), Filters(athlete, today=date(2026, 11, 30)))
    assert later["kind"].tolist() == ["stale"]
    assert later.iloc[0]["message"].startswith(
        "No session logged since Mon 17 Feb 2025 (93 weeks ago). Import a newer export")


def test_this_week_advice_counts_the_current_week() -> None:
    # two sessions in the week of 6 Jan; on Wed 15 Jan that week is over and this one is
    # empty: 2 more sessions to go (not "on target" from last week's count)
    store, athlete = new_store()
    for day in ("2025-01-06", "2025-01-09"):
        add_sets(store, athlete, sets_of(f"{day} 18:00", "Pull Up", None, [8, 8]))
    assert next_steps(store.cursor(), Filters(athlete)).empty
    advice = next_steps(store.cursor(), Filters(athlete, today=date(2025, 1, 15)))
    assert advice.iloc[0]["message"].startswith("Fit in 2 more sessions this week")
