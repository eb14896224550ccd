"""Coach view (owner only): every athlete in this instance on one screen.

One row per athlete: last session, sessions this calendar week against the target, where
the milestone windows stand and the lift that changed most. Each athlete's name opens
their dashboard (Overview with that athlete picked in the sidebar, via ``?athlete=ID``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from analytics import frequency, milestones, strength
from analytics.filters import Filters, freshness

store = ui.get_store()
frame = ui.require_athletes(store, "No athletes yet: import a workout log on the Import page.")

current = ui.current_filters()
unit = current.unit if current else "kg"
formula = current.formula if current else "epley"
today = ui.today()


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
    whole = Filters(athlete_id=athlete_id, unit=unit, formula=formula, today=today)
    if int(athlete.sets) == 0:
        rows.append({"id": athlete_id, "Athlete": name, "Data up to": "no sessions yet",
                     "This week": "-", "Milestones": "no sessions yet",
                     "Biggest e1RM change": "-", "_met": None, "_change": None})
        continue
    current = ui.cached(frequency.this_week, whole)
    fresh = ui.cached(freshness, whole)
    sessions = current.sessions if current is not None else 0
    windows = ui.cached(milestones.milestones, whole)
    trends = ui.cached(strength.trends, whole)
    change_text, change = biggest_change(windows, trends)
    rows.append({
        "id": athlete_id,
        "Athlete": name,
        "Data up to": fresh.describe().removeprefix("data up to ") if fresh else "-",
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
for row in table.itertuples(index=False):
    st.page_link(
        "pages/overview.py",
        label=f"{ui.escape_md(row.Athlete)} — {ui.escape_md(row.Milestones)}",
        icon=":material/open_in_new:",
        query_params={"athlete": str(row.id)},
    )
