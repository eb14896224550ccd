"""Coach view (owner only): every athlete in this instance on one screen.

One row per athlete: last session, sessions this calendar week against the target, where
the milestone windows stand and the lift that changed most. Each athlete's name opens
their dashboard (Overview with that athlete picked in the sidebar, via ``?athlete=ID``).
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

import ui
from analytics import frequency, milestones, strength
from analytics.filters import Filters

store = ui.get_store()
frame = ui.require_athletes(store, "No athletes yet: import a workout log on the Import page.")

current = ui.current_filters()
unit = current.unit if current else "kg"
formula = current.formula if current else "epley"
today = ui.today()
monday = today - timedelta(days=today.weekday())


def milestone_summary(windows: pd.DataFrame) -> str:
    """The latest window that has begun, with its status; at-risk windows come first."""
    if windows.empty:
        return "not started"
    risky = windows[windows["status"] == "at risk"]
    begun = windows[windows["status"] != "not reached"]
    if not risky.empty:
        row = risky.iloc[-1]
    elif not begun.empty:
        row = begun.iloc[-1]
    else:
        return "not started"
    return f"weeks {row['first_week']}-{row['last_week']}: {row['status']}"


def biggest_change(windows: pd.DataFrame, trends: pd.DataFrame) -> tuple[str, float | None]:
    """The lift whose e1RM moved most: since programme weeks 1-2, else its 8-week trend."""
    strength_row = windows[windows["window"] == 2] if not windows.empty else windows
    evidence = strength_row["evidence"].iloc[0] if len(strength_row) else {}
    lifts = pd.DataFrame((evidence or {}).get("lifts", []))
    if not lifts.empty:
        row = lifts.loc[lifts["change_pct"].abs().idxmax()]
        return f"{row['exercise']} {row['change_pct']:+.1f} % since weeks 1-2", row["change_pct"]
    moving = trends.dropna(subset=["trend_8w_pct"]) if not trends.empty else trends
    if not moving.empty:
        row = moving.loc[moving["trend_8w_pct"].abs().idxmax()]
        return f"{row['exercise']} {row['trend_8w_pct']:+.1f} %/week", None
    return "-", None


rows = []
for athlete in frame.itertuples(index=False):
    athlete_id = int(athlete.athlete_id)
    name = str(athlete.name) + (" (sample)" if bool(athlete.is_sample) else "")
    whole = Filters(athlete_id=athlete_id, unit=unit, formula=formula)
    week = Filters(athlete_id=athlete_id, start=monday, end=today, unit=unit, formula=formula)
    if int(athlete.sets) == 0:
        rows.append({"id": athlete_id, "Athlete": name, "Last session": None,
                     "This week": "-", "Milestones": "no sessions yet", "Biggest e1RM change": "-",
                     "_met": None, "_change": None})
        continue
    this_week = ui.cached(frequency.sessions_per_week, week)
    sessions = int(this_week["sessions"].sum()) if not this_week.empty else 0
    windows = ui.cached(milestones.milestones, whole)
    trends = ui.cached(strength.trends, whole)
    change_text, change = biggest_change(windows, trends)
    rows.append({
        "id": athlete_id,
        "Athlete": name,
        "Last session": pd.Timestamp(athlete.last_session),
        "This week": f"{sessions} of {whole.target_min}-{whole.target_max}",
        "Milestones": milestone_summary(windows),
        "Biggest e1RM change": change_text,
        "_met": sessions >= whole.target_min,
        "_change": change,
    })

table = pd.DataFrame(rows)
behind = int((table["_met"] == False).sum())  # noqa: E712 - None means no data
at_risk = int(table["Milestones"].str.contains("at risk").sum())
cols = st.columns(3)
cols[0].metric("Athletes", len(table))
cols[1].metric("Below target this week", behind)
cols[2].metric("Milestone at risk", at_risk)

ui.table(
    table.drop(columns=["id", "_met", "_change"]),
    width="stretch",
    key="coach-table",
    column_config={
        "Last session": st.column_config.DatetimeColumn("Last session", format="ddd D MMM YYYY"),
    },
)

st.subheader("Open a dashboard")
for row in table.itertuples(index=False):
    st.page_link(
        "pages/overview.py",
        label=f"{ui.escape_md(row.Athlete)} — {ui.escape_md(row.Milestones)}",
        icon=":material/open_in_new:",
        query_params={"athlete": str(row.id)},
    )
