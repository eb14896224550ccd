"""One athlete's dashboard as a single self-contained HTML file.

The file opens anywhere, offline: plotly.js is embedded inline once in ``<head>``, every
chart is a ``<div>`` plus a short script, and there are no links to other files, fonts or
CDNs. The numbers come from one :class:`analytics.report.Report` (nothing is computed again
here) and the charts from the same builders the dashboard uses (:mod:`analytics.charts`),
so the report and the pages agree. Every piece of user text (athlete, exercise and
programme names, suggestions) is escaped with :func:`html.escape`; chart data is
serialised by plotly, which escapes ``</`` inside its scripts.

Used by the Overview page's "Download report" button and ``backline export-report``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from . import charts
from .filters import Filters, formula_label
from .milestones import weeks_on_target, window_name
from .report import Report, build_report

if TYPE_CHECKING:
    import duckdb

TREND_LIFTS = 4
"""Lifts drawn in the e1RM trend chart (those with the most sessions)."""

# the dashboard's two toolbar buttons (the full toolbar covers titles on a phone)
_PLOT_CONFIG = {"displaylogo": False, "responsive": True,
                "modeBarButtons": [["toImage", "resetScale2d"]]}

_CSS = """
:root { --accent: #b4532a; --text: #1f1a17; --muted: #6d645e; --line: #e6e0db;
        --good: #2e7d4f; --warn: #d08c1b; --bad: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--text); background: #fff; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 16px 48px; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 16px; }
h1 { margin: 0 0 4px; font-size: 28px; }
h2 { margin: 32px 0 8px; font-size: 21px; border-bottom: 1px solid var(--line);
     padding-bottom: 4px; }
.meta { color: var(--muted); margin: 0 0 12px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr));
         gap: 12px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.card .k { color: var(--muted); font-size: 13px; }
.card .v { font-size: 24px; font-weight: 600; }
.card .d { font-size: 13px; color: var(--muted); }
.scroll { overflow-x: auto; margin: 8px 0 16px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line);
         vertical-align: top; }
