"""Programme: adherence to the beginner / intermediate programme, overload advice."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from analytics import charts, programs
from analytics.catalog import exercise_name

flt = ui.require_filters()
programme, how = ui.cached(programs.athlete_programme, flt)
available = programs.load_programs()

if not ui.viewer().shared:
    keys = ["auto", *available]
    labels = {"auto": "Pick automatically from the log",
              **{k: p.name for k, p in available.items()}}
    current = "auto" if how != "set" or programme is None else programme.key
    picked = st.selectbox("Programme", keys, index=keys.index(current), key="programme-pick",
                          format_func=lambda k: labels[k])
    if picked != current:
        ui.get_store().update_athlete(flt.athlete_id, program=None if picked == "auto"
                                      else picked)
        ui.clear_caches()
        st.rerun()

if programme is None:
    st.info("None of the exercises in this period belongs to a Backline programme, so there "
            "is nothing to compare with. The beginner programme is built on glute bridges, "
            "Romanian deadlifts, rows, wall sits and kettlebell swings; the intermediate one "
            "on hip thrusts, RDLs, split squats, rows and face pulls.")
    st.stop()

reason = {"set": "chosen for this athlete", "auto": "closest to what was logged"}.get(how, "")
st.markdown(f"**{ui.escape_md(programme.name)}** ({reason}): "
            f"{programme.sessions_per_week_min}-{programme.sessions_per_week_max} sessions a "
            f"week for {programme.weeks} weeks.")

plan = ui.cached(programs.weekly_programmes, flt)
if plan["programme"].nunique() > 1:
    # say which weeks were judged against which programme (the one in force then)
    runs = plan.assign(run=(plan["programme"] != plan["programme"].shift()).cumsum())
    parts = [f"{ui.escape_md(group['name'].iloc[0])} from "
             f"{pd.Timestamp(group['week_start'].iloc[0]):%d %b}"
             for _, group in runs.groupby("run", sort=True)]
    st.caption("Each week is judged against the programme in force then: "
               + ", then ".join(parts) + ".")

sessions = ui.cached(programs.session_adherence, flt)
detail = ui.cached(programs.exercise_adherence, flt)
advice = ui.cached(programs.overload_suggestions, flt)

if sessions.empty:
    st.info("No sessions in this period to compare with the programme.")
    st.stop()

cols = st.columns(3)
cols[0].metric("Sessions", f"{len(sessions)}")
cols[1].metric("Prescribed sets done", f"{sessions['adherence_pct'].mean():.0f} %",
               help="Average over the sessions in the period.")
in_range = sessions["in_range_pct"].dropna()
cols[2].metric("Sets in the rep range", f"{in_range.mean():.0f} %" if len(in_range) else "-")

st.subheader("Next session")
if advice.empty:
    st.caption("No load changes suggested: add load once every working set reaches the top "
               "of the rep range; hold the load when reps fall short two sessions running.")
else:
    for row in advice.itertuples(index=False):
        icon = ":material/trending_up:" if row.action == "add load" else ":material/pause:"
        st.markdown(f"{icon} {ui.escape_md(row.message)}")

ui.plot(ui.figure(charts.adherence_by_session, sessions), key="chart-adherence",
        file_name="backline-programme-adherence",
        empty="No sessions to compare with the programme.")
ui.plot(ui.figure(charts.exercise_adherence, detail), key="chart-exercise-adherence",
        file_name="backline-exercise-adherence", empty="No prescribed exercises logged yet.")

st.subheader("Prescription")
prescription = pd.DataFrame(
    {
        "Exercise": [exercise_name(p.exercise_id) for p in programme.exercises],
        "Sets": [p.sets for p in programme.exercises],
        "Range": [f"{p.low}-{p.high} {'s' if p.measure == 'seconds' else 'reps'}"
                  for p in programme.exercises],
    }
)
ui.table(prescription, key="prescription")
left, right = st.columns(2)
with left:
    ui.download_csv(sessions, "backline-programme-sessions.csv",
                    label="Adherence per session (CSV)", key="dl-adherence")
with right:
    ui.download_csv(detail, "backline-programme-exercises.csv",
                    label="Adherence per exercise (CSV)", key="dl-exercise-adherence")
