"""Assisted and weighted bodyweight lifts (issue 10, fault 5), from the file to the trend.

In ``Pull Up (Assisted)`` the number logged is the machine's help: a 77 kg assisted
pull-up is not a 102 kg e1RM, and less help is progress. For a weighted pull-up or dip the
load is the weight added plus the body weight, when that is known.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from analytics.catalog import load_catalog, set_user_alias
from analytics.filters import Filters
from analytics.ingest import import_file
from analytics.ingest.names import is_assisted
from analytics.store import Store
from analytics.strength import assisted_progress, session_bests, trends, whole_body_lifts
from tests.ingest_helpers import template_csv

ASSISTED = template_csv([
    "2025-03-03 07:00,Pull Up (Assisted),1,40,kg,8,,,,,A",
    "2025-03-03 07:00,Pull Up (Assisted),2,45,kg,8,,,,,A",
    "2025-03-10 07:00,Pull Up (Assisted),1,35,kg,8,,,,,A",
    "2025-03-17 07:00,Pull Up (Assisted),1,30,kg,8,,,,,A",
    "2025-03-17 07:00,Hip Thrust (Barbell),1,100,kg,8,,,,,A",
])


EXPORTS = Path(__file__).resolve().parent / "data" / "exports"


def _store(data: bytes, bodyweight: float | None = None,
           unit: str | None = None) -> tuple[Store, Filters]:
    store = Store(":memory:")
    import_file(store, data, athlete="me", file_name="log.csv", unit=unit)
    athlete_id = store.athlete_id("me")
    if bodyweight is not None:
        store.update_athlete(athlete_id, bodyweight_kg=bodyweight)
    return store, Filters(athlete_id=athlete_id)


def test_assistance_is_stored_as_assistance_not_load() -> None:
    store, _ = _store(ASSISTED)
    rows = store.query_df("SELECT weight_kg, assistance_kg FROM sets "
                          "WHERE exercise_raw = 'Pull Up (Assisted)' ORDER BY performed_at")
    assert rows["weight_kg"].isna().all()
    assert rows["assistance_kg"].tolist() == [40.0, 45.0, 35.0, 30.0]


def test_without_body_weight_assistance_gives_no_e1rm() -> None:
    store, flt = _store(ASSISTED)
    with store.cursor() as cur:
        bests = session_bests(cur, flt)
    assert set(bests["exercise_id"]) == {"hip-thrust"}  # no 102 kg "pull-up"


def test_less_assistance_reads_as_progress() -> None:
    store, flt = _store(ASSISTED)
    with store.cursor() as cur:
        progress = assisted_progress(cur, flt)
    row = progress.set_index("lift").loc["assisted-pull-up"]
    assert (row.sessions, row.first, row.last, row.least, row.change) == (3, 40.0, 30.0,
                                                                          30.0, -10.0)
    assert row.trend_per_week == pytest.approx(-5.0)  # 5 kg less help every week
    assert row.exercise == "Assisted Pull-Up"
    with store.cursor() as cur:
        pounds = assisted_progress(cur, Filters(athlete_id=flt.athlete_id, unit="lb"))
    assert pounds.loc[0, "change"] == pytest.approx(-10 / 0.45359237)


def test_with_body_weight_an_assisted_set_moves_the_rest_of_it() -> None:
    store, flt = _store(ASSISTED, bodyweight=80.0)
    with store.cursor() as cur:
        bests = session_bests(cur, flt)
        lifts = trends(cur, flt).set_index("exercise_id")
    pull = bests[bests["exercise_id"] == "assisted-pull-up"]
    # Epley on 80 - 40 = 40 kg x 8 (the 45 kg set moved less), then 45, then 50 kg
    assert pull["e1rm"].tolist() == pytest.approx([40 * (1 + 8 / 30), 45 * (1 + 8 / 30),
                                                   50 * (1 + 8 / 30)])
    assert pull["weight"].tolist() == pytest.approx([40.0, 45.0, 50.0])
    assert lifts.loc["assisted-pull-up", "trend_all_pct"] > 0  # less help: stronger


def test_a_weighted_pull_up_adds_the_body_weight_when_known() -> None:
    data = template_csv(["2025-03-03 07:00,Pull Up (Weighted),1,10,kg,5,,,,,A"])
    store, flt = _store(data)
    with store.cursor() as cur:
        assert session_bests(cur, flt)["e1rm"].tolist() == pytest.approx([10 * (1 + 5 / 30)])
    store, flt = _store(data, bodyweight=80.0)
    with store.cursor() as cur:
        assert session_bests(cur, flt)["e1rm"].tolist() == pytest.approx([90 * (1 + 5 / 30)])


def test_the_body_weight_of_a_session_is_kept() -> None:
    """StrongLifts logs the body weight of each workout: it is stored with the session."""
    store = Store(":memory:")
    import_file(store, EXPORTS / "stronglifts.csv", athlete="me")
    weights = store.query_df(
        "SELECT DISTINCT s.performed_at, d.bodyweight_kg FROM sets s "
        "LEFT JOIN session_details d USING (athlete_id, session_id) ORDER BY 1"
    )["bodyweight_kg"].tolist()
    assert weights[:2] == [91.0, 91.5] and math.isnan(weights[2])


def test_fitbod_negative_weights_are_assistance() -> None:
    data = (b"Date,Exercise,Sets,Reps,Weight,isWarmup,Note\n"
            b"2019-02-13,Chin Up,1,8,-18,,\n2019-02-20,Chin Up,1,8,-14,,\n"
            b"2019-02-27,Chin Up,1,8,-9,,\n")
    store, flt = _store(data, unit="kg")  # the older Fitbod form does not say kg or lb
    with store.cursor() as cur:
        progress = assisted_progress(cur, flt)
    assert progress.loc[0, ["first", "last", "change"]].tolist() == [18.0, 9.0, -9.0]


def test_the_whole_body_lifts_come_from_the_catalog() -> None:
    assert {"pull-up", "chin-up", "chest-dip", "triceps-dip"} <= set(whole_body_lifts())
    assert "glute-bridge" not in whole_body_lifts()  # a bodyweight lift, but not all of it


def test_a_session_body_weight_beats_the_athletes() -> None:
    data = template_csv(["2025-03-03 07:00,Pull Up (Weighted),1,10,kg,5,,,,,A"])
    store, flt = _store(data, bodyweight=80.0)
    session = store.query_one("SELECT session_id FROM sets")
    with store.transaction() as cur:  # as an export that logs it would store it
        cur.execute("INSERT INTO session_details VALUES (?, ?, NULL, 70.0, 1)",
                    [flt.athlete_id, session])
    with store.cursor() as cur:
        assert session_bests(cur, flt)["e1rm"].tolist() == pytest.approx([80 * (1 + 5 / 30)])


def test_the_name_rule_agrees_with_the_catalog_on_every_assisted_name() -> None:
    """For a name the catalog does not know, the import reads assistance from the name;
    the rule must read the catalog's own assisted names as assisted, and a band on a lift
    that is not a pull-up, chin-up or dip as load."""
    entries = load_catalog()
    for entry in entries[entries["assisted"]].itertuples():
        assert all(is_assisted(alias) for alias in [entry.name, *entry.aliases]), entry.id
    assert not is_assisted("Romanian Deadlift (Band)")
    assert not is_assisted("Lat Pulldown (Band)")
    assert is_assisted("Chin-Up (Band)") and is_assisted("Dips (Band)")


def test_a_known_name_follows_its_catalog_entry() -> None:
    data = template_csv(["2025-03-03 07:00,Assisted Pistol Squat,1,10,kg,5,,,,,A",
                         "2025-03-03 07:00,Romanian Deadlift (Band),1,20,kg,10,,,,,A"])
    store, _ = _store(data)
    rows = store.query_df("SELECT exercise_raw, weight_kg, assistance_kg FROM sets "
                          "ORDER BY exercise_raw")
    assert rows["weight_kg"].tolist() == [10.0, 20.0]  # the catalog: not assisted lifts
    assert rows["assistance_kg"].isna().all()


def test_a_name_mapped_by_the_user_to_an_assisted_lift_is_assisted() -> None:
    store = Store(":memory:")
    data = template_csv(["2025-03-03 07:00,Lat Machine Help,1,30,kg,8,,,,,A"])
    import_file(store, template_csv(["2025-03-01 07:00,Hip Thrust,1,100,kg,8,,,,,A"]),
                athlete="me", file_name="first.csv")
    set_user_alias(store, "Lat Machine Help", "assisted-pull-up")
    import_file(store, data, athlete="me", file_name="log.csv")
    row = store.query_df("SELECT weight_kg, assistance_kg FROM sets "
                         "WHERE exercise_raw = 'Lat Machine Help'").iloc[0]
    assert math.isnan(row.weight_kg) and row.assistance_kg == 30.0


def test_the_report_and_the_strength_page_show_assistance_going_down(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    from analytics.report import build_report, render_text
    from tests.conftest import APP

    db = tmp_path / "app.duckdb"
    with Store(db) as store:
        store.set_setting("sample_deleted", "1")
        import_file(store, ASSISTED, athlete="me", file_name="log.csv")
        flt = Filters(athlete_id=store.athlete_id("me"))
        report = build_report(store.cursor(), flt)
    (lift,) = report.as_json()["assisted"]
    assert (lift["exercise"], lift["first"], lift["last"], lift["trend_per_week"]) == (
        "Assisted Pull-Up", 40.0, 30.0, -5.0)
    assert "Assisted Pull-Up" in render_text(report) and "40.0 ->   30.0 kg" in render_text(
        report)
    monkeypatch.setenv("BACKLINE_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page("pages/strength.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Assisted lifts" in [h.value for h in at.subheader]
    shown = next(frame.value for frame in at.dataframe if "trend_per_week" in frame.value)
    assert shown["exercise"].tolist() == ["Assisted Pull-Up"]
    assert shown["trend_per_week"].tolist() == [pytest.approx(-5.0)]
