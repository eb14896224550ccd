"""The exercise catalog: which exercise a logged name means and which muscles it trains.

The catalog is data (``exercises.csv`` next to this file) so a coach can add an exercise or
an alias without touching code. Apps name the same lift differently ("Romanian Deadlift
(Barbell)", "RDL", "Romanian Deadlift"), so names resolve in a fixed, deterministic order:

1. a user alias (stored in ``exercise_aliases``, keyed by the normalised name) — the user
   has the last word;
2. an exact catalog alias or display name;
3. the normalised text (case, punctuation, hyphens and spacing ignored);
4. the normalised text without equipment words ("dumbbell", "cable"...), only when that
   leaves exactly one catalog exercise.

Anything else stays unmapped (``exercise_id`` NULL): it is listed with a fuzzy suggestion
for the user to confirm, never dropped and never guessed silently.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    import duckdb

    from analytics.store import Store

MUSCLES: tuple[str, ...] = (
    "erector_spinae",
    "lats",
    "rhomboids_mid_traps",
    "posterior_delts",
    "glutes",
    "hamstrings",
    "calves",
    "quads",
    "core",
)
"""Every muscle the catalog may name, posterior chain first (quads/core are for accessories)."""

POSTERIOR_CHAIN: tuple[str, ...] = MUSCLES[:7]
"""The muscles the programmes are built to grow; milestone evidence reports these."""

PRIMARY_WEIGHT = 1.0
SECONDARY_WEIGHT = 0.5

# Words that say which tool moved the load, not which movement it was. Dropping them is only
# the last resolution step, and only when it leaves a single candidate.
_EQUIPMENT_WORDS = frozenset(
    {
        "barbell",
        "dumbbell",
        "dumbbells",
        "kettlebell",
        "kettlebells",
        "cable",
        "machine",
        "band",
        "banded",
        "smith",
        "bodyweight",
        "weighted",
        "plate",
        "loaded",
        "ez",
        "db",
        "bb",
        "kb",
    }
)

# Below this similarity a fuzzy suggestion is more likely to mislead than to help.
_MIN_SUGGESTION_SCORE = 0.65

_TRUE = {"true", "1", "yes", "y"}


def normalise_name(name: str) -> str:
    """Canonical text of an exercise name, used as the key for every non-exact match.

    Case-folded, accents removed, ``&`` read as "and", parentheses and other punctuation
    turned into spaces (their words are kept: "Row (Dumbbell)" and "Dumbbell Row" differ in
    order, not content), apostrophes dropped ("Farmer's" = "Farmers"), spaces collapsed.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ").replace("'", "").replace("\u2019", "")
    text = re.sub(r"[^0-9a-z]+", " ", text)
    return " ".join(text.split())


def _core_name(normalised: str) -> str:
    """A normalised name without equipment words (last-resort matching key)."""
    return " ".join(word for word in normalised.split() if word not in _EQUIPMENT_WORDS)


def _split(value: object, sep: str) -> list[str]:
    if not isinstance(value, str):
        return []
    return [part.strip() for part in value.split(sep) if part.strip()]


@functools.cache
def _catalog() -> pd.DataFrame:
    source = resources.files(__package__).joinpath("exercises.csv")
    with source.open("r", encoding="utf-8") as handle:
        raw = pd.read_csv(handle, dtype=str, keep_default_na=False)
    frame = pd.DataFrame(
        {
            "id": raw["id"].str.strip(),
            "name": raw["name"].str.strip(),
            "pattern": raw["pattern"].str.strip(),
            "primary": [_split(v, ";") for v in raw["primary"]],
            "secondary": [_split(v, ";") for v in raw["secondary"]],
            "unilateral": raw["unilateral"].str.strip().str.lower().isin(_TRUE),
            "bodyweight": raw["bodyweight"].str.strip().str.lower().isin(_TRUE),
            "timed": raw["timed"].str.strip().str.lower().isin(_TRUE),
            "aliases": [_split(v, "|") for v in raw["aliases"]],
        }
    )
    return frame


