"""Back side against front side: is the posterior chain keeping up ("anterior dominance")?

Most logs are front-heavy: bench, presses, squats and curls train the chest, front delts
and quads, while the back side that carries posture (erectors, lats, rhomboids and mid-traps,
rear delts, glutes, hamstrings, calves) gets less. Three ratios, all from hard sets
(working sets, primary muscle 1.0, secondary 0.5, as in :mod:`analytics.volume`):

- **back : front** — hard sets of :data:`~analytics.catalog.POSTERIOR_CHAIN` against
  :data:`~analytics.catalog.ANTERIOR` (chest, front delts, quads, hip flexors);
- **hinge : knee-dominant** — working sets of hip-dominant patterns (hinge, swing,
  bridge/thrust) against knee-dominant ones (squat, lunge/split squat, knee extension);
- **hamstrings : quads** — hard sets.

Each is given per ISO week, over the whole period, and over its last 4 weeks against the 4
before ("back side 1.4x front side in the last 4 weeks, up from 1.1x"). A ratio with
nothing on its front side is missing, never infinite.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from .catalog import ANTERIOR, POSTERIOR_CHAIN
from .filters import Filters, period, scope, weeks
from .sql import catalog, cte
from .strength import MIN_TREND_SESSIONS, theil_sen

if TYPE_CHECKING:
    import duckdb

HINGE_PATTERNS = ("hinge", "swing", "bridge/thrust")
KNEE_PATTERNS = ("squat", "lunge/split squat", "knee extension")
RECENT_WEEKS = 4
"""The plain-words reading compares the last 4 weeks with the 4 before them."""

PAIRS = {
    "back_front": ("posterior", "anterior"),
    "hinge_knee": ("hinge_sets", "knee_sets"),
    "hamstrings_quads": ("hamstrings", "quads"),
}


def weekly_balance(con: duckdb.DuckDBPyConnection, flt: Filters) -> pd.DataFrame:
    """One row per ISO week of the period (zeros kept).

    Columns: ``week_start``, ``posterior``, ``anterior`` (hard sets), ``hinge_sets``,
    ``knee_sets`` (working sets), ``hamstrings``, ``quads`` (hard sets), and the ratios
    ``back_front``, ``hinge_knee``, ``hamstrings_quads`` (missing when the second side is 0).
    """
    bounds = period(con, flt)
    columns = ["week_start", "posterior", "anterior", "hinge_sets", "knee_sets",
               "hamstrings", "quads", *PAIRS]
    if bounds is None:
        return pd.DataFrame(columns=columns)
    muscles = cte("muscles", """
            SELECT w.week_start,
                   sum(m.weight) FILTER (WHERE list_contains($posterior, m.muscle)) AS posterior,
                   sum(m.weight) FILTER (WHERE list_contains($anterior, m.muscle)) AS anterior,
                   sum(m.weight) FILTER (WHERE m.muscle = 'hamstrings') AS hamstrings,
                   sum(m.weight) FILTER (WHERE m.muscle = 'quads') AS quads
            FROM working w JOIN catalog_muscles m ON m.exercise_id = w.exercise_id
            GROUP BY w.week_start""", posterior=list(POSTERIOR_CHAIN), anterior=list(ANTERIOR))
    patterns = cte("patterns", """
            SELECT w.week_start,
                   count(*) FILTER (WHERE list_contains($hinge, c.pattern)) AS hinge_sets,
                   count(*) FILTER (WHERE list_contains($knee, c.pattern)) AS knee_sets
            FROM working w JOIN catalog_exercises c ON c.id = w.exercise_id
            GROUP BY w.week_start""", hinge=list(HINGE_PATTERNS), knee=list(KNEE_PATTERNS))
    frame = (scope(con, flt) + weeks(bounds) + catalog(con) + muscles + patterns).query(con, """
        SELECT weeks.week_start,
               CAST(coalesce(posterior, 0) AS DOUBLE) AS posterior,
               CAST(coalesce(anterior, 0) AS DOUBLE) AS anterior,
               CAST(coalesce(hinge_sets, 0) AS DOUBLE) AS hinge_sets,
               CAST(coalesce(knee_sets, 0) AS DOUBLE) AS knee_sets,
               CAST(coalesce(hamstrings, 0) AS DOUBLE) AS hamstrings,
               CAST(coalesce(quads, 0) AS DOUBLE) AS quads
        FROM weeks LEFT JOIN muscles USING (week_start) LEFT JOIN patterns USING (week_start)
        ORDER BY weeks.week_start""").df()
    for ratio, (top, bottom) in PAIRS.items():
        frame[ratio] = frame[top] / frame[bottom].where(frame[bottom] > 0)
    return frame[columns]


def _ratio(top: float, bottom: float) -> float | None:
    return top / bottom if bottom > 0 else None


def _window(weeks: pd.DataFrame) -> dict[str, Any]:
    sums = {column: float(weeks[column].sum()) for column in
            ("posterior", "anterior", "hinge_sets", "knee_sets", "hamstrings", "quads")}
    return {**sums, **{ratio: _ratio(sums[a], sums[b]) for ratio, (a, b) in PAIRS.items()}}


def _times(value: float | None) -> str:
    return "n/a" if value is None or not math.isfinite(value) else f"{value:.1f}x"


def reading(summary: dict[str, Any]) -> str:
    """The plain-words sentence for a :func:`balance_summary`."""
    recent, before = summary["recent"], summary["previous"]
    if recent["posterior"] == 0 and recent["anterior"] == 0:
        return "No hard sets on catalogued exercises in the last 4 weeks."
    if recent["back_front"] is None:
        text = (f"Back side {recent['posterior']:.0f} hard sets, front side none in the "
                "last 4 weeks")
    else:
        text = f"Back side {_times(recent['back_front'])} front side in the last 4 weeks"
        if before["back_front"] is not None:
            change = recent["back_front"] - before["back_front"]
            word = "up" if change > 0.05 else "down" if change < -0.05 else "about level"
            text += (f" ({word} from {_times(before['back_front'])})"
                     if word != "about level" else " (level with the 4 weeks before)")
    text += (f"; hinge {recent['hinge_sets']:.0f} sets vs knee-dominant "
             f"{recent['knee_sets']:.0f}; hamstrings {_times(recent['hamstrings_quads'])} "
             "quads.")
    return text


def balance_summary(con: duckdb.DuckDBPyConnection, flt: Filters) -> dict[str, Any]:
    """The period's balance: ``weekly`` (see :func:`weekly_balance`), ``period`` /
    ``recent`` (last 4 weeks) / ``previous`` (the 4 before) totals and ratios,
    ``trend_per_week`` (Theil-Sen slope of the weekly back:front ratio, per week, over
    weeks with front-side work; missing below 3 such weeks) and ``reading``."""
    weekly = weekly_balance(con, flt)
    recent = weekly.tail(RECENT_WEEKS)
    previous = weekly.iloc[-2 * RECENT_WEEKS:-RECENT_WEEKS] if len(weekly) > RECENT_WEEKS \
        else weekly.iloc[0:0]
    points = weekly.dropna(subset=["back_front"])
    trend = None
    if len(points) >= MIN_TREND_SESSIONS:
        weeks = pd.to_datetime(points["week_start"]) - pd.Timestamp(points["week_start"].iloc[0])
        fit = theil_sen((weeks.dt.days / 7).to_numpy(dtype=float),
                        points["back_front"].to_numpy(dtype=float))
        trend = fit.slope if math.isfinite(fit.slope) else None
    summary = {"weekly": weekly, "period": _window(weekly), "recent": _window(recent),
               "previous": _window(previous), "trend_per_week": trend}
    summary["reading"] = reading(summary)
    return summary
