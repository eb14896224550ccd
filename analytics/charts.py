"""DataFrame -> plotly Figure, one builder per dashboard chart.

Pure functions: no Streamlit, no database. Each takes the DataFrame an analytics function
returned (see the module named in its docstring) and returns a figure, or ``None`` when
there is nothing to draw, so the page can explain the empty state in words instead of
showing blank axes.

Shared conventions:

* readable on a phone: compact margins, legend above the plot area, horizontal bars for
  long labels, at most a few hundred points per trace;
* every axis carries its unit ("e1RM (kg)", "tonnage (lb)", "hard sets / week");
* text that came from a user (exercise names as logged, workout names) is HTML-escaped with
  :func:`label` before it goes into a trace, because plotly renders a small HTML subset
  (``<a href>``, ``<b>``) in names, ticks and hover text.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .catalog import MUSCLE_LABELS, MUSCLES, POSTERIOR_CHAIN
from .filters import formula_label

ACCENT = "#b4532a"
GOOD = "#2e7d4f"
WARN = "#d08c1b"
BAD = "#b3261e"
MUTED = "#9e9690"
BAND = "rgba(46, 125, 79, 0.12)"

PALETTE = (
    "#b4532a", "#2d6a8f", "#2e7d4f", "#8a4fa3", "#d08c1b", "#5b6770", "#c2577a",
    "#3a9c9c", "#7a6a3a", "#4b5bbf",
)  # fmt: skip

MUSCLE_COLOURS: dict[str, str] = dict(zip(MUSCLES, (
    *PALETTE, "#9c6644", "#6a994e", "#bc4749", "#386641", "#577590", "#f3722c", "#90be6d",
    "#43aa8b",
), strict=True))
"""One colour per muscle (the catalog names 18), so a stacked chart never repeats one."""

STATUS_COLOURS: dict[str, str] = {
    "achieved": GOOD,
    "on track": "#2d6a8f",
    "at risk": WARN,
    "missed": BAD,
    "not reached": MUTED,
    "not started": MUTED,
}

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# -- helpers -----------------------------------------------------------------------------------
def label(text: object) -> str:
    """User text made safe for plotly's HTML-ish labels (``<``, ``>``, ``&`` escaped)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return html.escape(str(text), quote=False)


def muscle_label(muscle: str) -> str:
    """The human label of a muscle id (:data:`analytics.catalog.MUSCLE_LABELS`)."""
    return MUSCLE_LABELS.get(muscle, muscle.replace("_", " ").capitalize())


def muscle_labels(muscles: object) -> str:
    """"erector_spinae, glutes" as "Erector spinae, Glutes" (a frequency table's column)."""
    if not isinstance(muscles, str) or not muscles.strip():
        return ""
    return ", ".join(muscle_label(m.strip()) for m in muscles.split(",") if m.strip())


