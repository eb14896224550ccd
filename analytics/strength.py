"""Am I getting stronger? Estimated one-rep max per lift, its trend, PRs and plateaus.

The e1RM turns a set of ``reps`` at ``weight`` into the load the lifter could probably move
once, so sets of 5 and sets of 8 land on one chart. Estimates get poor as reps rise, so only
sets of 1-10 reps feed e1RM (higher-rep sets still count for rep PRs and volume). When an
RPE of 7 or more is logged, the reps left in reserve (10 - RPE) are added to the reps done:
5 reps at RPE 8 is treated as a 7-rep max. Warm-ups never count; bodyweight sets (no
load) have no e1RM. Every loaded lift is analysed, mapped or not: e1RM needs no muscles, so
a name the catalog does not know keeps its trend, PRs and plateau flag under its own name
(its ``exercise_id`` is the lift key :data:`analytics.catalog.LIFT_KEY_SQL`, ``~`` + the
name as logged, lower-cased).

An assisted lift's number (``Pull Up (Assisted)``, a negative Fitbod weight) is the help of
a machine or band, never load: with the body weight known the set moved the rest of it,
and without it the progress is the help going down (:func:`assisted_progress`). A
weighted pull-up or dip moved the weight added plus the body weight, when that is known.

Trends use the best e1RM of each session, because a session is the unit of training and
back-off sets would otherwise drag the line down. The slope is a Theil-Sen fit on
ln(e1RM) against time — the median of all pairwise slopes — so one bad day or a typo
cannot bend it the way it bends a least-squares line; on a log scale the slope reads
directly as % per week.
"""

from __future__ import annotations

import functools
import math
from datetime import date, timedelta
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from . import units
from .catalog import LIFT_KEY_SQL, exercise_name, is_unmapped_key, load_catalog
from .filters import Filters, batch_cached, history, period, scope, shown_from
from .sql import Piece, cte

if TYPE_CHECKING:
    import duckdb

TREND_WINDOW_DAYS = 56
"""The recent trend looks at the last 8 weeks of the period."""
MIN_TREND_SESSIONS = 3
"""Fewer sessions than this give no trend: two points always make a perfect line."""
PLATEAU_DAYS = 28
"""Plateau needs at least 4 weeks without a meaningful PR..."""
PLATEAU_PR_GAIN = 0.01
"""...where a meaningful PR beats the previous best session e1RM by at least 1 %."""
MAX_E1RM_REPS = 10
WHOLE_BODY_PATTERNS = ("vertical pull", "dip")
"""Movement patterns whose bodyweight lifts move the whole body (see :func:`loaded`)."""
MAX_PAIRS = 20_000
"""Above this many session pairs (about 200 sessions of one lift) Theil-Sen samples pairs."""
_Z_95 = 1.959963984540054  # two-sided 95 % normal quantile

# reps here are the RPE-adjusted reps; a single (a true 1RM) is the load itself.
_FORMULAS: dict[str, str] = {
    "epley": "{w} * (1 + {r} / 30.0)",
    "brzycki": "{w} * 36.0 / (37.0 - {r})",
    "lombardi": "{w} * pow({r}, 0.10)",
    "mayhew": "100.0 * {w} / (52.2 + 41.9 * exp(-0.055 * {r}))",
    "oconner": "{w} * (1 + 0.025 * {r})",
    "wathan": "100.0 * {w} / (48.8 + 53.8 * exp(-0.075 * {r}))",
}


def e1rm_sql(formula: str, weight: str = "weight_kg", reps: str = "effective_reps") -> str:
    """The SQL expression of ``formula``'s e1RM from the ``weight`` and ``reps`` columns."""
    return _FORMULAS[formula].format(w=weight, r=reps)


@functools.cache
def whole_body_lifts() -> tuple[str, ...]:
    """Catalog lifts that move the whole body (the bodyweight vertical pulls and dips:
    pull-ups, chin-ups, dips): for them the load is the body weight plus any weight added,
    or minus the assistance used."""
    catalog = load_catalog()
    moves_body = catalog["bodyweight"].astype(bool) & catalog["pattern"].isin(WHOLE_BODY_PATTERNS)
    return tuple(sorted(catalog.loc[moves_body, "id"]))


