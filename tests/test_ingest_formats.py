"""Every export sample in tests/data/exports imports to its hand-checked expectation.

The samples mimic the real Strong / Hevy / FitNotes exports described in formats.md (one
per format generation) plus Backline's template and a custom sheet read through a column
mapping. Each ``<name>.csv`` has a ``<name>.expected.json`` written and checked by hand,
so a change in the importer that alters what lands in the store shows up here as a
concrete row, not as a changed count somewhere downstream. Assumptions behind the
expectations are listed in tests/data/exports/README.md.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from analytics.ingest import IngestError, import_file
from analytics.store import Store

EXPORTS = Path(__file__).resolve().parent / "data" / "exports"
SAMPLES = sorted(EXPORTS.glob("*.csv"))
FIELDS = ("set_type", "weight_kg", "reps", "rpe", "duration_s", "distance_m")
#: Checked where an expected set names them (samples of the formats that have them).
OPTIONAL_FIELDS = ("assistance_kg", "bodyweight_kg", "workout_duration_s", "workout_name",
                   "workout_notes", "exercise_notes", "notes")
FLOAT_FIELDS = {"weight_kg", "rpe", "duration_s", "distance_m", "assistance_kg",
                "bodyweight_kg", "workout_duration_s"}
#: Import arguments an expectation may give (the answers a user would).
OPTIONS = ("time_zone", "distance_unit", "date_format")
COUNTS = ("rows_read", "imported", "duplicates", "skipped", "rejected")

Key = tuple[str, str, int]


def expectation(sample: Path) -> dict[str, Any]:
    return json.loads(sample.with_name(f"{sample.stem}.expected.json").read_text("utf-8"))


def run_import(store: Store, sample: Path, expected: dict[str, Any]) -> Any:
    return import_file(
        store, sample, athlete="me", unit=expected["unit"], fmt="auto",
        mapping=expected.get("mapping"), **{k: expected[k] for k in OPTIONS if k in expected},
    )


def stored_sets(store: Store, import_id: int) -> dict[Key, dict[str, Any]]:
    """The sets one import wrote, keyed the way the expectations name them."""
    cur = store.cursor()
    try:
        # a set's session notes and body weight, and its exercise's note, are stored with
        # the session (tables session_details, exercise_notes): read them back per set
        cur.execute(
            "SELECT performed_at, exercise_raw, set_index, "
            + ", ".join(FIELDS + OPTIONAL_FIELDS) + " FROM sets s "
            "LEFT JOIN session_details USING (athlete_id, session_id) "
            "LEFT JOIN (SELECT athlete_id, session_id, exercise_key, note AS exercise_notes "
            "           FROM exercise_notes) n ON n.athlete_id = s.athlete_id "
            "  AND n.session_id = s.session_id AND n.exercise_key = lower(s.exercise_raw) "
            "WHERE s.import_id = ? ORDER BY performed_at, exercise_raw, set_index",
            [import_id],
        )
        names = [column[0] for column in cur.description]
        rows = [dict(zip(names, values, strict=True)) for values in cur.fetchall()]
    finally:
        cur.close()
    keyed: dict[Key, dict[str, Any]] = {}
    for row in rows:
        performed: datetime = row["performed_at"]
        key = (performed.strftime("%Y-%m-%d %H:%M:%S"), row["exercise_raw"], row["set_index"])
        assert key not in keyed, f"two sets share {key}"
        keyed[key] = row
    return keyed


def assert_same_set(key: Key, actual: dict[str, Any], wanted: dict[str, Any]) -> None:
    for name in FIELDS + tuple(f for f in OPTIONAL_FIELDS if f in wanted):
        got, want = actual[name], wanted[name]
        if want is None or got is None:
            assert got == want, f"{key} {name}: stored {got!r}, expected {want!r}"
        elif name in FLOAT_FIELDS:
            assert got == pytest.approx(want, abs=6e-4), f"{key} {name}: {got!r} != {want!r}"
        else:
            assert got == want, f"{key} {name}: stored {got!r}, expected {want!r}"


def test_every_sample_has_an_expectation() -> None:
    assert len(SAMPLES) >= 12
    for sample in SAMPLES:
        assert sample.with_name(f"{sample.stem}.expected.json").is_file(), sample.name


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_sample_imports_as_expected_and_reimport_is_idempotent(
    sample: Path, tmp_path: Path
) -> None:
    expected = expectation(sample)
    with Store(tmp_path / "store.duckdb") as store:
        first = run_import(store, sample, expected)

        assert first.format == expected["format"]
        if expected["unit"] is not None:
            assert first.unit == expected["unit"]
        assert {name: getattr(first, name) for name in COUNTS} == {
            name: expected[name] for name in COUNTS
        }
        assert first.athlete == "me"
        assert first.import_id is not None
        if "variant" in expected:
            assert first.variant == expected["variant"]
        if "columns_not_read" in expected:
            assert first.columns_not_read == expected["columns_not_read"]

        stored = stored_sets(store, first.import_id)
        assert len(stored) == expected["imported"]
        for wanted in expected["sets"]:
            key = (wanted["performed_at"], wanted["exercise_raw"], wanted["set_index"])
            assert key in stored, f"no stored set {key}; stored: {sorted(stored)}"
            assert_same_set(key, stored[key], wanted)
        rejects = store.query_df(
            "SELECT line FROM rejected_rows WHERE import_id = ? ORDER BY line",
            [first.import_id],
        )
        assert rejects["line"].tolist() == expected["rejected_lines"]

        again = run_import(store, sample, expected)
        assert again.rows_read == first.rows_read
        assert again.imported == 0
        assert again.duplicates == first.imported
        assert again.skipped + again.rejected == first.skipped + first.rejected
        total = store.query_one("SELECT count(*) FROM sets")
        assert total == first.imported


NEEDS_CALLER = [s for s in SAMPLES if expectation(s)["unit"] or expectation(s).get("mapping")]


@pytest.mark.parametrize("sample", NEEDS_CALLER, ids=[s.stem for s in NEEDS_CALLER])
def test_sample_refused_without_the_unit_or_mapping_it_needs(
    sample: Path, tmp_path: Path
) -> None:
    """Files that do not say kg/lb (or are not a known format) must not be guessed at."""
    with Store(tmp_path / "store.duckdb") as store:
        with pytest.raises(IngestError):
            import_file(store, sample, athlete="new athlete")
        assert store.query_one("SELECT count(*) FROM sets") == 0
