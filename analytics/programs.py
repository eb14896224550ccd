"""Am I doing the programme, and what should I change next session?

The two sample programmes live in ``programs.toml`` as data: each prescribes working sets
and a rep range (or, for holds, a range of seconds) per catalog exercise, and every session
is meant to cover the whole list.

The athlete's programme is ``athletes.program`` when set (key or name); otherwise the one
whose exercise list overlaps most with what the athlete actually logged in the last four
weeks (Jaccard overlap of exercise ids; a tie goes to the programme listed first).

Adherence judges each ISO week against the programme **in force that week**: the set one,
else the one the week's exercises overlap most (a week overlapping none keeps the
previous week's). An athlete who did the beginner programme for eight weeks, then the
intermediate one, is judged against the beginner prescription in those eight weeks, not
against the intermediate one they follow now.

Progressive-overload advice follows the programme's rep ranges, for loaded exercises:

- **add load** when every working set of the last session reached the top of the range:
  1-2.5 kg or 2.5-5 lb, in the display unit;
- **hold load** when, two sessions running, at least one working set fell short of the
  bottom of the range: the load is ahead of the lifter for now.

Timed holds and sets without a load get no load advice.
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from . import units
from .catalog import exercise_name
from .filters import Filters, Unit, batch_cached, history, scope
from .sql import Piece, catalog, cte, registered
from .store import athlete_profile

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True)
class Prescription:
    """One exercise of a programme: ``sets`` working sets of ``low``-``high`` reps/seconds."""

    exercise_id: str
    sets: int
    low: int
    high: int
    measure: Literal["reps", "seconds"]

    @property
    def timed(self) -> bool:
        """A hold prescribed in seconds rather than reps."""
        return self.measure == "seconds"


@dataclass(frozen=True)
class Programme:
    """A programme from ``programs.toml``."""

    key: str
    name: str
    sessions_per_week_min: int
    sessions_per_week_max: int
    weeks: int
    exercises: tuple[Prescription, ...]

    def frame(self) -> pd.DataFrame:
        """The prescriptions as a table (``exercise_id, sets, low, high, measure``) for SQL."""
        return pd.DataFrame([dataclasses.asdict(p) for p in self.exercises])


def _prescription(item: dict[str, Any]) -> Prescription:
    timed = "seconds_min" in item
    prefix = "seconds" if timed else "reps"
    return Prescription(
        exercise_id=str(item["id"]),
        sets=int(item["sets"]),
        low=int(item[f"{prefix}_min"]),
        high=int(item[f"{prefix}_max"]),
        measure="seconds" if timed else "reps",
    )


@functools.cache
def load_programs() -> dict[str, Programme]:
    """Every programme in ``analytics/programs.toml``, by key, in file order."""
    text = resources.files("analytics").joinpath("programs.toml").read_text(encoding="utf-8")
    return {
        key: Programme(
            key=key,
            name=table["name"],
            sessions_per_week_min=table["sessions_per_week_min"],
            sessions_per_week_max=table["sessions_per_week_max"],
            weeks=table["weeks"],
            exercises=tuple(_prescription(item) for item in table["exercises"]),
        )
        for key, table in tomllib.loads(text).items()
    }


RECENT_DAYS = 28


def athlete_programme(
    con: duckdb.DuckDBPyConnection, flt: Filters
) -> tuple[Programme | None, Literal["set", "auto", "none"]]:
    """The programme to judge the athlete against and how it was chosen.

    "set": ``athletes.program`` names a known programme; "auto": best overlap with the
    exercises logged in the last four weeks of the period (an athlete who moved from the
    beginner to the intermediate programme is judged against the one they follow now);
    "none": nothing logged overlaps any programme.
    """
    programmes = load_programs()
    chosen = (athlete_profile(con, flt.athlete_id)["program"] or "").strip().casefold()
    for programme in programmes.values():
        if chosen in (programme.key.casefold(), programme.name.casefold()):
            return programme, "set"
    logged = {
        exercise_id
        for (exercise_id,) in scope(con, flt).query(
            con,
            "SELECT DISTINCT exercise_id FROM working "
            "WHERE exercise_id IS NOT NULL AND session_at > "
            f"(SELECT max(session_at) FROM working) - INTERVAL {RECENT_DAYS} DAY",
        ).fetchall()
    }
    best = _best_overlap(logged, programmes)
    return (best, "auto") if best else (None, "none")


def _prescribed(con: duckdb.DuckDBPyConnection, programmes: list[Programme]) -> Piece:
    """Table ``prescribed``: every prescription of ``programmes``, keyed by ``programme``
    (registered on ``con``: the programmes are data, not a table of the store)."""
    frames = [p.frame().assign(programme=p.key) for p in programmes]
    return registered(con, "prescribed", pd.concat(frames, ignore_index=True))


def _best_overlap(logged: set[str], programmes: dict[str, Programme]) -> Programme | None:
    best, best_score = None, 0.0
    for programme in programmes.values():
        prescribed = {p.exercise_id for p in programme.exercises}
        score = len(prescribed & logged) / len(prescribed | logged)
        if score > best_score:
            best, best_score = programme, score
    return best


@batch_cached
def weekly_programmes(con: duckdb.DuckDBPyConnection, flt: Filters) -> pd.DataFrame:
    """The programme in force in each ISO week with a session (rules in the module doc).

    Columns: ``week_start``, ``programme`` (key), ``name``. Empty when no programme applies.
    """
    columns = ["week_start", "programme", "name"]
    current, how = athlete_programme(con, flt)
    if current is None:
        return pd.DataFrame(columns=columns)
    rows = scope(con, flt).query(con, """
        SELECT week_start, list(DISTINCT exercise_id) FILTER (WHERE exercise_id IS NOT NULL)
        FROM working GROUP BY week_start ORDER BY week_start""").fetchall()
    programmes = load_programs()
    chosen: list[Programme] = []
    for _, logged in rows:
        found = current if how == "set" else _best_overlap(set(logged or []), programmes)
        chosen.append(found or (chosen[-1] if chosen else current))
    return pd.DataFrame({"week_start": [pd.Timestamp(w) for w, _ in rows],
                         "programme": [p.key for p in chosen],
                         "name": [p.name for p in chosen]}, columns=columns)


def _detail(con: duckdb.DuckDBPyConnection, flt: Filters) -> Piece | None:
    """The scope and CTE ``detail``: one row per session x exercise of the programme in
    force that week (:func:`weekly_programmes`), with sets done and in range; None when no
    programme applies. Registers the tables it reads, ``prescribed`` and ``week_plan``
    (week_start, programme)."""
    plan = weekly_programmes(con, flt)
    if plan.empty:
        return None
    programmes = load_programs()
    week_plan = plan[["week_start", "programme"]].assign(
        week_start=pd.to_datetime(plan["week_start"]).dt.date)
    return (
        scope(con, flt)
        + _prescribed(con, [programmes[k] for k in dict.fromkeys(plan["programme"])])
        + registered(con, "week_plan", week_plan)
        + cte("sessions", """
        SELECT DISTINCT w.session_id, w.session_at, wp.programme
        FROM working w JOIN week_plan wp ON wp.week_start = w.week_start""")
        + cte("done", """
        SELECT w.session_id, w.exercise_id, count(*) AS sets_done,
               count(*) FILTER (
                   WHERE CASE p.measure WHEN 'seconds' THEN w.duration_s ELSE w.reps END
                         BETWEEN p.low AND p.high) AS sets_in_range
        FROM working w JOIN sessions s USING (session_id)
        JOIN prescribed p ON p.programme = s.programme AND p.exercise_id = w.exercise_id
        GROUP BY w.session_id, w.exercise_id""")
        + cte("detail", """
        SELECT s.session_id, s.session_at AS performed_at, s.programme, p.exercise_id,
               p.measure, p.low, p.high, p.sets AS sets_prescribed,
               coalesce(d.sets_done, 0) AS sets_done,
               coalesce(d.sets_in_range, 0) AS sets_in_range
        FROM sessions s JOIN prescribed p ON p.programme = s.programme
        LEFT JOIN done d ON d.session_id = s.session_id AND d.exercise_id = p.exercise_id""")
    )


def exercise_adherence(con: duckdb.DuckDBPyConnection, flt: Filters) -> pd.DataFrame:
    """Per session x prescribed exercise: what was done against what was prescribed.

    Columns: ``session_id``, ``performed_at``, ``programme``, ``exercise_id``, ``exercise``,
    ``measure`` ("reps" or "seconds"), ``low``, ``high``, ``sets_prescribed``,
    ``sets_done`` (working sets), ``sets_in_range`` (reps or seconds within the range).
    Empty when no programme applies. ``programme``: the one in force that week.
    """
    columns = ["session_id", "performed_at", "programme", "exercise_id", "exercise", "measure",
               "low", "high", "sets_prescribed", "sets_done", "sets_in_range"]  # fmt: skip
    detail = _detail(con, flt)
    if detail is None:
        return pd.DataFrame(columns=columns)
    return (detail + catalog(con)).query(con, """
        SELECT d.session_id, d.performed_at, d.programme, d.exercise_id,
               c.name AS exercise, d.measure, d.low, d.high, d.sets_prescribed, d.sets_done,
               d.sets_in_range
        FROM detail d JOIN catalog_exercises c ON c.id = d.exercise_id
        ORDER BY d.performed_at, d.exercise_id""").df()


def session_adherence(con: duckdb.DuckDBPyConnection, flt: Filters) -> pd.DataFrame:
    """Per session: how much of the programme it covered.

    Columns: ``session_id``, ``performed_at``, ``programme``, ``exercises_prescribed``,
    ``exercises_done``, ``sets_prescribed``, ``sets_done`` (capped at the prescription per
    exercise, so extra sets of one lift cannot make up for a skipped one),
    ``sets_in_range`` (capped the same way), ``adherence_pct`` (sets done / prescribed),
    ``in_range_pct`` (sets in range / sets done; missing when nothing was done).
    ``programme``: the one in force that week.
    """
    columns = ["session_id", "performed_at", "programme", "exercises_prescribed",
               "exercises_done", "sets_prescribed", "sets_done", "sets_in_range",
               "adherence_pct", "in_range_pct"]  # fmt: skip
    detail = _detail(con, flt)
    if detail is None:
        return pd.DataFrame(columns=columns)
    per_session = cte("per_session", """
            SELECT session_id, performed_at, programme, count(*) AS exercises_prescribed,
                   count(*) FILTER (WHERE sets_done > 0) AS exercises_done,
                   sum(sets_prescribed) AS sets_prescribed,
                   sum(least(sets_done, sets_prescribed)) AS sets_done,
                   sum(least(sets_in_range, sets_prescribed)) AS sets_in_range
            FROM detail GROUP BY session_id, performed_at, programme""")
    return (detail + per_session).query(con, """
        SELECT session_id, performed_at, programme, exercises_prescribed,
               exercises_done, CAST(sets_prescribed AS BIGINT) AS sets_prescribed,
               CAST(sets_done AS BIGINT) AS sets_done,
               CAST(sets_in_range AS BIGINT) AS sets_in_range,
               100.0 * sets_done / sets_prescribed AS adherence_pct,
               CASE WHEN sets_done > 0 THEN 100.0 * sets_in_range / sets_done END
                   AS in_range_pct
        FROM per_session ORDER BY performed_at""").df()[columns]


@batch_cached
def overload_suggestions(con: duckdb.DuckDBPyConnection, flt: Filters) -> pd.DataFrame:
    """Next-session load advice per prescribed, loaded exercise (rules in the module doc).

    Judged on the last two sessions of each exercise up to the period's end (earlier history
    included even if the period starts later: advice is about the next session).

    Columns: ``exercise_id``, ``exercise``, ``action`` ("add load" / "hold load"),
    ``last_date``, ``last_load``, ``next_low``, ``next_high`` (the load to use next: a
    range for "add load", the same load for "hold load"), ``low``, ``high`` (rep range),
    ``unit``, ``message``.
    """
    programme, _ = athlete_programme(con, flt)
    columns = ["exercise_id", "exercise", "action", "last_date", "last_load", "next_low",
               "next_high", "low", "high", "message"]  # fmt: skip
    if programme is None:
        return units.convert(pd.DataFrame(columns=columns), [], flt.unit)
    per_session = cte("per_session", """
            SELECT w.exercise_id, w.session_id, min(w.session_at) AS session_at,
                   bool_and(w.reps >= p.high) AS all_at_top,
                   bool_or(w.reps < p.low) AS any_short,
                   max(w.weight_kg) AS load_kg, any_value(p.low) AS low,
                   any_value(p.high) AS high
            FROM working w JOIN prescribed p USING (exercise_id)
            WHERE p.measure = 'reps' AND w.weight_kg > 0 AND w.reps > 0
            GROUP BY w.exercise_id, w.session_id""")
    ranked = cte("ranked", """
            SELECT *, row_number() OVER (PARTITION BY exercise_id ORDER BY session_at DESC)
                AS recency
            FROM per_session""")
    last_two = scope(con, history(flt)) + _prescribed(con, [programme]) + per_session + ranked
    frame = last_two.query(con, """
        SELECT exercise_id,
               CASE WHEN bool_and(all_at_top) FILTER (WHERE recency = 1) THEN 'add load'
                    WHEN count(*) = 2 AND bool_and(any_short) THEN 'hold load' END AS action,
               CAST(max(session_at) AS DATE) AS last_date,
               any_value(load_kg) FILTER (WHERE recency = 1) AS last_load,
               any_value(low) AS low, any_value(high) AS high
        FROM ranked WHERE recency <= 2
        GROUP BY exercise_id
        HAVING action IS NOT NULL
        ORDER BY exercise_id""").df()
    small, large = units.increment(flt.unit)
    frame.insert(1, "exercise", frame["exercise_id"].map(exercise_name).astype("str"))
    frame["message"] = [_message(row, flt.unit) for row in frame.to_dict("records")]
    frame = units.convert(frame, ["last_load"], flt.unit)
    adding = frame["action"] == "add load"
    frame["next_low"] = frame["last_load"] + adding * small
    frame["next_high"] = frame["last_load"] + adding * large
    return frame[[*columns, "unit"]]


def _message(row: dict[str, Any], unit: Unit) -> str:
    """The advice in a coach's words, loads in the display unit."""
    load = units.format_load(row["last_load"], unit)
    if row["action"] == "add load":
        small, large = units.increment(unit)
        return (
            f"{row['exercise']}: every working set reached {row['high']} reps at {load} last "
            f"session — add {small:g}-{large:g} {unit} next time."
        )
    return (
        f"{row['exercise']}: reps fell short of {row['low']}-{row['high']} two sessions "
        f"running — hold {load} until every set reaches {row['low']}."
    )
