"""The exercise catalog: data integrity, name resolution, user aliases, unmapped names."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics import catalog
from analytics.catalog import (
    MUSCLES,
    load_catalog,
    muscle_weights,
    normalise_name,
    resolve_many,
    set_user_alias,
    suggest,
    unmapped,
    user_aliases,
)
from tests.analytics_helpers import Row, add_sets, new_store

REQUIRED_IDS = [
    "glute-bridge",
    "single-leg-glute-bridge",
    "romanian-deadlift",
    "single-leg-rdl",
    "hip-thrust",
    "kettlebell-swing",
    "bent-over-row",
    "face-pull",
    "bulgarian-split-squat",
    "reverse-lunge",
    "superman-hold",
    "wall-sit",
    "bird-dog",
    "deadlift",
    "sumo-deadlift",
    "trap-bar-deadlift",
    "stiff-leg-deadlift",
    "good-morning",
    "back-extension",
    "pull-up",
    "chin-up",
    "lat-pulldown",
    "seated-cable-row",
    "dumbbell-row",
    "t-bar-row",
    "reverse-fly",
    "standing-calf-raise",
    "seated-calf-raise",
    "nordic-curl",
    "lying-leg-curl",
    "seated-leg-curl",
    "glute-kickback",
    "cable-pull-through",
    "hip-abduction",
    "step-up",
    "squat",
    "plank",
    "side-plank",
    "dead-bug",
    "farmers-carry",
]


def test_catalog_holds_every_required_exercise_once() -> None:
    frame = load_catalog()
    assert frame["id"].is_unique
    assert set(REQUIRED_IDS) <= set(frame["id"])
    assert frame["id"].str.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*").all()


def test_every_muscle_is_known_and_every_exercise_has_a_primary() -> None:
    frame = load_catalog()
    assert all(frame["primary"].map(len) > 0)
    named = {m for muscles in pd.concat([frame["primary"], frame["secondary"]]) for m in muscles}
    assert named <= set(MUSCLES)


def test_no_alias_points_at_two_exercises() -> None:
    owners: dict[str, str] = {}
    for row in load_catalog().itertuples():
        for label in (row.name, *row.aliases):
            key = normalise_name(label)
            assert owners.setdefault(key, row.id) == row.id, f"{label!r} is ambiguous"


def test_muscle_weights_primary_one_secondary_half() -> None:
    weights = muscle_weights()
    assert list(weights.columns) == ["exercise_id", "muscle", "weight"]
    rdl = weights[weights["exercise_id"] == "romanian-deadlift"].set_index("muscle")["weight"]
    assert rdl.to_dict() == {"hamstrings": 1.0, "glutes": 1.0, "erector_spinae": 0.5}
    assert not weights.duplicated(["exercise_id", "muscle"]).any()


def test_timed_holds_are_flagged() -> None:
    frame = load_catalog().set_index("id")
    assert frame.loc["wall-sit", "timed"] and frame.loc["superman-hold", "timed"]
    assert not frame.loc["romanian-deadlift", "timed"]


def test_load_catalog_returns_a_copy() -> None:
    first = load_catalog()
    first.loc[0, "name"] = "changed"
    assert load_catalog().loc[0, "name"] != "changed"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Romanian Deadlift (Barbell)", "romanian deadlift barbell"),
        ("  Single-Leg   RDL ", "single leg rdl"),
        ("Farmer's Walk", "farmers walk"),
        ("Lat Pulldown - Wide Grip (Cable)", "lat pulldown wide grip cable"),
        ("Élévation", "elevation"),
    ],
)
def test_normalise_name(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected
    assert normalise_name(normalise_name(raw)) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Strong / Hevy names (exact aliases)
        ("Romanian Deadlift (Barbell)", "romanian-deadlift"),
        ("Romanian Deadlift (Dumbbell)", "romanian-deadlift"),
        ("RDL", "romanian-deadlift"),
        ("Hip Thrust (Barbell)", "hip-thrust"),
        ("Bent Over Row (Barbell)", "bent-over-row"),
        ("Bent Over Row (Dumbbell)", "bent-over-row"),
        ("Glute Bridge", "glute-bridge"),
        ("Single Leg Glute Bridge", "single-leg-glute-bridge"),
        ("Kettlebell Swing", "kettlebell-swing"),
        ("Face Pull (Cable)", "face-pull"),
        ("Face Pull", "face-pull"),
        ("Bulgarian Split Squat", "bulgarian-split-squat"),
        ("Reverse Lunge (Dumbbell)", "reverse-lunge"),
        ("Superman", "superman-hold"),
        ("Superman Hold", "superman-hold"),
        ("Wall Sit", "wall-sit"),
        ("Bird Dog", "bird-dog"),
        ("Single Leg Romanian Deadlift (Dumbbell)", "single-leg-rdl"),
        ("Deadlift (Barbell)", "deadlift"),
        ("Lat Pulldown (Cable)", "lat-pulldown"),
        ("Seated Row (Cable)", "seated-cable-row"),
        ("Pull Up", "pull-up"),
        ("Back Extension", "back-extension"),
        ("Good Morning (Barbell)", "good-morning"),
        ("Seated Leg Curl (Machine)", "seated-leg-curl"),
        ("Lying Leg Curl (Machine)", "lying-leg-curl"),
        ("Standing Calf Raise (Machine)", "standing-calf-raise"),
        # FitNotes names
        ("Romanian Deadlift", "romanian-deadlift"),
        ("Barbell Row", "bent-over-row"),
        ("Dumbbell Row", "dumbbell-row"),
        # normalised text: case, hyphens, spacing
        ("romanian deadlift (barbell)", "romanian-deadlift"),
        ("PULL-UP", "pull-up"),
        # equipment words dropped only as a last resort
        ("Hip Thrust (Band)", "hip-thrust"),
        # unknown stays unknown
        ("Bench Press (Barbell)", None),
        ("Split Squat", None),
    ],
)
def test_resolve_many(raw: str, expected: str | None) -> None:
    assert resolve_many([raw]) == {raw: expected}


def test_user_alias_overrides_catalog() -> None:
    overrides = {"rdl": "stiff-leg-deadlift", "hinge thing": "good-morning"}
    got = resolve_many(["RDL", "Hinge Thing", "Deadlift"], overrides)
    assert got == {
        "RDL": "stiff-leg-deadlift",
        "Hinge Thing": "good-morning",
        "Deadlift": "deadlift",
    }


def test_suggest_prefers_whole_words_and_tolerates_typos() -> None:
    assert suggest("Romanain Deadlift")[0] == "romanian-deadlift"
    assert suggest("Split Squat")[0] == "bulgarian-split-squat"
    assert suggest("Bench Press") is None
    assert suggest("") is None
    assert suggest("Hip Thrusts") == suggest("Hip Thrusts")  # deterministic


def test_set_user_alias_remaps_existing_sets_for_all_athletes() -> None:
    store, first = new_store("A")
    second = store.athlete_id("B", create=True)
    add_sets(store, first, [Row("2025-01-06 18:00", "My Hinge", 60, 8)] * 2)
    add_sets(store, second, [Row("2025-01-06 18:00", "my hinge!", 50, 8)])
    add_sets(store, second, [Row("2025-01-07 18:00", "Bench", 50, 8)])
    before = unmapped(store.cursor(), first)
    assert list(before.columns) == [
        "exercise_raw",
        "sets",
        "suggestion_id",
        "suggestion_name",
        "score",
    ]
    assert before["sets"].tolist() == [2]

    assert set_user_alias(store, "My  Hinge", "romanian-deadlift") == 3
    assert user_aliases(store.cursor()) == {"my hinge": "romanian-deadlift"}
    assert unmapped(store.cursor(), first).empty
    assert unmapped(store.cursor(), second)["exercise_raw"].tolist() == ["Bench"]
    mapped = store.query_one("SELECT count(*) FROM sets WHERE exercise_id = 'romanian-deadlift'")
    assert mapped == 3
    # re-pointing the alias replaces it
    assert set_user_alias(store, "my hinge", "good-morning") == 3
    assert user_aliases(store.cursor()) == {"my hinge": "good-morning"}


def test_set_user_alias_rejects_unknown_exercise_and_changes_nothing() -> None:
    store, athlete = new_store()
    add_sets(store, athlete, [Row("2025-01-06 18:00", "My Hinge", 60, 8)])
    with pytest.raises(ValueError, match="not in the catalog"):
        set_user_alias(store, "My Hinge", "no-such-lift")
    assert user_aliases(store.cursor()) == {}
    assert len(unmapped(store.cursor(), athlete)) == 1


def test_unmapped_suggestions() -> None:
    store, athlete = new_store()
    add_sets(store, athlete, [Row("2025-01-06 18:00", "Romanain Deadlift", 60, 8)] * 3)
    add_sets(store, athlete, [Row("2025-01-06 18:00", "Bench Press", 60, 8)])
    frame = unmapped(store.cursor(), athlete)
    assert frame["exercise_raw"].tolist() == ["Romanain Deadlift", "Bench Press"]
    assert frame.loc[0, "suggestion_id"] == "romanian-deadlift"
    assert frame.loc[0, "suggestion_name"] == "Romanian Deadlift"
    assert 0.65 <= frame.loc[0, "score"] <= 1
    assert pd.isna(frame.loc[1, "suggestion_id"])


def test_exercise_name_falls_back_to_id() -> None:
    assert catalog.exercise_name("hip-thrust") == "Hip Thrust"
    assert catalog.exercise_name("mystery") == "mystery"
