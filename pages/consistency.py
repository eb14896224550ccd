"""Consistency: training calendar, sessions per week vs target, rest, streaks."""

from __future__ import annotations

import streamlit as st

import ui
from analytics import charts, frequency, volume

flt = ui.require_filters(sets=True)
weeks = ui.cached(frequency.sessions_per_week, flt)
streaks = ui.cached(frequency.streaks, flt)
short = ui.cached(frequency.short_rests, flt)
days = ui.cached(frequency.calendar, flt)
sessions = ui.cached(volume.volume_by_session, flt)

met = int(weeks["met"].astype(bool).sum())
cols = st.columns(4)
cols[0].metric("Current streak", f"{streaks.current} wk",
               help=f"Consecutive weeks with at least {flt.target_min} sessions.")
cols[1].metric("Best streak", f"{streaks.best} wk")
cols[2].metric("Weeks on target", f"{met} of {len(weeks)}")
cols[3].metric("Short rests", f"{len(short)}",
               help="Sessions that trained a muscle again less than 48 h after it was last "
               "trained as a primary muscle.")

ui.plot(ui.figure(charts.session_calendar, days, value="sets"), key="chart-calendar",
        file_name="backline-calendar", empty="No training days in this period.")
ui.plot(
    ui.figure(charts.sessions_per_week, weeks, target_min=flt.target_min,
              target_max=flt.target_max),
    key="chart-sessions-week", file_name="backline-sessions-per-week",
    empty="No weeks to show in this period.",
)
ui.plot(
    ui.figure(charts.rest_gaps, sessions, short, minimum_hours=frequency.SHORT_REST_HOURS),
    key="chart-rest", file_name="backline-rest",
    empty="Rest between sessions needs at least two sessions in the period.",
)

st.subheader("Short rests (same muscles within 48 h)")
if short.empty:
    st.success("Every muscle got at least 48 hours before it was trained again.")
else:
    # key columns first (a phone shows the first two or three), muscles by name
    ui.table(
        short.assign(muscles=short["muscles"].map(charts.muscle_labels))[
            ["performed_at", "muscles", "hours_between", "previous_at"]],
        key="short-rests",
        column_config={
            "performed_at": st.column_config.DatetimeColumn("Session", format="ddd D MMM HH:mm"),
            "muscles": "Muscles",
            "hours_between": st.column_config.NumberColumn("Hours between", format="%.0f"),
            "previous_at": st.column_config.DatetimeColumn("Previous session",
                                                           format="ddd D MMM HH:mm"),
        },
    )
left, right = st.columns(2)
with left:
    ui.download_csv(weeks, "backline-sessions-per-week.csv", label="Sessions per week (CSV)",
                    key="dl-sessions-week")
with right:
    ui.download_csv(short, "backline-short-rests.csv", label="Short rests (CSV)",
                    key="dl-short")
