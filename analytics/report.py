"""The whole picture for one athlete as one JSON-ready dict, and as text for the terminal.

The CLI prints it, scripts read its JSON, and the benchmark times it: it calls the same
analytics functions the dashboard pages call, so the numbers agree everywhere. Loads are in
the display unit (``unit``); the keys ending in ``_kg`` are always kilograms, for scripts
that want one unit whatever the athlete's setting.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import units
from .advice import next_steps
from .balance import balance_summary
from .catalog import MUSCLES, unmapped
from .filters import Filters, materialised, period
from .frequency import short_rests, streaks
from .milestones import milestones
from .programs import athlete_programme, session_adherence
from .strength import personal_records, trends
from .volume import hard_sets_by_muscle, volume_by_week

if TYPE_CHECKING:
    import duckdb

PRS_PER_EXERCISE = 10
"""The report lists each lift's most recent PRs; the count of all of them is kept too."""


def _plain(value: Any) -> Any:
    """A JSON-safe Python value: dates as ISO text, NaN/NA as None, numpy scalars unwrapped."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, datetime):  # pd.Timestamp included
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 2)
    return value


def _column(values: pd.Series) -> list[Any]:
    """One column as JSON-safe Python values, converted in bulk."""
    present = values.notna()
    if pd.api.types.is_datetime64_any_dtype(values):
        at_midnight = (values[present] == values[present].dt.normalize()).all()
        values = values.dt.strftime("%Y-%m-%d" if at_midnight else "%Y-%m-%dT%H:%M:%S")
    elif pd.api.types.is_float_dtype(values):
        values = values.round(2)
    elif not (pd.api.types.is_bool_dtype(values) or pd.api.types.is_integer_dtype(values)):
        return [_plain(v) for v in values]
    return values.astype(object).where(present, None).tolist()


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-safe dicts, converted column by column (reports hold thousands of rows)."""
    names = [str(name) for name in frame.columns]
    columns = [_column(frame[name]) for name in frame.columns]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _athlete(con: duckdb.DuckDBPyConnection, flt: Filters) -> dict[str, Any]:
    rows = con.execute(
        "SELECT athlete_id, name, program, program_start, bodyweight_kg "
        "FROM athletes WHERE athlete_id = $athlete",
        {"athlete": flt.athlete_id},
    ).df()
    if rows.empty:
        raise ValueError(f"No athlete with id {flt.athlete_id}.")
    return _records(rows)[0]


def _period(con: duckdb.DuckDBPyConnection, flt: Filters) -> dict[str, Any]:
    bounds = period(con, flt)
    start, end = bounds if bounds else (flt.start, flt.end)
    return _plain(
        {
            "start": start,
            "end": end,
            "unit": flt.unit,
            "formula": flt.formula,
            "target_min": flt.target_min,
            "target_max": flt.target_max,
        }  # fmt: skip
    )


def _weekly(con: duckdb.DuckDBPyConnection, flt: Filters) -> list[dict[str, Any]]:
    """Sessions, target met, working (hard) sets and tonnage per ISO week."""
    volume = volume_by_week(con, flt)
    if volume.empty:
        return []
    frame = pd.DataFrame(
        {
            "week_start": volume["week_start"],
            "sessions": volume["sessions"],
            "met": volume["sessions"] >= flt.target_min,  # as in frequency.sessions_per_week
            "hard_sets": volume["sets"],
            "tonnage": volume["tonnage"],
            "tonnage_kg": volume["tonnage"] / units.factor(flt.unit),
            "hold_seconds": volume["hold_seconds"],
        }
    )
    return _records(frame)


def _muscles(con: duckdb.DuckDBPyConnection, flt: Filters) -> list[dict[str, Any]]:
    """One row per week: ``week_start`` and the hard sets of every muscle."""
    long = hard_sets_by_muscle(con, flt)
    if long.empty:
        return []
    wide = long.pivot(index="week_start", columns="muscle", values="hard_sets")
    return _records(wide[list(MUSCLES)].reset_index())


def _balance(con: duckdb.DuckDBPyConnection, flt: Filters) -> dict[str, Any]:
    """Back side against front side (see :mod:`analytics.balance`)."""
    summary = balance_summary(con, flt)
    return {
        "weekly": _records(summary["weekly"]),
        **_plain({key: summary[key] for key in ("period", "recent", "previous",
                                                "trend_per_week", "reading")}),
    }


