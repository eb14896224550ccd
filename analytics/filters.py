"""What the user asked to see, and what that selection means in SQL.

Every analytics function takes one :class:`Filters`. It is frozen and hashable so the
dashboard can cache results on it, and it is the only place where a date range, a display
unit or an e1RM formula enter a query, so every page and the CLI agree on them.

The SQL pieces here (:class:`analytics.sql.Piece`: CTEs with the parameters they bind)
define the two sets every metric starts from, built by :func:`scope`:

``scoped``
    the athlete's sets inside the date range, each carrying its session's start time
    (``session_at``) and ISO week (``week_start``, a Monday), so a session that runs past
    midnight still lands in one day and one week;
``working``
    the scoped sets that count as work: not warm-ups, and actually performed (reps > 0 or
    seconds > 0 — blank "not done" sets some apps export are ignored). Drop sets and
    failure sets are working sets.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal, ParamSpec, TypeVar

import pandas as pd

from .errors import FilterError
from .sql import Piece, cte, registered

if TYPE_CHECKING:
    import duckdb

FORMULA_LABELS: dict[str, str] = {
    "epley": "Epley",
    "brzycki": "Brzycki",
    "lombardi": "Lombardi",
    "mayhew": "Mayhew",
    "oconner": "O'Conner",
    "wathan": "Wathan",
}
"""The e1RM formulas a user may pick (see :mod:`analytics.strength`), with the name every
page, chart and report shows for each."""

FORMULAS: tuple[str, ...] = tuple(FORMULA_LABELS)


def formula_label(formula: str) -> str:
    """How a formula is named to people (``oconner`` -> "O'Conner")."""
    return FORMULA_LABELS.get(formula, formula)

Unit = Literal["kg", "lb"]

# Stand-ins for an open range, so every query binds the same three parameters.
_EARLIEST = date(1900, 1, 1)
_LATEST = date(9999, 12, 30)


@dataclass(frozen=True)
class Filters:
    """One athlete, an optional date range (both ends inclusive) and display settings."""

    athlete_id: int
    start: date | None = None
    end: date | None = None
    unit: Unit = "kg"
    formula: str = "epley"
    target_min: int = 2
    target_max: int = 3
    today: date | None = None
    """The calendar date "this week", streaks and milestones are judged at when the range
    has no end (the dashboard passes today's date); None judges them at the last logged
    session, so an old export reads as it did then (the CLI, and tests without a clock)."""

    def __post_init__(self) -> None:
        if self.unit not in ("kg", "lb"):
            raise FilterError(f"The unit must be 'kg' or 'lb', not {self.unit!r}.")
        if self.formula not in FORMULAS:
            raise FilterError(
                f"The e1RM formula must be one of {', '.join(FORMULAS)}, not {self.formula!r}."
            )
        if not 0 < self.target_min <= self.target_max:
            raise FilterError(
                "The weekly target needs at least 1 session and a maximum no lower than its "
                f"minimum (got {self.target_min}-{self.target_max})."
            )
        if self.start and self.end and self.start > self.end:
            raise FilterError(
                f"The period starts on {self.start}, after it ends on {self.end}: the first "
                "day must not be after the last."
            )


def _range(flt: Filters) -> dict[str, object]:
    """``$athlete``, ``$start`` and ``$end`` (exclusive) of the pieces reading the sets.

    Only the pieces here bind them, so no query can pair one range's text with another's
    values.
    """
    return {"athlete": flt.athlete_id, "start": flt.start or _EARLIEST, "end": _end(flt)}


def _end(flt: Filters) -> date:
    """The first day after the range (open ranges end after the last representable day)."""
    return (flt.end or _LATEST) + timedelta(days=1)


_FROM_SETS = """
    SELECT s.athlete_id, s.performed_at, s.session_id, s.workout_name, s.exercise_raw,
           s.exercise_id, s.set_index, s.set_type, s.weight_kg, s.reps, s.rpe, s.duration_s,
           s.assistance_kg,
           min(s.performed_at) OVER (PARTITION BY s.session_id) AS session_at,
           CAST(date_trunc('week', min(s.performed_at) OVER (PARTITION BY s.session_id))
                AS DATE) AS week_start
    FROM sets s
    WHERE s.athlete_id = $athlete AND s.performed_at >= $start AND s.performed_at < $end"""

_FROM_TABLE = """
    SELECT * FROM {table}
    WHERE athlete_id = $athlete AND performed_at >= $start AND performed_at < $end"""

_WORKING = """
    SELECT * FROM scoped
    WHERE set_type <> 'warmup' AND (coalesce(reps, 0) > 0 OR coalesce(duration_s, 0) > 0)"""

# id(connection) -> (athlete_id, exclusive end, temp table) while a batch is materialised
_materialised: dict[int, tuple[int, date, str]] = {}
# id(connection) -> results of batch_cached functions computed inside the current batch
_batch_results: dict[int, dict[tuple[Any, ...], Any]] = {}

P = ParamSpec("P")
R = TypeVar("R")


def batch_cached(fn: Callable[P, R]) -> Callable[P, R]:
    """Inside :func:`materialised`, compute ``fn(con, flt, **kwargs)`` once per batch.

    Several metrics build on the same intermediate results (the advice list reads the
    trends, milestones and weekly sessions the report has already computed); within one
    batch they are computed once. Outside a batch every call computes afresh. Frames are
    handed out as copies, so a caller changing its result cannot change another's.
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        con, flt = args[0], args[1]
        results = _batch_results.get(id(con))
        if results is None:
            return fn(*args, **kwargs)
        key = (fn.__module__, fn.__qualname__, flt, *args[2:], tuple(sorted(kwargs.items())))
        if key not in results:
            results[key] = fn(*args, **kwargs)
        value = results[key]
        return value.copy() if isinstance(value, pd.DataFrame) else value

    return wrapper


def scope(con: duckdb.DuckDBPyConnection, flt: Filters) -> Piece:
    """CTEs ``scoped`` and ``working`` (see the module docstring) with the athlete and
    range they bind (``$athlete``, ``$start``, ``$end``).

    Inside :func:`materialised` for the same athlete they read the precomputed table instead
    of recomputing every set's session start, which is most of the cost of a query.
    """
    cached = _materialised.get(id(con))
    if cached and cached[0] == flt.athlete_id and _end(flt) <= cached[1]:
        scoped = cte("scoped", _FROM_TABLE.format(table=cached[2]), **_range(flt))
    else:
        scoped = cte("scoped", _FROM_SETS, **_range(flt))
    return scoped + cte("working", _WORKING)


def history(flt: Filters) -> Filters:
    """``flt`` over the athlete's whole history up to the period's end: PRs, plateaus and
    the programme clock are judged against everything before the period too."""
    return dataclasses.replace(flt, start=None)


def shown_from(flt: Filters) -> Piece:
    """``$shown_from``, the period's first day, for a query over the :func:`history` that
    shows only the period's rows (a piece without CTEs: the parameter alone)."""
    return Piece(params={"shown_from": flt.start or _EARLIEST})


@contextlib.contextmanager
def materialised(con: duckdb.DuckDBPyConnection, flt: Filters) -> Iterator[None]:
    """Compute the athlete's sets (whole history up to the period's end, with session start
    and week) once, for a batch of analytics calls on ``con``.

    A report runs a couple of dozen queries over the same sets; this makes them share one
    pass instead of each repeating it. The rows are held as an Arrow table registered on
    this connection only inside the block, so nothing can go stale beyond one batch.
    """
    if id(con) in _materialised:  # already inside a batch on this connection
        yield
        return
    whole = history(flt)
    name = f"backline_scope_{uuid.uuid4().hex}"
    con.complete()  # a caller's half-read result would block the relation API below
    rows = cte("scoped", _FROM_SETS, **_range(whole)).relation(con, "SELECT * FROM scoped")
    registered(con, name, rows.to_arrow_table())
    _materialised[id(con)] = (flt.athlete_id, _end(whole), name)
    _batch_results[id(con)] = {}
    try:
        yield
    finally:
        del _materialised[id(con)]
        del _batch_results[id(con)]
        con.unregister(name)


def period(con: duckdb.DuckDBPyConnection, flt: Filters) -> tuple[date, date] | None:
    """The first and last day the charts cover, or None when there is nothing to show.

    Each end is the filter's date when given, else the first / last logged session in the
    range. Judging "now" is :func:`as_of`'s job: a log that stopped a year ago still
    charts its own weeks, not a year of empty ones.
    """
    ((first, last),) = scope(con, flt).query(
        con, "SELECT CAST(min(session_at) AS DATE), CAST(max(session_at) AS DATE) FROM scoped"
    ).fetchall()
    first = flt.start or first
    last = flt.end or last
    if first is None or last is None:
        return None
    return first, last


STALE_DAYS = 14
"""A log whose last session is more than this many days before "now" is stale: its
advice would be for a week long gone, so it gets one plain notice instead."""


def as_of(con: duckdb.DuckDBPyConnection, flt: Filters) -> date | None:
    """Backline's "now": the day "this week", the streak and the milestones are judged at.

    The range's end when one is set (a sidebar date range moves "now" to its end); else
    ``flt.today`` (the dashboard: today's date, or the last session if that is later, as
    with a clock behind the log's); else the last logged session. None without data.
    """
    bounds = period(con, flt)
    if bounds is None:
        return None
    if flt.end is not None:
        return flt.end
    if flt.today is not None:
        return max(flt.today, bounds[1])
    return bounds[1]


@dataclass(frozen=True)
class Freshness:
    """How current the data is: its last session against "now"."""

    last_session: date
    as_of: date

    @property
    def days_ago(self) -> int:
        return max(0, (self.as_of - self.last_session).days)

    @property
    def stale(self) -> bool:
        return self.days_ago > STALE_DAYS

    def describe(self) -> str:
        """"data up to Tue 17 Feb 2025, 93 weeks ago" (days under two weeks)."""
        days = self.days_ago
        if days == 0:
            ago = "today"
        elif days == 1:
            ago = "yesterday"
        elif days < 14:
            ago = f"{days} days ago"
        else:
            ago = f"{days // 7} weeks ago"
        return f"data up to {self.last_session:%a %d %b %Y}, {ago}"


def freshness(con: duckdb.DuckDBPyConnection, flt: Filters) -> Freshness | None:
    """The last logged session in the range against :func:`as_of` (None without data)."""
    ((last,),) = scope(con, flt).query(
        con, "SELECT CAST(max(session_at) AS DATE) FROM working"
    ).fetchall()
    now = as_of(con, flt)
    if last is None or now is None:
        return None
    return Freshness(last, now)


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def weeks(bounds: tuple[date, date]) -> Piece:
    """CTE ``weeks``: every ISO week (its Monday, ``week_start``) from the week of
    ``bounds``' first day to that of its last, so weeks without sessions show as zeros."""
    return cte(
        "weeks",
        "SELECT CAST(range AS DATE) AS week_start "
        "FROM range($first_week, $last_week + INTERVAL 7 DAY, INTERVAL 7 DAY)",
        first_week=week_start(bounds[0]), last_week=week_start(bounds[1]),
    )


def set_count(con: duckdb.DuckDBPyConnection, flt: Filters) -> int:
    """How many sets the athlete logged in the period (warm-ups and sets not done too)."""
    logged = cte("logged", "SELECT * FROM sets WHERE athlete_id = $athlete "
                 "AND performed_at >= $start AND performed_at < $end", **_range(flt))
    return int(logged.query(con, "SELECT count(*) FROM logged").fetchone()[0])
