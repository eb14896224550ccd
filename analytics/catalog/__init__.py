"""The exercise catalog: which exercise a logged name means and which muscles it trains.

The catalog is data (``exercises.csv`` next to this file, one row per exercise; its columns
and the source of every fact are described in ``README.md`` beside it) so a coach can add
an exercise or an alias without touching code. How a logged name finds its exercise, and
when Backline suggests one, is in :mod:`analytics.catalog.matching`.

Unmapped names (``exercise_id`` NULL) are listed, never dropped: they keep their tonnage
and set counts and their own e1RM trend (:data:`LIFT_KEY_SQL`), but no muscle credit.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import CatalogError
from .matching import (
    EQUIPMENT_WORDS,
    MATCHING_RULES,
    Index,
    Label,
    normalise_name,
    resolve_with,
    tokens,
)

if TYPE_CHECKING:
    import duckdb

    from analytics.store import Store

__all__ = [
    "ANTERIOR", "EQUIPMENT_WORDS", "MUSCLES", "MUSCLE_LABELS", "POSTERIOR_CHAIN", "LIFT_KEY_SQL",
    "exercise_name", "fingerprint", "is_unmapped_key", "load_catalog", "muscle_label",
    "muscle_weights", "normalise_name", "register", "resolve_many", "set_user_alias",
    "set_user_aliases", "suggest", "tokens", "unmapped", "unmapped_count",
]

MUSCLES: tuple[str, ...] = (
    "erector_spinae",
    "lats",
    "rhomboids_mid_traps",
    "posterior_delts",
    "glutes",
    "hamstrings",
    "calves",
    "chest",
    "front_delts",
    "side_delts",
    "biceps",
    "triceps",
    "forearms",
    "quads",
    "adductors",
    "abductors",
    "core",
    "hip_flexors",
)
"""Every muscle (group) the catalog may name: the posterior chain first, then the rest."""

POSTERIOR_CHAIN: tuple[str, ...] = MUSCLES[:7]
"""The back side of the body the programmes are built to grow; milestone evidence and the
balance read report these."""

ANTERIOR: tuple[str, ...] = ("chest", "front_delts", "quads", "hip_flexors")
"""The front-side groups that dominate most logs ("anterior dominance"); see
:mod:`analytics.balance`."""

MUSCLE_LABELS: dict[str, str] = {
    "erector_spinae": "Erector spinae",
    "lats": "Lats",
    "rhomboids_mid_traps": "Rhomboids / mid-traps",
    "posterior_delts": "Posterior delts",
    "glutes": "Glutes",
    "hamstrings": "Hamstrings",
    "calves": "Calves",
    "chest": "Chest",
    "front_delts": "Front delts",
    "side_delts": "Side delts",
    "biceps": "Biceps",
    "triceps": "Triceps",
    "forearms": "Forearms",
    "quads": "Quads",
    "adductors": "Adductors",
    "abductors": "Abductors",
    "core": "Abs / core",
    "hip_flexors": "Hip flexors",
}
"""What a person reads for each muscle id (pages, charts and reports never show raw ids)."""

PRIMARY_WEIGHT = 1.0
SECONDARY_WEIGHT = 0.5

NO_HARD_SETS_PATTERNS = frozenset({"cardio"})
"""Movement patterns whose sets are conditioning, not hard sets: the catalog names their
muscles, but they are not credited in hard sets per muscle."""

LIFT_KEY_SQL = (
    "coalesce(exercise_id, '~' || lower(regexp_replace(trim(exercise_raw), '\\s+', ' ', 'g')))"
)
"""SQL for the lift a set belongs to: its catalog id, or for an unmapped set ``~`` and its
name as logged, lower-cased with spaces collapsed, so "Jefferson squat" and "jefferson  Squat"
are one lift. ``~`` never starts a catalog id, so the two kinds cannot collide."""

_TRUE = {"true", "1", "yes", "y"}
_FLAGS = ("unilateral", "bodyweight", "timed", "assisted")


def muscle_label(muscle: str) -> str:
    """The human label of a muscle id (the id made readable when it is not a catalog one)."""
    return MUSCLE_LABELS.get(muscle, muscle.replace("_", " ").capitalize())


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
            "region": raw["region"].str.strip(),
            "pattern": raw["pattern"].str.strip(),
            "primary": [_split(v, ";") for v in raw["primary"]],
            "secondary": [_split(v, ";") for v in raw["secondary"]],
            **{flag: raw[flag].str.strip().str.lower().isin(_TRUE) for flag in _FLAGS},
            "aliases": [_split(v, "|") for v in raw["aliases"]],
            "muscles_source": raw["muscles_source"].str.strip(),
        }
    )
    return frame


def load_catalog() -> pd.DataFrame:
    """One row per exercise.

    Columns: ``id``, ``name``, ``region`` (body part: chest, back, shoulders, arms, legs,
    core, full body, cardio), ``pattern`` (movement pattern), ``primary`` and ``secondary``
    (lists of muscle ids), ``unilateral``, ``bodyweight``, ``timed``, ``assisted`` (bools),
    ``aliases`` (list of names the apps use), ``muscles_source`` (where the muscle facts
    come from, see the catalog README). A fresh copy each call, so callers may modify it.
    """
    return _catalog().copy(deep=True)


def muscle_weights() -> pd.DataFrame:
    """Long table ``exercise_id, muscle, weight``: 1.0 per primary, 0.5 per secondary muscle.

    The analytics join this in SQL to turn working sets into hard sets per muscle.
    Conditioning (:data:`NO_HARD_SETS_PATTERNS`) is left out.
    """
    return _muscle_weights().copy()


@functools.cache
def _muscle_weights() -> pd.DataFrame:
    rows = [
        (row.id, muscle, weight)
        for row in _catalog().itertuples(index=False)
        if row.pattern not in NO_HARD_SETS_PATTERNS
        for muscles, weight in ((row.primary, PRIMARY_WEIGHT), (row.secondary, SECONDARY_WEIGHT))
        for muscle in muscles
    ]
    return pd.DataFrame(rows, columns=["exercise_id", "muscle", "weight"])


@functools.cache
def _index() -> Index:
    return Index(
        Label(label, row.id)
        for row in _catalog().itertuples(index=False)
        for label in (row.name, *row.aliases)
    )


@functools.cache
def fingerprint() -> str:
    """A digest of the catalog file and the matching rules' version: when it changes, a
    store re-matches the names it holds (:meth:`analytics.store.Store.rematch_exercises`),
    so sets imported under an older catalog are counted like new ones."""
    data = resources.files(__package__).joinpath("exercises.csv").read_bytes()
    return hashlib.sha256(data + f"|rules {MATCHING_RULES}".encode()).hexdigest()[:16]


def resolve_many(
    names: Iterable[str], user_aliases: Mapping[str, str] | None = None
) -> dict[str, str | None]:
    """Map each distinct logged name to a catalog id, or None when it is not recognised.

    ``user_aliases`` maps *normalised* names (:func:`normalise_name`) to catalog ids and
    wins over the catalog, so a user who says "my 'Hinge' is a Romanian deadlift" is obeyed.
    """
    return resolve_with(_index(), names, user_aliases)


@functools.lru_cache(maxsize=65_536)
def suggest(name: str) -> tuple[str, float] | None:
    """The catalog exercise an unrecognised name most probably is, with a score in (0, 1],
    or None when no exercise fits precisely (rules in :mod:`analytics.catalog.matching`).

    Cached per name, and each call is a few dictionary look-ups, so the unmapped list of a
    log with thousands of unknown names is read in milliseconds.
    """
    return _index().suggest(name)


@functools.cache
def _names() -> dict[str, str]:
    catalog = _catalog()
    return dict(zip(catalog["id"], catalog["name"], strict=True))


def is_unmapped_key(lift: str) -> bool:
    """True for the lift key of an unmapped name (see :data:`LIFT_KEY_SQL`)."""
    return lift.startswith("~")


def exercise_name(exercise_id: str) -> str:
    """Display name of a catalog id or unmapped-lift key (an unknown id is returned as it is,
    so labels never go blank)."""
    if is_unmapped_key(exercise_id):
        text = exercise_id[1:]
        return text[:1].upper() + text[1:]
    return _names().get(exercise_id, exercise_id)


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Make the catalog queryable on ``con`` as ``catalog_exercises`` and ``catalog_muscles``.

    The analytics join sets to muscles in SQL; registering the small catalog frames (a few
    hundred rows, no copy) on the cursor keeps the catalog as data, not as a table the store
    would have to migrate whenever an exercise is added. ``catalog_exercises`` has ``id``,
    ``name``, ``region``, ``pattern`` and the four flags.
    """
    exercises = _catalog()[["id", "name", "region", "pattern", *_FLAGS]]
    con.complete()  # registering fails while a caller's result is still half-read
    con.register("catalog_exercises", exercises)
    con.register("catalog_muscles", _muscle_weights())