def loaded(flt: Filters) -> Piece:
    """CTE ``loaded``: each set of CTE ``lifts`` (see :func:`e1rm`) with the load it moved,
    ``load_kg``; it binds ``$athlete`` for the athlete's body weight.

    An assisted set (its number is the help of a machine or band, not weight lifted)
    moved the body weight minus the assistance when the body weight is known, and has no
    load otherwise: its assistance never counts as load. A whole-body lift (a weighted
    pull-up or dip) moved the weight added plus the body weight when that is known. The
    body weight is the one logged with the session, else the athlete's.
    """
    lifts = ", ".join(f"'{lift}'" for lift in whole_body_lifts()) or "NULL"
    return cte("loaded", f"""
        SELECT *,
               CASE WHEN assistance_kg IS NOT NULL THEN nullif(greatest(bw - assistance_kg, 0), 0)
                    WHEN exercise_id IN ({lifts}) AND bw IS NOT NULL
                        THEN coalesce(weight_kg, 0) + bw
                    ELSE weight_kg END AS load_kg
        FROM (SELECT l.*, coalesce(d.bodyweight_kg, (SELECT bodyweight_kg FROM athletes
                                                     WHERE athlete_id = $athlete)) AS bw
              FROM lifts l
              LEFT JOIN (SELECT session_id, bodyweight_kg FROM session_details
                         WHERE athlete_id = $athlete AND bodyweight_kg IS NOT NULL) d
                USING (session_id))""", athlete=flt.athlete_id)


def e1rm(con: duckdb.DuckDBPyConnection, flt: Filters) -> Piece:
    """The scope (:func:`~analytics.filters.scope`) and the e1RM CTEs over it: ``lifts``
    (working sets with ``exercise_id`` replaced by the lift key, so unmapped names are
    lifts too), ``e1rm_sets`` (working sets eligible for an e1RM, with the estimate in kg
    by ``flt.formula``) and ``session_best`` (the best of each session per lift, with the
    set that gave it). The weight is the load moved (:func:`loaded`)."""
    expression = e1rm_sql(flt.formula)
    return (
        scope(con, flt)
        + cte("lifts", f"SELECT * REPLACE ({LIFT_KEY_SQL} AS exercise_id) FROM working")
        + loaded(flt)
        + cte("eligible", f"""
        SELECT session_id, session_at, week_start, exercise_id, set_index,
               load_kg AS weight_kg, reps, rpe,
               reps + CASE WHEN rpe BETWEEN 7 AND 10 THEN 10 - rpe ELSE 0 END
                   AS effective_reps
        FROM loaded
        WHERE load_kg > 0
          AND reps BETWEEN 1 AND {MAX_E1RM_REPS}""")
        + cte("e1rm_sets", f"""
        SELECT *,
               CASE WHEN effective_reps <= 1 THEN weight_kg ELSE {expression} END AS e1rm
        FROM eligible""")
        + cte("session_best", """
        SELECT exercise_id, session_id, min(session_at) AS session_at,
               max(e1rm) AS e1rm, arg_max(weight_kg, e1rm) AS weight_kg,
               arg_max(reps, e1rm) AS reps, arg_max(rpe, e1rm) AS rpe
        FROM e1rm_sets GROUP BY exercise_id, session_id""")
    )


def lift_sessions(con: duckdb.DuckDBPyConnection, flt: Filters) -> pd.DataFrame:
    """Per lift (catalogued, or an unmapped name: the lift key): every session in the
    period with a working set of it, and how many of those gave an e1RM (a loaded set of
    1-10 reps).

    Columns: ``exercise_id``, ``sessions``, ``e1rm_sessions``. The trends count only the
    second kind, so Hip Thrust done in 5 sessions, three of them sets of 12, has a trend
    over 2; the Strength table shows both numbers.
    """
    return e1rm(con, flt).query(con, """
        SELECT w.exercise_id, count(DISTINCT w.session_id) AS sessions,
               count(DISTINCT b.session_id) AS e1rm_sessions
        FROM lifts w
        LEFT JOIN session_best b USING (exercise_id, session_id)
        GROUP BY w.exercise_id ORDER BY w.exercise_id""").df()


