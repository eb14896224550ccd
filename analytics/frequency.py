"""Am I training often enough? Sessions per week, streaks, rest between sessions, calendar.

Frequency is what the milestone windows depend on most: two to three sessions a week is the
dose the programmes prescribe. A session counts when it holds at least one working set.

- Weeks are ISO weeks (Monday to Sunday). Weeks without a session inside the period are
  listed with 0 sessions: skipping them would hide exactly the weeks that matter.
- A week meets the target when it has at least ``target_min`` sessions; more than
  ``target_max`` still meets it but is flagged "above".
- "This week" and the current streak are judged at Backline's "now"
  (:func:`~analytics.filters.as_of`: today in the dashboard, the range's end when one is
  set). The streak counts consecutive weeks meeting the target back from now's week;
  weeks after the last session count as missed. Now's week, still in progress, only
  counts once it has met the target: an unfinished week never breaks a streak.
- Short rest: two consecutive sessions that both load the same muscle as a *primary*
  muscle less than 48 hours apart (start to start). Date-only logs (FitNotes) record
  midnight, so back-to-back days show as 24 h.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pandas as pd

from . import units
from .filters import Filters, as_of, batch_cached, period, scope, week_start, weeks
from .sql import catalog, cte
from .volume import work

if TYPE_CHECKING:
    import duckdb

SHORT_REST_HOURS = 48


@batch_cached
def sessions_per_week(con: duckdb.DuckDBPyConnection, flt: Filters) -> pd.DataFrame:
    """Sessions in every ISO week of the period against the weekly target.

    Columns: ``week_start`` (Monday), ``sessions``, ``target_min``, ``target_max``,
    ``met`` (sessions >= target_min), ``status`` ("below", "in range" or "above").
    """
    columns = ["week_start", "sessions", "target_min", "target_max", "met", "status"]
    bounds = period(con, flt)
    if bounds is None:
        return pd.DataFrame(columns=columns)
    counted = cte("counted", """
            SELECT week_start, count(DISTINCT session_id) AS sessions
            FROM working GROUP BY week_start""")
    return (scope(con, flt) + weeks(bounds) + counted).query(con, """
        SELECT week_start, coalesce(sessions, 0) AS sessions,
               $target_min AS target_min, $target_max AS target_max,
               coalesce(sessions, 0) >= $target_min AS met,
               CASE WHEN coalesce(sessions, 0) < $target_min THEN 'below'
                    WHEN sessions > $target_max THEN 'above'
                    ELSE 'in range' END AS status
        FROM weeks LEFT JOIN counted USING (week_start) ORDER BY week_start""",
        target_min=flt.target_min, target_max=flt.target_max,
    ).df()


@dataclass(frozen=True)
class Streaks:
    """Consecutive weeks meeting the target: now, and the longest run in the period."""

    current: int
    best: int
    best_from: date | None
    best_to: date | None


def streaks(con: duckdb.DuckDBPyConnection, flt: Filters) -> Streaks:
    """The current and best weekly streak (see the module docstring for the rules)."""
    now = as_of(con, flt)
    if now is None:
        return Streaks(0, 0, None, None)
    weeks = sessions_per_week(con, flt)
    met = weeks["met"].astype(bool).reset_index(drop=True)
    # weeks between the last charted week and now's week: no session, so missed
    gap = (week_start(now) - pd.Timestamp(weeks["week_start"].iloc[-1]).date()).days // 7
    if gap > 0:
        met = pd.concat([met, pd.Series([False] * gap)], ignore_index=True)
    unfinished = now < week_start(now) + timedelta(days=6)
    if unfinished and not met.iloc[-1]:
        met = met.iloc[:-1]
    # run id increases at every miss; the length of a run is its count of met weeks
    run = (~met).cumsum()
    lengths = met.groupby(run).sum()
    current = int(lengths.iloc[-1]) if len(lengths) and met.iloc[-1] else 0
    best = int(lengths.max()) if len(lengths) else 0
    if best == 0:
        return Streaks(current, 0, None, None)
    best_run = met[run == lengths.idxmax()]
    best_weeks = weeks.loc[best_run[best_run].index, "week_start"]
    return Streaks(
        current,
        best,
        pd.Timestamp(best_weeks.iloc[0]).date(),
        pd.Timestamp(best_weeks.iloc[-1]).date(),
    )


@dataclass(frozen=True)
class ThisWeek:
    """Sessions in the ISO week of Backline's "now", so far."""

    week_start: date
    sessions: int


