"""The whole picture for one athlete and period, computed once: one model, several renderings.

:func:`build_report` runs every metric the report shows exactly once (inside one batch over
the athlete's sets) and returns a :class:`Report`. The CLI's text (:func:`render_text`),
``backline report --json`` (:meth:`Report.as_json`), the HTML report
(:mod:`analytics.html_report`) and the dashboard's Overview page all render that one
object, so they cannot disagree: the headline figures (:meth:`Report.headline`) are
defined here once and every rendering shows the same ones.

Loads are in the display unit (``filters.unit``); the JSON keys ending in ``_kg`` are
always kilograms, for scripts that want one unit whatever the athlete's setting.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import units
from .advice import advise
from .balance import balance_summary
from .catalog import MUSCLES, unmapped
from .filters import Filters, Freshness, as_of, formula_label, freshness, materialised, period
from .frequency import Streaks, ThisWeek, sessions_per_week, short_rests, streaks, this_week
from .milestones import milestones
from .programs import Programme, athlete_programme, overload_suggestions, session_adherence
from .serialise import plain, records
from .store import athlete_profile
from .strength import assisted_progress, personal_records, session_bests, trends
from .volume import hard_sets_by_muscle, volume_by_week

if TYPE_CHECKING:
    import duckdb

PRS_PER_EXERCISE = 10
"""The report lists each lift's most recent PRs; the count of all of them is kept too."""

METRICS: dict[str, Callable[[Any, Filters], Any]] = {
    "athlete": lambda con, flt: athlete_profile(con, flt.athlete_id),
    "bounds": period,
    "weeks": sessions_per_week,
    "volume": volume_by_week,
    "hard_sets": hard_sets_by_muscle,
    "balance": balance_summary,
    "bests": session_bests,
    "trends": trends,
    "prs": personal_records,
    "assisted": assisted_progress,
    "streaks": streaks,
    "current": this_week,
    "fresh": freshness,
    "now": as_of,
    "short_rests": short_rests,
    "milestones": milestones,
    "programme": athlete_programme,
    "adherence": session_adherence,
    "overload": overload_suggestions,
    "unmapped": lambda con, flt: unmapped(con, flt.athlete_id),
}
"""Every metric a report holds, by the :class:`Report` field it fills; each runs once per
report (the benchmark times them one by one)."""


@dataclass(frozen=True)
class Headline:
    """One headline figure: what it is, its value, a line of detail and how it is defined."""

    label: str
    value: str
    detail: str
    help: str


