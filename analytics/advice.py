"""What to change next: one ordered list of advice from every metric.

The Overview page, the CLI report and the static HTML report all show this same list, so
an athlete and their coach read the same advice wherever they look. Order is by urgency:
training often enough first (the milestones depend on it), then recovery, then load.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd

from .filters import Filters, Freshness, freshness
from .frequency import ThisWeek, sessions_per_week, short_rests, this_week
from .milestones import milestones
from .programs import overload_suggestions
from .strength import trends

COLUMNS = ["kind", "action", "exercise_id", "exercise", "message"]
RECENT_DAYS = 14


def next_steps(con: duckdb.DuckDBPyConnection, flt: Filters) -> pd.DataFrame:
    """Advice rows (kind, action, exercise_id, exercise, message), most urgent first.

    kinds: ``stale`` (the log ended more than two weeks before "now": that one plain
    notice and nothing else), ``frequency`` (sessions short this week), ``milestone`` (a
    window at risk), ``rest`` (same muscles within 48 h in the last two weeks),
    ``plateau`` (a stalled lift), ``load`` (progressive overload: ``add load`` or
    ``hold load``).
    """
    return advise(
        flt,
        weeks=sessions_per_week(con, flt),
        windows=milestones(con, flt),
        short=short_rests(con, flt),
        lifts=trends(con, flt),
        overload=overload_suggestions(con, flt),
        current=this_week(con, flt),
        fresh=freshness(con, flt),
    )


def advise(
    flt: Filters,
    *,
    weeks: pd.DataFrame,
    windows: pd.DataFrame,
    short: pd.DataFrame,
    lifts: pd.DataFrame,
    overload: pd.DataFrame,
    current: ThisWeek | None,
    fresh: Freshness | None,
) -> pd.DataFrame:
    """The advice list from metrics already computed (a dashboard page has them cached).

    Takes the outputs of ``sessions_per_week``, ``milestones``, ``short_rests``,
    ``trends``, ``overload_suggestions``, ``this_week`` and ``freshness`` for
    the same filters.
    """
    rows: list[dict[str, object]] = []
    if weeks.empty or int(weeks["sessions"].sum()) == 0:
        return pd.DataFrame(columns=COLUMNS)
    if fresh is not None and fresh.stale:
        return pd.DataFrame([{"kind": "stale", "action": "import newer data", "message": (
            f"No session logged since {fresh.last_session:%a %d %b %Y} "
            f"({fresh.describe().split(', ', 1)[1]}). Import a newer export to get advice "
            "for this week; the numbers here describe the log as it was.")}], columns=COLUMNS)
    target = f"{flt.target_min}-{flt.target_max}"
    done = current.sessions if current is not None else 0
    missing = flt.target_min - done
    if missing > 0:
        rows.append({"kind": "frequency", "action": "train more often", "message": (
            f"Fit in {missing} more session{'s' if missing > 1 else ''} this week to meet "
            f"the {target} a week target.")})
    for window in windows.itertuples(index=False):
        if window.status == "at risk":
            rows.append({"kind": "milestone", "action": "train more often", "message": (
                f"The weeks {window.first_week}-{window.last_week} milestone ({window.label}) "
                f"is at risk: {window.weeks_met} of {window.weeks_elapsed} weeks met the "
                "target so far.")})
    rows.extend(_rest_advice(short, fresh.as_of if fresh is not None else None))
    plateaus = lifts[lifts["plateau"].astype(bool)] if not lifts.empty else lifts
    for lift in plateaus.itertuples(index=False):  # a log can hold thousands of lifts
        flat = "" if pd.isna(lift.weeks_since_pr) else f" for {int(lift.weeks_since_pr)} weeks"
        rows.append({"kind": "plateau", "action": "change the stimulus",
                     "exercise_id": lift.exercise_id, "exercise": lift.exercise,
                     "message": f"{lift.exercise} has not set an e1RM record{flat}: "
                     "change the rep range or take a lighter week."})
    for item in overload.itertuples(index=False):
        rows.append({"kind": "load", "action": item.action, "exercise_id": item.exercise_id,
                     "exercise": item.exercise, "message": item.message})
    return pd.DataFrame(rows, columns=COLUMNS)


def _rest_advice(short: pd.DataFrame, now: date | None) -> list[dict[str, object]]:
    """One line when sessions in the two weeks before "now" reloaded muscles within 48 h."""
    if short.empty or now is None:
        return []
    cutoff = pd.Timestamp(now - timedelta(days=RECENT_DAYS))
    recent = int((short["performed_at"] >= cutoff).sum())
    if not recent:
        return []
    return [{"kind": "rest", "action": "rest longer", "message": (
        f"{recent} session{'s' if recent > 1 else ''} in the last two weeks trained a muscle "
        "again within 48 hours; space sessions for the same muscles two days apart.")}]