def set_e1rm(con: duckdb.DuckDBPyConnection, flt: Filters) -> pd.DataFrame:
    """Every set that yields an e1RM, oldest first.

    Columns: ``exercise_id``, ``session_id``, ``performed_at`` (session start), ``set_index``,
    ``weight``, ``reps``, ``rpe``, ``effective_reps`` (reps + reps in reserve), ``e1rm``,
    ``unit``. Loads are in the display unit.
    """
    frame = e1rm(con, flt).query(
        con,
        "SELECT exercise_id, session_id, session_at AS performed_at, set_index, "
        "weight_kg AS weight, reps, rpe, CAST(effective_reps AS DOUBLE) AS effective_reps, e1rm "
        "FROM e1rm_sets ORDER BY session_at, exercise_id, set_index",
    ).df()
    return units.convert(frame, ["weight", "e1rm"], flt.unit)


def session_bests(con: duckdb.DuckDBPyConnection, flt: Filters) -> pd.DataFrame:
    """The best e1RM of each session for each lift — the points of every trend chart.

    Columns: ``exercise_id``, ``exercise`` (display name), ``session_id``, ``performed_at``,
    ``date``, ``e1rm``, ``weight``, ``reps``, ``rpe`` (the set that gave the best), ``unit``.
    """
    frame = e1rm(con, flt).query(
        con,
        "SELECT exercise_id, session_id, session_at AS performed_at, "
        "CAST(session_at AS DATE) AS date, e1rm, weight_kg AS weight, reps, rpe "
        "FROM session_best ORDER BY exercise_id, session_at",
    ).df()
    frame.insert(1, "exercise", frame["exercise_id"].map(exercise_name).astype("str"))
    return units.convert(frame, ["e1rm", "weight"], flt.unit)


class TheilSen(NamedTuple):
    """A Theil-Sen line ``y = intercept + slope * x`` with a 95 % CI on the slope."""

    slope: float
    intercept: float
    low: float
    high: float


def theil_sen(
    x: np.ndarray, y: np.ndarray, z: float = _Z_95, max_pairs: int | None = MAX_PAIRS
) -> TheilSen:
    """Theil-Sen slope with Sen's confidence interval (numpy only).

    The slope is the median of the slopes between every pair of points with distinct x;
    the intercept is the median of ``y - slope * x``. The CI takes the order statistics of
    the pairwise slopes at ranks (N -/+ z * sqrt(Var S)) / 2, with Var S = n(n-1)(2n+5)/18
    the variance of Kendall's S (no tie correction: session times do not tie), clamped to
    the observed slopes — the same ranks scipy.stats.theilslopes uses. With fewer than two
    distinct x every field is NaN.

    Years of history make the pairs grow with the square of the sessions, so above
    ``max_pairs`` pairs the slopes come from that many pairs drawn with a fixed seed (same
    answer every run) and the CI ranks are taken at the same fractions of the sample.
    """
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    n = len(x)
    total_pairs = n * (n - 1) // 2
    sampled = max_pairs is not None and total_pairs > max_pairs
    if sampled:
        rng = np.random.default_rng(0)
        a, b = rng.integers(0, n, size=(2, max_pairs))
        first, second = np.minimum(a, b), np.maximum(a, b)
    else:
        first, second = np.triu_indices(n, k=1)
    dx = x[second] - x[first]
    distinct = dx != 0
    slopes = (y[second] - y[first])[distinct] / dx[distinct]
    if slopes.size == 0:
        return TheilSen(math.nan, math.nan, math.nan, math.nan)
    slope = float(np.median(slopes))
    intercept = float(np.median(y - slope * x))
    # ranks on the scale of all pairs with distinct x, then mapped onto the slopes we have
    count = total_pairs if sampled else slopes.size
    spread = z * math.sqrt(n * (n - 1) * (2 * n + 5) / 18.0)
    low_rank = max(round((count - spread) / 2) - 1, 0)
    high_rank = min(round((count + spread) / 2), count - 1)
    scale = (slopes.size - 1) / (count - 1) if count > 1 else 0.0
    ranks = [round(low_rank * scale), round(high_rank * scale)]
    low, high = np.partition(slopes, ranks)[ranks]
    return TheilSen(slope, intercept, float(low), float(high))


def _pct_per_week(log_slope_per_day: float) -> float:
    """A slope of ln(e1RM) per day as the % change per week it implies."""
    if not math.isfinite(log_slope_per_day):
        return math.nan
    return (math.exp(log_slope_per_day * 7) - 1) * 100