def _alias_key(name: str, exercise_id: str, known: set[str]) -> str:
    """The normalised key for a new alias, or CatalogError saying what is wrong with it."""
    if exercise_id not in known:
        raise CatalogError(f"Unknown exercise id {exercise_id!r}: it is not in the catalog.")
    key = normalise_name(name)
    if not key:
        raise CatalogError(
            f"The exercise name {name!r} has no letters or digits, so it cannot be mapped."
        )
    return key


def set_user_aliases(store: Store, choices: Mapping[str, str]) -> int:
    """Remember that each name in ``choices`` means its catalog id and re-map the sets
    already logged, all in one transaction: every alias is checked before anything is
    written, so a bad entry saves nothing (CatalogError naming the entry).

    Every stored set whose ``exercise_raw`` normalises to the same text as a chosen name
    is updated, for all athletes. Returns the number of set rows updated.
    """
    known = set(_catalog()["id"])
    keys = {_alias_key(name, exercise_id, known): exercise_id
            for name, exercise_id in choices.items()}
    if not keys:
        return 0
    return store.save_aliases(keys, lambda raw: keys.get(normalise_name(raw)))


def set_user_alias(store: Store, name: str, exercise_id: str) -> int:
    """:func:`set_user_aliases` for one name."""
    return set_user_aliases(store, {name: exercise_id})