@dataclass(frozen=True)
class Report:
    """Everything Backline computed for one athlete and period (see :data:`METRICS`)."""

    filters: Filters
    athlete: dict[str, Any]
    bounds: tuple[date, date] | None
    weeks: pd.DataFrame
    volume: pd.DataFrame
    hard_sets: pd.DataFrame
    balance: dict[str, Any]
    bests: pd.DataFrame
    trends: pd.DataFrame
    prs: pd.DataFrame
    assisted: pd.DataFrame
    streaks: Streaks
    current: ThisWeek | None
    fresh: Freshness | None
    now: date | None
    short_rests: pd.DataFrame
    milestones: pd.DataFrame
    programme: tuple[Programme | None, str]
    adherence: pd.DataFrame
    overload: pd.DataFrame
    unmapped: pd.DataFrame

    # -- derived figures: each defined once, for every rendering ---------------------------
    @property
    def sessions(self) -> int:
        """Sessions with at least one working set in the period."""
        return int(self.weeks["sessions"].sum()) if len(self.weeks) else 0

    @property
    def has_training(self) -> bool:
        return self.sessions > 0

    @property
    def weeks_on_target(self) -> int:
        return int(self.weeks["met"].sum()) if len(self.weeks) else 0

    @functools.cached_property
    def advice(self) -> pd.DataFrame:
        """What to change next, most urgent first (:func:`analytics.advice.advise`)."""
        return advise(self.filters, weeks=self.weeks, windows=self.milestones,
                      short=self.short_rests, lifts=self.trends, overload=self.overload,
                      current=self.current, fresh=self.fresh)

    @property
    def median_trend_pct(self) -> float | None:
        """The median lift's e1RM trend over the last 8 weeks (%/week), if any lift has one."""
        moving = self.trends["trend_8w_pct"].dropna() if len(self.trends) else ()
        return float(moving.median()) if len(moving) else None

    @property
    def now_week(self) -> float | None:
        """Where "now" (:func:`~analytics.filters.as_of`) falls in programme weeks, for the
        timeline."""
        start = self.milestones["programme_start"].iloc[0] if len(self.milestones) else None
        if start is None or pd.isna(start) or self.now is None:
            return None
        return (self.now - pd.Timestamp(start).date()).days / 7

    def headline(self) -> list[Headline]:
        """The headline figures, in order: the Overview page and the HTML report show these."""
        flt = self.filters
        target = f"{flt.target_min}-{flt.target_max}"
        weeks = len(self.weeks)
        # "this week" is now's week (today in the dashboard), 0 when the log ended before it
        this_week = self.current.sessions if self.current is not None else 0
        start = self.current.week_start if self.current is not None else None
        median = self.median_trend_pct
        return [
            Headline("Sessions", str(self.sessions),
                     f"{self.sessions / weeks:.1f} per week over {weeks} weeks" if weeks else "",
                     "Sessions with at least one working set in the period."),
            Headline("Weeks on target", f"{self.weeks_on_target} of {weeks}",
                     f"target {target} sessions",
                     f"Weeks with at least {flt.target_min} sessions."),
            Headline("This week", f"{this_week} of {target}",
                     "on target" if this_week >= flt.target_min
                     else f"{flt.target_min - this_week} to go",
                     f"Sessions in the week of {start:%d %b}." if start is not None else ""),
            Headline("Weekly streak", f"{self.streaks.current} wk",
                     f"best {self.streaks.best} wk",
                     f"Consecutive weeks with at least {flt.target_min} sessions."),
            # short enough for a fifth of a laptop's row: "e1RM trend (median lift)" and
            # "+5.8 %/wk" were cut to "e1RM trend (media..." and "+5.8 %/..."
            Headline("e1RM trend",
                     "–" if median is None else f"{median:+.1f} %",
                     "per week, median lift, last 8 weeks",
                     "The median of every lift's e1RM trend over the last 8 weeks (lifts "
                     "with 3 or more sessions there)."),
        ]

    # -- JSON ----------------------------------------------------------------------------------
    @functools.cached_property
    def _json(self) -> dict[str, Any]:
        # Each section is made JSON-safe once, where it is built: the big ones (a lift or
        # an unmapped name a row, thousands in a large log) come from records() already.
        return {
            "athlete": plain({key: self.athlete[key] for key in (
                "athlete_id", "name", "program", "program_start", "bodyweight_kg")}),
            "period": plain(self._period_json()),
            "sessions": self.sessions,
            "weekly": self._weekly_json(),
            "muscles": self._muscles_json(),
            "balance": plain(self._balance_json()),
            "exercises": self._exercises_json(),
            "assisted": records(self.assisted.drop(columns=["unit"], errors="ignore")),
            "frequency": plain(self._frequency_json()),
            "milestones": records(self.milestones),
            "programme": plain(self._programme_json()),
            "suggestions": records(self.advice),
            "unmapped": records(self.unmapped),
        }

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-ready data (keys documented in the README and in
        :func:`build_report`), built once per report and shared by every rendering: read
        it, do not change it."""
        return self._json

    def as_of_text(self) -> str | None:
        """How current the data is, as every rendering says it:
        "As of Tue 01 Dec 2026: data up to Tue 17 Feb 2025, 93 weeks ago." """
        if self.fresh is None:
            return None
        return f"As of {self.fresh.as_of:%a %d %b %Y}: {self.fresh.describe()}."

    def _period_json(self) -> dict[str, Any]:
        start, end = self.bounds if self.bounds else (self.filters.start, self.filters.end)
        flt = self.filters
        fresh = self.fresh
        return {"start": start, "end": end, "unit": flt.unit, "formula": flt.formula,
                "target_min": flt.target_min, "target_max": flt.target_max,
                "as_of": self.now,
                "data_up_to": fresh.last_session if fresh is not None else None,
                "stale": fresh.stale if fresh is not None else None}

    def _weekly_json(self) -> list[dict[str, Any]]:
        """Sessions, target met, working (hard) sets and tonnage per ISO week."""
        volume = self.volume
        if volume.empty:
            return []
        return records(pd.DataFrame({
            "week_start": volume["week_start"],
            "sessions": volume["sessions"],
            "met": volume["sessions"] >= self.filters.target_min,
            "hard_sets": volume["sets"],
            "tonnage": volume["tonnage"],
            "tonnage_kg": volume["tonnage"] / units.factor(self.filters.unit),
            "hold_seconds": volume["hold_seconds"],
        }))

    def _muscles_json(self) -> list[dict[str, Any]]:
        """One row per week: ``week_start`` and the hard sets of every muscle."""
        if self.hard_sets.empty:
            return []
        wide = self.hard_sets.pivot(index="week_start", columns="muscle", values="hard_sets")
        return records(wide[list(MUSCLES)].reset_index())

    def _balance_json(self) -> dict[str, Any]:
        """Back side against front side (:mod:`analytics.balance`)."""
        summary = self.balance
        return {"weekly": records(summary["weekly"]),
                **{key: summary[key] for key in ("period", "recent", "previous",
                                                 "trend_per_week", "reading")}}

    def _exercises_json(self) -> dict[str, dict[str, Any]]:
        """Per lift (catalog id, or ``~name`` for a lift the catalog does not know): best
        e1RM, trend, plateau and its recent PRs.

        Built column-wise, PRs converted once for all lifts: a log of thousands of
        unmapped lifts would spend seconds in pandas per lift otherwise.
        """
        trends = self.trends
        by_lift: dict[str, list[dict[str, Any]]] = {}
        for record in records(self.prs[["exercise_id", "kind", "date", "weight", "reps",
                                        "e1rm", "previous"]]):
            by_lift.setdefault(record.pop("exercise_id"), []).append(record)
        table = pd.DataFrame({
            "name": trends["exercise"],
            "mapped": ~trends["exercise_id"].astype(str).str.startswith("~"),
            "sessions": trends["sessions"],
            "best_e1rm": trends["best_e1rm"],
            "best_e1rm_kg": trends["best_e1rm"] / units.factor(self.filters.unit),
            "last_e1rm": trends["last_e1rm"],
            "trend_pct_per_week": trends["trend_8w_pct"],
            "trend_low": trends["trend_8w_low"],
            "trend_high": trends["trend_8w_high"],
            "trend_pct_per_week_all": trends["trend_all_pct"],
            "last_pr_date": trends["last_pr_date"],
            "weeks_since_pr": trends["weeks_since_pr"],
            "plateau": trends["plateau"],
        })
        out: dict[str, dict[str, Any]] = {}
        for lift, entry in zip(trends["exercise_id"], records(table), strict=True):
            own = by_lift.get(lift, [])
            entry["trend_ci"] = [entry.pop("trend_low"), entry.pop("trend_high")]
            entry["pr_count"] = len(own)
            entry["prs"] = own[:PRS_PER_EXERCISE]  # newest first
            out[lift] = entry
        return out

    def _frequency_json(self) -> dict[str, Any]:
        runs = self.streaks
        return {
            "current_streak_weeks": runs.current,
            "best_streak_weeks": runs.best,
            "best_streak_from": runs.best_from,
            "best_streak_to": runs.best_to,
            "short_rests": records(self.short_rests[["performed_at", "hours_between",
                                                     "muscles"]]),
        }

    def _programme_json(self) -> dict[str, Any] | None:
        programme, how = self.programme
        if programme is None:
            return None
        sessions = self.adherence
        return {
            "key": programme.key,
            "name": programme.name,
            "chosen": how,
            "sessions": len(sessions),
            "adherence_pct": sessions["adherence_pct"].mean() if len(sessions) else None,
            "in_range_pct": sessions["in_range_pct"].mean() if len(sessions) else None,
        }


def build_report(con: duckdb.DuckDBPyConnection, flt: Filters) -> Report:
    """Compute every metric of the report once, in one batch over the athlete's sets.

    Its JSON (:meth:`Report.as_json`) has the keys ``athlete``, ``period`` (start, end,
    unit, formula, target, ``as_of``, ``data_up_to``, ``stale``), ``sessions`` (count),
    ``weekly`` (``week_start``, ``sessions``, ``met``, ``hard_sets``, ``tonnage``,
    ``tonnage_kg``, ``hold_seconds``),
    ``muscles`` (``week_start`` + hard sets per muscle), ``balance`` (``weekly`` rows of
    ``posterior``/``anterior`` hard sets, ``hinge_sets``/``knee_sets``, ``hamstrings``/
    ``quads`` and the ratios ``back_front``, ``hinge_knee``, ``hamstrings_quads``; the
    same totals and ratios for the ``period``, the ``recent`` 4 weeks and the
    ``previous`` 4; ``trend_per_week`` of the back:front ratio; ``reading``),
    ``exercises`` (by catalog id, or ``~name`` for a lift the catalog does not know, with
    ``mapped`` saying which: ``best_e1rm``/``best_e1rm_kg``, ``trend_pct_per_week`` over
    the last 8 weeks with
    ``trend_ci``, ``trend_pct_per_week_all``, ``plateau``, ``prs``...), ``assisted``
    (assisted lifts, where less help is progress: ``lift``, ``exercise``, ``sessions``,
    ``first``/``last``/``least`` assistance, ``change``, ``trend_per_week``), ``frequency``
    (streaks, short rests), ``milestones`` (three windows: ``window``, ``label``,
    ``weeks_elapsed``, ``weeks_met``, ``adherence_pct``, ``status``, ``evidence``...),
    ``programme`` (or None), ``suggestions``, ``unmapped``. An unknown athlete raises
    :class:`~analytics.store.StoreError`.
    """
    with materialised(con, flt):
        values = {name: metric(con, flt) for name, metric in METRICS.items()}
    return Report(filters=flt, **values)


def _signed(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:+.{digits}f}"


def render_text(report: Report) -> str:
    """The report for people: a few screens of plain text, most important first."""
    data = report.as_json()
    period_info = data["period"]
    unit = period_info["unit"]
    weeks = data["weekly"]
    lines = [
        f"Backline report: {data['athlete']['name']}",
        f"Period {period_info['start'] or '-'} to {period_info['end'] or '-'} · loads in {unit}"
        f" · e1RM by {formula_label(period_info['formula'])}",
        "",
    ]
    if not report.has_training:
        lines.append("No training logged in this period.")
        return "\n".join(lines)
    lines.insert(2, report.as_of_text() or "")
    frequency = data["frequency"]
    lines += [
        f"Sessions: {report.sessions} in {len(weeks)} weeks "
        f"({report.sessions / len(weeks):.1f}/week; target "
        f"{period_info['target_min']}-{period_info['target_max']}, met in "
        f"{report.weeks_on_target} weeks)",
        f"Streak: {frequency['current_streak_weeks']} weeks now, "
        f"best {frequency['best_streak_weeks']}",
    ]
    if frequency["short_rests"]:
        lines.append(f"Short rests (< 48 h on the same muscles): {len(frequency['short_rests'])}")
    lines += ["", "Milestones"]
    for item in data["milestones"]:
        adherence = "" if item["adherence_pct"] is None else f" ({item['adherence_pct']:.0f} %)"
        lines.append(
            f"  weeks {item['first_week']}-{item['last_week']:<3} {item['label']:<28} "
            f"{item['status']:<12} {item['weeks_met']}/{item['weeks_elapsed']} weeks met"
            f"{adherence}"
        )
    lines += ["", f"Balance: {data['balance']['reading']}"]
    if data["exercises"]:
        lines += ["", "Lifts (best e1RM · trend over the last 8 weeks, 95 % CI)"]
        for lift in sorted(data["exercises"].values(), key=lambda x: -x["sessions"]):
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
    if data["assisted"]:
        lines += ["", "Assisted lifts (the help the machine gave: less is progress)"]
        for lift in data["assisted"]:
            trend = ("too few sessions for a trend" if lift["trend_per_week"] is None
                     else f"{_signed(lift['trend_per_week'])} {unit}/week")
            lines.append(f"  {lift['exercise']:<32} {lift['first']:>6.1f} -> "
                         f"{lift['last']:>6.1f} {unit} assistance  {trend}")
    if data["programme"]:
        programme = data["programme"]
        adherence = programme["adherence_pct"]
        lines += [
            "",
            f"Programme: {programme['name']} ({programme['chosen']}), "
            f"{'n/a' if adherence is None else f'{adherence:.0f} %'} of prescribed sets done",
        ]
    if data["suggestions"]:
        lines += ["", "What to change next"]
        lines += [f"  - {item['message']}" for item in data["suggestions"]]
    if data["unmapped"]:
        lines += ["", "Exercises not in the catalog (trended under their own name, no "
                  "muscle credit)"]
        for item in data["unmapped"]:
            hint = f" — did you mean {item['suggestion_name']}?" if item["suggestion_name"] else ""
            lines.append(f"  - {item['exercise_raw']} ({item['sets']} sets){hint}")
    return "\n".join(lines)
