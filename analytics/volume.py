"""Am I doing enough work? Tonnage, reps, hold time and hard sets per muscle.

Tonnage (load x reps) says how much was lifted; hard sets per muscle per week say how much
growth stimulus each muscle got, which is what hypertrophy guidelines are written in. Both
count working sets only (warm-ups never count).

- A set with no load logged (or a load of 0) is a bodyweight set: it adds its reps to
  ``bodyweight_reps`` and adds bodyweight x reps to tonnage only when the athlete's
  bodyweight is known (Backline does not guess the share of bodyweight a movement moves).
- A timed hold (a catalog exercise marked timed, such as a wall sit, or any set logged with
  seconds and no reps) adds its seconds to ``hold_seconds`` and counts as a set, never as
  tonnage.
- Hard sets per muscle: each working set of a catalog exercise counts 1.0 for each of its
  primary muscles and 0.5 for each secondary muscle. Unmapped exercises count in tonnage
  and set totals but cannot be credited to a muscle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from . import units
from .catalog import MUSCLES
from .filters import Filters, period, scope, weeks
from .sql import Piece, catalog, cte

if TYPE_CHECKING:
    import duckdb


def work(con: duckdb.DuckDBPyConnection, flt: Filters) -> Piece:
    """The scope (:func:`~analytics.filters.scope`) plus ``measured``: one row per working
    set with its tonnage (kg), counted reps, bodyweight reps and hold seconds. A timed
    exercise is the catalog's word, so the catalog comes with it (:func:`analytics.sql.catalog`).
    """
    return scope(con, flt) + catalog(con) + cte("work", """
    SELECT w.*,
           coalesce(c.timed, false) OR (coalesce(w.reps, 0) = 0 AND w.duration_s > 0)
               AS is_timed,
           coalesce(w.weight_kg, 0) = 0 AS is_bodyweight
    FROM working w LEFT JOIN catalog_exercises c ON c.id = w.exercise_id""") + cte("measured", """
    SELECT *,
           CASE WHEN is_timed THEN 0
                WHEN is_bodyweight
                    THEN coalesce((SELECT bodyweight_kg FROM athletes
                                   WHERE athlete_id = $athlete), 0) * reps
                ELSE weight_kg * reps END AS tonnage_kg,
           CASE WHEN is_timed THEN 0 ELSE coalesce(reps, 0) END AS counted_reps,
           CASE WHEN is_bodyweight AND NOT is_timed THEN coalesce(reps, 0) ELSE 0 END
               AS bodyweight_reps,
           CASE WHEN is_timed THEN coalesce(duration_s, 0) ELSE 0 END AS hold_seconds
    FROM work""", athlete=flt.athlete_id)


_TOTALS = """count(*) AS sets, CAST(sum(counted_reps) AS BIGINT) AS reps,
             sum(tonnage_kg) AS tonnage, CAST(sum(bodyweight_reps) AS BIGINT) AS bodyweight_reps,
             sum(hold_seconds) AS hold_seconds"""


def volume_by_session(con: duckdb.DuckDBPyConnection, flt: Filters) -> pd.DataFrame:
    """One row per session, oldest first.

    Columns: ``session_id``, ``performed_at`` (session start), ``date``, ``week_start``,
    ``workout_name``, ``exercises`` (distinct exercises), ``sets``, ``reps``, ``tonnage``,
    ``bodyweight_reps``, ``hold_seconds``, ``unit``.
    """
    frame = work(con, flt).query(con, f"""
        SELECT session_id, session_at AS performed_at, CAST(session_at AS DATE) AS date,
               week_start, any_value(workout_name) AS workout_name,
               count(DISTINCT exercise_raw) AS exercises, {_TOTALS}
        FROM measured GROUP BY session_id, session_at, week_start ORDER BY session_at""").df()
    return units.convert(frame, ["tonnage"], flt.unit)


def volume_by_week(con: duckdb.DuckDBPyConnection, flt: Filters) -> pd.DataFrame:
    """One row per ISO week of the period (Monday ``week_start``), weeks without training
    included as zeros so gaps show on charts.

    Columns: ``week_start``, ``sessions``, ``sets`` (working sets, also the week's hard
    sets), ``reps``, ``tonnage``, ``bodyweight_reps``, ``hold_seconds``, ``unit``.
    """
    bounds = period(con, flt)
    columns = ["week_start", "sessions", "sets", "reps", "tonnage", "bodyweight_reps",
               "hold_seconds"]  # fmt: skip
    if bounds is None:
        return units.convert(pd.DataFrame(columns=columns), ["tonnage"], flt.unit)
    totals = cte("totals", f"""
            SELECT week_start, count(DISTINCT session_id) AS sessions, {_TOTALS}
            FROM measured GROUP BY week_start""")
    frame = (work(con, flt) + weeks(bounds) + totals).query(con, """
        SELECT week_start, coalesce(sessions, 0) AS sessions, coalesce(sets, 0) AS sets,
               coalesce(reps, 0) AS reps, coalesce(tonnage, 0) AS tonnage,
               coalesce(bodyweight_reps, 0) AS bodyweight_reps,
               coalesce(hold_seconds, 0) AS hold_seconds
        FROM weeks LEFT JOIN totals USING (week_start) ORDER BY week_start""").df()
    return units.convert(frame, ["tonnage"], flt.unit)


def volume_by_exercise(con: duckdb.DuckDBPyConnection, flt: Filters) -> pd.DataFrame:
    """One row per exercise in the period, most sets first; unmapped names get their own
    row (``exercise_id`` missing, ``exercise`` = the name as logged), never dropped.

    Columns: ``exercise_id``, ``exercise``, ``timed``, ``sessions``, ``sets``, ``reps``,
    ``tonnage``, ``bodyweight_reps``, ``hold_seconds``, ``unit``.
    """
    frame = work(con, flt).query(con, f"""
        SELECT m.exercise_id, coalesce(any_value(c.name), any_value(m.exercise_raw)) AS exercise,
               bool_or(m.is_timed) AS timed, count(DISTINCT m.session_id) AS sessions,
               {_TOTALS}
        FROM measured m LEFT JOIN catalog_exercises c ON c.id = m.exercise_id
        GROUP BY m.exercise_id, CASE WHEN m.exercise_id IS NULL THEN m.exercise_raw END
        ORDER BY sets DESC, exercise""").df()
    return units.convert(frame, ["tonnage"], flt.unit)


def hard_sets_by_muscle(con: duckdb.DuckDBPyConnection, flt: Filters) -> pd.DataFrame:
    """Hard sets per muscle per ISO week (primary 1.0, secondary 0.5), every week of the
    period x every catalog muscle, zeros included (a heatmap needs the empty cells).

    Columns: ``week_start``, ``muscle``, ``hard_sets``.
    """
    bounds = period(con, flt)
    if bounds is None:
        return pd.DataFrame(columns=["week_start", "muscle", "hard_sets"])
    muscles = cte("muscles", "SELECT unnest($muscles) AS muscle, "
                  "generate_subscripts($muscles, 1) AS ord", muscles=list(MUSCLES))
    credited = catalog(con) + cte("credited", """
            SELECT w.week_start, m.muscle, sum(m.weight) AS hard_sets
            FROM working w JOIN catalog_muscles m ON m.exercise_id = w.exercise_id
            GROUP BY w.week_start, m.muscle""")
    return (scope(con, flt) + weeks(bounds) + muscles + credited).query(con, """
        SELECT weeks.week_start, muscles.muscle,
               CAST(coalesce(credited.hard_sets, 0) AS DOUBLE) AS hard_sets
        FROM weeks CROSS JOIN muscles
        LEFT JOIN credited ON credited.week_start = weeks.week_start
                          AND credited.muscle = muscles.muscle
        ORDER BY weeks.week_start, muscles.ord""").df()
