"""Back side against front side, checked by hand."""

from __future__ import annotations

import pytest

from analytics.balance import balance_summary, reading, weekly_balance
from analytics.filters import Filters
from tests.analytics_helpers import Row, add_sets, new_store


def _store():  # type: ignore[no-untyped-def]
    store, athlete = new_store()
    rows = []
    # weeks 1-4: 2 RDL + 2 bench a week; weeks 5-8: 2 RDL + 1 bench + 1 squat a week
    for week in range(8):
        day = f"2025-01-{6 + 7 * week:02d}" if week < 4 else f"2025-02-{3 + 7 * (week - 4):02d}"
        rows += [Row(f"{day} 18:00", "Romanian Deadlift (Barbell)", 80, 8)] * 2
        rows += [Row(f"{day} 18:00", "Bench Press (Barbell)", 60, 8)]
        rows += [Row(f"{day} 18:00", "Bench Press (Barbell)" if week < 4 else "Squat (Barbell)",
                     60, 8)]
    add_sets(store, athlete, rows)
    return store, athlete


def test_weekly_sides_and_ratios() -> None:
    store, athlete = _store()
    weeks = weekly_balance(store.cursor(), Filters(athlete))
    assert len(weeks) == 8
    first, last = weeks.iloc[0], weeks.iloc[-1]
    # RDL: hamstrings + glutes 1.0, erectors 0.5 -> 2.5 posterior per set, x2 = 5
    # bench: chest 1.0, front delts 0.5 (triceps is neither side) -> 1.5, x2 = 3
    assert (first["posterior"], first["anterior"]) == (5.0, 3.0)
    assert first["back_front"] == pytest.approx(5 / 3)
    # squat: quads 1.0 (front), glutes 1.0 + hamstrings 0.5 + erectors 0.5 (back)
    assert (last["posterior"], last["anterior"]) == (7.0, 2.5)
    assert (last["hinge_sets"], last["knee_sets"]) == (2.0, 1.0)
    assert (last["hamstrings"], last["quads"]) == (2.5, 1.0)
    assert last["hamstrings_quads"] == pytest.approx(2.5)
    assert first["quads"] == 0 and first["hamstrings_quads"] != first["hamstrings_quads"]  # NaN


def test_summary_reads_in_plain_words() -> None:
    store, athlete = _store()
    summary = balance_summary(store.cursor(), Filters(athlete))
    assert summary["recent"]["back_front"] == pytest.approx(28 / 10)
    assert summary["previous"]["back_front"] == pytest.approx(20 / 12)
    assert summary["period"]["hinge_sets"] == 16
    assert summary["trend_per_week"] > 0
    assert summary["reading"] == (
        "Back side 2.8x front side in the last 4 weeks (up from 1.7x); hinge 8 sets vs "
        "knee-dominant 4; hamstrings 2.5x quads."
    )


def test_no_front_side_work_is_said_not_divided() -> None:
    summary = {"recent": {"posterior": 6.0, "anterior": 0.0, "back_front": None,
                          "hinge_sets": 4.0, "knee_sets": 0.0, "hamstrings_quads": None},
               "previous": {"back_front": None}}
    assert reading(summary) == ("Back side 6 hard sets, front side none in the last 4 weeks; "
                                "hinge 4 sets vs knee-dominant 0; hamstrings n/a quads.")


def test_empty_period() -> None:
    store, athlete = new_store()
    assert weekly_balance(store.cursor(), Filters(athlete)).empty