def _trend(days: np.ndarray, e1rm: np.ndarray) -> tuple[float, float, float]:
    """(% per week, CI low, CI high) of the Theil-Sen fit on ln(e1RM), NaN when too short."""
    if len(days) < MIN_TREND_SESSIONS:
        return math.nan, math.nan, math.nan
    fit = theil_sen(days, np.log(e1rm))
    return _pct_per_week(fit.slope), _pct_per_week(fit.low), _pct_per_week(fit.high)


@batch_cached
def trends(con: duckdb.DuckDBPyConnection, flt: Filters) -> pd.DataFrame:
    """One row per lift with an e1RM in the period: level, trend, last PR and plateau flag.

    Columns: ``exercise_id``, ``exercise``, ``sessions``, ``first_date``, ``last_date``,
    ``best_e1rm``, ``last_e1rm``, ``sessions_8w``, ``trend_8w_pct`` / ``trend_8w_low`` /
    ``trend_8w_high`` (% per week over the last 8 weeks of the period, with 95 % CI),
    ``trend_all_pct`` / ``trend_all_low`` / ``trend_all_high`` (whole period),
    ``last_pr_date``, ``weeks_since_pr``, ``plateau``, ``unit``.

    Plateau: at least 3 sessions in the last 8 weeks, the last >= 1 % e1RM PR at least
    4 weeks before the period's last day, and the 8-week trend's CI includes 0 %/week.
    """
    columns = [
        "exercise_id", "exercise", "sessions", "first_date", "last_date", "best_e1rm",
        "last_e1rm", "sessions_8w", "trend_8w_pct", "trend_8w_low", "trend_8w_high",
        "trend_all_pct", "trend_all_low", "trend_all_high", "last_pr_date",
        "weeks_since_pr", "plateau",
    ]  # fmt: skip
    bounds = period(con, flt)
    if bounds is None:
        return units.convert(pd.DataFrame(columns=columns), ["best_e1rm", "last_e1rm"], flt.unit)
    last_day = bounds[1]
    recent_from = np.datetime64(last_day - timedelta(days=TREND_WINDOW_DAYS - 1))
    # whole history up to the period's end: PRs are judged against everything before them.
    # A lift's first session is its baseline and counts as the starting "PR", so four
    # weeks of a lift that never improved on day one is a plateau too.
    points = (e1rm(con, history(flt)) + shown_from(flt)).query(con, f"""
        SELECT exercise_id, epoch(session_at) / 86400.0 AS day, e1rm,
               CAST(session_at AS DATE) AS date, session_at >= $shown_from AS shown,
               coalesce(e1rm >= {1 + PLATEAU_PR_GAIN} * max(e1rm) OVER (
                   PARTITION BY exercise_id ORDER BY session_at
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), true) AS meaningful_pr
        FROM session_best ORDER BY exercise_id, session_at""").fetchnumpy()
    frame = _lift_rows(points, last_day, recent_from)
    if frame.empty:
        return units.convert(pd.DataFrame(columns=columns), ["best_e1rm", "last_e1rm"], flt.unit)
    frame.insert(1, "exercise", [exercise_name(lift) for lift in frame["exercise_id"]])
    return units.convert(frame[columns], ["best_e1rm", "last_e1rm"], flt.unit)


