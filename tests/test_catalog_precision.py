"""How often is a name Backline maps or suggests the right exercise? A labelled list.

``tests/data/exercise_names.csv`` holds real exercise names (most as found in public
exports of Strong, Hevy, FitNotes, Fitbod, Lyfta, JEFIT, Liftosaur and GymBook; the rest
typos, abbreviations and localised names), each labelled by hand with the catalog id it
means or ``none`` (no catalog exercise is that lift, or the name is ambiguous). Backline's
answer for a name is what the importer maps it to, else the suggestion the Import page
would offer. Precision = right answers / answers given; recall = right answers / names
that have a right answer. Wrong answers cost more than silence, so precision is the
target (>= 98 %).
"""

from __future__ import annotations

import csv
from pathlib import Path

from analytics.catalog import load_catalog, resolve_many, suggest

NAMES = Path(__file__).resolve().parent / "data" / "exercise_names.csv"
MIN_PRECISION = 0.98
MIN_RECALL = 0.85


def _labelled() -> list[tuple[str, str | None]]:
    with NAMES.open(encoding="utf-8", newline="") as handle:
        return [(row["name"], None if row["expected"] == "none" else row["expected"])
                for row in csv.DictReader(handle)]


def _answer(name: str, resolved: dict[str, str | None]) -> str | None:
    if resolved[name]:
        return resolved[name]
    hint = suggest(name)
    return hint[0] if hint else None


def test_labelled_list_is_big_and_names_real_ids() -> None:
    labelled = _labelled()
    assert len(labelled) >= 150
    assert len({name for name, _ in labelled}) == len(labelled)
    ids = set(load_catalog()["id"])
    assert {expected for _, expected in labelled if expected} <= ids


def test_precision_and_recall() -> None:
    labelled = _labelled()
    resolved = resolve_many(name for name, _ in labelled)
    answers = {name: _answer(name, resolved) for name, _ in labelled}
    given = [(name, expected) for name, expected in labelled if answers[name]]
    right = [(name, expected) for name, expected in given if answers[name] == expected]
    wrong = {name: (answers[name], expected) for name, expected in given
             if answers[name] != expected}
    with_answer = [name for name, expected in labelled if expected]
    precision = len(right) / len(given)
    recall = len(right) / len(with_answer)
    print(f"\nlabelled names {len(labelled)}: {len(given)} answered, {len(right)} right; "
          f"precision {precision:.1%}, recall {recall:.1%}; wrong: {wrong}")
    assert precision >= MIN_PRECISION, wrong
    assert recall >= MIN_RECALL