def _exercises(con: duckdb.DuckDBPyConnection, flt: Filters) -> dict[str, dict[str, Any]]:
    """Per lift: best e1RM, trend, plateau and its recent PRs."""
    summary = trends(con, flt)
    prs = personal_records(con, flt)
    scale = units.factor(flt.unit)
    out: dict[str, dict[str, Any]] = {}
    # PRs converted once for all lifts, not frame by frame: logs with thousands of
    # (unmapped) lifts would spend seconds in pandas per lift otherwise
    by_lift: dict[str, list[dict[str, Any]]] = {}
    for record in _records(prs[["exercise_id", "kind", "date", "weight", "reps", "e1rm",
                                "previous"]]):
        by_lift.setdefault(record.pop("exercise_id"), []).append(record)
    table = pd.DataFrame({
        "name": summary["exercise"],
        "mapped": ~summary["exercise_id"].str.startswith("~"),
        "sessions": summary["sessions"],
        "best_e1rm": summary["best_e1rm"],
        "best_e1rm_kg": summary["best_e1rm"] / scale,
        "last_e1rm": summary["last_e1rm"],
        "trend_pct_per_week": summary["trend_8w_pct"],
        "trend_low": summary["trend_8w_low"],
        "trend_high": summary["trend_8w_high"],
        "trend_pct_per_week_all": summary["trend_all_pct"],
        "last_pr_date": summary["last_pr_date"],
        "weeks_since_pr": summary["weeks_since_pr"],
        "plateau": summary["plateau"],
    })
    for lift, entry in zip(summary["exercise_id"], _records(table), strict=True):
        own = by_lift.get(lift, [])
        entry["trend_ci"] = [entry.pop("trend_low"), entry.pop("trend_high")]
        entry["pr_count"] = len(own)
        entry["prs"] = own[:PRS_PER_EXERCISE]  # newest first, already JSON-safe
        out[lift] = entry
    return out


def _frequency(con: duckdb.DuckDBPyConnection, flt: Filters) -> dict[str, Any]:
    runs = streaks(con, flt)
    short = short_rests(con, flt)
    return _plain(
        {
            "current_streak_weeks": runs.current,
            "best_streak_weeks": runs.best,
            "best_streak_from": runs.best_from,
            "best_streak_to": runs.best_to,
            "short_rests": _records(short[["performed_at", "hours_between", "muscles"]]),
        }
    )


def _milestones(con: duckdb.DuckDBPyConnection, flt: Filters) -> list[dict[str, Any]]:
    frame = milestones(con, flt)
    return _records(frame)


def _programme(con: duckdb.DuckDBPyConnection, flt: Filters) -> dict[str, Any] | None:
    programme, how = athlete_programme(con, flt)
    if programme is None:
        return None
    sessions = session_adherence(con, flt)
    return _plain(
        {
            "key": programme.key,
            "name": programme.name,
            "chosen": how,
            "sessions": len(sessions),
            "adherence_pct": sessions["adherence_pct"].mean() if len(sessions) else None,
            "in_range_pct": sessions["in_range_pct"].mean() if len(sessions) else None,
        }
    )


def _suggestions(con: duckdb.DuckDBPyConnection, flt: Filters) -> list[dict[str, Any]]:
    return _records(next_steps(con, flt))


def _unmapped(con: duckdb.DuckDBPyConnection, flt: Filters) -> list[dict[str, Any]]:
    return _records(unmapped(con, flt.athlete_id))


SECTIONS: dict[str, Callable[[Any, Filters], Any]] = {
    "athlete": _athlete,
    "period": _period,
    "weekly": _weekly,
    "muscles": _muscles,
    "balance": _balance,
    "exercises": _exercises,
    "frequency": _frequency,
    "milestones": _milestones,
    "programme": _programme,
    "suggestions": _suggestions,
    "unmapped": _unmapped,
}
"""Report sections in output order; the benchmark times each one."""


