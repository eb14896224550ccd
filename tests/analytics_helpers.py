"""Hand-written set rows straight into an in-memory store, for the analytics tests.

The analytics are tested on logs small enough to compute by hand, so the rows are written
directly in the canonical shape instead of going through CSV import (tested on its own).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from analytics.catalog import resolve_many
from analytics.store import Store


@dataclass(frozen=True)
class Row:
    """One logged set. ``when`` is a ``datetime`` or an ISO string ("2025-01-06 18:00")."""

    when: datetime | str
    exercise: str
    weight_kg: float | None = None
    reps: int | None = None
    set_type: str = "working"
    rpe: float | None = None
    duration_s: float | None = None
    session: str | None = None
    workout: str = "Workout"


def new_store(
    name: str = "Test athlete",
    *,
    program: str | None = None,
    program_start: date | None = None,
    bodyweight_kg: float | None = None,
) -> tuple[Store, int]:
    """An empty in-memory store holding one athlete; returns (store, athlete_id)."""
    store = Store(":memory:")
    athlete_id = store.athlete_id(name, create=True)
    fields = {
        key: value
        for key, value in {
            "program": program,
            "program_start": program_start,
            "bodyweight_kg": bodyweight_kg,
        }.items()
        if value is not None
    }
    store.update_athlete(athlete_id, **fields)
    return store, athlete_id


def add_sets(store: Store, athlete_id: int, rows: Iterable[Row]) -> int:
    """Insert rows as canonical sets; the catalog id is resolved from ``exercise``.

    A session is the timestamp unless ``session`` is given, so rows logged at the same
    time form one session; ``set_index`` counts up per session and exercise.
    """
    rows = list(rows)
    if not rows:
        return 0
    ids = resolve_many(row.exercise for row in rows)
    counters: dict[tuple[str, str], int] = {}
    values = []
    for row in rows:
        when = datetime.fromisoformat(row.when) if isinstance(row.when, str) else row.when
        session = row.session or f"{athlete_id}-{when.isoformat()}"
        index = counters.get((session, row.exercise), 0) + 1
        counters[(session, row.exercise)] = index
        values.append(
            [
                athlete_id,
                when,
                session,
                row.workout,
                row.exercise,
                ids[row.exercise],
                index,
                row.set_type,
                row.weight_kg,
                row.reps,
                row.rpe,
                row.duration_s,
            ]
        )
    with store.transaction() as cur:
        cur.executemany(
            "INSERT INTO sets (athlete_id, performed_at, session_id, workout_name, "
            "exercise_raw, exercise_id, set_index, set_type, weight_kg, reps, rpe, "
            "duration_s, source_format, import_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'test', 0)",
            values,
        )
    return len(values)


def sets_of(
    when: str, exercise: str, weight_kg: float | None, reps_list: Iterable[int], **kw: Any
) -> list[Row]:
    """Several identical-load sets of one exercise at one time (one per reps value)."""
    return [Row(when, exercise, weight_kg, reps, **kw) for reps in reps_list]