_UNMAPPED_SQL = """
    SELECT exercise_raw, count(*) AS sets FROM sets
    WHERE athlete_id = ? AND exercise_id IS NULL GROUP BY exercise_raw
"""


def unmapped_count(con: duckdb.DuckDBPyConnection, athlete_id: int) -> int:
    """How many distinct unmapped lifts (as :func:`unmapped` groups them) the athlete has."""
    return len(_unmapped_groups(con, athlete_id))


def _unmapped_groups(con: duckdb.DuckDBPyConnection, athlete_id: int) -> pd.DataFrame:
    """Unmapped names grouped by lift key, most sets first: ``lift``, ``exercise_raw`` (the
    most-logged spelling), ``sets``, ``spellings``."""
    key = LIFT_KEY_SQL.replace("exercise_id", "NULL")
    return con.execute(
        f"""WITH names AS ({_UNMAPPED_SQL}),
        keyed AS (SELECT {key} AS lift, exercise_raw, sets FROM names)
        SELECT lift, arg_max(exercise_raw, sets) AS exercise_raw,
               CAST(sum(sets) AS BIGINT) AS sets, count(*) AS spellings
        FROM keyed GROUP BY lift ORDER BY sets DESC, exercise_raw""",
        [athlete_id],
    ).df()


def unmapped(con: duckdb.DuckDBPyConnection, athlete_id: int, *, limit: int | None = None,
             offset: int = 0) -> pd.DataFrame:
    """Logged names with no catalog id, most-logged first, each with a suggestion or none.

    Spellings that differ only in case and spacing are one row (the most-logged spelling
    shown, the sets of all of them counted). ``limit``/``offset`` page through the list
    (the Import page shows a page at a time); suggestions are computed for the rows
    returned only.

    Columns: ``exercise_raw``, ``sets``, ``suggestion_id``, ``suggestion_name``, ``score``
    (suggestion columns are missing values when nothing fits precisely).
    """
    groups = _unmapped_groups(con, athlete_id)
    stop = None if limit is None else offset + limit
    counts = groups.iloc[offset:stop][["exercise_raw", "sets"]].reset_index(drop=True)
    suggestions = [suggest(raw) for raw in counts["exercise_raw"]]
    counts["sets"] = counts["sets"].astype("int64")
    counts["suggestion_id"] = pd.array([s[0] if s else None for s in suggestions], dtype="string")
    counts["suggestion_name"] = pd.array(
        [exercise_name(s[0]) if s else None for s in suggestions], dtype="string"
    )
    counts["score"] = pd.array([s[1] if s else None for s in suggestions], dtype="Float64")
    return counts