def load_catalog() -> pd.DataFrame:
    """One row per exercise.

    Columns: ``id``, ``name``, ``pattern``, ``primary`` and ``secondary`` (lists of muscle
    names), ``unilateral``, ``bodyweight``, ``timed`` (bools), ``aliases`` (list of names the
    apps use). A fresh copy each call, so callers may modify it.
    """
    return _catalog().copy(deep=True)


def muscle_weights() -> pd.DataFrame:
    """Long table ``exercise_id, muscle, weight``: 1.0 per primary, 0.5 per secondary muscle.

    The analytics join this in SQL to turn working sets into hard sets per muscle.
    """
    return _muscle_weights().copy()


@functools.cache
def _muscle_weights() -> pd.DataFrame:
    rows = [
        (row.id, muscle, weight)
        for row in _catalog().itertuples(index=False)
        for muscles, weight in ((row.primary, PRIMARY_WEIGHT), (row.secondary, SECONDARY_WEIGHT))
        for muscle in muscles
    ]
    return pd.DataFrame(rows, columns=["exercise_id", "muscle", "weight"])


@functools.cache
def _indexes() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(exact name -> id, normalised name -> id, unambiguous core name -> id)."""
    exact: dict[str, str] = {}
    normalised: dict[str, str] = {}
    core_candidates: dict[str, set[str]] = {}
    for row in _catalog().itertuples(index=False):
        for label in (row.name, *row.aliases):
            exact.setdefault(label, row.id)
            key = normalise_name(label)
            normalised.setdefault(key, row.id)
            core_candidates.setdefault(_core_name(key), set()).add(row.id)
    core = {key: next(iter(ids)) for key, ids in core_candidates.items() if key and len(ids) == 1}
    return exact, normalised, core


def resolve_many(
    names: Iterable[str], user_aliases: Mapping[str, str] | None = None
) -> dict[str, str | None]:
    """Map each distinct logged name to a catalog id, or None when it is not recognised.

    ``user_aliases`` maps *normalised* names to catalog ids and wins over the catalog, so a
    user who says "my 'Hinge' is a Romanian deadlift" is obeyed.
    """
    exact, normalised, core = _indexes()
    overrides = dict(user_aliases or {})
    resolved: dict[str, str | None] = {}
    for name in names:
        if name in resolved:
            continue
        key = normalise_name(name)
        resolved[name] = (
            overrides.get(key)
            or exact.get(name)
            or normalised.get(key)
            or core.get(_core_name(key))
        )
    return resolved


def _similarity(query: str, label: str) -> float:
    """Mean of the character similarity and a typo-tolerant word overlap (Dice).

    Character similarity alone prefers short labels ("Split Squat" -> "Squat"); the word
    overlap rewards sharing whole words ("Bulgarian Split Squat"), and counting a word as
    shared when it is 80 % similar keeps typos ("Romanain") from being punished twice.
    """
    chars = difflib.SequenceMatcher(None, query, label).ratio()
    query_words, label_words = query.split(), label.split()
    shared = sum(
        any(difflib.SequenceMatcher(None, word, other).ratio() >= 0.8 for other in label_words)
        for word in query_words
    )
    words = 2 * shared / (len(query_words) + len(label_words))
    return (chars + min(words, 1.0)) / 2


@functools.lru_cache(maxsize=4096)
def suggest(name: str) -> tuple[str, float] | None:
    """The closest catalog exercise to an unrecognised name, with a similarity in [0, 1].

    Compares the normalised name with every normalised catalog name and alias and returns
    the best, or None when nothing is at least 0.65 similar. Cached: the unmapped list is
    re-read on every dashboard run and the same few names come back each time.
    """
    key = normalise_name(name)
    if not key:
        return None
    _, normalised, _ = _indexes()
    best_id: str | None = None
    best_score = 0.0
    for label in sorted(normalised):
        score = _similarity(key, label)
        if score > best_score:
            best_id, best_score = normalised[label], score
    if best_id is None or best_score < _MIN_SUGGESTION_SCORE:
        return None
    return best_id, round(best_score, 3)


@functools.cache
def _names() -> dict[str, str]:
    catalog = _catalog()
    return dict(zip(catalog["id"], catalog["name"], strict=True))


def exercise_name(exercise_id: str) -> str:
    """Display name of a catalog id (the id itself if unknown, so labels never go blank)."""
    return _names().get(exercise_id, exercise_id)


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Make the catalog queryable on ``con`` as ``catalog_exercises`` and ``catalog_muscles``.

    The analytics join sets to muscles in SQL; registering the small catalog frames (a few
    dozen rows, no copy) on the cursor keeps the catalog as data, not as a table the store
    would have to migrate whenever an exercise is added.
    """
    exercises = _catalog()[["id", "name", "pattern", "unilateral", "bodyweight", "timed"]]
    con.complete()  # registering fails while a caller's result is still half-read
    con.register("catalog_exercises", exercises)
    con.register("catalog_muscles", _muscle_weights())


