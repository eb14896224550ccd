"""Volume: weekly tonnage, hard sets per muscle per week, posterior-chain balance."""

from __future__ import annotations

import streamlit as st

import ui
from analytics import balance, charts, volume

flt = ui.require_filters(sets=True)
weeks = ui.cached(volume.volume_by_week, flt)
hard = ui.cached(volume.hard_sets_by_muscle, flt)
by_exercise = ui.cached(volume.volume_by_exercise, flt)
sides = ui.cached(balance.balance_summary, flt)

unit = flt.unit
trained = weeks[weeks["sets"] > 0]
cols = st.columns(3)
cols[0].metric(f"Tonnage ({unit})", f"{weeks['tonnage'].sum():,.0f}",
               help="Sum of load × reps over all working sets in the period.")
cols[1].metric("Working sets / week", f"{weeks['sets'].mean():.1f}",
               help="Average over every week of the period, empty weeks included.")
cols[2].metric("Weeks trained", f"{len(trained)} of {len(weeks)}")

# Only the open tab is drawn (on_change="rerun" makes the tabs lazy): with all five charts
# on one page, every period or unit switch redrew five charts, and the browser's drawing
# alone took most of the 500 ms a click may take. The data is read above for every tab,
# so a tab switch only draws.
per_week, sides_tab, per_exercise = st.tabs(
    ["Per week", "Balance", "Per exercise"], key="volume-view", on_change="rerun")
with per_week:
    if per_week.open:
        ui.plot(
            ui.figure(charts.weekly_tonnage, weeks),
            key="chart-tonnage", file_name="backline-weekly-tonnage",
            empty="No loaded sets in this period: bodyweight and timed sets have no "
            "tonnage (set your bodyweight to count bodyweight reps).",
        )
        ui.plot(
            ui.figure(charts.hard_sets_stacked, hard),
            key="chart-hard-sets", file_name="backline-hard-sets",
            empty="No sets of catalog exercises in this period, so no muscle can be "
            "credited. Map your exercise names on the Import page.",
        )
        st.subheader("Weekly totals")
        ui.table(
            weeks.drop(columns=["unit"]), key="volume-weeks",
            column_config={
                "week_start": st.column_config.DateColumn("Week of"),
                "sessions": "Sessions", "sets": "Working sets", "reps": "Reps",
                "tonnage": st.column_config.NumberColumn(f"Tonnage ({unit})", format="%.0f"),
                "bodyweight_reps": "Bodyweight reps",
                "hold_seconds": st.column_config.NumberColumn("Hold (s)", format="%.0f"),
            },
        )
with sides_tab:
    if sides_tab.open:
        ui.plot(
            ui.figure(charts.muscle_balance, hard),
            key="chart-balance", file_name="backline-muscle-balance",
            empty="No posterior-chain work in this period yet.",
        )
        st.subheader("Back side vs front side")
        st.write(sides["reading"])
        st.caption("Back side: erector spinae, lats, rhomboids / mid-traps, posterior delts, "
                   "glutes, hamstrings, calves. Front side: chest, front delts, quads, hip "
                   "flexors. Hinge: hinges, swings, bridges and thrusts; knee-dominant: "
                   "squats, lunges, leg extensions.")
        ui.plot(
            ui.figure(charts.back_front_balance, sides["weekly"]), key="chart-back-front",
            file_name="backline-back-front-balance",
            empty="No hard sets on catalogued exercises in this period.",
        )
with per_exercise:
    if per_exercise.open:
        ui.plot(ui.figure(charts.exercise_volume, by_exercise), key="chart-exercises",
                file_name="backline-sets-per-exercise",
                empty="No working sets per exercise to show.")

left, right = st.columns(2)
with left:
    ui.download_csv(weeks, "backline-weekly-volume.csv", label="Weekly totals (CSV)",
                    key="dl-weeks")
with right:
    ui.download_csv(hard, "backline-hard-sets-per-muscle.csv",
                    label="Hard sets per muscle (CSV)", key="dl-hard")