def this_week(con: duckdb.DuckDBPyConnection, flt: Filters) -> ThisWeek | None:
    """Sessions in now's week (0 when the log ended before it); None without data."""
    now = as_of(con, flt)
    if now is None:
        return None
    monday = week_start(now)
    weeks = sessions_per_week(con, flt)
    row = weeks[pd.to_datetime(weeks["week_start"]).dt.date == monday]
    return ThisWeek(monday, int(row["sessions"].iloc[0]) if len(row) else 0)


@batch_cached
def short_rests(
    con: duckdb.DuckDBPyConnection, flt: Filters, min_hours: float = SHORT_REST_HOURS
) -> pd.DataFrame:
    """Pairs of consecutive sessions loading the same primary muscle less than ``min_hours``
    apart, oldest first.

    Columns: ``previous_session_id``, ``previous_at``, ``session_id``, ``performed_at``,
    ``hours_between``, ``muscles`` (comma-separated, alphabetical).
    """
    loads = catalog(con) + cte("loads", """
            SELECT DISTINCT w.session_id, w.session_at, m.muscle
            FROM working w JOIN catalog_muscles m
              ON m.exercise_id = w.exercise_id AND m.weight = 1.0""")
    chained = cte("chained", """
            SELECT muscle, session_id, session_at,
                   lag(session_id) OVER (PARTITION BY muscle ORDER BY session_at) AS prev_id,
                   lag(session_at) OVER (PARTITION BY muscle ORDER BY session_at) AS prev_at
            FROM loads""")
    return (scope(con, flt) + loads + chained).query(con, """
        SELECT prev_id AS previous_session_id, prev_at AS previous_at, session_id,
               session_at AS performed_at,
               epoch(session_at - prev_at) / 3600.0 AS hours_between,
               string_agg(muscle, ', ' ORDER BY muscle) AS muscles
        FROM chained
        WHERE prev_at IS NOT NULL AND epoch(session_at - prev_at) < $min_hours * 3600
        GROUP BY ALL ORDER BY performed_at""", min_hours=min_hours).df()


def calendar(con: duckdb.DuckDBPyConnection, flt: Filters) -> pd.DataFrame:
    """Every day of the period with its training (zeros on rest days), for a heatmap.

    Columns: ``date``, ``sessions``, ``sets``, ``tonnage``, ``unit``.
    """
    bounds = period(con, flt)
    if bounds is None:
        return units.convert(
            pd.DataFrame(columns=["date", "sessions", "sets", "tonnage"]), ["tonnage"], flt.unit
        )
    days = cte("days", """
            SELECT CAST(range AS DATE) AS date
            FROM range($first_day, $last_day + INTERVAL 1 DAY, INTERVAL 1 DAY)""",
               first_day=bounds[0], last_day=bounds[1])
    totals = cte("totals", """
            SELECT CAST(session_at AS DATE) AS date, count(DISTINCT session_id) AS sessions,
                   count(*) AS sets, sum(tonnage_kg) AS tonnage
            FROM measured GROUP BY 1""")
    frame = (work(con, flt) + days + totals).query(con, """
        SELECT date, coalesce(sessions, 0) AS sessions, coalesce(sets, 0) AS sets,
               coalesce(tonnage, 0) AS tonnage
        FROM days LEFT JOIN totals USING (date) ORDER BY date""").df()
    return units.convert(frame, ["tonnage"], flt.unit)
