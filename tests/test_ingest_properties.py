"""Properties of the import that must hold for any file (hypothesis-generated).

The files are Backline-template or classic-Strong CSVs written with Python's csv module,
with what real and damaged exports hold: quoted names with commas and quotes, notes with
line breaks, blank lines, all-empty rows, Rest Timer rows, warm-ups, and bad cells (text
weights, unknown units, fractional reps, impossible dates, unknown set types...).

* Every record is accounted for: imported + duplicates + skipped + rejected == rows_read,
  rows_read is the number of non-blank records, and every reject points at the line its
  record starts on (its stored text is that line).
* Importing the same file again changes nothing.
* Importing several exports of one log (each a set of whole sessions, as successive
  exports of a growing log are) gives the same sets whatever the order of the files.

The importer writes big files in batches of numbering groups; the batch size is drawn
too (down to 2 rows), so these small files also run through many batches.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import analytics.ingest.pipeline as pipeline
from analytics.ingest import import_file
from analytics.store import Store
from tests.ingest_helpers import snapshot

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

TEMPLATE = ("date", "exercise", "set", "weight", "unit", "reps", "rpe", "set_type",
            "duration_s", "notes", "workout")
STRONG = ("Date", "Workout Name", "Duration", "Exercise Name", "Set Order", "Weight", "Reps",
          "Distance", "Seconds", "Notes", "Workout Notes", "RPE")

EXERCISES = ["Romanian Deadlift (Barbell)", "Hip Thrust, banded", 'Row "Pendlay"',
             "Soulevé de terre", " Back Extension ", "Kettlebell Swing", "kettlebell swing"]
WORKOUTS = ["A", "B", "Posterior, chain", 'Day "2"']
NOTES = ["", "", "", "felt good", "grip, then back", 'said "easy"', "line one\nline two",
         "=1+1"]
GOOD_WEIGHTS = ["60", "62.5", "100", "0", "", "135.5"]
BAD_WEIGHTS = ["heavy", "-5", "5000", "1e999"]
GOOD_REPS = ["5", "8", "10", "12"]
BAD_REPS = ["x", "8.5", "-1", "", "0"]


@dataclass(frozen=True)
class Session:
    when: str  # a date-time text as the app writes it, or a broken one
    workout: str
    rows: tuple[dict[str, str], ...]


def _cell(draw: Any, good: list[str], bad: list[str]) -> str:
    return draw(st.sampled_from(bad)) if draw(st.integers(0, 9)) == 0 else draw(
        st.sampled_from(good))


@st.composite
def sessions(draw: Any, index: int) -> Session:
    day = 1 + index * 2
    when = f"2024-03-{day:02d} {draw(st.sampled_from(['07:00', '18:30']))}"
    if draw(st.integers(0, 14)) == 0:
        when = draw(st.sampled_from(["2024-02-30 07:00", "someday", "2099-01-01 07:00"]))
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.integers(0, 19))
        row = {
            "exercise": draw(st.sampled_from(EXERCISES)),
            "weight": _cell(draw, GOOD_WEIGHTS, BAD_WEIGHTS),
            "unit": _cell(draw, ["kg", "kg", "lb", "KG"], ["stone", ""]),
            "reps": _cell(draw, GOOD_REPS, BAD_REPS),
            "rpe": _cell(draw, ["", "", "8", "9.5"], ["11", "hard"]),
            "set_type": _cell(draw, ["", "", "W", "D", "failure"], ["superset"]),
            "notes": draw(st.sampled_from(NOTES)),
            "kind": "empty" if kind == 0 else "rest" if kind == 1 else "set",
        }
        rows.append(row)
    return Session(when, draw(st.sampled_from(WORKOUTS)), tuple(rows))


@st.composite
def logs(draw: Any) -> tuple[Session, ...]:
    count = draw(st.integers(1, 5))
    return tuple(draw(sessions(i)) for i in range(count))


def render(log: tuple[Session, ...], fmt: str, draw: Any) -> tuple[bytes, int]:
    """The CSV bytes of ``log`` in ``fmt`` and the number of non-blank records in them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(TEMPLATE if fmt == "template" else STRONG)
    records = 0
    for session in log:
        for number, row in enumerate(session.rows, start=1):
            if draw(st.integers(0, 9)) == 0:
                out.write("\n")  # a blank line: not a record
            if row["kind"] == "empty":
                writer.writerow([""] * (len(TEMPLATE) if fmt == "template" else len(STRONG)))
            elif fmt == "template":
                writer.writerow([session.when, row["exercise"], number, row["weight"],
                                 row["unit"], row["reps"], row["rpe"],
                                 "W" if row["kind"] == "rest" else row["set_type"], "",
                                 row["notes"], session.workout])
            else:
                order = {"rest": "Rest Timer", "set": str(number)}[row["kind"]]
                if row["set_type"] in ("W", "D"):
                    order = row["set_type"]
                writer.writerow([session.when.replace("07:00", "07:00:00"), session.workout,
                                 "45min", row["exercise"], order, row["weight"], row["reps"],
                                 "0", "0", row["notes"], "", row["rpe"]])
            records += 1
    return out.getvalue().encode("utf-8"), records


