"""e1RM, trends, PRs and plateaus on logs small enough to check by hand."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from analytics.filters import Filters
from analytics.strength import (
    personal_records,
    session_bests,
    set_e1rm,
    theil_sen,
    trends,
)
from tests.analytics_helpers import Row, add_sets, new_store, sets_of

RDL = "Romanian Deadlift (Barbell)"


def _one_set_e1rm(weight: float, reps: int, formula: str = "epley", rpe: float | None = None):
    store, athlete = new_store()
    add_sets(store, athlete, [Row("2025-01-06 18:00", RDL, weight, reps, rpe=rpe)])
    frame = set_e1rm(store.cursor(), Filters(athlete, formula=formula))
    return frame


# 100 kg x 5, worked by hand:
#   Epley    100 * (1 + 5/30)                      = 116.667
#   Brzycki  100 * 36 / (37 - 5) = 3600 / 32       = 112.5
#   Lombardi 100 * 5^0.10 = 100 * e^(0.160944)     = 117.462
#   Mayhew   10000 / (52.2 + 41.9 e^-0.275)
#            = 10000 / (52.2 + 31.826)             = 119.011
#   O'Conner 100 * (1 + 0.025 * 5)                 = 112.5
#   Wathan   10000 / (48.8 + 53.8 e^-0.375)
#            = 10000 / (48.8 + 36.976)             = 116.583
@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("epley", 116.667),
        ("brzycki", 112.5),
        ("lombardi", 117.462),
        ("mayhew", 119.011),
        ("oconner", 112.5),
        ("wathan", 116.583),
    ],
)
def test_each_formula_at_100kg_for_5(formula: str, expected: float) -> None:
    frame = _one_set_e1rm(100, 5, formula)
    assert frame["e1rm"].iloc[0] == pytest.approx(expected, abs=0.001)


@pytest.mark.parametrize("formula", ["epley", "brzycki", "lombardi", "mayhew", "oconner", "wathan"])
def test_a_single_is_the_load_itself(formula: str) -> None:
    assert _one_set_e1rm(140, 1, formula)["e1rm"].iloc[0] == 140


def test_rpe_adds_reps_in_reserve_from_rpe_7() -> None:
    # 5 @ RPE 8 -> 7-rep max: 100 * (1 + 7/30) = 123.333
    assert _one_set_e1rm(100, 5, rpe=8)["e1rm"].iloc[0] == pytest.approx(123.333, abs=0.001)
    # 5 @ RPE 7.5 -> 7.5 reps: 100 * (1 + 7.5/30) = 125
    assert _one_set_e1rm(100, 5, rpe=7.5)["e1rm"].iloc[0] == pytest.approx(125.0)
    # RPE 6 is too far from failure to trust: plain Epley
    assert _one_set_e1rm(100, 5, rpe=6)["e1rm"].iloc[0] == pytest.approx(116.667, abs=0.001)
    # a true single at RPE 10 stays the load; at RPE 9 it is a 2-rep max
    assert _one_set_e1rm(100, 1, rpe=10)["e1rm"].iloc[0] == 100
    assert _one_set_e1rm(100, 1, rpe=9)["e1rm"].iloc[0] == pytest.approx(106.667, abs=0.001)


def test_only_working_loaded_sets_of_up_to_ten_reps_give_an_e1rm() -> None:
    store, athlete = new_store()
    add_sets(
        store,
        athlete,
        [
            Row("2025-01-06 18:00", RDL, 60, 8, set_type="warmup"),
            Row("2025-01-06 18:00", RDL, 80, 12),  # high-rep: rep PR material only
            Row("2025-01-06 18:00", RDL, 100, 10),
            Row("2025-01-06 18:00", "Pull Up", None, 8),  # bodyweight: no e1RM
            Row("2025-01-06 18:00", "Mystery Lift", 50, 5),  # unmapped: its own lift
        ],
    )
    frame = set_e1rm(store.cursor(), Filters(athlete))
    assert frame["reps"].tolist() == [10, 5]
    assert frame["exercise_id"].tolist() == ["romanian-deadlift", "~mystery lift"]
    assert frame["e1rm"].iloc[0] == pytest.approx(100 * (1 + 10 / 30))


def test_session_best_and_lb_display() -> None:
    store, athlete = new_store()
    # 100 x 5 -> 116.667; 110 x 2 -> 117.333 (best); warm-up 120 x 1 ignored
    add_sets(
        store,
        athlete,
        [
            Row("2025-01-06 18:00", RDL, 120, 1, set_type="warmup"),
            *sets_of("2025-01-06 18:00", RDL, 100, [5, 5]),
            Row("2025-01-06 18:00", RDL, 110, 2),
        ],
    )
    kg = session_bests(store.cursor(), Filters(athlete))
    assert kg["e1rm"].tolist() == [pytest.approx(117.333, abs=0.001)]
    assert (kg["weight"].iloc[0], kg["reps"].iloc[0]) == (110, 2)
    assert kg["exercise"].iloc[0] == "Romanian Deadlift"
    lb = session_bests(store.cursor(), Filters(athlete, unit="lb"))
    # 117.333 kg / 0.45359237 = 258.676 lb
    assert lb["e1rm"].iloc[0] == pytest.approx(258.676, abs=0.001)
    assert lb["weight"].iloc[0] == pytest.approx(242.508, abs=0.001)
    assert lb["unit"].iloc[0] == "lb"


def test_theil_sen_ignores_an_outlier() -> None:
    x = np.arange(10, dtype=float)
    y = 2 * x + 1
    y[3] = 100  # a typo in the log
    fit = theil_sen(x, y)
    assert fit.slope == pytest.approx(2.0)
    assert fit.intercept == pytest.approx(1.0)
    assert fit.low <= 2.0 <= fit.high


def test_theil_sen_hand_computed_with_ci() -> None:
    # pairwise slopes of (0,0) (1,1) (2,2) (3,10): 1, 1, 10/3, 1, 9/2, 8
    # sorted 1 1 1 3.333 4.5 8 -> median (1 + 3.333) / 2 = 2.1667
    # intercept = median(0, -1.1667, -2.3333, 3.5) = -0.5833
    # Var S = 4*3*13/18 = 8.667; z*sqrt = 1.96 * 2.944 = 5.770
    # ranks round((6 - 5.77)/2) - 1 = -1 -> 0 (slope 1) and round((6 + 5.77)/2) = 6 -> 5 (8)
    fit = theil_sen(np.array([0, 1, 2, 3.0]), np.array([0, 1, 2, 10.0]))
    assert fit.slope == pytest.approx(13 / 6)
    assert fit.intercept == pytest.approx(-0.58333, abs=1e-4)
    assert (fit.low, fit.high) == (1.0, 8.0)


def test_theil_sen_ci_brackets_a_noisy_slope() -> None:
    # 30 points on y = x with noise (sd 3): the 95 % CI holds the true slope, excludes 0
    x = np.arange(30, dtype=float)
    y = x + np.random.default_rng(1).normal(0, 3, 30)
    fit = theil_sen(x, y)
    assert fit.slope == pytest.approx(1.0, abs=0.2)
    assert 0 < fit.low < fit.slope < fit.high
    assert fit.low < 1 < fit.high
    # with the noise quartered the CI tightens around the same slope
    tight = theil_sen(x, x + (y - x) / 4)
    assert tight.high - tight.low < (fit.high - fit.low) / 2


def test_theil_sen_degenerate() -> None:
    assert all(math.isnan(v) for v in theil_sen(np.array([1.0]), np.array([2.0])))
    assert all(math.isnan(v) for v in theil_sen(np.array([1.0, 1.0]), np.array([2.0, 3.0])))


def _weekly_singles(loads: list[float], first: date = date(2025, 1, 6)) -> list[Row]:
    """One session a week with a single at each load (a single's e1RM is its load)."""
    return [
        Row(datetime.combine(first + timedelta(weeks=k), datetime.min.time()), RDL, load, 1)
        for k, load in enumerate(loads)
    ]


def test_trend_of_steady_two_percent_a_week() -> None:
    store, athlete = new_store()
    add_sets(store, athlete, _weekly_singles([100 * 1.02**k for k in range(12)]))
    row = trends(store.cursor(), Filters(athlete)).iloc[0]
    assert row["trend_all_pct"] == pytest.approx(2.0)
    assert row["trend_8w_pct"] == pytest.approx(2.0)
    assert row["sessions"] == 12 and row["sessions_8w"] == 8
    assert row["trend_8w_low"] == pytest.approx(2.0) and row["trend_8w_high"] == pytest.approx(2.0)
    assert row["best_e1rm"] == pytest.approx(100 * 1.02**11)
    assert row["last_pr_date"].date() == date(2025, 1, 6) + timedelta(weeks=11)
    assert row["weeks_since_pr"] == 0
    assert not row["plateau"]


def test_plateau_when_no_one_percent_pr_for_four_weeks_and_flat_trend() -> None:
    # weeks 0-2: 100, 102, 104 (each >= 1 % above the best before: PRs, last on day 14)
    # weeks 3-9: around 104; 104.5 beats 104 by only 0.48 % -> not a meaningful PR
    # last day = day 63; 63 - 14 = 49 days >= 28; 8-week window = days 8..63 (8 sessions)
    loads = [100, 102, 104, 104, 103, 104.5, 103.5, 104, 104.2, 103.8]
    store, athlete = new_store()
    add_sets(store, athlete, _weekly_singles(loads))
    row = trends(store.cursor(), Filters(athlete)).iloc[0]
    assert row["last_pr_date"].date() == date(2025, 1, 20)
    assert row["weeks_since_pr"] == 7
    assert row["sessions_8w"] == 8
    assert row["trend_8w_low"] <= 0 <= row["trend_8w_high"]
    assert row["plateau"]
    # The same log seen on day 35 (week 5): only 3 weeks since the PR -> no plateau yet
    early = trends(store.cursor(), Filters(athlete, end=date(2025, 2, 10))).iloc[0]
    assert early["weeks_since_pr"] == 3
    assert not early["plateau"]


def test_one_session_only_has_no_trend_and_no_plateau() -> None:
    store, athlete = new_store()
    add_sets(store, athlete, sets_of("2025-01-06 18:00", RDL, 100, [5, 5, 5]))
    row = trends(store.cursor(), Filters(athlete)).iloc[0]
    assert row["sessions"] == 1
    assert math.isnan(row["trend_all_pct"]) and math.isnan(row["trend_8w_pct"])
    assert not row["plateau"]
    assert personal_records(store.cursor(), Filters(athlete)).empty


def test_no_sets_gives_empty_frames() -> None:
    store, athlete = new_store()
    assert trends(store.cursor(), Filters(athlete)).empty
    assert set_e1rm(store.cursor(), Filters(athlete)).empty


def test_a_date_range_before_any_set_gives_empty_trends() -> None:
    # The filter names explicit dates, so the period exists, but no set lies in or before it.
    store, athlete = new_store()
    add_sets(store, athlete, sets_of("2025-01-06 18:00", RDL, 100, [5, 5, 5]))
    early = Filters(athlete, start=date(2024, 1, 1), end=date(2024, 2, 1))
    assert trends(store.cursor(), early).empty


def test_personal_records_of_each_kind_against_whole_history() -> None:
    store, athlete = new_store()
    add_sets(
        store,
        athlete,
        [
            *sets_of("2025-01-06 18:00", RDL, 100, [5]),  # baseline: e1RM 116.667
            *sets_of("2025-01-09 18:00", RDL, 100, [6]),  # e1RM 120 PR, 6 reps @100 PR
            *sets_of("2025-01-13 18:00", RDL, 105, [3]),  # load PR 105 > 100; e1RM 115.5
            Row("2025-01-13 18:00", RDL, 60, 20, set_type="warmup"),  # never a PR
            *sets_of("2025-01-16 18:00", RDL, 100, [4]),  # nothing
        ],
    )
    prs = personal_records(store.cursor(), Filters(athlete))
    got = {(r.kind, r.date.date().isoformat(), round(r.previous, 3)) for r in prs.itertuples()}
    assert got == {
        ("e1rm", "2025-01-09", 116.667),
        ("reps", "2025-01-09", 5),
        ("load", "2025-01-13", 100),
    }
    assert prs["date"].iloc[0].date() == date(2025, 1, 13)  # newest first
    e1rm_pr = prs[prs["kind"] == "e1rm"].iloc[0]
    assert e1rm_pr["e1rm"] == pytest.approx(120.0)
    # a range starting after the e1RM PR shows only later PRs, still judged on all history
    later = personal_records(store.cursor(), Filters(athlete, start=date(2025, 1, 10)))
    assert later["kind"].tolist() == ["load"]
    # in lb the previous load converts, the previous rep count does not
    lb = personal_records(store.cursor(), Filters(athlete, unit="lb")).set_index("kind")
    assert lb.loc["load", "previous"] == pytest.approx(220.462, abs=0.001)
    assert lb.loc["reps", "previous"] == 5


def test_theil_sen_sampling_long_histories_agrees_with_exact() -> None:
    # 400 sessions -> 79,800 pairs, above MAX_PAIRS: sampled slope within 2 % of exact
    x = np.arange(400, dtype=float)
    y = 0.01 * x + np.random.default_rng(7).normal(0, 0.5, 400)
    exact = theil_sen(x, y, max_pairs=None)
    sampled = theil_sen(x, y)
    assert sampled == theil_sen(x, y)  # fixed seed: same answer every run
    assert sampled.slope == pytest.approx(exact.slope, rel=0.02)
    assert sampled.low == pytest.approx(exact.low, rel=0.05)
    assert sampled.high == pytest.approx(exact.high, rel=0.05)


def test_lift_sessions_count_every_session_and_those_with_an_e1rm() -> None:
    # Hip Thrust in 5 sessions: 2 with sets of 5 (an e1RM), 3 with sets of 12 (above the
    # 10-rep limit, no e1RM); a sixth session has only a warm-up of it: not a session
    from analytics.strength import lift_sessions

    store, athlete = new_store()
    rows = []
    for day, reps in (("2025-01-06", 5), ("2025-01-08", 12), ("2025-01-10", 12),
                      ("2025-01-13", 5), ("2025-01-15", 12)):
        rows.append(Row(f"{day} 18:00", "Hip Thrust (Barbell)", 100, reps))
    rows.append(Row("2025-01-17 18:00", "Hip Thrust (Barbell)", 40, 10, set_type="warmup"))
    add_sets(store, athlete, rows)
    counted = lift_sessions(store.cursor(), Filters(athlete))
    assert counted.to_dict("records") == [
        {"exercise_id": "hip-thrust", "sessions": 5, "e1rm_sessions": 2}]


def test_an_unmapped_lift_gets_its_trend_prs_and_plateau_under_its_own_name() -> None:
    store, athlete = new_store()
    # one lift logged under case and spacing variants of one name, three weekly sessions
    add_sets(store, athlete, [
        Row("2025-01-06 18:00", "Zercher  Good Morning", 60, 5),
        Row("2025-01-13 18:00", "zercher good morning", 65, 5),
        Row("2025-01-20 18:00", "Zercher Good Morning ", 70, 5),
    ])
    con = store.cursor()
    (lift,) = trends(con, Filters(athlete)).to_dict("records")
    assert lift["exercise_id"] == "~zercher good morning"
    assert lift["exercise"] == "Zercher good morning"
    assert lift["sessions"] == 3
    assert lift["best_e1rm"] == pytest.approx(70 * (1 + 5 / 30))
    assert lift["trend_all_pct"] > 0 and not lift["plateau"]
    prs = personal_records(con, Filters(athlete))
    # sessions 2 and 3 beat the best before them on e1RM and on load
    assert sorted(prs["kind"]) == ["e1rm", "e1rm", "load", "load"]
    assert set(prs["exercise"]) == {"Zercher good morning"}
    bests = session_bests(con, Filters(athlete))
    assert bests["exercise"].tolist() == ["Zercher good morning"] * 3
