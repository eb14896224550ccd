"""The coach view's numbers for every athlete at once.

The Coach view shows, per athlete, what the Overview shows for that athlete: sessions in
this week, how current the data is, where the milestone windows stand and the lift whose
e1RM changed most since programme weeks 1-2. Computed athlete by athlete that is a dozen
queries each — 200 athletes took many seconds — so this module reads the sets of every
athlete in two queries and applies the same rules: the milestone counting is
:func:`analytics.milestones.window_counts`, the programme start follows
:func:`analytics.milestones.programme_start`, the e1RM is :func:`analytics.strength.e1rm_sql`
and "now" is :func:`analytics.filters.as_of` (today, or the last session when it is later).
``tests/test_coach.py`` checks that both ways agree.

Judged over each athlete's whole log (no date range), like the Overview with "All time".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING

import pandas as pd

from .catalog import LIFT_KEY_SQL, exercise_name
from .filters import Filters, Freshness, week_start
from .milestones import BASELINE_WEEKS, BREAK_DAYS, WINDOWS, window_counts
from .sql import cte, registered
from .strength import MAX_E1RM_REPS, e1rm_sql, whole_body_lifts

if TYPE_CHECKING:
    import duckdb

_SESSIONS = cte("starts", """
    SELECT athlete_id, session_id, min(performed_at) AS session_at,
           bool_or(set_type <> 'warmup' AND (coalesce(reps, 0) > 0
                                             OR coalesce(duration_s, 0) > 0)) AS worked
    FROM sets GROUP BY athlete_id, session_id""")
"""Every athlete's sessions, and whether any set of each was worked."""


@dataclass(frozen=True)
class AthleteSummary:
    """One coach-view row before it is worded."""

    athlete_id: int
    fresh: Freshness
    this_week: int
    windows: list[tuple[int, int, str]]
    """(first week, last week, status) of each milestone window."""
    change: tuple[str, float] | None
    """(exercise, % change of its best e1RM since programme weeks 1-2), the largest move."""


def _programme_start(days: list[date], program_start: date | None) -> date:
    if program_start is not None:
        return program_start
    after_break = [b for a, b in zip(days, days[1:], strict=False) if (b - a).days > BREAK_DAYS]
    return after_break[-1] if after_break else days[0]


