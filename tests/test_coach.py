"""The coach view's all-athletes summary agrees with each athlete's own numbers."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from analytics import coach, frequency, milestones
from analytics.filters import Filters, freshness
from tests.analytics_helpers import Row, add_sets, new_store

TODAY = date(2025, 4, 2)  # a Wednesday
RDL = "Romanian Deadlift (Barbell)"
THRUST = "Hip Thrust (Barbell)"


def _log(start: date, weeks: int, per_week: tuple[int, ...], growth: float = 2.5,
         extra: str | None = None) -> list[Row]:
    rows = []
    for week in range(weeks):
        for day in per_week:
            when = datetime.combine(start + timedelta(weeks=week, days=day), datetime.min.time())
            when += timedelta(hours=18)
            rows.append(Row(when, RDL, 60 + growth * week, 8))
            rows.append(Row(when - timedelta(minutes=10), RDL, 30, 8, set_type="warmup"))
            if extra:
                rows.append(Row(when, extra, 100 + growth * week * 2, 5))
    return rows


@pytest.fixture(scope="module")
def many():  # type: ignore[no-untyped-def]
    store, first = new_store(program_start=date(2025, 1, 6))
    add_sets(store, first, _log(date(2025, 1, 6), 13, (0, 3), extra=THRUST))  # current
    stale = store.athlete_id("Stale", create=True)
    add_sets(store, stale, _log(date(2024, 9, 2), 6, (0, 2, 4)))  # stopped in October
    broke = store.athlete_id("After a break", create=True)
    add_sets(store, broke, _log(date(2024, 11, 4), 3, (1,)) + _log(date(2025, 3, 3), 5, (0,)))
    unmapped = store.athlete_id("Own names", create=True)  # a lift the catalog does not know
    add_sets(store, unmapped, _log(date(2025, 1, 6), 10, (0, 3), extra="Zercher Good Morning"))
    weighted = store.athlete_id("Weighted pull-ups", create=True)  # load = added + body
    store.update_athlete(weighted, bodyweight_kg=80.0)
    rows = _log(date(2025, 1, 6), 10, (0, 3))
    rows += [Row(r.when, "Pull Up (Weighted)", 40 - 3 * k, 5)  # added weight falls 40 -> 13
             for k, r in enumerate(rows[::2])]
    add_sets(store, weighted, rows)
    fresh = store.athlete_id("Two weeks in", create=True)
    add_sets(store, fresh, _log(date(2025, 3, 20), 2, (0, 2)))
    store.athlete_id("Empty", create=True)
    yield store, [first, stale, broke, fresh, unmapped, weighted]
    store.close()


def test_summary_matches_each_athletes_own_numbers(many) -> None:  # type: ignore[no-untyped-def]
    store, ids = many
    con = store.cursor()
    found = {s.athlete_id: s for s in coach.coach_summary(con, today=TODAY)}
    assert sorted(found) == sorted(ids)  # the athlete without sets has no row
    for athlete_id in ids:
        flt = Filters(athlete_id, today=TODAY)
        summary = found[athlete_id]
        assert summary.this_week == frequency.this_week(con, flt).sessions, athlete_id
        assert summary.fresh == freshness(con, flt), athlete_id
        windows = milestones.milestones(con, flt)
        assert summary.windows == list(zip(windows["first_week"], windows["last_week"],
                                           windows["status"], strict=True)), athlete_id
        lifts = (windows.loc[windows["window"] == 2, "evidence"].iloc[0] or {}).get("lifts", [])
        if lifts:
            best = max(lifts, key=lambda lift: abs(lift["change_pct"]))
            assert summary.change == (best["exercise"], best["change_pct"]), athlete_id
        else:
            assert summary.change is None, athlete_id


def test_summary_reads_as_the_coach_sees_it(many) -> None:  # type: ignore[no-untyped-def]
    store, (first, stale, broke, fresh, unmapped, weighted) = many
    found = {s.athlete_id: s for s in coach.coach_summary(store.cursor(), today=TODAY)}
    # the log runs to Thu 3 Apr, past "today" (a clock behind the log): now is 3 Apr, and
    # Mon 31 Mar and Thu 3 Apr are this week's two sessions
    assert found[first].fresh.as_of == date(2025, 4, 3)
    assert found[first].this_week == 2
    assert found[stale].fresh.describe() == "data up to Fri 11 Oct 2024, 24 weeks ago"
    assert found[stale].this_week == 0
    assert coach.milestone_summary(found[stale].windows) == "weeks 8-12: at risk"
    # a 3-month break restarts the programme clock on 3 Mar: week 5 now
    assert coach.milestone_summary(found[broke].windows) == "weeks 2-4: at risk"
    # two weeks in: no change since weeks 1-2 yet
    assert found[fresh].change is None
    assert coach.milestone_summary(found[fresh].windows) == "weeks 2-4: on track"
    exercise, change = found[first].change
    assert exercise == "Hip Thrust"
    assert found[unmapped].change[0] == "Zercher good morning"  # unmapped lifts count too
    # the pull-ups' load is body weight + added weight: 120 kg in week 1 to 80 + 13 later
    assert found[weighted].change[0] == "Pull-Up" and found[weighted].change[1] < -15