def user_aliases(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The aliases the user confirmed: normalised name -> catalog id."""
    rows = con.execute("SELECT alias_norm, exercise_id FROM exercise_aliases").fetchall()
    return {alias: exercise_id for alias, exercise_id in rows}


def set_user_alias(store: Store, name: str, exercise_id: str) -> int:
    """Remember that ``name`` means ``exercise_id`` and re-map the sets already logged.

    Every stored set whose ``exercise_raw`` normalises to the same text is updated, for all
    athletes, in the same transaction as the alias, so the dashboard never shows the alias
    without its effect. Returns the number of set rows updated.
    """
    if exercise_id not in set(_catalog()["id"]):
        raise ValueError(f"Unknown exercise id {exercise_id!r}: it is not in the catalog.")
    key = normalise_name(name)
    if not key:
        raise ValueError("The exercise name is empty.")
    with store.transaction() as cur:
        cur.execute(
            "INSERT INTO exercise_aliases (alias_norm, exercise_id) VALUES (?, ?) "
            "ON CONFLICT (alias_norm) DO UPDATE SET exercise_id = excluded.exercise_id",
            [key, exercise_id],
        )
        raw_names = [
            raw
            for (raw,) in cur.execute("SELECT DISTINCT exercise_raw FROM sets").fetchall()
            if normalise_name(raw) == key
        ]
        if not raw_names:
            return 0
        ((updated,),) = cur.execute(
            "UPDATE sets SET exercise_id = ? WHERE list_contains(?, exercise_raw)",
            [exercise_id, raw_names],
        ).fetchall()
    return int(updated)


def unmapped(con: duckdb.DuckDBPyConnection, athlete_id: int) -> pd.DataFrame:
    """Logged names with no catalog id, most-logged first, each with a fuzzy suggestion.

    Columns: ``exercise_raw``, ``sets``, ``suggestion_id``, ``suggestion_name``, ``score``
    (suggestion columns are missing values when nothing is close enough).
    """
    counts = con.execute(
        "SELECT exercise_raw, count(*) AS sets FROM sets "
        "WHERE athlete_id = ? AND exercise_id IS NULL "
        "GROUP BY exercise_raw ORDER BY sets DESC, exercise_raw",
        [athlete_id],
    ).df()
    suggestions = [suggest(raw) for raw in counts["exercise_raw"]]
    counts["sets"] = counts["sets"].astype("int64")
    counts["suggestion_id"] = pd.array([s[0] if s else None for s in suggestions], dtype="string")
    counts["suggestion_name"] = pd.array(
        [exercise_name(s[0]) if s else None for s in suggestions], dtype="string"
    )
    counts["score"] = pd.array([s[1] if s else None for s in suggestions], dtype="Float64")
    return counts
