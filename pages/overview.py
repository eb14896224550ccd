"""Overview: headline numbers, the milestone timeline and what to change next."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from analytics import advice, charts, frequency, milestones, programs, strength
from analytics.filters import as_of, freshness

ui.ensure_app()
flt = ui.require_filters()
weeks = ui.cached(frequency.sessions_per_week, flt)

if weeks.empty or int(weeks["sessions"].sum()) == 0:
    st.info("No sessions in this period yet. Import a workout log on the Import page, or "
            "choose a longer period in the sidebar.")
    st.stop()

streaks = ui.cached(frequency.streaks, flt)
trends = ui.cached(strength.trends, flt)
windows = ui.cached(milestones.milestones, flt)
current = ui.cached(frequency.this_week, flt)
fresh = ui.cached(freshness, flt)
now = ui.cached(as_of, flt)

# -- how current the data is, then the headline numbers --------------------------------------
if fresh is not None:
    if fresh.stale:
        st.warning(f"No session logged since {fresh.last_session:%a %d %b %Y} "
                   f"({fresh.describe().split(', ', 1)[1]}). This week, the streak and the "
                   f"milestones are judged at {now:%a %d %b %Y}; import a newer export to "
                   "bring them up to date.", icon=":material/history:")
    else:
        st.caption(f"As of {now:%a %d %b %Y}: {fresh.describe()}.")
sessions_now = current.sessions if current is not None else 0
target = f"{flt.target_min}-{flt.target_max}"
strength_row = windows[windows["window"] == 2]
evidence = strength_row["evidence"].iloc[0] if len(strength_row) else {}
median_change = (evidence or {}).get("median_change_pct")

cols = st.columns(4)
cols[0].metric("Sessions", f"{int(weeks['sessions'].sum())}",
               help="Sessions with at least one working set in the period.")
cols[1].metric("Weekly streak", f"{streaks.current} wk", delta=f"best {streaks.best} wk",
               delta_color="off", delta_arrow="off",
               help=f"Consecutive weeks with at least {flt.target_min} sessions.")
cols[2].metric("This week", f"{sessions_now} of {target}",
               delta="on target" if sessions_now >= flt.target_min
               else f"{flt.target_min - sessions_now} to go",
               delta_color="normal" if sessions_now >= flt.target_min else "off",
               delta_arrow="off",
               help=f"Sessions in the week of {current.week_start:%d %b}, so far."
               if current is not None else None)
if median_change is not None:
    cols[3].metric("e1RM since weeks 1-2", f"{median_change:+.1f} %",
                   help="Median change of the best e1RM per lift, programme weeks 1-2 against "
                   "the latest two weeks.")
else:
    moving = trends.dropna(subset=["trend_all_pct"])
    cols[3].metric("e1RM trend", f"{moving['trend_all_pct'].median():+.1f} %/wk"
                   if len(moving) else "-",
                   help="Median trend across lifts with 3 or more sessions.")

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
now_week = None
if start is not None and not pd.isna(start) and now is not None:
    now_week = (now - pd.Timestamp(start).date()).days / 7
source = {"set": "set by you", "after break": "first session after a break of 3+ weeks",
          "first session": "first logged session"}.get(str(windows["start_source"].iloc[0]), "")
if start is not None and not pd.isna(start):
    st.caption(f"Programme start: {pd.Timestamp(start):%a %d %b %Y} ({source}). A window is "
               "achieved when two thirds of its weeks meet the target of "
               f"{flt.target_min}+ sessions.")
ui.plot(charts.milestone_timeline(windows, now_week=now_week), key="chart-milestones",
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
ui.table(table, key="milestone-table", column_config={
    "Adherence": st.column_config.NumberColumn("Adherence", format="%.0f %%"),
})

# -- suggestions (analytics.advice: the same list the CLI and the HTML report show) ------------
st.subheader("What to change next")
ICONS = {"stale": ":material/history:", "frequency": ":material/event:",
         "milestone": ":material/warning:", "rest": ":material/bedtime:",
         "plateau": ":material/trending_flat:",
         "add load": ":material/trending_up:", "hold load": ":material/pause:"}
tips = advice.advise(
    flt, weeks=weeks, windows=windows, lifts=trends, current=current, fresh=fresh,
    short=ui.cached(frequency.short_rests, flt),
    overload=ui.cached(programs.overload_suggestions, flt),
)
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

# -- static report (analytics.html_report): built only when the button is clicked -------------
_report_store = ui.get_store()
_slug = "".join(c if c.isalnum() else "-" for c in _report_store.athlete_name(flt.athlete_id)
                or "").strip("-").lower() or "athlete"


def _report_html() -> bytes:
    from analytics.html_report import build_html_report

    cur = _report_store.cursor()
    try:
        return build_html_report(cur, flt).encode("utf-8")
    finally:
        cur.close()


st.download_button(
    "Download report", _report_html, file_name=f"backline-report-{_slug}.html",
    mime="text/html",
    key="dl-report", on_click="ignore", icon=":material/description:",
    help="This athlete's overview, strength, volume and milestones with their charts, as "
    "one HTML file that opens offline in any browser.",
)