def build_report(con: duckdb.DuckDBPyConnection, flt: Filters) -> dict[str, Any]:
    """Everything Backline knows about the athlete in the period, JSON-serialisable.

    Keys: ``athlete``, ``period`` (start, end, unit, formula, target), ``sessions`` (count),
    ``weekly`` (``week_start``, ``sessions``, ``met``, ``hard_sets``, ``tonnage``,
    ``tonnage_kg``, ``hold_seconds``), ``muscles`` (``week_start`` + hard sets per muscle),
    ``balance`` (``weekly`` rows of ``posterior``/``anterior`` hard sets, ``hinge_sets``/
    ``knee_sets``, ``hamstrings``/``quads`` and the ratios ``back_front``, ``hinge_knee``,
    ``hamstrings_quads``; the same totals and ratios for the ``period``, the ``recent`` 4
    weeks and the ``previous`` 4; ``trend_per_week`` of the back:front ratio; ``reading``),
    ``exercises`` (by catalog id, or ``~name`` for a lift the catalog does not know, with
    ``mapped`` saying which: ``best_e1rm``/``best_e1rm_kg``, ``trend_pct_per_week``
    over the last 8 weeks with ``trend_ci``, ``trend_pct_per_week_all``, ``plateau``,
    ``prs``...), ``frequency`` (streaks, short rests), ``milestones`` (three windows:
    ``window``, ``label``, ``weeks_elapsed``, ``weeks_met``, ``adherence_pct``, ``status``,
    ``evidence``...), ``programme`` (or None), ``suggestions``, ``unmapped``.
    """
    with materialised(con, flt):
        report = {name: build(con, flt) for name, build in SECTIONS.items()}
    report["sessions"] = sum(week["sessions"] for week in report["weekly"])
    order = ["athlete", "period", "sessions", *list(SECTIONS)[2:]]
    return {key: report[key] for key in order}


def _signed(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:+.{digits}f}"


def render_text(report: dict[str, Any]) -> str:
    """The report for people: a few screens of plain text, most important first."""
    period_info = report["period"]
    unit = period_info["unit"]
    weeks = report["weekly"]
    lines = [
        f"Backline report: {report['athlete']['name']}",
        f"Period {period_info['start'] or '-'} to {period_info['end'] or '-'} · loads in {unit}"
        f" · e1RM by {period_info['formula'].capitalize()}",
        "",
    ]
    if not weeks:
        lines.append("No training logged in this period.")
        return "\n".join(lines)
    met = sum(1 for week in weeks if week["met"])
    frequency = report["frequency"]
    lines += [
        f"Sessions: {report['sessions']} in {len(weeks)} weeks "
        f"({report['sessions'] / len(weeks):.1f}/week; target "
        f"{period_info['target_min']}-{period_info['target_max']}, met in {met} weeks)",
        f"Streak: {frequency['current_streak_weeks']} weeks now, "
        f"best {frequency['best_streak_weeks']}",
    ]
    if frequency["short_rests"]:
        lines.append(f"Short rests (< 48 h on the same muscles): {len(frequency['short_rests'])}")
    lines += ["", "Milestones"]
    for item in report["milestones"]:
        adherence = "" if item["adherence_pct"] is None else f" ({item['adherence_pct']:.0f} %)"
        lines.append(
            f"  weeks {item['first_week']}-{item['last_week']:<3} {item['label']:<28} "
            f"{item['status']:<12} {item['weeks_met']}/{item['weeks_elapsed']} weeks met"
            f"{adherence}"
        )
    lines += ["", f"Balance: {report['balance']['reading']}"]
    if report["exercises"]:
        lines += ["", "Lifts (best e1RM · trend over the last 8 weeks, 95 % CI)"]
        for lift in sorted(report["exercises"].values(), key=lambda x: -x["sessions"]):
            low, high = lift["trend_ci"]
            trend = (
                "too few sessions for a trend"
                if lift["trend_pct_per_week"] is None
                else f"{_signed(lift['trend_pct_per_week'])} %/week "
                f"({_signed(low)} to {_signed(high)})"
            )
            flag = "  PLATEAU" if lift["plateau"] else ""
            lines.append(
                f"  {lift['name']:<32} {lift['best_e1rm']:>7.1f} {unit}  {trend}"
                f"  PRs {lift['pr_count']}{flag}"
            )
    if report["programme"]:
        programme = report["programme"]
        adherence = programme["adherence_pct"]
        lines += [
            "",
            f"Programme: {programme['name']} ({programme['chosen']}), "
            f"{'n/a' if adherence is None else f'{adherence:.0f} %'} of prescribed sets done",
        ]
    if report["suggestions"]:
        lines += ["", "What to change next"]
        lines += [f"  - {item['message']}" for item in report["suggestions"]]
    if report["unmapped"]:
        lines += ["", "Exercises not in the catalog (trended under their own name, no muscle "
                  "credit)"]
        for item in report["unmapped"]:
            hint = f" — did you mean {item['suggestion_name']}?" if item["suggestion_name"] else ""
            lines.append(f"  - {item['exercise_raw']} ({item['sets']} sets){hint}")
    return "\n".join(lines)
