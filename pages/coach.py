"""Coach view (owner only): every athlete in this instance on one screen.

One row per athlete, judged at today's date: sessions this calendar week against the
target, how current the data is, where the milestone windows stand and the lift that
changed most — every athlete in two queries (:mod:`analytics.coach`), not a dozen each.
Each athlete's name opens their dashboard (Overview with that athlete picked in the
sidebar, via ``?athlete=ID``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from analytics import coach, strength
from analytics.filters import Filters

store = ui.get_store()
frame = ui.require_athletes(store, "No athletes yet: import a workout log on the Import page.")

current = ui.current_filters()
unit = current.unit if current else "kg"
formula = current.formula if current else "epley"
today = ui.today()
TARGET = f"{Filters.target_min}-{Filters.target_max}"


def _trend_fallback(con, flt: Filters) -> str:  # type: ignore[no-untyped-def]
    """Before programme week 3 there is no change since weeks 1-2: the 8-week trend."""
    trends = strength.trends(con, flt)
    moving = trends.dropna(subset=["trend_8w_pct"]) if not trends.empty else trends
    if moving.empty:
        return "-"
    row = moving.loc[moving["trend_8w_pct"].abs().idxmax()]
    return f"{row['exercise']} {row['trend_8w_pct']:+.1f} %/week"


# every athlete at once, under the sidebar's filters (the router prefetches the same call)
summaries = ui.cached(coach.summaries, current or Filters(
    athlete_id=int(frame["athlete_id"].iloc[0]), today=today))
rows = []
for athlete in frame.itertuples(index=False):
    athlete_id = int(athlete.athlete_id)
    name = str(athlete.name) + (" (sample)" if bool(athlete.is_sample) else "")
    found = summaries.get(athlete_id)
    if found is None:
        rows.append({"id": athlete_id, "Athlete": name, "Data up to": "no sessions yet",
                     "This week": "-", "Milestones": "no sessions yet",
                     "Biggest e1RM change": "-", "_met": None})
        continue
    if found.change is not None:
        change = f"{found.change[0]} {found.change[1]:+.1f} % since weeks 1-2"
    else:
        whole = Filters(athlete_id=athlete_id, unit=unit, formula=formula, today=today)
        change = ui.cached(_trend_fallback, whole)
    rows.append({
        "id": athlete_id,
        "Athlete": name,
        "Data up to": found.fresh.describe().removeprefix("data up to "),
        "This week": f"{found.this_week} of {TARGET}",
        "Milestones": coach.milestone_summary(found.windows),
        "Biggest e1RM change": change,
        "_met": found.this_week >= Filters.target_min,
    })

table = pd.DataFrame(rows)
behind = int((table["_met"] == False).sum())  # noqa: E712 - None means no data
at_risk = int(table["Milestones"].str.contains("at risk").sum())
cols = st.columns(3)
cols[0].metric("Athletes", len(table))
cols[1].metric("Below target this week", behind)
cols[2].metric("Milestone at risk", at_risk)

# the name is a link to the athlete's dashboard (the URL carries the name after "#" so
# the column can show it); key columns first, so a phone shows them without scrolling
shown = table.assign(Athlete=[f"./?athlete={i}#{name}" for i, name in
                              zip(table["id"], table["Athlete"], strict=True)])
ui.table(
    shown[["Athlete", "This week", "Milestones", "Data up to", "Biggest e1RM change"]],
    width="stretch",
    key="coach-table",
    column_config={
        "Athlete": st.column_config.LinkColumn(
            "Athlete", display_text=r"#(.*)$",
            help="Opens the athlete's dashboard (in a new tab)."),
    },
)

st.subheader("Open a dashboard")
# one picker and one link, not a link per athlete: a coach with 200 athletes got 200 links
picked = st.selectbox("Athlete", list(table["id"]), key="coach-open",
                      format_func=dict(zip(table["id"], table["Athlete"], strict=True)).get)
row = table[table["id"] == picked].iloc[0]
st.page_link(
    "pages/overview.py",
    label=f"Open {ui.escape_md(row['Athlete'])}'s dashboard",
    icon=":material/open_in_new:",
    query_params={"athlete": str(row["id"])},
)
