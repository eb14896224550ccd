"""Strength: e1RM trend per lift (PR stars, trend line), trend per lift, PR table."""

from __future__ import annotations

import streamlit as st

import ui
from analytics import charts, strength

flt = ui.require_filters()
bests = ui.cached(strength.session_bests, flt)
trends = ui.cached(strength.trends, flt)
prs = ui.cached(strength.personal_records, flt)
assisted = ui.cached(strength.assisted_progress, flt)


def assisted_section() -> None:
    """Assisted pull-ups, chin-ups and dips: the machine's help going down is the gain."""
    if assisted.empty:
        return
    st.subheader("Assisted lifts")
    st.caption("The number logged on an assisted lift is the help the machine or band gave, "
               "not load: less assistance is progress. Per session, the least assistance of "
               "a working set; the trend is per week (below zero: getting stronger).")
    ui.table(
        assisted[["exercise", "trend_per_week", "last", "least", "first", "change",
                  "sessions", "last_date"]],
        key="assisted-table",
        column_config={
            "exercise": st.column_config.TextColumn("Lift", pinned=True),
            "trend_per_week": st.column_config.NumberColumn(
                f"Trend ({flt.unit}/wk)", format="%+.2f",
                help="Theil-Sen slope of the session values; needs 3 sessions."),
            "last": st.column_config.NumberColumn(f"Last ({flt.unit})", format="%.1f"),
            "least": st.column_config.NumberColumn(f"Least ({flt.unit})", format="%.1f"),
            "first": st.column_config.NumberColumn(f"First ({flt.unit})", format="%.1f"),
            "change": st.column_config.NumberColumn(
                f"Change ({flt.unit})", format="%+.1f", help="Last minus first."),
            "sessions": "Sessions",
            "last_date": st.column_config.DateColumn("Last session"),
        },
    )


if bests.empty:
    st.info(
        "No set in this period gives an e1RM yet. An e1RM needs a working set (not a "
        "warm-up) of 1-10 reps with a load. Bodyweight and timed exercises show on the "
        "Volume page."
    )
    assisted_section()
    st.stop()

ranked = trends.sort_values(["sessions", "best_e1rm"], ascending=False)
names = dict(zip(ranked["exercise_id"], ranked["exercise"], strict=True))
options = list(names)
chosen = st.multiselect(
    "Lifts", options, default=options[: min(3, len(options))], key="strength-lifts",
    format_func=lambda i: names.get(i, i),
    help="Pick the lifts to compare. Trends need 3 sessions or more.",
)
ui.plot(
    ui.figure(charts.e1rm_trend, bests, prs, exercises=chosen, formula=flt.formula),
    key="chart-e1rm", file_name="backline-e1rm-trend",
    empty="Pick at least one lift above to draw its e1RM trend.",
)
ui.plot(
    ui.figure(charts.e1rm_change, trends),
    key="chart-e1rm-change", file_name="backline-e1rm-change",
    empty="A trend needs at least 3 sessions of a lift in the period; log a few more "
    "sessions and the %/week change per lift appears here.",
)

st.subheader("Per lift")
unit = flt.unit
counted = ui.cached(strength.lift_sessions, flt)
# key columns first: a phone shows the lift, its 8-week trend and its best without scrolling
table = trends.drop(columns=["sessions"]).merge(counted, on="exercise_id", how="left")[[
    "exercise", "trend_8w_pct", "best_e1rm", "sessions", "e1rm_sessions", "trend_all_pct",
    "last_e1rm", "last_pr_date", "weeks_since_pr", "plateau",
]]
ui.table(
    table, key="strength-table",
    column_config={
        "exercise": st.column_config.TextColumn("Lift", pinned=True),
        "trend_8w_pct": st.column_config.NumberColumn(
            "8-week trend (%/wk)", format="%+.2f",
            help="Needs 3 sessions with an e1RM in the last 8 weeks; '—' when there are fewer."),
        "best_e1rm": st.column_config.NumberColumn(f"Best e1RM ({unit})", format="%.1f"),
        "sessions": st.column_config.NumberColumn(
            "Sessions", help="Every session in the period with a working set of the lift."),
        "e1rm_sessions": st.column_config.NumberColumn(
            "With an e1RM", help="Sessions with a loaded set of 1-10 reps: the ones the "
            "e1RM and the trends come from."),
        "trend_all_pct": st.column_config.NumberColumn("Period trend (%/wk)", format="%+.2f"),
        "last_e1rm": st.column_config.NumberColumn(f"Last e1RM ({unit})", format="%.1f"),
        "last_pr_date": st.column_config.DateColumn("Last PR"),
        "weeks_since_pr": "Weeks since PR",
        "plateau": st.column_config.CheckboxColumn("Plateau"),
    },
)
ui.download_csv(trends, "backline-strength-trends.csv", label="Download per-lift trends (CSV)",
                key="dl-trends")

assisted_section()

st.subheader("Personal records")
if prs.empty:
    st.info("No personal records in this period: a lift's first session sets its baseline, "
            "and records are counted from the second session on.")
else:
    kinds = {"e1rm": "e1RM", "load": "Heaviest load", "reps": "Most reps at a load"}
    shown = prs.assign(kind=prs["kind"].map(kinds).fillna(prs["kind"]))
    ui.table(
        shown[["date", "exercise", "kind", "weight", "reps", "e1rm", "previous"]],
        key="pr-table",
        column_config={
            "date": st.column_config.DateColumn("Date"),
            "exercise": "Lift",
            "kind": "Record",
            "weight": st.column_config.NumberColumn(f"Load ({unit})", format="%.1f"),
            "reps": "Reps",
            "e1rm": st.column_config.NumberColumn(f"e1RM ({unit})", format="%.1f"),
            "previous": st.column_config.NumberColumn(
                "Previous record", format="%.1f",
                help=f"The record beaten: a load in {unit} for e1RM and load records, "
                "a rep count for rep records."),
        },
    )
    ui.download_csv(prs, "backline-personal-records.csv", label="Download PRs (CSV)",
                    key="dl-prs")
