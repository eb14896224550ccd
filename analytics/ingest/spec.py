"""The per-app export specs (``apps/*.toml``), loaded and checked once.

A spec says how to recognise one app's exports by their header, in each of the app's
languages, which column holds which canonical field, which words its cells use and how
its values are read. The SQL in :mod:`.normalise` is the same for every app, so supporting
a new app is writing its TOML file (``apps/README.md`` describes the keys). Unknown keys
and values are refused when the file is loaded, so a typo fails every test at once
instead of quietly reading nothing.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

from .vocab import DISTANCE_UNITS, REP_UNITS, SET_TYPE_NAMES, TIME_UNITS, WEIGHT_UNITS

#: Canonical fields a spec (or a user's column mapping) can fill.
FIELDS = (
    "date", "time", "end", "workout", "workout_duration", "workout_notes", "exercise", "set",
    "set_type", "warmup", "skipped", "weight", "unit", "reps", "rpe", "duration_s",
    "distance_m", "distance_unit", "notes", "sets", "bodyweight",
)

#: Canonical units a cell may carry (``units_in_cells``) and the field each one fills.
CELL_UNITS: dict[str, str] = {
    **dict.fromkeys(WEIGHT_UNITS, "weight"), **dict.fromkeys(DISTANCE_UNITS, "distance_m"),
    **dict.fromkeys(TIME_UNITS, "duration_s"), **dict.fromkeys(REP_UNITS, "reps"),
}

LANGUAGE_NAMES = {"en": "English", "de": "German", "fr": "French", "it": "Italian",
                  "es": "Spanish", "pt": "Portuguese", "nl": "Dutch", "ru": "Russian"}

_READ_KEYS = {"decimal_comma", "negative_weight", "weight_unit", "distance", "dates",
              "day_month", "overflow", "session", "units_in_cells", "ragged"}
_WORD_KEYS = {"rest", "note", "yes", "units", *SET_TYPE_NAMES}


class SpecError(ValueError):
    """An app spec file that does not say what it must (a bug in Backline's data)."""


@dataclass(frozen=True)
class ReadRules:
    """How values are read; see ``apps/README.md`` for each rule's meaning."""

    decimal_comma: str = "semicolon"
    negative_weight: str = "reject"
    weight_unit: str | None = None
    distance: str | None = None
    dates: tuple[str, ...] | None = None
    day_month: bool = False
    overflow: str | None = None
    session: str = "start"
    units_in_cells: bool = False
    ragged: bool = False

    def updated(self, overrides: dict[str, Any]) -> ReadRules:
        if "dates" in overrides:
            overrides = {**overrides, "dates": tuple(overrides["dates"])}
        return replace(self, **overrides)


@dataclass(frozen=True)
class Words:
    """Words a spec's cells use (lower-cased), beyond the common vocabulary."""

    set_types: dict[str, str] = field(default_factory=dict)  # word -> canonical set type
    rest: frozenset[str] = frozenset()  # a set column value: the row is not a set
    note: frozenset[str] = frozenset()  # a set column value: the row holds an exercise note
    yes: frozenset[str] = frozenset()  # "yes" in a yes/no column
    units: dict[str, str] = field(default_factory=dict)  # word in a cell -> canonical unit

    def merged(self, other: Words) -> Words:
        return Words({**self.set_types, **other.set_types}, self.rest | other.rest,
                     self.note | other.note, self.yes | other.yes,
                     {**self.units, **other.units})


@dataclass(frozen=True)
class Language:
    code: str
    columns: dict[str, tuple[str, ...]]  # field -> header names, in preference order
    words: Words
    read: dict[str, Any]


@dataclass(frozen=True)
class Variant:
    name: str
    requires: tuple[str, ...] = ()
    requires_any: tuple[str, ...] = ()
    read: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Wide:
    """Columns of one exercise in a wide (one row per workout) export; ``{n}`` numbers."""

    starts: str
    exercise: str
    weight: tuple[str, ...]
    sets: str


@dataclass(frozen=True)
class AppSpec:
    app: str
    label: str
    facts: str
    requires: tuple[str, ...]
    requires_any: tuple[str, ...]
    read: ReadRules
    header_units: dict[str, str]  # casefolded header name -> unit of its values
    variants: tuple[Variant, ...]
    languages: tuple[Language, ...]
    wide: Wide | None

    @property
    def words(self) -> Words:
        """Every language's words: an export mixes them (English names, German rest rows)."""
        merged = Words()
        for language in self.languages:
            merged = merged.merged(language.words)
        return merged


def _names(value: object, where: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
        raise SpecError(f"{where}: expected a name or a list of names, not {value!r}")
    return tuple(items)


def _check_keys(table: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = set(table) - allowed
    if unknown:
        raise SpecError(f"{where}: unknown keys {sorted(unknown)}")


def _read_rules(table: dict[str, Any], where: str) -> dict[str, Any]:
    _check_keys(table, _READ_KEYS, where)
    choices = {"decimal_comma": {"semicolon", "always", "never"},
               "negative_weight": {"reject", "assistance"}, "session": {"start", "day"},
               "weight_unit": {"kg", "lb"},
               "distance": {"by weight unit", *DISTANCE_UNITS}}
    for key, allowed in choices.items():
        if key in table and table[key] not in allowed:
            raise SpecError(f"{where}: {key} must be one of {sorted(allowed)}")
    if "overflow" in table and table["overflow"] not in FIELDS:
        raise SpecError(f"{where}: overflow names no field ({table['overflow']!r})")
    return dict(table)


def _words(table: dict[str, Any], where: str) -> Words:
    _check_keys(table, _WORD_KEYS, where)
    set_types = {word.casefold(): kind for kind in SET_TYPE_NAMES
                 for word in table.get(kind, [])}
    units = table.get("units", {})
    bad = {word: unit for word, unit in units.items() if unit not in CELL_UNITS}
    if bad:
        raise SpecError(f"{where}: unknown units {bad}")
    return Words(
        set_types=set_types,
        rest=frozenset(w.casefold() for w in table.get("rest", [])),
        note=frozenset(w.casefold() for w in table.get("note", [])),
        yes=frozenset(w.casefold() for w in table.get("yes", [])),
        units={word.casefold(): unit for word, unit in units.items()},
    )


def parse_spec(text: str, where: str) -> AppSpec:
    """One spec file's text as an :class:`AppSpec` (raises :class:`SpecError`)."""
    data = tomllib.loads(text)
    _check_keys(data, {"app", "label", "facts", "requires", "requires_any", "read",
                       "header_units", "variant", "language", "wide"}, where)
    for key in ("app", "label", "facts"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise SpecError(f"{where}: {key!r} is required")
    languages = []
    for code, table in data.get("language", {}).items():
        _check_keys(table, {"columns", "words", "read"}, f"{where} language.{code}")
        columns = {name: _names(value, f"{where} language.{code}.columns.{name}")
                   for name, value in table.get("columns", {}).items()}
        unknown = set(columns) - set(FIELDS)
        if unknown:
            raise SpecError(f"{where} language.{code}: unknown fields {sorted(unknown)}")
        languages.append(Language(
            code, columns, _words(table.get("words", {}), f"{where} language.{code}.words"),
            _read_rules(table.get("read", {}), f"{where} language.{code}.read"),
        ))
    if not languages:
        raise SpecError(f"{where}: a spec needs at least one [language.*.columns] table")
    variants = []
    for table in data.get("variant", []):
        _check_keys(table, {"name", "requires", "requires_any", "read"}, f"{where} variant")
        variants.append(Variant(
            table["name"], tuple(table.get("requires", ())),
            tuple(table.get("requires_any", ())),
            _read_rules(table.get("read", {}), f"{where} variant {table['name']}"),
        ))
    if not variants:
        raise SpecError(f"{where}: a spec needs at least one [[variant]]")
    units = data.get("header_units", {})
    bad = {name: unit for name, unit in units.items() if not isinstance(unit, str)
           or (unit not in WEIGHT_UNITS and unit not in DISTANCE_UNITS)}
    if bad:
        raise SpecError(f"{where}: header_units {bad} are not weight or distance units")
    wide = None
    if "wide" in data:
        table = data["wide"]
        _check_keys(table, {"starts", "exercise", "weight", "sets"}, f"{where} wide")
        wide = Wide(table["starts"], table["exercise"], _names(table["weight"], where),
                    table["sets"])
    return AppSpec(
        app=data["app"], label=data["label"], facts=data["facts"],
        requires=tuple(data.get("requires", ())),
        requires_any=tuple(data.get("requires_any", ())),
        read=ReadRules().updated(_read_rules(data.get("read", {}), f"{where} read")),
        header_units={name.casefold(): unit for name, unit in units.items()},
        variants=tuple(variants), languages=tuple(languages), wide=wide,
    )


@functools.cache
def load_specs() -> tuple[AppSpec, ...]:
    """Every app spec shipped in ``apps/``, in file-name order."""
    folder = resources.files(__package__) / "apps"
    specs = [parse_spec(entry.read_text(encoding="utf-8"), entry.name)
             for entry in sorted(folder.iterdir(), key=lambda e: e.name)
             if entry.name.endswith(".toml")]
    names = [spec.app for spec in specs]
    if len(names) != len(set(names)):
        raise SpecError(f"two specs share an app name: {names}")
    return tuple(specs)
