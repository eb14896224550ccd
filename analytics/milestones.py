"""Where am I against what the programme promised? The three milestone windows.

Programmes promise posture and back-pain relief after 2-4 weeks, significant strength
gains after 6-8 weeks and visible muscle after 8-12 weeks — *if* the training happens.
Backline cannot measure posture or muscle, so each window reports what it can: whether
the weeks in it met the frequency target, plus the evidence that fits the promise.

**Programme start**: ``athletes.program_start`` when the user set it; else the first
session after the most recent break of more than 21 days between sessions; else the first
session ever. **Programme week** k is days 7(k-1) to 7k-1 after the start (not ISO weeks:
the promise counts from day one). A week *meets the target* with at least ``target_min``
sessions.

For each window:

- ``weeks_elapsed``: the window's weeks that are over by Backline's "now"
  (:func:`~analytics.filters.as_of`: today in the dashboard, the range's end when one is
  set, else the last session), plus the week in progress once it has met the target (an
  unfinished week cannot count against);
- ``weeks_met``: of those, the weeks that met the target; ``adherence_pct`` = met / elapsed;
- ``status``, with ``needed`` = two thirds of the window's weeks, rounded up (2 of 3, 4 of 5):

  - **not reached**: the window's first week has not started;
  - **achieved**: at least ``needed`` weeks met the target;
  - **at risk**: ``needed`` can no longer be reached in the weeks left, or fewer than two
    thirds of the elapsed weeks met the target (no slack left);
  - **on track**: otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import units
from .catalog import POSTERIOR_CHAIN, exercise_name
from .filters import Filters, as_of, batch_cached, history, scope
from .sql import catalog, cte
from .store import athlete_profile
from .strength import e1rm

if TYPE_CHECKING:
    import duckdb

BREAK_DAYS = 21
"""A gap longer than this between sessions restarts the programme clock."""
BASELINE_WEEKS = (1, 2)
"""Strength change is measured against the best e1RM of programme weeks 1-2."""


@dataclass(frozen=True)
class Window:
    """A milestone window: programme weeks ``first``-``last`` and what it promises."""

    number: int
    first: int
    last: int
    label: str

    @property
    def weeks(self) -> int:
        return self.last - self.first + 1

    @property
    def needed(self) -> int:
        """Weeks that must meet the target for the window to count as achieved."""
        return math.ceil(self.weeks * 2 / 3)


WINDOWS: tuple[Window, ...] = (
    Window(1, 2, 4, "posture & back-pain relief"),
    Window(2, 6, 8, "significant strength gains"),
    Window(3, 8, 12, "visible muscle"),
)


def programme_start(con: duckdb.DuckDBPyConnection, flt: Filters) -> tuple[date | None, str]:
    """The day the programme clock starts and why: "set", "after break", "first session" or
    "none" (no sessions). Uses the whole history up to the period's end."""
    chosen = athlete_profile(con, flt.athlete_id)["program_start"]
    if chosen is not None:
        return chosen, "set"
    gaps = (scope(con, history(flt))
            + cte("days", "SELECT DISTINCT CAST(session_at AS DATE) AS day FROM working")
            + cte("gaps", "SELECT day, day - lag(day) OVER (ORDER BY day) AS gap FROM days"))
    ((after_break, first),) = gaps.query(
        con, f"SELECT max(day) FILTER (WHERE gap > {BREAK_DAYS}), min(day) FROM gaps"
    ).fetchall()
    if after_break is not None:
        return after_break, "after break"
    if first is not None:
        return first, "first session"
    return None, "none"


def _weekly_sessions(
    con: duckdb.DuckDBPyConnection, flt: Filters, start: date, last_week: int
) -> dict[int, int]:
    """Sessions per programme week 1..last_week (weeks with none are absent)."""
    rows = scope(con, history(flt)).query(con, """
        SELECT CAST(floor((CAST(session_at AS DATE) - $programme_start) / 7) AS INTEGER) + 1
                   AS week,
               count(DISTINCT session_id) AS sessions
        FROM working WHERE session_at >= $programme_start
        GROUP BY week HAVING week <= $last_week""",
        programme_start=start, last_week=last_week,
    ).fetchall()
    return {int(week): int(sessions) for week, sessions in rows}