def _lift_rows(points: dict[str, np.ndarray], last_day: date,
               recent_from: np.datetime64) -> pd.DataFrame:
    """Per lift, from its session bests in time order: the numbers :func:`trends` reports.

    Counts, first/last dates, best and last e1RM and the last meaningful PR are computed
    for every lift at once (``reduceat`` over each lift's run of rows); only lifts with
    enough sessions for a trend go through the Theil-Sen fit, one at a time. A log of
    thousands of lifts logged once or twice (unmapped custom names) costs no loop.
    """
    ids = np.asarray(points["exercise_id"], dtype=object)
    if not len(ids):
        return pd.DataFrame()
    dates = np.asarray(points["date"], dtype="datetime64[D]")
    shown = np.asarray(points["shown"], dtype=bool)
    prs = np.asarray(points["meaningful_pr"], dtype=bool)
    # last meaningful PR over the whole history (a lift's first session always is one)
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    pr_dates = np.where(prs, dates, np.datetime64("1900-01-01", "D"))
    last_pr_by_lift = dict(zip(ids[starts], np.maximum.reduceat(pr_dates, starts),
                               strict=True))
    # the period's sessions: each lift's shown rows are the end of its run (time order)
    ids, dates = ids[shown], dates[shown]
    if not len(ids):
        return pd.DataFrame()
    day = np.asarray(points["day"], dtype="float64")[shown]
    e1rm = np.asarray(points["e1rm"], dtype="float64")[shown]
    recent = dates >= recent_from
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    stops = np.r_[starts[1:], len(ids)]
    lifts = ids[starts]
    sessions = stops - starts
    sessions_8w = np.add.reduceat(recent.astype(np.int64), starts)
    last_pr = np.array([last_pr_by_lift[lift] for lift in lifts], dtype="datetime64[D]")
    days_since_pr = (np.datetime64(last_day, "D") - last_pr).astype(np.int64)
    nan3 = (math.nan, math.nan, math.nan)
    fits_8w, fits_all = [], []
    for begin, stop, count in zip(starts, stops, sessions, strict=True):
        if count < MIN_TREND_SESSIONS:  # no trend either way: no fit
            fits_8w.append(nan3)
            fits_all.append(nan3)
            continue
        window = recent[begin:stop]
        fits_8w.append(_trend(day[begin:stop][window], e1rm[begin:stop][window]))
        fits_all.append(_trend(day[begin:stop], e1rm[begin:stop]))
    trend_8w = np.array(fits_8w, dtype="float64").reshape(-1, 3)
    trend_all = np.array(fits_all, dtype="float64").reshape(-1, 3)
    ci_includes_zero = ~((trend_8w[:, 1] > 0) | (trend_8w[:, 2] < 0))
    plateau = ((sessions_8w >= MIN_TREND_SESSIONS) & (days_since_pr >= PLATEAU_DAYS)
               & ci_includes_zero)
    return pd.DataFrame({
        "exercise_id": lifts.astype(str),
        "sessions": sessions.astype(np.int64),
        "first_date": pd.to_datetime(dates[starts]),
        "last_date": pd.to_datetime(dates[stops - 1]),
        "best_e1rm": np.maximum.reduceat(e1rm, starts),
        "last_e1rm": e1rm[stops - 1],
        "sessions_8w": sessions_8w.astype(np.int64),
        "trend_8w_pct": trend_8w[:, 0], "trend_8w_low": trend_8w[:, 1],
        "trend_8w_high": trend_8w[:, 2],
        "trend_all_pct": trend_all[:, 0], "trend_all_low": trend_all[:, 1],
        "trend_all_high": trend_all[:, 2],
        "last_pr_date": pd.to_datetime(last_pr),
        "weeks_since_pr": pd.array(days_since_pr // 7, dtype="Int64"),
        "plateau": plateau.astype(bool),
    })


def personal_records(con: duckdb.DuckDBPyConnection, flt: Filters) -> pd.DataFrame:
    """PRs set in the period, newest first, each judged against the lift's whole history.

    Kinds: ``e1rm`` (session best e1RM above every earlier session), ``load`` (heaviest
    working-set load ever), ``reps`` (more reps than ever before at exactly that load; any
    rep count, so high-rep sets earn PRs here). A lift's first session sets the baseline and
    is not itself a PR, nor is the first time a load is used.

    Columns: ``kind``, ``exercise_id``, ``exercise``, ``date``, ``session_id``, ``weight``,
    ``reps``, ``e1rm`` (e1rm PRs only), ``previous`` (the record beaten: a load for e1rm and
    load PRs, a rep count for rep PRs), ``unit``. Loads are in the display unit.
    """
    prs = (
        e1rm(con, history(flt))
        + shown_from(flt)
        + cte("e1rm_prs", """
            SELECT 'e1rm' AS kind, exercise_id, session_id, session_at, weight_kg, reps,
                   e1rm,
                   max(e1rm) OVER (PARTITION BY exercise_id ORDER BY session_at
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                       AS previous
            FROM session_best""")
        + cte("loads", """
            SELECT exercise_id, session_id, min(session_at) AS session_at,
                   max(weight_kg) AS weight_kg, arg_max(reps, weight_kg) AS reps
            FROM lifts
            WHERE weight_kg > 0 AND reps > 0
            GROUP BY exercise_id, session_id""")
        + cte("load_prs", """
            SELECT 'load' AS kind, exercise_id, session_id, session_at, weight_kg, reps,
                   NULL::DOUBLE AS e1rm,
                   max(weight_kg) OVER (PARTITION BY exercise_id ORDER BY session_at
                                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                       AS previous
            FROM loads""")
        + cte("at_load", """
            SELECT exercise_id, session_id, min(session_at) AS session_at,
                   round(weight_kg, 2) AS weight_kg, max(reps) AS reps
            FROM lifts
            WHERE weight_kg > 0 AND reps > 0
            GROUP BY exercise_id, session_id, round(weight_kg, 2)""")
        + cte("rep_prs", """
            SELECT 'reps' AS kind, exercise_id, session_id, session_at, weight_kg, reps,
                   NULL::DOUBLE AS e1rm,
                   max(reps) OVER (PARTITION BY exercise_id, weight_kg ORDER BY session_at
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                       AS previous
            FROM at_load""")
        + cte("everything", """
            SELECT * FROM e1rm_prs WHERE e1rm > previous
            UNION ALL SELECT * FROM load_prs WHERE weight_kg > previous
            UNION ALL SELECT * FROM rep_prs WHERE reps > previous""")
    )
    frame = prs.query(con, """
        SELECT kind, exercise_id, CAST(session_at AS DATE) AS date, session_id,
               weight_kg AS weight, reps, e1rm, CAST(previous AS DOUBLE) AS previous
        FROM everything WHERE session_at >= $shown_from
        ORDER BY session_at DESC, exercise_id, kind""").df()
    frame.insert(2, "exercise", frame["exercise_id"].map(exercise_name).astype("str"))
    frame = units.convert(frame, ["weight", "e1rm"], flt.unit)
    is_load = frame["kind"] != "reps"
    frame.loc[is_load, "previous"] = frame.loc[is_load, "previous"] * units.factor(flt.unit)
    return frame


def assisted_progress(con: duckdb.DuckDBPyConnection, flt: Filters) -> pd.DataFrame:
    """Progress on assisted lifts, where less help is the gain: one row per lift.

    For each session the least assistance used on a working set of at least one rep;
    ``first``, ``last`` and ``least`` of those, ``change`` (last - first: below zero is
    progress) and ``trend_per_week`` (Theil-Sen slope of the session values, in the display
    unit per week; below zero is progress; NaN with fewer than 3 sessions). ``lift`` is
    the lift key (:data:`~analytics.catalog.LIFT_KEY_SQL`); a lift the catalog does not
    know is listed by its logged name. Columns: ``lift``,
    ``exercise``, ``sessions``, ``first_date``, ``last_date``, ``first``, ``last``,
    ``least``, ``change``, ``trend_per_week``, ``unit``.
    """
    points = scope(con, flt).query(con, f"""
        SELECT {LIFT_KEY_SQL} AS lift, any_value(exercise_raw) AS logged,
               session_id, min(session_at) AS session_at,
               epoch(min(session_at)) / 86400.0 AS day, min(assistance_kg) AS assistance
        FROM working WHERE assistance_kg IS NOT NULL AND reps >= 1
        GROUP BY ALL ORDER BY lift, session_at""").df()
    columns = ["lift", "exercise", "sessions", "first_date", "last_date", "first", "last",
               "least", "change", "trend_per_week"]
    rows = []
    for lift, group in points.groupby("lift", sort=True):
        days = group["day"].to_numpy(dtype="float64")
        values = group["assistance"].to_numpy(dtype="float64")
        slope = (theil_sen(days, values).slope * 7 if len(values) >= MIN_TREND_SESSIONS
                 else math.nan)
        name = exercise_name(str(lift)) if not is_unmapped_key(str(lift)) \
            else str(group["logged"].iloc[0])
        rows.append([lift, name, len(group), group["session_at"].iloc[0].date(),
                     group["session_at"].iloc[-1].date(), values[0], values[-1],
                     values.min(), values[-1] - values[0], slope])
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("first_date", "last_date"):
        frame[column] = pd.to_datetime(frame[column])
    return units.convert(frame, ["first", "last", "least", "change", "trend_per_week"],
                         flt.unit)
