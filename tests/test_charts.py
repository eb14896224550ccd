"""Chart builders: DataFrame in, plotly Figure out (or None when there is nothing to draw).

Hand-made frames pin each builder's behaviour; the last tests feed the real analytics
output of a small log through every builder, so a renamed column fails here, not on screen.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from analytics import balance, charts, frequency, milestones, programs, strength, volume
from analytics.catalog import MUSCLES, POSTERIOR_CHAIN
from analytics.filters import Filters
from tests.analytics_helpers import Row, add_sets, new_store


def _points(fig: go.Figure) -> int:
    return sum(len(trace.x) for trace in fig.data if trace.x is not None)


def _bests(values: list[float], exercise: str = "romanian-deadlift",
           name: str = "Romanian Deadlift", unit: str = "kg") -> pd.DataFrame:
    start = datetime(2025, 1, 6, 18)
    when = [start + timedelta(days=3 * i) for i in range(len(values))]
    return pd.DataFrame({
        "exercise_id": exercise, "exercise": name,
        "session_id": [f"s{i}" for i in range(len(values))],
        "performed_at": pd.to_datetime(when), "e1rm": values,
        "weight": [v / 1.3 for v in values], "reps": 9, "unit": unit,
    })


# -- label escaping --------------------------------------------------------------------------
def test_label_escapes_plotly_html() -> None:
    escaped = "&lt;a href='javascript:x'&gt;RDL&lt;/a&gt;"
    assert charts.label("<a href='javascript:x'>RDL</a>") == escaped
    assert charts.label("Row & Pull") == "Row &amp; Pull"
    assert charts.label(None) == ""
    assert charts.label(float("nan")) == ""


# -- strength --------------------------------------------------------------------------------
def test_e1rm_trend_draws_points_prs_and_trend_line() -> None:
    bests = _bests([100, 102, 101, 105, 107])
    fig = charts.e1rm_trend(bests, formula="epley")
    assert fig is not None
    names = [t.name for t in fig.data]
    assert names[0] == "Romanian Deadlift"
    assert list(fig.data[0].y) == [100, 102, 101, 105, 107]
    stars = [t for t in fig.data if t.name.endswith(" PR")]
    assert len(stars) == 1
    # running best beaten at sessions 2, 4 and 5 (the first session is the baseline)
    assert list(stars[0].y) == [102, 105, 107]
    trend = [t for t in fig.data if t.name.endswith(" trend")]
    assert len(trend) == 1 and trend[0].line.dash == "dash"
    assert trend[0].y[1] > trend[0].y[0]
    assert fig.layout.yaxis.title.text == "e1RM (kg)"
    assert "Epley" in fig.layout.title.text


def test_e1rm_trend_uses_personal_records_for_stars() -> None:
    bests = _bests([100, 102, 101])
    prs = pd.DataFrame({"kind": ["e1rm", "load"], "exercise_id": ["romanian-deadlift"] * 2,
                        "session_id": ["s2", "s1"]})
    fig = charts.e1rm_trend(bests, prs)
    stars = [t for t in fig.data if t.name.endswith(" PR")]
    assert list(stars[0].y) == [101]


def test_e1rm_trend_needs_three_sessions_for_a_trend_line() -> None:
    fig = charts.e1rm_trend(_bests([100, 110]))
    assert not [t for t in fig.data if t.name.endswith(" trend")]


def test_e1rm_trend_filters_exercises_and_labels_units() -> None:
    both = pd.concat([_bests([100, 101, 102], unit="lb"),
                      _bests([50, 51, 52], "hip-thrust", "<b>Hip</b> Thrust", unit="lb")])
    fig = charts.e1rm_trend(both, exercises=["hip-thrust"])
    assert {t.legendgroup for t in fig.data} == {"&lt;b&gt;Hip&lt;/b&gt; Thrust"}
    assert fig.layout.yaxis.title.text == "e1RM (lb)"
    assert charts.e1rm_trend(both, exercises=[]) is None


@pytest.mark.parametrize("frame", [None, pd.DataFrame(),
                                   pd.DataFrame(columns=["exercise_id", "performed_at", "e1rm"])])
def test_e1rm_trend_empty(frame) -> None:  # type: ignore[no-untyped-def]
    assert charts.e1rm_trend(frame) is None


def test_e1rm_change_sorts_and_colours() -> None:
    trends = pd.DataFrame({
        "exercise": ["A", "B", "C"], "trend_8w_pct": [1.5, np.nan, -0.5],
        "trend_all_pct": [1.0, 0.8, -0.2], "plateau": [False, True, False],
    })
    fig = charts.e1rm_change(trends)
    bar = fig.data[0]
    # B has no 8-week trend: left out, not shown with its whole-period +0.8 under the
    # "last 8 weeks" title
    assert list(bar.y) == ["C", "A"]
    assert list(bar.x) == [-0.5, 1.5]
    assert list(bar.marker.color) == [charts.BAD, charts.GOOD]
    assert fig.layout.title.text == "e1RM trend (last 8 weeks)"
    assert fig.layout.xaxis.title.text == "% per week"
    # no lift with an 8-week trend: the whole-period trends, titled so
    whole = charts.e1rm_change(trends.assign(trend_8w_pct=np.nan))
    assert list(whole.data[0].y) == ["C", "B", "A"]
    assert list(whole.data[0].x) == [-0.2, 0.8, 1.0]
    assert whole.layout.title.text == "e1RM trend (whole period)"
    # C's -0.2 bar is too short to hold its label: it goes beside the bar, not lost
    assert list(whole.data[0].textposition) == ["outside", "inside", "inside"]
    assert charts.e1rm_change(trends.assign(trend_8w_pct=np.nan, trend_all_pct=np.nan)) is None


# -- volume ------------------------------------------------------------------------------------
def _weeks(n: int = 4, unit: str = "kg") -> pd.DataFrame:
    return pd.DataFrame({
        "week_start": pd.date_range("2025-01-06", periods=n, freq="7D"),
        "sessions": [2, 3, 0, 1][:n], "sets": [20, 30, 0, 10][:n],
        "tonnage": [5000.0, 7000.0, 0.0, 2000.0][:n], "unit": unit,
    })


def test_weekly_tonnage_bars_and_sets_line() -> None:
    fig = charts.weekly_tonnage(_weeks(unit="lb"))
    assert fig.data[0].type == "bar" and list(fig.data[0].y) == [5000, 7000, 0, 2000]
    assert fig.data[1].yaxis == "y2" and list(fig.data[1].y) == [20, 30, 0, 10]
    assert fig.layout.yaxis.title.text == "tonnage (lb)"
    assert charts.weekly_tonnage(_weeks().assign(tonnage=0.0)) is None


def _hard_sets() -> pd.DataFrame:
    weeks = pd.date_range("2025-01-06", periods=2, freq="7D")
    rows = [(w, m, float(i % 3) * (n + 1)) for n, w in enumerate(weeks)
            for i, m in enumerate(MUSCLES)]
    return pd.DataFrame(rows, columns=["week_start", "muscle", "hard_sets"])


def test_hard_sets_per_muscle_is_a_grid_not_a_stack() -> None:
    # a stack added every muscle's sets up (one set counts for each muscle it trains), so
    # the axis read 200+ "hard sets / week" for 84 sets; each cell now is one muscle's
    frame = _hard_sets()
    fig = charts.hard_sets_stacked(frame)
    heat = fig.data[0]
    assert heat.type == "heatmap" and len(fig.data) == 1
    trained = [m for m in MUSCLES if frame[frame["muscle"] == m]["hard_sets"].sum() > 0]
    assert list(heat.y) == [charts.muscle_label(m) for m in trained]
    z = np.array(heat.z, dtype=float)
    for row, muscle in enumerate(trained):
        expected = frame[frame["muscle"] == muscle].sort_values("week_start")["hard_sets"]
        assert z[row].tolist() == expected.tolist()
    assert float(z.max()) == float(frame["hard_sets"].max())  # never a sum over muscles
    assert charts.hard_sets_stacked(frame.assign(hard_sets=0.0)) is None


def test_muscle_balance_averages_posterior_chain_per_week() -> None:
    frame = _hard_sets()
    fig = charts.muscle_balance(frame)
    means = frame[frame["muscle"].isin(POSTERIOR_CHAIN)].groupby("muscle")["hard_sets"].sum() / 2
    trained = [m for m in POSTERIOR_CHAIN if means.get(m, 0) > 0]
    shown = {y: x for bar in fig.data for y, x in zip(bar.y, bar.x, strict=True)}
    # an untrained muscle (a 0 row, like Calves) is left out
    assert sorted(shown) == sorted(charts.muscle_label(m) for m in trained)
    assert len(trained) < len(POSTERIOR_CHAIN)
    for muscle in trained:
        assert shown[charts.muscle_label(muscle)] == pytest.approx(round(means[muscle], 1))
    # the colours are explained: one legend entry per band position
    assert [bar.name for bar in fig.data] == ["below 6", "6-20 (the band)", "above 20"]
    assert fig.layout.showlegend
    assert all(bar.marker.color == colour for bar, colour in
               zip(fig.data, [charts.WARN, charts.GOOD, "#2d6a8f"], strict=True))


def test_exercise_volume_greys_unmapped_names() -> None:
    frame = pd.DataFrame({"exercise_id": ["romanian-deadlift", None],
                          "exercise": ["Romanian Deadlift", "My <i>hinge</i>"],
                          "sets": [12, 4]})
    fig = charts.exercise_volume(frame)
    assert list(fig.data[0].y) == ["My &lt;i&gt;hinge&lt;/i&gt;", "Romanian Deadlift"]
    assert list(fig.data[0].marker.color) == [charts.MUTED, charts.ACCENT]


# -- consistency ---------------------------------------------------------------------------
def test_session_calendar_grid_has_one_cell_per_training_day() -> None:
    days = pd.DataFrame({"date": pd.date_range("2025-01-01", "2025-01-31"), "sets": 0})
    trained = ["2025-01-01", "2025-01-06", "2025-01-09", "2025-01-31"]
    days.loc[days["date"].isin(pd.to_datetime(trained)), "sets"] = [5, 8, 8, 3]
    fig = charts.session_calendar(days)
    z = np.array(fig.data[0].z, dtype=float)
    assert z.shape[0] == 7
    assert int(np.isfinite(z).sum()) == 4  # rest days are empty cells, not zeros
    # 1 Jan 2025 is a Wednesday: row 2 of the first column
    assert z[2, 0] == 5
    assert charts.session_calendar(days.assign(sets=0)) is None


def test_sessions_per_week_colours_against_target() -> None:
    fig = charts.sessions_per_week(_weeks(), target_min=2, target_max=3)
    assert list(fig.data[0].marker.color) == [charts.GOOD, charts.GOOD, charts.WARN,
                                              charts.WARN]
    assert "target 2-3" in fig.layout.title.text


def test_rest_gaps_flags_short_rests() -> None:
    sessions = pd.DataFrame({"session_id": ["a", "b", "c"], "performed_at": pd.to_datetime(
        ["2025-01-06 18:00", "2025-01-07 18:00", "2025-01-10 18:00"])})
    short = pd.DataFrame({"session_id": ["b"], "muscles": ["glutes, hamstrings"]})
    fig = charts.rest_gaps(sessions, short)
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["enough rest"].y) == [72.0]
    red = by_name["same muscles < 48 h"]
    assert list(red.y) == [24.0] and list(red.text) == ["Glutes, Hamstrings"]
    assert charts.rest_gaps(sessions.head(1)) is None


# -- milestones and programme ----------------------------------------------------------------
def test_milestone_timeline_bars_and_now_line() -> None:
    windows = pd.DataFrame({
        "window": [1, 2, 3], "label": ["posture & back-pain relief", "strength", "muscle"],
        "first_week": [2, 6, 8], "last_week": [4, 8, 12], "weeks_met": [3, 1, 0],
        "weeks_elapsed": [3, 1, 0], "adherence_pct": [100.0, 100.0, None],
        "status": ["achieved", "on track", "not reached"],
    })
    fig = charts.milestone_timeline(windows, now_week=6.5)
    assert [t.base[0] for t in fig.data] == [1, 5, 7]
    assert [t.x[0] for t in fig.data] == [3, 3, 5]
    assert fig.data[0].marker.color == charts.GOOD
    assert "&amp;" in fig.data[0].y[0]
    # every window's status is in its axis label (a bar is too narrow for it on a phone)
    assert [t.y[0].split("<br>")[0] for t in fig.data] == [
        "Weeks 2-4: achieved, 100 %", "Weeks 6-8: on track, 100 %", "Weeks 8-12: not reached"]
    assert all(not t.text for t in fig.data)
    assert fig.layout.shapes[0].x0 == 6.5
    note = fig.layout.annotations[0]
    assert note.text == "now: week 7" and note.yref == "paper" and note.y == 1  # above bars
    assert charts.milestone_timeline(windows.iloc[0:0]) is None


def test_milestone_now_marker_sits_at_its_week_past_week_12() -> None:
    windows = pd.DataFrame({
        "window": [1], "label": ["posture"], "first_week": [2], "last_week": [4],
        "weeks_met": [3], "weeks_elapsed": [3], "adherence_pct": [100.0],
        "status": ["achieved"]})
    fig = charts.milestone_timeline(windows, now_week=15.3)  # programme week 16
    assert fig.layout.shapes[0].x0 == 15.3  # not pinned at the axis end
    assert fig.layout.xaxis.range[1] >= 15.3
    assert fig.layout.annotations[0].text == "now: week 16"


def test_adherence_charts() -> None:
    sessions = pd.DataFrame({
        "performed_at": pd.to_datetime(["2025-01-06", "2025-01-09"]),
        "sets_done": [22, 11], "sets_prescribed": [22, 22],
        "adherence_pct": [100.0, 50.0], "in_range_pct": [80.0, None],
    })
    fig = charts.adherence_by_session(sessions)
    bars = [t for t in fig.data if t.type == "bar"]
    # one legend entry per colour: the swatches explain green and red
    assert [(t.name, t.marker.color, list(t.y)) for t in bars] == [
        ("sets done: 90 %+", charts.GOOD, [100.0]), ("under 60 %", charts.BAD, [50.0])]
    assert fig.layout.barmode == "overlay"  # full-width bars, not a third of a slot each
    # every colour's bars as wide as the closest sessions allow (3 days apart here), not
    # as wide as the gaps between that colour's own sessions
    assert [t.width for t in bars] == [0.8 * 3 * 86_400_000] * 2
    far = pd.DataFrame({
        "performed_at": pd.to_datetime(["2025-01-06", "2025-01-08", "2025-02-17",
                                        "2025-02-19"]),
        "sets_done": [22, 15, 15, 22], "sets_prescribed": [22] * 4,
        "adherence_pct": [100.0, 68.0, 68.0, 100.0], "in_range_pct": [None] * 4,
    })
    widths = {t.name: t.width for t in charts.adherence_by_session(far).data}
    assert widths == {"sets done: 90 %+": 0.8 * 2 * 86_400_000, "60-89 %": 0.8 * 2 * 86_400_000}
    detail = pd.DataFrame({
        "performed_at": pd.to_datetime(["2025-01-06"] * 2 + ["2025-01-09"] * 2),
        "exercise": ["RDL", "Row"] * 2, "sets_done": [3, 4, 0, 1],
        "sets_prescribed": [3, 3, 3, 2],
    })
    heat = charts.exercise_adherence(detail)
    z = np.array(heat.data[0].z, dtype=float)
    assert z.tolist() == [[100.0, 0.0], [100.0, 50.0]]  # extra sets are capped at 100 %


# -- the real analytics output through every builder -------------------------------------------
@pytest.fixture(scope="module")
def small_log():  # type: ignore[no-untyped-def]
    store, athlete = new_store()
    rows: list[Row] = []
    start = datetime(2025, 1, 6, 18)
    for week in range(6):
        for day in (0, 3):
            when = start + timedelta(weeks=week, days=day)
            load = 60 + 2.5 * week
            rows += [Row(when, "Romanian Deadlift (Barbell)", load, 10) for _ in range(3)]
            rows += [Row(when, "Hip Thrust (Barbell)", load + 20, 10) for _ in range(3)]
            rows += [Row(when, "Bent Over Row (Barbell)", 40, 12) for _ in range(3)]
            rows += [Row(when, "Glute Bridge", None, 15) for _ in range(3)]
    add_sets(store, athlete, rows)
    yield store, Filters(athlete_id=athlete, unit="lb")
    store.close()


def test_every_builder_draws_real_analytics_output(small_log) -> None:  # type: ignore[no-untyped-def]
    store, flt = small_log
    con = store.cursor()
    windows = milestones.milestones(con, flt)
    figures = {
        "e1rm": charts.e1rm_trend(strength.session_bests(con, flt),
                                  strength.personal_records(con, flt)),
        "change": charts.e1rm_change(strength.trends(con, flt)),
        "tonnage": charts.weekly_tonnage(volume.volume_by_week(con, flt)),
        "hard": charts.hard_sets_stacked(volume.hard_sets_by_muscle(con, flt)),
        "balance": charts.muscle_balance(volume.hard_sets_by_muscle(con, flt)),
        "exercises": charts.exercise_volume(volume.volume_by_exercise(con, flt)),
        "calendar": charts.session_calendar(frequency.calendar(con, flt)),
        "weeks": charts.sessions_per_week(frequency.sessions_per_week(con, flt)),
        "rest": charts.rest_gaps(volume.volume_by_session(con, flt),
                                 frequency.short_rests(con, flt)),
        "milestones": charts.milestone_timeline(windows, now_week=5.5),
        "adherence": charts.adherence_by_session(programs.session_adherence(con, flt)),
        "exercise_adherence": charts.exercise_adherence(programs.exercise_adherence(con, flt)),
        "back_front": charts.back_front_balance(balance.balance_summary(con, flt)["weekly"]),
    }
    for name, fig in figures.items():
        assert fig is not None, name
        assert _points(fig) > 0, name
        assert fig.layout.title.text, name
        # on a 390 px phone: a title short enough to clear the toolbar, and a legend
        # below the plot (above it, a legend that wraps grows up into the title)
        assert len(fig.layout.title.text) <= 31, (name, fig.layout.title.text)
        if fig.layout.showlegend is not False and len(fig.data) > 1:
            assert fig.layout.legend.y < 0 and fig.layout.legend.yanchor == "top", name
        # plotly's default for a second axis is to copy the first one's tick positions,
        # which read 3.45, 6.91, 10.36: it must pick round numbers of its own
        for key in fig.layout.to_plotly_json():
            if key.startswith("yaxis") and fig.layout[key].overlaying:
                assert fig.layout[key].tickmode == "auto", (name, key)
    assert figures["e1rm"].layout.yaxis.title.text == "e1RM (lb)"
    assert figures["tonnage"].layout.yaxis.title.text == "tonnage (lb)"
    # week 6, in pounds: 2 sessions x 3 sets x (72.5 x 10 + 92.5 x 10 + 40 x 12) kg
    last_week_kg = 2 * 3 * (72.5 * 10 + 92.5 * 10 + 40 * 12)
    assert figures["tonnage"].data[0].y[-1] == pytest.approx(last_week_kg / 0.45359237, abs=1)


def test_every_builder_handles_an_athlete_without_sets() -> None:
    store, athlete = new_store("Nobody")
    con = store.cursor()
    flt = Filters(athlete_id=athlete)
    assert charts.e1rm_trend(strength.session_bests(con, flt)) is None
    assert charts.e1rm_change(strength.trends(con, flt)) is None
    assert charts.weekly_tonnage(volume.volume_by_week(con, flt)) is None
    assert charts.hard_sets_stacked(volume.hard_sets_by_muscle(con, flt)) is None
    assert charts.muscle_balance(volume.hard_sets_by_muscle(con, flt)) is None
    assert charts.exercise_volume(volume.volume_by_exercise(con, flt)) is None
    assert charts.session_calendar(frequency.calendar(con, flt)) is None
    assert charts.sessions_per_week(frequency.sessions_per_week(con, flt)) is None
    assert charts.rest_gaps(volume.volume_by_session(con, flt)) is None
    assert charts.adherence_by_session(programs.session_adherence(con, flt)) is None
    assert charts.exercise_adherence(programs.exercise_adherence(con, flt)) is None
    windows = milestones.milestones(con, flt)
    fig = charts.milestone_timeline(windows)
    assert fig is None or all(t.marker.color == charts.MUTED for t in fig.data)
    store.close()


def test_charts_module_does_not_import_streamlit() -> None:
    source = charts.__file__
    with open(source, encoding="utf-8") as handle:
        text = handle.read()
    assert "import streamlit" not in text


def test_back_front_balance_chart() -> None:
    weekly = pd.DataFrame({
        "week_start": pd.to_datetime(["2025-01-06", "2025-01-13"]),
        "posterior": [5.0, 7.0], "anterior": [3.0, 0.0], "back_front": [5 / 3, float("nan")],
    })
    fig = charts.back_front_balance(weekly)
    bars = [t for t in fig.data if t.type == "bar"]
    assert [t.name for t in bars] == ["Back side", "Front side"]
    assert list(bars[0].y) == [5.0, 7.0]
    (line,) = [t for t in fig.data if t.type == "scatter"]
    assert line.y[0] == 1.67 and math.isnan(line.y[1])  # no front side: no ratio drawn
    empty = weekly.assign(posterior=0.0, anterior=0.0)
    assert charts.back_front_balance(empty) is None
