"""Overview: headline numbers, the milestone timeline and what to change next."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from analytics import charts, milestones
from analytics.html_report import render_html
from analytics.report import build_report

flt = ui.require_filters()
report = ui.cached(build_report, flt)  # the same model the CLI and the HTML report render

if not report.has_training:
    st.info("No sessions in this period yet. Import a workout log on the Import page, or "
            "choose a longer period in the sidebar.")
    st.stop()

windows = report.milestones

# -- how current the data is: "now" is today (or the sidebar range's end) -------------------
fresh = report.fresh
if fresh is not None and fresh.stale:
    st.warning(f"No session logged since {fresh.last_session:%a %d %b %Y} "
               f"({fresh.describe().split(', ', 1)[1]}). This week, the streak and the "
               f"milestones are judged at {fresh.as_of:%a %d %b %Y}; import a newer export to "
               "bring them up to date.", icon=":material/history:")
elif fresh is not None:
    st.caption(report.as_of_text())
strength_row = windows[windows["window"] == 2]
evidence = strength_row["evidence"].iloc[0] if len(strength_row) else {}

# -- headline numbers (Report.headline: the HTML report shows the same figures) -----------
cards = report.headline()
for col, card in zip(st.columns(len(cards)), cards, strict=True):
    col.metric(card.label, card.value, help=card.help)
    col.caption(card.detail)

# -- best e1RM changes -----------------------------------------------------------------------------
lifts = pd.DataFrame((evidence or {}).get("lifts", []))
if not lifts.empty:
    st.subheader("Biggest e1RM changes since the programme began")
    best = lifts.sort_values("change_pct", ascending=False).head(4)
    lift_cols = st.columns(len(best))
    for col, row in zip(lift_cols, best.itertuples(index=False), strict=True):
        col.metric(ui.escape_md(row.exercise), f"{row.current_e1rm:.1f} {flt.unit}",
                   delta=f"{row.change_pct:+.1f} %",
                   help=f"Best e1RM in weeks 1-2: {row.baseline_e1rm:.1f} {flt.unit}.")

# -- milestones ------------------------------------------------------------------------------
st.subheader("Milestones")
start = windows["programme_start"].iloc[0]
source = {"set": "set by you", "after break": "first session after a break of 3+ weeks",
          "first session": "first logged session"}.get(str(windows["start_source"].iloc[0]), "")
if start is not None and not pd.isna(start):
    st.caption(f"Programme start: {pd.Timestamp(start):%a %d %b %Y} ({source}). A window is "
               "achieved when two thirds of its weeks meet the target of "
               f"{flt.target_min}+ sessions.")
ui.plot(charts.milestone_timeline(windows, now_week=report.now_week), key="chart-milestones",
        file_name="backline-milestones", empty="No programme start yet: log a session first.")


def evidence_text(row: pd.Series) -> str:
    found = row["evidence"] or {}
    if row["window"] == 1:
        return f"{found.get('sessions', 0)} sessions in the window so far"
    if row["window"] == 2:
        change = found.get("median_change_pct")
        count = len(found.get("lifts", []))
        if change is None:
            return "e1RM change shows from programme week 3"
        return f"median e1RM change {change:+.1f} % over {count} lifts"
    sets = found.get("hard_sets", {})
    if not sets:
        return ""
    top = sorted(sets.items(), key=lambda item: -item[1])[:3]
    return ", ".join(f"{charts.muscle_label(m)} {v:.0f}" for m, v in top) + " hard sets"


table = pd.DataFrame({
    "Window": [f"Weeks {a}-{b}" for a, b in zip(windows["first_week"], windows["last_week"],
                                                  strict=True)],
    "Promise": windows["label"],
    "Status": windows["status"],
    "Weeks on target": [f"{m} of {e}" if e else "-" for m, e in
                        zip(windows["weeks_met"], windows["weeks_elapsed"], strict=True)],
    "Adherence": windows["adherence_pct"],
    "Evidence": [evidence_text(row) for _, row in windows.iterrows()],
})
# A static table: it wraps its text, so a phone shows every column whole (a scrolling
# grid cut the Evidence column off at 390 px). The promise is in the chart's labels
# above; the CSV has every column.
shown = table.assign(**{
    "Window": [milestones.window_name(a, b)
               for a, b in zip(windows["first_week"], windows["last_week"], strict=True)],
    "Weeks on target": [milestones.weeks_on_target(*counts) or "-" for counts in zip(
        windows["weeks_met"], windows["weeks_elapsed"], windows["adherence_pct"],
        strict=True)]})
st.table(shown[["Window", "Status", "Weeks on target", "Evidence"]], hide_index=True,
         border="horizontal")

# -- suggestions (analytics.advice: the same list the CLI and the HTML report show) ------------
st.subheader("What to change next")
ICONS = {"stale": ":material/history:", "frequency": ":material/event:",
         "milestone": ":material/warning:", "rest": ":material/bedtime:",
         "plateau": ":material/trending_flat:",
         "add load": ":material/trending_up:", "hold load": ":material/pause:"}
tips = report.advice
if len(tips):
    for tip in tips.head(6).itertuples(index=False):
        icon = ICONS.get(tip.action if tip.kind == "load" else tip.kind, "")
        st.markdown(f"{icon} {ui.escape_md(tip.message)}")
    if len(tips) > 6:
        st.caption(f"{len(tips) - 6} more on the Strength, Consistency and Programme pages.")
else:
    st.success("On target: keep training as you are.", icon=":material/check_circle:")

ui.download_csv(table, "backline-milestones.csv", label="Download milestones (CSV)",
                key="dl-milestones")

# -- static report (analytics.html_report): rendered from the same report when clicked ------
_slug = "".join(c if c.isalnum() else "-" for c in str(report.athlete["name"])
                ).strip("-").lower() or "athlete"
st.download_button(
    "Download report", lambda: render_html(report).encode("utf-8"),
    file_name=f"backline-report-{_slug}.html", mime="text/html",
    key="dl-report", on_click="ignore", icon=":material/description:",
    help="This athlete's overview, strength, volume and milestones with their charts, as "
    "one HTML file that opens offline in any browser.",
)
