"""The whole report: shape, JSON safety, agreement with the section functions, text."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from analytics.errors import BacklineError
from analytics.filters import Filters, materialised
from analytics.report import METRICS, build_report, render_text
from analytics.serialise import plain
from analytics.strength import trends
from tests.analytics_helpers import Row, add_sets, new_store, sets_of

RDL = "Romanian Deadlift (Barbell)"


def _log() -> list[Row]:
    # Week of 01-06: Mon + Thu; week of 01-13: Mon; week of 01-20: nothing; 01-27: Mon
    return [
        Row("2025-01-06 18:00", RDL, 40, 10, set_type="warmup"),
        *sets_of("2025-01-06 18:00", RDL, 100, [12, 12, 12]),  # top of 10-12: add load
        *sets_of("2025-01-06 18:00", "Glute Bridge", None, [15, 15, 15]),
        *sets_of("2025-01-09 18:00", RDL, 102.5, [10, 10, 10]),
        *sets_of("2025-01-13 18:00", RDL, 105, [8, 8]),
        *sets_of("2025-01-27 18:00", RDL, 105, [12, 12, 12]),
        *sets_of("2025-01-27 18:00", "Jefferson Squat", 10, [8]),
    ]


@pytest.fixture
def athlete_store():
    store, athlete = new_store(program="beginner", program_start=date(2025, 1, 6))
    add_sets(store, athlete, _log())
    return store, athlete


def test_report_keys_and_json(athlete_store) -> None:
    store, athlete = athlete_store
    report = build_report(store.cursor(), Filters(athlete)).as_json()
    assert list(report) == [
        "athlete", "period", "sessions", "weekly", "muscles", "balance", "exercises",
        "assisted", "frequency", "milestones", "programme", "suggestions", "unmapped",
    ]  # fmt: skip
    json.dumps(report, allow_nan=False)  # strict JSON: no NaN, dates as text
    assert report["athlete"]["name"] == "Test athlete"
    assert report["period"]["start"] == "2025-01-06" and report["period"]["end"] == "2025-01-27"
    assert report["sessions"] == 4


def test_weekly_and_muscles(athlete_store) -> None:
    store, athlete = athlete_store
    report = build_report(store.cursor(), Filters(athlete)).as_json()
    weekly = report["weekly"]
    assert [w["week_start"] for w in weekly] == [
        "2025-01-06", "2025-01-13", "2025-01-20", "2025-01-27",
    ]  # fmt: skip
    assert [w["sessions"] for w in weekly] == [2, 1, 0, 1]
    assert [w["met"] for w in weekly] == [True, False, False, False]
    # week 1: RDL 3 x 1200 + 3 x 1025 = 6675 kg (bridges are bodyweight, warm-up excluded)
    assert weekly[0]["tonnage_kg"] == 6675 and weekly[0]["hard_sets"] == 9
    assert weekly[3]["tonnage_kg"] == 3 * 105 * 12 + 10 * 8
    first = report["muscles"][0]
    # RDL 6 x 1.0 + bridge 3 x 1.0 on glutes; hamstrings 6 + 3 x 0.5
    assert (first["week_start"], first["glutes"], first["hamstrings"]) == ("2025-01-06", 9, 7.5)


def test_exercises_milestones_suggestions_unmapped(athlete_store) -> None:
    store, athlete = athlete_store
    report = build_report(store.cursor(), Filters(athlete)).as_json()
    rdl = report["exercises"]["romanian-deadlift"]
    # 12-rep sets give no e1RM, so only 01-09 and 01-13 count:
    # 102.5 x 10 -> 102.5 * (1 + 10/30) = 136.67 (best); 105 x 8 -> 105 * 1.2667 = 133
    assert rdl["best_e1rm_kg"] == 136.67 and rdl["best_e1rm"] == 136.67
    assert rdl["sessions"] == 2 and rdl["plateau"] is False
    # load PRs 102.5 (01-09) and 105 (01-13); rep PR 12 reps at 105 (01-27, was 8)
    assert sorted((pr["kind"], pr["date"]) for pr in rdl["prs"]) == [
        ("load", "2025-01-09"),
        ("load", "2025-01-13"),
        ("reps", "2025-01-27"),
    ]
    assert [m["window"] for m in report["milestones"]] == [1, 2, 3]
    assert {"weeks_elapsed", "weeks_met", "adherence_pct", "status", "evidence"} <= set(
        report["milestones"][0]
    )
    assert report["programme"]["key"] == "beginner" and report["programme"]["chosen"] == "set"
    (advice,) = [item for item in report["suggestions"] if item["kind"] == "load"]
    assert advice["exercise_id"] == "romanian-deadlift" and advice["action"] == "add load"
    assert report["unmapped"][0]["exercise_raw"] == "Jefferson Squat"
    assert "glute-bridge" not in report["exercises"]  # bodyweight only: no e1RM


def test_lb_report_keeps_kg_keys_in_kg(athlete_store) -> None:
    store, athlete = athlete_store
    report = build_report(store.cursor(), Filters(athlete, unit="lb")).as_json()
    rdl = report["exercises"]["romanian-deadlift"]
    assert rdl["best_e1rm_kg"] == 136.67
    assert rdl["best_e1rm"] == pytest.approx(301.30, abs=0.01)  # 136.667 / 0.45359237
    assert report["weekly"][0]["tonnage_kg"] == 6675
    assert report["weekly"][0]["tonnage"] == pytest.approx(14715.86, abs=0.01)  # 6675 / 0.45359237
    (load,) = [item for item in report["suggestions"] if item["kind"] == "load"]
    assert "lb" in load["message"]


def test_shared_scan_gives_the_same_numbers(athlete_store) -> None:
    store, athlete = athlete_store
    cur = store.cursor()
    flt = Filters(athlete, start=date(2025, 1, 9))
    alone = {name: metric(cur, flt) for name, metric in METRICS.items()}
    with materialised(cur, flt):
        shared = {name: metric(cur, flt) for name, metric in METRICS.items()}
        assert trends(cur, flt).equals(trends(cur, flt))
    assert json.dumps(plain(alone), sort_keys=True, default=repr) == json.dumps(
        plain(shared), sort_keys=True, default=repr)


def test_render_text(athlete_store) -> None:
    store, athlete = athlete_store
    text = render_text(build_report(store.cursor(), Filters(athlete)))
    assert "Backline report: Test athlete" in text
    assert "Sessions: 4 in 4 weeks" in text
    assert "posture & back-pain relief" in text
    assert "Romanian Deadlift" in text and "136.7 kg" in text
    assert "add 1-2.5 kg" in text
    assert "Jefferson Squat (1 sets)" in text


def test_empty_athlete() -> None:
    store, athlete = new_store()
    report = build_report(store.cursor(), Filters(athlete)).as_json()
    json.dumps(report, allow_nan=False)
    assert report["sessions"] == 0 and report["weekly"] == [] and report["exercises"] == {}
    assert [m["status"] for m in report["milestones"]] == ["not reached"] * 3
    assert "No training logged" in render_text(build_report(store.cursor(), Filters(athlete)))


def test_unknown_athlete_is_a_clear_error() -> None:
    store, _ = new_store()
    with pytest.raises(BacklineError, match="No athlete with id 999"):
        build_report(store.cursor(), Filters(999))


def test_a_half_read_result_on_the_cursor_does_not_block_the_report(athlete_store) -> None:
    store, athlete = athlete_store
    cur = store.cursor()
    cur.execute("SELECT * FROM sets").fetchone()  # the caller stops after one row
    assert build_report(cur, Filters(athlete)).sessions == 4


def test_batch_shares_results_but_hands_out_independent_copies(athlete_store) -> None:
    store, athlete = athlete_store
    cur = store.cursor()
    flt = Filters(athlete)
    alone = trends(cur, flt)
    with materialised(cur, flt):
        first = trends(cur, flt)
        first["best_e1rm"] = 0.0  # a caller scribbling on its result...
        second = trends(cur, flt)  # ...does not change what the next caller gets
    pd.testing.assert_frame_equal(second, alone)
    assert not (second["best_e1rm"] == 0).any()
    pd.testing.assert_frame_equal(trends(cur, flt), alone)  # batch over: computed afresh


def test_each_metric_runs_once_and_the_renderings_compute_nothing(athlete_store,
                                                                  monkeypatch) -> None:
    from analytics import report as report_module
    from analytics.html_report import render_html

    store, athlete = athlete_store
    calls: dict[str, int] = {}

    def counted(name, metric):  # type: ignore[no-untyped-def]
        def run(con, flt):  # type: ignore[no-untyped-def]
            calls[name] = calls.get(name, 0) + 1
            return metric(con, flt)
        return run

    monkeypatch.setattr(report_module, "METRICS", {
        name: counted(name, metric) for name, metric in METRICS.items()})
    cur = store.cursor()
    report = build_report(cur, Filters(athlete))
    assert calls == dict.fromkeys(METRICS, 1)
    cur.close()
    store.close()  # nothing below can reach the store: the renderings use the model only
    html = render_html(report)
    text = render_text(report)
    data = report.as_json()
    assert data["sessions"] == report.sessions == 4
    for card in report.headline():  # the Overview page shows these same figures
        assert card.label in html and card.value.replace("'", "&#x27;") in html
    assert "per week, median lift" in html and "Sessions: 4 in 4 weeks" in text


def test_formula_labels_come_from_one_place(athlete_store) -> None:
    from analytics.html_report import render_html

    store, athlete = athlete_store
    report = build_report(store.cursor(), Filters(athlete, formula="oconner"))
    assert "e1RM by O'Conner" in render_text(report)
    assert "O&#x27;Conner" in render_html(report)