def _strength_evidence(
    con: duckdb.DuckDBPyConnection, flt: Filters, start: date, through_week: int
) -> dict[str, Any]:
    """e1RM change per lift: best of weeks 1-2 against best of the latest two weeks."""
    recent = (max(through_week - 1, BASELINE_WEEKS[1] + 1), through_week)
    evidence: dict[str, Any] = {
        "baseline_weeks": list(BASELINE_WEEKS),
        "current_weeks": list(recent),
        "lifts": [],
        "median_change_pct": None,
        "unit": flt.unit,
    }
    if through_week <= BASELINE_WEEKS[1]:
        return evidence
    weekly = cte("weekly", """
            SELECT exercise_id, e1rm,
                   CAST(floor((CAST(session_at AS DATE) - $programme_start) / 7) AS INTEGER) + 1
                       AS week
            FROM session_best WHERE session_at >= $programme_start""", programme_start=start)
    frame = (e1rm(con, history(flt)) + weekly).query(con, """
        SELECT exercise_id,
               max(e1rm) FILTER (WHERE week BETWEEN $base_from AND $base_to) AS baseline,
               max(e1rm) FILTER (WHERE week BETWEEN $recent_from AND $recent_to) AS current
        FROM weekly GROUP BY exercise_id
        HAVING baseline IS NOT NULL AND current IS NOT NULL
        ORDER BY exercise_id""",
        base_from=BASELINE_WEEKS[0], base_to=BASELINE_WEEKS[1],
        recent_from=recent[0], recent_to=recent[1],
    ).df()
    if frame.empty:
        return evidence
    frame["change_pct"] = 100 * (frame["current"] / frame["baseline"] - 1)
    scale = units.factor(flt.unit)
    evidence["lifts"] = [
        {
            "exercise_id": row.exercise_id,
            "exercise": exercise_name(row.exercise_id),
            "baseline_e1rm": round(row.baseline * scale, 1),
            "current_e1rm": round(row.current * scale, 1),
            "change_pct": round(row.change_pct, 1),
        }
        for row in frame.itertuples()
    ]
    evidence["median_change_pct"] = round(float(frame["change_pct"].median()), 1)
    return evidence


def _muscle_evidence(
    con: duckdb.DuckDBPyConnection, flt: Filters, start: date, through_week: int
) -> dict[str, Any]:
    """Hard sets accumulated per posterior-chain muscle from the start to ``through_week``."""
    rows = (scope(con, history(flt)) + catalog(con)).query(con, """
        SELECT m.muscle, sum(m.weight) AS hard_sets
        FROM working w JOIN catalog_muscles m ON m.exercise_id = w.exercise_id
        WHERE w.session_at >= $programme_start
          AND CAST(w.session_at AS DATE) < $programme_start + $days
        GROUP BY m.muscle""", programme_start=start, days=7 * through_week).fetchall()
    totals = dict(rows)
    return {
        "through_week": through_week,
        "hard_sets": {muscle: float(totals.get(muscle, 0.0)) for muscle in POSTERIOR_CHAIN},
    }


def _status(window: Window, current: int, elapsed: int, weeks_met: int) -> str:
    """The window's status from the week counts (rules in the module docstring)."""
    if current < window.first:
        return "not reached"
    if weeks_met >= window.needed:
        return "achieved"
    remaining = window.weeks - elapsed
    if weeks_met + remaining < window.needed or 3 * weeks_met < 2 * elapsed:
        return "at risk"
    return "on track"