def _check_accounting(store: Store, result: Any, data: bytes, records: int) -> None:
    counts = (result.imported, result.duplicates, result.skipped, result.rejected)
    assert sum(counts) == result.rows_read == records, (counts, result.rows_read, records)
    rejects = store.query_df(
        "SELECT line, raw FROM rejected_rows WHERE import_id = ? ORDER BY line",
        [result.import_id],
    )
    assert len(rejects) == result.rejected
    lines = data.decode("utf-8").replace("\r\n", "\n").split("\n")
    for line, raw in zip(rejects["line"], rejects["raw"], strict=True):
        assert 2 <= line <= len(lines)
        assert raw.replace("\r\n", "\n").split("\n")[0] == lines[line - 1]
    assert store.query_one(
        "SELECT count(*) FROM sets WHERE import_id = ?", [result.import_id]) == result.imported


@SETTINGS
@given(log=logs(), fmt=st.sampled_from(["template", "strong"]), data=st.data())
def test_every_record_is_accounted_for_and_reimport_changes_nothing(
    log: tuple[Session, ...], fmt: str, data: Any
) -> None:
    content, records = render(log, fmt, data.draw)
    batch_rows = data.draw(st.sampled_from([2, 5, pipeline.BATCH_ROWS]))
    with Store(":memory:") as store, patch.object(pipeline, "BATCH_ROWS", batch_rows):
        first = import_file(store, content, athlete="p", unit="kg", file_name="log.csv")
        _check_accounting(store, first, content, records)
        before = snapshot(store)
        again = import_file(store, content, athlete="p", unit="kg", file_name="log.csv")
        _check_accounting(store, again, content, records)
        assert (again.imported, again.duplicates) == (0, first.imported)
        assert (again.skipped, again.rejected) == (first.skipped, first.rejected)
        after = snapshot(store)
        assert after["sets"] == before["sets"]
        assert after["athletes"] == before["athletes"]


def _sets_without_import_ids(store: Store) -> list[tuple[Any, ...]]:
    frame = store.query_df("SELECT * EXCLUDE (import_id) FROM sets")
    return sorted(map(tuple, frame.astype(object).where(frame.notna(), None).values.tolist()),
                  key=repr)


@SETTINGS
@given(log=logs(), fmt=st.sampled_from(["template", "strong"]), data=st.data())
def test_the_order_of_the_files_does_not_change_the_store(
    log: tuple[Session, ...], fmt: str, data: Any
) -> None:
    count = data.draw(st.integers(2, 3))
    parts = []
    for _ in range(count):  # each file: some whole sessions of the log (exports overlap)
        chosen = data.draw(st.lists(st.sampled_from(range(len(log))), min_size=1,
                                    unique=True))
        parts.append(render(tuple(log[i] for i in sorted(chosen)), fmt, data.draw)[0])
    order = data.draw(st.permutations(range(count)))
    batch_rows = data.draw(st.sampled_from([2, 5, pipeline.BATCH_ROWS]))
    finals = []
    for sequence in (range(count), order):
        with Store(":memory:") as store, patch.object(pipeline, "BATCH_ROWS", batch_rows):
            for i in sequence:
                import_file(store, parts[i], athlete="p", unit="kg", file_name=f"{i}.csv")
            finals.append(_sets_without_import_ids(store))
    assert finals[0] == finals[1]