th { background: #f4f1ee; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.chart { margin: 8px 0 16px; min-height: 240px; }
.status-achieved { color: var(--good); font-weight: 600; }
.status-on-track { color: #2d6a8f; font-weight: 600; }
.status-at-risk { color: var(--warn); font-weight: 600; }
.empty { color: var(--muted); font-style: italic; }
footer { margin-top: 40px; color: var(--muted); font-size: 13px; }
@media print { .chart { break-inside: avoid; } }
"""


def esc(value: object) -> str:
    """Text for HTML: escaped, None/NaN as an empty string."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def _num(value: Any, digits: int = 1, suffix: str = "", signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:{'+' if signed else ''}.{digits}f}{suffix}"


def _chart(fig: go.Figure | None, div_id: str, empty: str) -> str:
    if fig is None:
        return f'<p class="empty">{esc(empty)}</p>'
    body = fig.to_html(full_html=False, include_plotlyjs=False, config=_PLOT_CONFIG,
                       div_id=div_id, default_height=f"{fig.layout.height or 380}px")
    return f'<div class="chart">{body}</div>'


def _table(headers: Iterable[str], rows: Iterable[Iterable[object]],
           numeric: Iterable[int] = ()) -> str:
    right = set(numeric)
    head = "".join(
        f'<th{" class=n" if i in right else ""}>{esc(h)}</th>' for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>" + "".join(
            f'<td{" class=n" if i in right else ""}>{cell}</td>' for i, cell in enumerate(row)
        ) + "</tr>"
        for row in rows
    )
    # a wide table scrolls inside its box on a phone instead of widening the page
    return (f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def _card(key: str, value: str, detail: str = "") -> str:
    extra = f'<div class="d">{esc(detail)}</div>' if detail else ""
    return (f'<div class="card"><div class="k">{esc(key)}</div>'
            f'<div class="v">{esc(value)}</div>{extra}</div>')


def _overview(report: Report) -> str:
    """The headline figures (:meth:`Report.headline`), the advice and the programme."""
    cards = [_card(item.label, item.value, item.detail) for item in report.headline()]
    as_of = report.as_of_text()
    out = [f'<p class="meta">{esc(as_of)}</p>' if as_of else "",
           f'<div class="cards">{"".join(cards)}</div>']
    data = report.as_json()
    if data["suggestions"]:
        items = "".join(f"<li>{esc(item['message'])}</li>" for item in data["suggestions"])
        out.append(f"<h3>Next session</h3><ul>{items}</ul>")
    if data["programme"]:
        programme = data["programme"]
        out.append(
            f"<p>Programme: <b>{esc(programme['name'])}</b> — "
            f"{esc(_num(programme['adherence_pct'], 0, ' %'))} of prescribed sets done over "
            f"{esc(programme['sessions'])} sessions.</p>"
        )
    return "".join(out)


def _lift_rows(exercises: dict[str, dict[str, Any]], unit: str) -> list[list[str]]:
    rows = []
    for lift in sorted(exercises.values(), key=lambda x: -x["sessions"]):
        low, high = lift["trend_ci"]
        trend = ("–" if lift["trend_pct_per_week"] is None else
                 f"{lift['trend_pct_per_week']:+.1f} ({_num(low, 1, signed=True)} to "
                 f"{_num(high, 1, signed=True)})")
        rows.append([
            esc(lift["name"]), esc(lift["sessions"]),
            esc(f"{_num(lift['best_e1rm'])} {unit}"), esc(trend), esc(lift["pr_count"]),
            esc(lift["last_pr_date"] or "–"), "plateau" if lift["plateau"] else "",
        ])
    return rows


def _milestone_rows(windows: pd.DataFrame) -> list[list[str]]:
    """Window, status, weeks on target with their share: three columns a phone shows whole
    (the promise is in the timeline's labels above the table)."""
    rows = []
    for row in windows.itertuples(index=False):
        status = str(row.status)
        css = "status-" + status.replace(" ", "-")
        on_target = weeks_on_target(row.weeks_met, row.weeks_elapsed, row.adherence_pct)
        rows.append([
            esc(window_name(row.first_week, row.last_week)),
            f'<span class="{esc(css)}">{esc(status)}</span>', esc(on_target or "–"),
        ])
    return rows


def build_html_report(con: duckdb.DuckDBPyConnection, filters: Filters,
                      generated_at: datetime | None = None) -> str:
    """The athlete's report for ``filters`` as one self-contained HTML document."""
    return render_html(build_report(con, filters), generated_at)


def render_html(report: Report, generated_at: datetime | None = None) -> str:
    """``report`` as one self-contained HTML document (nothing is computed again here)."""
    when = (generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    filters = report.filters
    name = report.athlete["name"]
    data = report.as_json()
    info = data["period"]
    if not report.has_training:
        return _document(name, filters, info["start"], info["end"], when, [
            ("overview", "Overview", '<p class="empty">No training logged in this period.</p>')
        ])
    unit = filters.unit
    trends = report.trends
    lifts = trends.sort_values(["sessions", "best_e1rm"], ascending=False)["exercise_id"]
    sections = [
        ("overview", "Overview", _overview(report) + _chart(
            charts.sessions_per_week(report.weeks, target_min=filters.target_min,
                                     target_max=filters.target_max),
            "chart-sessions", "No sessions in this period.")),
        ("strength", "Strength", _chart(
            charts.e1rm_trend(report.bests, report.prs, exercises=list(lifts[:TREND_LIFTS]),
                              formula=filters.formula),
            "chart-e1rm", "No set in this period gives an e1RM yet.")
         + _chart(charts.e1rm_change(trends), "chart-e1rm-change",
                  "A trend needs at least 3 sessions of a lift.")
         + (_table(["Lift", "Sessions", "Best e1RM", "Trend %/week (95 % CI)", "PRs",
                    "Last PR", ""], _lift_rows(data["exercises"], unit), numeric=(1, 2, 4))
            if data["exercises"] else "")),
        ("volume", "Volume", _chart(charts.weekly_tonnage(report.volume), "chart-tonnage",
                                    "No loaded working sets in this period.")
         + _chart(charts.hard_sets_stacked(report.hard_sets), "chart-hard-sets",
                  "No hard sets on catalogued exercises in this period.")
         + f"<h3>Back side vs front side</h3><p>{esc(data['balance']['reading'])}</p>"
         + _chart(charts.back_front_balance(report.balance["weekly"]), "chart-back-front",
                  "No hard sets on catalogued exercises in this period.")),
        ("milestones", "Milestones", _chart(
            charts.milestone_timeline(report.milestones, now_week=report.now_week),
            "chart-milestones", "No programme start yet.")
         + _table(["Window", "Status", "Weeks on target"],
                  _milestone_rows(report.milestones))),
    ]
    return _document(name, filters, info["start"], info["end"], when, sections)


def _document(name: str, filters: Filters, start: object, end: object, when: str,
              sections: list[tuple[str, str, str]]) -> str:
    formula = formula_label(filters.formula)
    nav = " · ".join(f'<a href="#{key}">{esc(title)}</a>' for key, title, _ in sections)
    body = "".join(
        f'<section id="{key}"><h2>{esc(title)}</h2>{content}</section>'
        for key, title, content in sections
    )
    title = f"Backline report — {name}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{_CSS}</style>
<script type="text/javascript">{get_plotlyjs()}</script>
</head>
<body>
<main>
<header>
<h1>{esc(title)}</h1>
<p class="meta">{esc(start or '–')} to {esc(end or '–')} · loads in
{esc(filters.unit)} · e1RM by {esc(formula)} · generated {esc(when)}</p>
<nav>{nav}</nav>
</header>
{body}
<footer>Made with Backline from the athlete's workout log. Estimated one-rep max (e1RM)
from working sets of 1-10 reps; trends are robust (Theil-Sen) fits.</footer>
</main>
</body>
</html>
"""