def window_name(first_week: int, last_week: int) -> str:
    """"Weeks 2‑4" for a table, with a non-breaking hyphen so a narrow one keeps it on one
    line (the Overview page and the HTML report)."""
    return f"Weeks {first_week}\u2011{last_week}"


def weeks_on_target(weeks_met: int, weeks_elapsed: int, adherence_pct: float) -> str | None:
    """"3 of 3 (100 %)": the window's weeks so far that met the target, and their share;
    None before the window has begun (each table shows its own dash)."""
    if not weeks_elapsed:
        return None
    share = "" if pd.isna(adherence_pct) else f" ({adherence_pct:.0f} %)"
    return f"{weeks_met} of {weeks_elapsed}{share}"


def window_counts(day: int, sessions: dict[int, int], target_min: int,
                  ) -> list[tuple[int, int, str]]:
    """(weeks elapsed, weeks met, status) of every window, from "now" as a programme day
    (``day``: days since the start, -1 before it) and the sessions per programme week.

    The one place the module docstring's counting rules live: :func:`milestones` and the
    coach view (:mod:`analytics.coach`, all athletes at once) both call it.
    """
    complete = (day + 1) // 7  # programme weeks fully over
    current = day // 7 + 1  # the programme week "now" falls in
    counts = []
    for window in WINDOWS:
        weeks = range(window.first, window.last + 1)
        met = {k for k in weeks if sessions.get(k, 0) >= target_min}
        elapsed = sum(1 for k in weeks if k <= complete)
        weeks_met = sum(1 for k in met if k <= complete)
        if current in weeks and current > complete and current in met:
            elapsed += 1
            weeks_met += 1
        counts.append((elapsed, weeks_met, _status(window, current, elapsed, weeks_met)))
    return counts


@batch_cached
def milestones(con: duckdb.DuckDBPyConnection, flt: Filters) -> pd.DataFrame:
    """The three milestone windows (rules in the module docstring).

    Columns: ``window`` (1-3), ``label``, ``first_week``, ``last_week``, ``starts_on``,
    ``ends_on``, ``programme_start``, ``start_source``, ``weeks_elapsed``, ``weeks_met``,
    ``weeks_needed``, ``adherence_pct`` (missing before a week has elapsed), ``status``,
    ``evidence`` (a dict: sessions and adherence for window 1, e1RM change per lift since
    weeks 1-2 for window 2, hard sets per posterior-chain muscle for window 3).
    """
    start, source = programme_start(con, flt)
    now = as_of(con, flt)
    # day -1 = before the programme (or no data): every window is "not reached"
    day = (now - start).days if start and now and now >= start else -1
    started = day >= 0
    current = day // 7 + 1  # the programme week as_of falls in
    sessions = _weekly_sessions(con, flt, start, WINDOWS[-1].last) if started else {}
    rows = []
    for window, (elapsed, weeks_met, status) in zip(
            WINDOWS, window_counts(day, sessions, flt.target_min), strict=True):
        through = min(current, window.last)
        if window.number == 1:
            window_sessions = sum(sessions.get(k, 0) for k in range(window.first, through + 1))
            evidence: dict[str, Any] = {"sessions": window_sessions, "target_min": flt.target_min}
        elif window.number == 2:
            evidence = _strength_evidence(con, flt, start, through) if started else {}
        else:
            evidence = _muscle_evidence(con, flt, start, through) if started else {}
        rows.append(
            {
                "window": window.number,
                "label": window.label,
                "first_week": window.first,
                "last_week": window.last,
                "starts_on": start + timedelta(days=7 * (window.first - 1)) if start else None,
                "ends_on": start + timedelta(days=7 * window.last - 1) if start else None,
                "programme_start": start,
                "start_source": source,
                "weeks_elapsed": elapsed,
                "weeks_met": weeks_met,
                "weeks_needed": window.needed,
                "adherence_pct": 100 * weeks_met / elapsed if elapsed else None,
                "status": status,
                "evidence": evidence,
            }
        )
    return pd.DataFrame(rows)