def coach_summary(con: duckdb.DuckDBPyConnection, *, today: date, formula: str = "epley",
                  target_min: int = 2) -> list[AthleteSummary]:
    """Every athlete with at least one session, judged at ``today`` (rules above)."""
    # plain tuples (datetime.date values): turning 80,000 pandas timestamps back into
    # dates one by one was a third of the Coach view's time with 200 athletes
    sessions = _SESSIONS.query(con, """
        SELECT s.athlete_id, CAST(s.session_at AS DATE) AS day, a.program_start
        FROM starts s JOIN athletes a USING (athlete_id)
        WHERE s.worked
        ORDER BY s.athlete_id, day""").fetchall()
    summaries: dict[int, dict] = {}
    plans = []
    for athlete_id, group in groupby(sessions, key=itemgetter(0)):
        rows = list(group)
        days = [day for _, day, _ in rows]
        distinct = sorted(set(days))
        start = _programme_start(distinct, rows[0][2])
        last = distinct[-1]
        now = max(today, last)
        monday = week_start(now)
        day = (now - start).days if now >= start else -1
        per_week: dict[int, int] = {}
        for d in days:
            if d >= start:
                week = (d - start).days // 7 + 1
                if week <= WINDOWS[-1].last:
                    per_week[week] = per_week.get(week, 0) + 1
        counts = window_counts(day, per_week, target_min)
        summaries[int(athlete_id)] = {
            "fresh": Freshness(last, now),
            "this_week": sum(1 for d in days if monday <= d <= now),
            "windows": [(w.first, w.last, status)
                        for w, (_, _, status) in zip(WINDOWS, counts, strict=True)],
        }
        through = min(day // 7 + 1, WINDOWS[1].last)
        if day >= 0 and through > BASELINE_WEEKS[1]:
            plans.append((int(athlete_id), start, max(through - 1, BASELINE_WEEKS[1] + 1),
                          through))
    changes = _strength_changes(con, plans, formula)
    return [AthleteSummary(athlete_id, change=changes.get(athlete_id), **values)
            for athlete_id, values in summaries.items()]


def summaries(con: duckdb.DuckDBPyConnection, flt: Filters) -> dict[int, AthleteSummary]:
    """:func:`coach_summary` by athlete id, judged at ``flt.today`` with ``flt.formula`` and
    ``flt.target_min``: the Coach view's data, called as every page metric is (the
    dashboard caches and prefetches it under the viewer's filters; their athlete and
    period do not change it, since the view is every athlete over the whole log)."""
    return {s.athlete_id: s for s in coach_summary(con, today=flt.today, formula=flt.formula,
                                                   target_min=flt.target_min)}


def _strength_changes(con: duckdb.DuckDBPyConnection,
                      plans: list[tuple[int, date, int, int]],
                      formula: str) -> dict[int, tuple[str, float]]:
    """Per athlete, the lift whose best e1RM moved most between programme weeks 1-2 and
    the latest two weeks (window 2's evidence in :mod:`analytics.milestones`; a lift is a
    catalog exercise or an unmapped name, as there)."""
    if not plans:
        return {}
    frame = pd.DataFrame(plans, columns=["athlete_id", "programme_start", "recent_from",
                                         "recent_to"])
    whole_body = ", ".join(f"'{lift}'" for lift in whole_body_lifts()) or "NULL"
    pieces = (
        registered(con, "coach_plan", frame)
        # only the sets near the two compared windows: a long log is mostly outside them
        # (a day of slack for sessions that cross midnight)
        + cte("near", """
            SELECT s.*, p.programme_start, p.recent_from, p.recent_to
            FROM sets s JOIN coach_plan p USING (athlete_id)
            WHERE s.performed_at >= p.programme_start - INTERVAL 1 DAY
              AND s.performed_at < p.programme_start + to_days(7 * p.recent_to + 1)""")
        + cte("starts", """
            SELECT athlete_id, session_id, min(performed_at) AS session_at
            FROM near GROUP BY athlete_id, session_id""")
        # the load moved, as strength.loaded has it: assistance is never load; a
        # whole-body lift adds the body weight (the session's, else the athlete's)
        + cte("loaded", f"""
            SELECT s.*,
                   CASE WHEN s.assistance_kg IS NOT NULL
                            THEN nullif(greatest(bw.kg - s.assistance_kg, 0), 0)
                        WHEN s.exercise_id IN ({whole_body}) AND bw.kg IS NOT NULL
                            THEN coalesce(s.weight_kg, 0) + bw.kg
                        ELSE s.weight_kg END AS load_kg
            FROM near s
            LEFT JOIN (
                SELECT n.athlete_id, n.session_id,
                       coalesce(any_value(d.bodyweight_kg), any_value(a.bodyweight_kg)) AS kg
                FROM (SELECT DISTINCT athlete_id, session_id FROM near) n
                JOIN athletes a USING (athlete_id)
                LEFT JOIN session_details d
                  ON d.athlete_id = n.athlete_id AND d.session_id = n.session_id
                 AND d.bodyweight_kg IS NOT NULL
                GROUP BY n.athlete_id, n.session_id
            ) bw USING (athlete_id, session_id)""")
        + cte("eligible", f"""
            SELECT s.athlete_id, {LIFT_KEY_SQL.replace("exercise_", "s.exercise_")}
                       AS exercise_id, st.session_at, s.load_kg AS weight_kg,
                   s.programme_start, s.recent_from, s.recent_to,
                   s.reps + CASE WHEN s.rpe BETWEEN 7 AND 10 THEN 10 - s.rpe ELSE 0 END
                       AS effective_reps
            FROM loaded s JOIN starts st USING (athlete_id, session_id)
            WHERE s.set_type <> 'warmup'
              AND s.load_kg > 0 AND s.reps BETWEEN 1 AND {MAX_E1RM_REPS}""")
        + cte("weekly", f"""
            SELECT athlete_id, exercise_id, recent_from, recent_to,
                   CASE WHEN effective_reps <= 1 THEN weight_kg
                        ELSE {e1rm_sql(formula)} END AS e1rm,
                   CAST(floor((CAST(session_at AS DATE) - programme_start) / 7)
                        AS INTEGER) + 1 AS week
            FROM eligible
            WHERE session_at >= programme_start""")
    )
    try:
        found = pieces.query(con, f"""
            SELECT athlete_id, exercise_id,
                   max(e1rm) FILTER (WHERE week BETWEEN {BASELINE_WEEKS[0]}
                                                     AND {BASELINE_WEEKS[1]}) AS baseline,
                   max(e1rm) FILTER (WHERE week BETWEEN recent_from AND recent_to) AS current
            FROM weekly GROUP BY athlete_id, exercise_id
            HAVING baseline IS NOT NULL AND current IS NOT NULL
            ORDER BY athlete_id, exercise_id""").df()
    finally:
        con.unregister("coach_plan")
    changes: dict[int, tuple[str, float]] = {}
    if found.empty:
        return changes
    found["change_pct"] = (100 * (found["current"] / found["baseline"] - 1)).round(1)
    for athlete_id, rows in found.groupby("athlete_id", sort=True):
        row = rows.loc[rows["change_pct"].abs().idxmax()]
        changes[int(athlete_id)] = (exercise_name(str(row["exercise_id"])),
                                    float(row["change_pct"]))
    return changes


def milestone_summary(windows: list[tuple[int, int, str]]) -> str:
    """The latest window that has begun, with its status; an at-risk window comes first."""
    risky = [w for w in windows if w[2] == "at risk"]
    begun = [w for w in windows if w[2] != "not reached"]
    chosen = risky[-1] if risky else (begun[-1] if begun else None)
    if chosen is None:
        return "not started"
    return f"weeks {chosen[0]}-{chosen[1]}: {chosen[2]}"