def _layout(fig: go.Figure, *, title: str, x_title: str | None = None,
            y_title: str | None = None, height: int = 380, legend: bool = True) -> go.Figure:
    """The shared look. The title stays short (a phone shows about 34 characters of it)
    and sits alone at the top; the legend goes *below* the plot, where plotly grows the
    margin for it however many rows it wraps into on a narrow screen — above the plot it
    would grow up into the title."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15},
               "yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 8}},
        height=height,
        margin={"l": 8, "r": 8, "t": 44, "b": 8},
        # below the tick labels, and below the x-axis title when there is one (the legend
        # is placed in plot-area fractions, so the title's ~40 px are converted)
        legend={"orientation": "h", "yanchor": "top", "x": 0, "xanchor": "left",
                "y": -0.12 - (48 / max(120, height - 110) if x_title else 0),
                "font": {"size": 11}},
        showlegend=legend,
        hovermode="closest",
        plot_bgcolor="white",
        paper_bgcolor="white",
        font={"size": 12},
    )
    fig.update_xaxes(title_text=x_title, automargin=True, gridcolor="#eee",
                     zeroline=False)
    fig.update_yaxes(title_text=y_title, automargin=True, gridcolor="#eee", zeroline=False)
    return fig


def _empty(frame: pd.DataFrame | None, *columns: str) -> bool:
    if frame is None or frame.empty:
        return True
    return any(column not in frame.columns for column in columns)


def _unit(frame: pd.DataFrame, default: str = "kg") -> str:
    if "unit" in frame.columns and len(frame) and isinstance(frame["unit"].iloc[0], str):
        return str(frame["unit"].iloc[0])
    return default


def _dates(series: pd.Series) -> list:
    return [pd.Timestamp(v).to_pydatetime() for v in series]


# -- strength (analytics.strength) -----------------------------------------------------------------
def theil_sen_line(days: np.ndarray, values: np.ndarray) -> tuple[float, float] | None:
    """(slope, intercept) of the Theil-Sen fit of ln(value) on days; None below 3 points."""
    from .strength import MIN_TREND_SESSIONS, theil_sen

    if len(days) < MIN_TREND_SESSIONS or np.any(values <= 0):
        return None
    fit = theil_sen(days, np.log(values))
    if not (math.isfinite(fit.slope) and math.isfinite(fit.intercept)):
        return None
    return fit.slope, fit.intercept


def e1rm_trend(bests: pd.DataFrame, prs: pd.DataFrame | None = None, *,
               exercises: Iterable[str] | None = None, formula: str = "epley",
               trend_line: bool = True) -> go.Figure | None:
    """e1RM per session for one or more lifts, PR sessions starred, dashed Theil-Sen trend.

    ``bests``: :func:`analytics.strength.session_bests`. ``prs``:
    :func:`analytics.strength.personal_records` (its ``e1rm`` rows mark the stars; without
    it a star marks every session that beat all earlier ones). ``exercises`` restricts to
    those exercise ids, in that order.
    """
    if _empty(bests, "exercise_id", "performed_at", "e1rm"):
        return None
    frame = bests.dropna(subset=["e1rm"])
    wanted = list(exercises) if exercises is not None else list(dict.fromkeys(frame["exercise_id"]))
    frame = frame[frame["exercise_id"].isin(wanted)]
    if frame.empty:
        return None
    unit = _unit(frame)
    pr_sessions: set[tuple[str, str]] | None = None
    if prs is not None and not prs.empty and {"kind", "exercise_id", "session_id"} <= set(prs):
        e1rm_prs = prs[prs["kind"] == "e1rm"]
        pr_sessions = set(zip(e1rm_prs["exercise_id"], e1rm_prs["session_id"], strict=True))
    fig = go.Figure()
    for position, exercise_id in enumerate(wanted):
        rows = frame[frame["exercise_id"] == exercise_id].sort_values("performed_at")
        if rows.empty:
            continue
        colour = PALETTE[position % len(PALETTE)]
        name = label(rows["exercise"].iloc[0] if "exercise" in rows else exercise_id)
        when = _dates(rows["performed_at"])
        blank = np.full(len(rows), np.nan)
        custom = np.column_stack([
            rows["weight"].to_numpy(dtype=float) if "weight" in rows else blank,
            rows["reps"].to_numpy(dtype=float) if "reps" in rows else blank,
        ])
        fig.add_trace(go.Scatter(
            x=when, y=rows["e1rm"].round(1), mode="lines+markers", name=name,
            legendgroup=name, line={"color": colour, "width": 2}, marker={"size": 6},
            customdata=custom,
            hovertemplate=f"<b>{name}</b><br>%{{x|%a %d %b %Y}}<br>e1RM %{{y:.1f}} {unit}"
            f"<br>best set %{{customdata[0]:.1f}} {unit} × %{{customdata[1]:.0f}}<extra></extra>",
        ))
        if pr_sessions is not None:
            is_pr = [(exercise_id, s) in pr_sessions for s in rows["session_id"]]
        else:
            running = rows["e1rm"].cummax().shift(1)
            is_pr = list((rows["e1rm"] > running) & running.notna())
        pr_rows = rows[is_pr]
        if not pr_rows.empty:
            fig.add_trace(go.Scatter(
                x=_dates(pr_rows["performed_at"]), y=pr_rows["e1rm"].round(1), mode="markers",
                name=f"{name} PR", legendgroup=name, showlegend=False,
                marker={"symbol": "star", "size": 13, "color": colour,
                        "line": {"color": "white", "width": 1}},
                hovertemplate=f"<b>{name}: e1RM PR</b><br>%{{x|%d %b %Y}}<br>%{{y:.1f}} {unit}"
                "<extra></extra>",
            ))
        if trend_line:
            days = (rows["performed_at"] - rows["performed_at"].iloc[0]).dt.total_seconds()
            days = days.to_numpy(dtype=float) / 86_400
            fit = theil_sen_line(days, rows["e1rm"].to_numpy(dtype=float))
            if fit is not None:
                slope, intercept = fit
                ends = np.array([days[0], days[-1]])
                weekly = (math.exp(slope * 7) - 1) * 100
                fig.add_trace(go.Scatter(
                    x=[when[0], when[-1]], y=np.exp(intercept + slope * ends).round(1),
                    mode="lines", name=f"{name} trend", legendgroup=name, showlegend=False,
                    line={"color": colour, "width": 1.5, "dash": "dash"},
                    hovertemplate=f"{name} trend: {weekly:+.1f} %/week<extra></extra>",
                ))
    if not fig.data:
        return None
    _layout(fig, title=f"e1RM per session ({formula_label(formula)})", y_title=f"e1RM ({unit})")
    # a date axis writes the year under its first tick: the legend goes below both lines
    fig.update_layout(legend_y=-0.2)
    return fig


def e1rm_change(trends: pd.DataFrame) -> go.Figure | None:
    """Horizontal bars: trend in %/week per lift over the last 8 weeks.

    ``trends``: :func:`analytics.strength.trends`. A lift without an 8-week trend (fewer
    than 3 sessions in those weeks) is left out rather than shown with its whole-period
    trend under an 8-week title; only when no lift has one does the chart show the
    whole-period trends, and its title says so.
    """
    if _empty(trends, "exercise", "trend_all_pct"):
        return None
    frame = trends.copy()
    column, title = "trend_8w_pct", "e1RM trend (last 8 weeks)"
    if column not in frame or frame[column].isna().all():
        column, title = "trend_all_pct", "e1RM trend (whole period)"
    frame = frame.assign(pct=frame[column]).dropna(subset=["pct"]).sort_values("pct")
    if frame.empty:
        return None
    colours = [BAD if v < 0 else (WARN if p else GOOD)
               for v, p in zip(frame["pct"], frame.get("plateau", [False] * len(frame)),
                               strict=True)]
    widest = float(frame["pct"].abs().max()) or 1.0
    fig = go.Figure(go.Bar(
        x=frame["pct"].round(2), y=[label(v) for v in frame["exercise"]], orientation="h",
        marker={"color": colours},
        text=[f"{v:+.1f} %" for v in frame["pct"]],
        # a short bar (a flat lift's +0.0 %) has no room inside: its label goes beside it
        textposition=["inside" if abs(v) >= widest / 4 else "outside" for v in frame["pct"]],
        cliponaxis=False,
        hovertemplate="%{y}: %{x:+.2f} % per week<extra></extra>",
    ))
    fig.add_vline(x=0, line={"color": MUTED, "width": 1})
    return _layout(fig, title=title, x_title="% per week",
                   height=max(240, 60 + 34 * len(frame)), legend=False)


# -- volume (analytics.volume) -------------------------------------------------------------
def weekly_tonnage(weeks: pd.DataFrame) -> go.Figure | None:
    """Bars: tonnage per ISO week; line: working sets. ``weeks``: ``volume_by_week``."""
    if _empty(weeks, "week_start", "tonnage") or float(weeks["tonnage"].sum()) <= 0:
        return None
    unit = _unit(weeks)
    fig = go.Figure()
    fig.add_trace(go.Bar(
        x=_dates(weeks["week_start"]), y=weeks["tonnage"].round(0), name=f"Tonnage ({unit})",
        marker={"color": ACCENT},
        hovertemplate="Week of %{x|%d %b %Y}<br>%{y:,.0f} " + unit + "<extra></extra>",
    ))
    if "sets" in weeks:
        fig.add_trace(go.Scatter(
            x=_dates(weeks["week_start"]), y=weeks["sets"], name="Working sets", yaxis="y2",
            mode="lines+markers", line={"color": "#2d6a8f", "width": 2},
            hovertemplate="%{y} working sets<extra></extra>",
        ))
    _layout(fig, title="Weekly tonnage (load × reps)")
    fig.update_layout(yaxis={"title": {"text": f"tonnage ({unit})"}})
    if "sets" in weeks:
        fig.update_layout(yaxis2={"title": {"text": "working sets"}, "overlaying": "y",
                                  "side": "right", "showgrid": False, "rangemode": "tozero",
                                  "tickmode": "auto", "nticks": 6})
    fig.update_xaxes(tickformat="%d %b")
    return fig


def hard_sets_stacked(hard_sets: pd.DataFrame, *, posterior_only: bool = False,
                      ) -> go.Figure | None:
    """Heatmap: hard sets per muscle (rows) per week (columns), the number in each cell.

    ``hard_sets``: ``volume.hard_sets_by_muscle`` (long: week_start, muscle, hard_sets).
    Not stacked bars: one set counts for every muscle it trains (1 for a primary, 0.5 for
    a secondary muscle), so a stack of muscles added up to far more "hard sets" than the
    sets done. Each cell reads on its own (its number on hover, the colour scale beside),
    and no legend is needed on a phone.
    """
    if _empty(hard_sets, "week_start", "muscle", "hard_sets"):
        return None
    if float(hard_sets["hard_sets"].sum()) <= 0:
        return None
    muscles = POSTERIOR_CHAIN if posterior_only else MUSCLES
    totals = hard_sets.groupby("muscle")["hard_sets"].sum()
    shown = [m for m in muscles if float(totals.get(m, 0.0)) > 0]
    if not shown:
        return None
    grid = hard_sets.pivot_table(index="muscle", columns="week_start", values="hard_sets",
                                 aggfunc="sum").reindex(shown).fillna(0.0)
    values = grid.to_numpy(dtype=float)
    fig = go.Figure(go.Heatmap(
        z=values, x=_dates(pd.Series(grid.columns)), y=[muscle_label(m) for m in shown],
        xgap=2, ygap=2,
        colorscale=[[0, "#f7f3f0"], [1, ACCENT]], zmin=0,
        colorbar={"title": {"text": "sets"}, "thickness": 10, "len": 0.9},
        hovertemplate="%{y}, week of %{x|%d %b}: %{z:.1f} hard sets<extra></extra>",
    ))
    _layout(fig, title="Hard sets per muscle per week", height=90 + 30 * len(shown),
            legend=False)
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(tickformat="%d %b", showgrid=False)
    return fig


def muscle_balance(hard_sets: pd.DataFrame, *, low: float = 6.0, high: float = 20.0,
                   ) -> go.Figure | None:
    """Horizontal bars: average hard sets per week per posterior-chain muscle.

    A shaded band marks ``low``-``high`` sets/week, the range most hypertrophy guidance
    gives; a muscle far below its neighbours shows the imbalance at a glance. The colour
    says where a muscle stands against the band, and the legend says which colour is
    which. A muscle no exercise in the log trains (0 all along) is left out: an empty row
    reads as a measurement.
    """
    if _empty(hard_sets, "week_start", "muscle", "hard_sets"):
        return None
    weeks = hard_sets["week_start"].nunique()
    if weeks == 0 or float(hard_sets["hard_sets"].sum()) <= 0:
        return None
    chain = hard_sets[hard_sets["muscle"].isin(POSTERIOR_CHAIN)]
    mean = chain.groupby("muscle", sort=False)["hard_sets"].sum() / weeks
    mean = mean.reindex(list(POSTERIOR_CHAIN)).fillna(0.0)[::-1]
    mean = mean[mean > 0]
    if mean.empty:
        return None
    fig = go.Figure()
    groups = ((f"below {low:g}", WARN, mean < low),
              (f"{low:g}-{high:g} (the band)", GOOD, (mean >= low) & (mean <= high)),
              (f"above {high:g}", "#2d6a8f", mean > high))
    for name, colour, mask in groups:
        rows = mean[mask]
        fig.add_trace(go.Bar(
            x=rows.round(1), y=[muscle_label(m) for m in rows.index], orientation="h",
            name=name, marker={"color": colour}, text=[f"{v:.1f}" for v in rows],
            textposition="auto",
            hovertemplate="%{y}: %{x:.1f} hard sets per week<extra></extra>",
            showlegend=True,
        ))
    fig.add_vrect(x0=low, x1=high, fillcolor=BAND, line_width=0, layer="below")
    _layout(fig, title="Posterior-chain balance", x_title="average hard sets / week",
            height=150 + 34 * len(mean))
    fig.update_yaxes(categoryorder="array", categoryarray=[muscle_label(m) for m in mean.index])
    fig.update_layout(barmode="overlay")
    return fig


def back_front_balance(weekly: pd.DataFrame) -> go.Figure | None:
    """Bars: hard sets per week, back side (posterior chain) against front side (chest,
    front delts, quads, hip flexors); line: the back:front ratio, with 1.0 marked.

    ``weekly``: :func:`analytics.balance.weekly_balance`.
    """
    if _empty(weekly, "week_start", "posterior", "anterior", "back_front"):
        return None
    if float(weekly["posterior"].sum() + weekly["anterior"].sum()) <= 0:
        return None
    when = _dates(weekly["week_start"])
    fig = go.Figure()
    for column, name, colour in (("posterior", "Back side", GOOD),
                                 ("anterior", "Front side", ACCENT)):
        fig.add_trace(go.Bar(
            x=when, y=weekly[column].round(1), name=name, marker={"color": colour},
            hovertemplate=f"{name}<br>week of %{{x|%d %b}}: %{{y:.1f}} hard sets<extra></extra>",
        ))
    fig.add_trace(go.Scatter(
        x=when, y=weekly["back_front"].round(2), name="Back : front", yaxis="y2",
        mode="lines+markers", line={"color": "#2d6a8f", "width": 2}, connectgaps=False,
        hovertemplate="back side %{y:.2f}x front side<extra></extra>",
    ))
    _layout(fig, title="Back vs front side, per week",
            y_title="hard sets / week", height=380)
    top = weekly["back_front"].max()
    fig.update_layout(barmode="group", yaxis2={
        "title": {"text": "back : front"}, "overlaying": "y", "side": "right",
        "showgrid": False, "rangemode": "tozero", "tickmode": "auto", "nticks": 6,
        "range": [0, max(2.0, float(top) * 1.1 if pd.notna(top) else 2.0)]})
    fig.add_shape(type="line", xref="paper", x0=0, x1=1, yref="y2", y0=1.0, y1=1.0,
                  line={"color": MUTED, "width": 1, "dash": "dot"})
    fig.update_xaxes(tickformat="%d %b")
    return fig


def exercise_volume(by_exercise: pd.DataFrame, top: int = 12) -> go.Figure | None:
    """Horizontal bars: working sets per exercise (``volume.volume_by_exercise``)."""
    if _empty(by_exercise, "exercise", "sets") or int(by_exercise["sets"].sum()) <= 0:
        return None
    frame = by_exercise.sort_values("sets", ascending=False).head(top)[::-1]
    colours = [MUTED if (isinstance(e, float) or e is None or pd.isna(e)) else ACCENT
               for e in frame.get("exercise_id", pd.Series([""] * len(frame)))]
    fig = go.Figure(go.Bar(
        x=frame["sets"], y=[label(v) for v in frame["exercise"]], orientation="h",
        marker={"color": colours},
        hovertemplate="%{y}: %{x} working sets<extra></extra>",
    ))
    return _layout(fig, title="Working sets per exercise", x_title="working sets",
                   height=max(240, 60 + 28 * len(frame)), legend=False)


# -- consistency (analytics.frequency) ---------------------------------------------------------
def session_calendar(sessions: pd.DataFrame, *, value: str = "sets",
                     end: date | None = None, weeks: int | None = None) -> go.Figure | None:
    """GitHub-style calendar: one cell per day (columns = ISO weeks, rows = weekdays).

    ``sessions``: one row per session with ``date`` (or ``performed_at``) and ``value``
    (default ``sets``). Days without training are empty cells.
    """
    if sessions is None or sessions.empty:
        return None
    when = sessions["date"] if "date" in sessions else sessions["performed_at"]
    days = pd.to_datetime(when).dt.normalize()
    values = sessions[value] if value in sessions else pd.Series(1, index=sessions.index)
    per_day = pd.Series(values.to_numpy(dtype=float), index=days).groupby(level=0).sum()
    last = pd.Timestamp(end) if end is not None else per_day.index.max()
    first = per_day.index.min()
    per_day = per_day[per_day > 0]
    if per_day.empty:
        return None
    if weeks is not None:
        first = max(first, last - pd.Timedelta(weeks=weeks))
    first_monday = first - pd.Timedelta(days=first.weekday())
    n_weeks = int((last - first_monday).days // 7) + 1
    grid = np.full((7, n_weeks), np.nan)
    for day, total in per_day.items():
        if day < first_monday or day > last:
            continue
        offset = (day - first_monday).days
        grid[offset % 7, offset // 7] = total
    week_starts = [(first_monday + pd.Timedelta(weeks=i)).to_pydatetime() for i in range(n_weeks)]
    text = [[
        (first_monday + pd.Timedelta(days=w * 7 + d)).strftime("%a %d %b %Y")
        for w in range(n_weeks)] for d in range(7)]
    fig = go.Figure(go.Heatmap(
        z=grid, x=week_starts, y=list(WEEKDAYS), text=text, xgap=3, ygap=3,
        colorscale=[[0, "#f3d9cc"], [1, ACCENT]], hoverongaps=False, zmin=0,
        # the colour legend: a short horizontal scale under the grid, blank = rest day
        colorbar={"orientation": "h", "title": {"text": f"{value} per day (blank: rest)",
                                                "side": "top", "font": {"size": 11}},
                  "thickness": 8, "len": 0.6, "x": 0, "xanchor": "left", "y": -0.22,
                  "yanchor": "top", "tickfont": {"size": 10}},
        hovertemplate="%{text}<br>%{z:.0f} " + value + "<extra></extra>",
    ))
    _layout(fig, title="Training calendar", height=330, legend=False)
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(showgrid=False, tickformat="%d %b")
    return fig


def sessions_per_week(weeks: pd.DataFrame, *, target_min: int = 2, target_max: int = 3,
                      column: str = "sessions") -> go.Figure | None:
    """Bars: sessions per ISO week against the shaded ``target_min``-``target_max`` band."""
    if _empty(weeks, "week_start", column):
        return None
    counts = weeks[column].astype(float)
    colours = [GOOD if target_min <= c <= target_max else (WARN if c < target_min else "#2d6a8f")
               for c in counts]
    fig = go.Figure(go.Bar(
        x=_dates(weeks["week_start"]), y=counts, marker={"color": colours}, name="Sessions",
        hovertemplate="Week of %{x|%d %b %Y}: %{y:.0f} sessions<extra></extra>",
    ))
    fig.add_hrect(y0=target_min - 0.5, y1=target_max + 0.5, fillcolor=BAND, line_width=0,
                  layer="below")
    fig.add_hline(y=target_min, line={"color": GOOD, "width": 1, "dash": "dot"})
    _layout(fig, title=f"Sessions per week (target {target_min}-{target_max})",
            y_title="sessions", height=320, legend=False)
    top = max(target_max + 1, float(counts.max()) + 0.5)
    fig.update_yaxes(dtick=1, rangemode="tozero", range=[0, top])
    fig.update_xaxes(tickformat="%d %b")
    return fig


def rest_gaps(sessions: pd.DataFrame, short: pd.DataFrame | None = None, *,
              minimum_hours: float = 48.0) -> go.Figure | None:
    """Dots: hours since the previous session, for every session; a dashed 48 h line.

    ``sessions``: one row per session with ``session_id`` and ``performed_at``
    (``volume.volume_by_session``). ``short``: ``frequency.short_rests`` — sessions in it
    loaded a muscle trained less than ``minimum_hours`` before and are drawn red, with the
    muscles in the hover text.
    """
    if _empty(sessions, "session_id", "performed_at") or len(sessions) < 2:
        return None
    frame = sessions.sort_values("performed_at")
    hours = frame["performed_at"].diff().dt.total_seconds() / 3600
    frame = frame.assign(hours=hours).iloc[1:]
    flagged: dict[str, str] = {}
    if short is not None and not short.empty and "session_id" in short:
        muscles = short["muscles"] if "muscles" in short else pd.Series("", index=short.index)
        for session_id, text in zip(short["session_id"], muscles, strict=True):
            flagged[str(session_id)] = muscle_labels(text)
    is_short = frame["session_id"].astype(str).isin(flagged)
    fig = go.Figure()
    for short_rest, colour, name in ((False, GOOD, "enough rest"),
                                     (True, BAD, f"same muscles < {minimum_hours:g} h")):
        rows = frame[is_short == short_rest]
        if rows.empty:
            continue
        text = [label(flagged.get(str(s), "")) for s in rows["session_id"]]
        fig.add_trace(go.Scatter(
            x=_dates(rows["performed_at"]), y=rows["hours"].round(1), mode="markers",
            name=name, marker={"color": colour, "size": 9 if short_rest else 7},
            text=text,
            hovertemplate="%{x|%a %d %b %H:%M}: %{y:.0f} h after the previous session"
            + ("<br>muscles: %{text}" if short_rest else "") + "<extra></extra>",
        ))
    fig.add_hline(y=minimum_hours, line={"color": BAD, "width": 1, "dash": "dash"},
                  annotation_text=f"{minimum_hours:g} h", annotation_position="top left")
    _layout(fig, title="Rest before each session", y_title="hours since previous session",
            height=320)
    fig.update_yaxes(rangemode="tozero")
    fig.update_xaxes(tickformat="%d %b")
    return fig


# -- milestones (analytics.milestones) ---------------------------------------------------------
def milestone_timeline(windows: pd.DataFrame, *, now_week: float | None = None,
                       ) -> go.Figure | None:
    """Gantt-style bars, one per milestone window on a programme-week axis, coloured by
    status; a dotted line marks "now" (``now_week`` weeks since the programme start).

    ``windows``: :func:`analytics.milestones.milestones` (``label``, ``first_week``,
    ``last_week``, ``status``, ``adherence_pct``, ``weeks_met``, ``weeks_elapsed``).
    Each window's status and adherence are in its axis label, not inside its bar: a
    three-week bar on a phone is too narrow for them, and plotly hides text that does not
    fit. The axis runs to "now" when that is past week 12, so the marker sits at its week;
    its label is above the plot, never over a bar.
    """
    if _empty(windows, "label", "first_week", "last_week", "status"):
        return None
    fig = go.Figure()
    for row in windows.itertuples(index=False):
        status = str(row.status)
        adherence = getattr(row, "adherence_pct", None)
        note = "" if adherence is None or pd.isna(adherence) else f", {adherence:.0f} %"
        name = f"Weeks {row.first_week}-{row.last_week}: {status}{note}<br>{label(row.label)}"
        met = getattr(row, "weeks_met", None)
        elapsed = getattr(row, "weeks_elapsed", None)
        detail = f"{met} of {elapsed} weeks on target" if elapsed else "no weeks elapsed yet"
        fig.add_trace(go.Bar(
            x=[row.last_week - row.first_week + 1], base=[row.first_week - 1], y=[name],
            orientation="h", marker={"color": STATUS_COLOURS.get(status, MUTED)},
            name=status, showlegend=False,
            hovertemplate=f"{name}<br>{status}: {detail}<extra></extra>",
        ))
    top = float(windows["last_week"].max())
    right = top
    if now_week is not None and math.isfinite(now_week):
        shown = max(now_week, 0.0)
        right = max(top, shown)
        fig.add_vline(x=shown, line={"color": "#1f1a17", "width": 2, "dash": "dot"})
        fig.add_annotation(x=shown, y=1, xref="x", yref="paper", yanchor="bottom",
                           xanchor="right" if shown > right / 2 else "left",
                           text=f"now: week {math.floor(now_week) + 1}", showarrow=False,
                           font={"size": 11})
    _layout(fig, title="Milestones (programme weeks)", x_title="weeks since the start",
            height=130 + 62 * len(windows), legend=False)
    fig.update_layout(margin={"t": 62})
    fig.update_yaxes(autorange="reversed", showgrid=False, tickfont={"size": 11})
    fig.update_xaxes(range=[0, right + 0.5], dtick=2 if right <= 16 else 4)
    return fig


# -- programme (analytics.programs) --------------------------------------------------------------
def adherence_by_session(sessions: pd.DataFrame) -> go.Figure | None:
    """Bars: % of prescribed working sets done per session; line: % of sets in the rep range.

    ``sessions``: :func:`analytics.programs.session_adherence`.
    """
    if _empty(sessions, "performed_at", "adherence_pct"):
        return None
    frame = sessions.sort_values("performed_at")
    pct = frame["adherence_pct"].astype(float)
    when = _dates(frame["performed_at"])
    fig = go.Figure()
    # one trace per colour, so the legend says what each colour means (one trace with
    # per-bar colours showed a single swatch in its first bar's colour); every trace gets
    # the same bar width, from the closest two training days of all sessions: plotly sizes
    # a trace's bars from its own points, so two amber sessions six weeks apart were drawn
    # as two bars six weeks wide
    days = pd.Series(pd.to_datetime(frame["performed_at"]).dt.normalize().unique())
    gap_days = float(days.diff().dt.days.min()) if len(days) > 1 else 1.0
    width_ms = 0.8 * max(gap_days, 1.0) * 86_400_000
    bands = (("sets done: 90 %+", GOOD, pct >= 90), ("60-89 %", WARN, (pct >= 60) & (pct < 90)),
             ("under 60 %", BAD, pct < 60))
    for name, colour, mask in bands:
        rows = frame[mask.to_numpy()]
        if rows.empty:
            continue
        plan = rows["programme"].astype(str) if "programme" in rows else pd.Series(
            "", index=rows.index)
        fig.add_trace(go.Bar(
            x=_dates(rows["performed_at"]), y=rows["adherence_pct"].astype(float).round(0),
            marker={"color": colour}, name=name, width=width_ms,
            customdata=np.column_stack([rows["sets_done"], rows["sets_prescribed"],
                                        [label(v) for v in plan]]),
            hovertemplate="%{x|%a %d %b}: %{customdata[0]} of %{customdata[1]} sets "
            "prescribed by %{customdata[2]} (%{y:.0f} %)<extra></extra>",
        ))
    if "in_range_pct" in frame and frame["in_range_pct"].notna().any():
        fig.add_trace(go.Scatter(
            x=when, y=frame["in_range_pct"].astype(float).round(0), mode="lines+markers",
            name="Sets in the rep range", line={"color": "#2d6a8f", "width": 2},
            hovertemplate="%{y:.0f} % of sets in the prescribed range<extra></extra>",
        ))
    fig.add_hline(y=100, line={"color": GOOD, "width": 1, "dash": "dash"})
    _layout(fig, title="Programme adherence per session", y_title="% of prescribed sets",
            height=340)
    fig.update_layout(barmode="overlay")  # one bar per session, whichever colour trace
    fig.update_yaxes(range=[0, 105])
    fig.update_xaxes(tickformat="%d %b")
    return fig


def exercise_adherence(detail: pd.DataFrame) -> go.Figure | None:
    """Heatmap: sessions (columns) x prescribed exercises (rows), % of prescribed sets done.

    ``detail``: :func:`analytics.programs.exercise_adherence`.
    """
    if _empty(detail, "performed_at", "exercise", "sets_done", "sets_prescribed"):
        return None
    frame = detail.assign(
        pct=(detail["sets_done"].clip(upper=detail["sets_prescribed"])
             / detail["sets_prescribed"].where(detail["sets_prescribed"] > 0) * 100)
    )
    grid = frame.pivot_table(index="exercise", columns="performed_at", values="pct",
                             aggfunc="mean", sort=False)
    if grid.empty:
        return None
    done = frame.pivot_table(index="exercise", columns="performed_at", values="sets_done",
                             aggfunc="sum", sort=False).reindex_like(grid)
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(dtype=float), x=_dates(pd.Series(grid.columns)),
        y=[label(v) for v in grid.index], zmin=0, zmax=100, xgap=1, ygap=2,
        colorscale=[[0, "#f4e4dc"], [0.5, "#e4b28f"], [1, GOOD]],
        customdata=done.to_numpy(dtype=float),
        colorbar={"title": {"text": "%"}, "thickness": 10, "len": 0.8},
        hovertemplate="%{y}<br>%{x|%a %d %b}: %{customdata:.0f} sets (%{z:.0f} % of "
        "prescribed)<extra></extra>",
    ))
    _layout(fig, title="Exercises done per session", height=120 + 30 * len(grid),
            legend=False)
    fig.update_xaxes(tickformat="%d %b", showgrid=False)
    fig.update_yaxes(showgrid=False, autorange="reversed")
    return fig
