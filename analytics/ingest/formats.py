"""Which export a header belongs to, and where each canonical field lives in it.

Formats are data: the app specs (``apps/*.toml``, loaded by :mod:`.spec`) say how each
app's header looks in each of its languages. :func:`detect` matches a header against them
and returns a :class:`FormatPlan`: per canonical field the header position it is read
from, plus the unit facts and reading rules of that export. The SQL that parses and
validates rows (:mod:`.normalise`) is the same for every plan, so a new app's export is a
new spec, not new parsing code. A user's column mapping makes a plan the same way
(:func:`generic_plan`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb

from .errors import IngestError
from .reader import shorten
from .spec import FIELDS, LANGUAGE_NAMES, AppSpec, Language, ReadRules, Variant, Words
from .spec import load_specs as _load_specs
from .vocab import COMMON_DATE_LAYOUTS, DISTANCE_UNITS, INVISIBLE

__all__ = ["BACKLINE_TEMPLATE", "FIELDS", "FORMATS", "FormatPlan", "WideGroup", "detect",
           "generic_plan", "plan_for"]

#: Every format a file can be read as: one per app spec, and a user's column mapping.
FORMATS = (*(spec.app for spec in _load_specs()), "generic")

#: The columns of Backline's own template, in the README's order.
BACKLINE_TEMPLATE = (
    "date", "exercise", "set", "weight", "unit", "reps", "rpe", "set_type", "duration_s",
    "notes", "workout",
)


@dataclass(frozen=True)
class WideGroup:
    """One exercise's columns in a wide export: its name, its load, its set cells."""

    exercise: int
    weights: tuple[tuple[int, str], ...]  # (position, unit), the first non-empty read
    sets: tuple[tuple[int, int], ...]  # (position, set number)


@dataclass(frozen=True)
class FormatPlan:
    """How to read one detected export: source column per field, units, reading rules."""

    format: str
    variant: str
    columns: dict[str, int] = field(default_factory=dict)  # field -> header position
    header: tuple[str, ...] = ()
    language: str = "en"
    weight_unit: str | None = None  # "kg"/"lb" from the header; None: per row or caller
    distance_unit: str | None = "m"  # unit of distance values no unit column qualifies;
    # "by weight unit": km for a kg account, mi for a lb account; None: unknown
    needs_unit: bool = False  # True when nothing in the file says kg or lb
    date_formats: tuple[str, ...] = COMMON_DATE_LAYOUTS
    day_month: bool = False  # also the day-first / month-first layouts; the file decides
    rules: ReadRules = ReadRules()
    words: Words = Words()
    wide: tuple[WideGroup, ...] = ()
    bodyweight_unit: str | None = None
    label: str = ""

    def describe(self) -> str:
        language = f", {LANGUAGE_NAMES.get(self.language, self.language)}" \
            if self.language != "en" else ""
        return f"{self.format} ({self.variant}{language})"

    @property
    def expands(self) -> bool:
        """True when one CSV record can stand for several sets (wide rows, a set count)."""
        return bool(self.wide) or "sets" in self.columns

    def column_name(self, name: str) -> str:
        """The header's text for ``name`` (a field), or the field's name when not read."""
        position = self.columns.get(name)
        return self.header[position] if position is not None else name

    def columns_not_read(self) -> list[str]:
        """Header columns no field reads, by name (an unnamed one as ``column N``).

        Unnamed columns at the end of the header are left out: a header ending in commas
        (as spreadsheets save it) has them, and they hold nothing.
        """
        used = set(self.columns.values())
        for group in self.wide:
            used |= {group.exercise, *(p for p, _ in group.weights), *(p for p, _ in group.sets)}
        named = [i for i, name in enumerate(self.header) if name.strip()]
        last = named[-1] if named else -1
        return [name or f"column {position + 1}" for position, name in enumerate(self.header)
                if position not in used and position <= last]


def _shown_columns(header: list[str], limit: int = 15) -> str:
    """The first columns of a header for a message (names cut short: a cell can be huge)."""
    shown = ", ".join(shorten(column) for column in header[:limit])
    return shown + (f" ... ({len(header)} columns)" if len(header) > limit else "")


def header_key(name: str) -> str:
    """A header name as it is matched: invisible characters dropped, trimmed, casefolded."""
    return name.translate(_DROP_INVISIBLE).strip().casefold()


_DROP_INVISIBLE = {ord(char): None for char in INVISIBLE}


def _positions(header: list[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, column in enumerate(header):
        index.setdefault(header_key(column), position)
    return index


def _holds(requirement: str, found: dict[str, int], keys: dict[str, int]) -> bool:
    return requirement in found if requirement in FIELDS else header_key(requirement) in keys


def _variant(spec: AppSpec, found: dict[str, int], keys: dict[str, int]) -> Variant | None:
    def holds(item: Variant | AppSpec) -> bool:
        return all(_holds(r, found, keys) for r in item.requires) and (
            not item.requires_any or any(_holds(r, found, keys) for r in item.requires_any))

    if not holds(spec):
        return None
    return next((variant for variant in spec.variants if holds(variant)), None)


def _found(language: Language, keys: dict[str, int]) -> dict[str, int]:
    found: dict[str, int] = {}
    for name, aliases in language.columns.items():
        position = next((keys[header_key(a)] for a in aliases if header_key(a) in keys), None)
        if position is not None:
            found[name] = position
    return found


def detect(header: list[str], file_name: str) -> FormatPlan:
    """Identify the export by its header; raise a specific error for unknown headers.

    Every spec's every language is tried; the match reading the most columns wins (ties go
    to the spec first in name order), so a header that happens to hold another app's few
    required columns is still read as the app it fits best.
    """
    keys = _positions(header)
    best: tuple[tuple[int, int], AppSpec, Language, Variant, dict[str, int]] | None = None
    for order, spec in enumerate(_load_specs()):
        for language in spec.languages:
            found = _found(language, keys)
            variant = _variant(spec, found, keys)
            if variant is None:
                continue
            score = (len(set(found.values())), -order)
            if best is None or score > best[0]:
                best = (score, spec, language, variant, found)
    if best is None:
        labels = ", ".join(spec.label for spec in _load_specs() if spec.app != "backline")
        raise IngestError(
            f"{file_name}: the header row is not one Backline recognises "
            f"({_shown_columns(header)}). Supported: {labels} exports and Backline's "
            f"template ({','.join(BACKLINE_TEMPLATE)}). For any other CSV, choose the "
            "columns with a column mapping (format 'generic')."
        )
    _score, spec, language, variant, found = best
    return _plan(spec, language, variant, found, header)


def _unit_of(spec: AppSpec, header: list[str], position: int | None) -> str | None:
    return None if position is None else spec.header_units.get(header_key(header[position]))


def _wide_groups(spec: AppSpec, header: list[str]) -> tuple[WideGroup, ...]:
    """The exercise groups of a wide header: from each ``starts`` column to the next."""
    assert spec.wide is not None
    wide = spec.wide

    def pattern(template: str) -> re.Pattern[str]:
        return re.compile(re.escape(header_key(template)).replace(r"\{n\}", r"(\d+)") + "$")

    starts, sets = pattern(wide.starts), pattern(wide.sets)
    keys = [header_key(name) for name in header]
    begins = [i for i, key in enumerate(keys) if starts.match(key)]
    groups = []
    for number, begin in enumerate(begins):
        end = begins[number + 1] if number + 1 < len(begins) else len(header)
        span = range(begin + 1, end)
        weights = tuple(
            (i, spec.header_units.get(keys[i], "kg")) for name in wide.weight
            for i in span if keys[i] == header_key(name)
        )
        set_cells = tuple((i, int(match.group(1))) for i in span
                          if (match := sets.match(keys[i])))
        groups.append(WideGroup(begin, weights, set_cells))
    return tuple(groups)


def _plan(spec: AppSpec, language: Language, variant: Variant, found: dict[str, int],
          header: list[str]) -> FormatPlan:
    rules = spec.read.updated(language.read).updated(variant.read)
    weight_unit = _unit_of(spec, header, found.get("weight")) or rules.weight_unit
    distance_unit = _unit_of(spec, header, found.get("distance_m")) or rules.distance or "m"
    wide = _wide_groups(spec, header) if spec.wide else ()
    if wide:
        weight_unit = "kg"  # each group's load column says its unit; read into kg
    needs_unit = (weight_unit is None and "weight" in found and "unit" not in found
                  and not rules.units_in_cells)
    words = spec.words
    return FormatPlan(
        format=spec.app, variant=variant.name, columns=found, header=tuple(header),
        language=language.code, weight_unit=weight_unit, distance_unit=distance_unit,
        needs_unit=needs_unit, date_formats=rules.dates or COMMON_DATE_LAYOUTS,
        day_month=rules.day_month, rules=rules, words=words, wide=wide,
        bodyweight_unit=_unit_of(spec, header, found.get("bodyweight")), label=spec.label,
    )


def generic_plan(header: list[str], mapping: dict[str, str], file_name: str) -> FormatPlan:
    """A plan from a user's column mapping (canonical field -> source column name)."""
    options = {"weight_unit", "date_format", "distance_unit"}
    unknown = set(mapping) - set(FIELDS) - options
    if unknown:
        raise IngestError(
            f"{file_name}: the column mapping names unknown fields {sorted(unknown)}; "
            f"known fields are {', '.join(FIELDS)}."
        )
    keys = _positions(header)
    columns: dict[str, int] = {}
    for canonical, source in mapping.items():
        if canonical in options or not source:
            continue
        found = keys.get(header_key(str(source)))
        if found is None:
            raise IngestError(
                f"{file_name}: the mapping says {canonical!r} is in column "
                f"{shorten(str(source))!r}, but the header has no such column "
                f"(it has: {_shown_columns(header)})."
            )
        columns[canonical] = found
    for required in ("date", "exercise"):
        if required not in columns:
            raise IngestError(
                f"{file_name}: a column mapping must name the {required!r} column."
            )
    if "reps" not in columns and "duration_s" not in columns:
        raise IngestError(
            f"{file_name}: a column mapping must name a 'reps' or a 'duration_s' column."
        )
    weight_unit = mapping.get("weight_unit")
    if weight_unit not in (None, "kg", "lb"):
        raise IngestError(f"{file_name}: weight_unit must be 'kg' or 'lb', not {weight_unit!r}.")
    distance_unit = _distance_unit(mapping.get("distance_unit"), keys, columns, file_name)
    date_formats = COMMON_DATE_LAYOUTS
    if mapping.get("date_format"):
        date_formats = (checked_date_format(str(mapping["date_format"]), file_name),)
    needs_unit = "weight" in columns and "unit" not in columns and weight_unit is None
    return FormatPlan(
        "generic", "column mapping", columns, tuple(header), weight_unit=weight_unit,
        distance_unit=distance_unit, needs_unit=needs_unit, date_formats=date_formats,
        label="column mapping",
    )


def _distance_unit(value: object, keys: dict[str, int], columns: dict[str, int],
                   file_name: str) -> str:
    """``distance_unit`` names the unit of the distance column (m, km, mi...) or the
    column that holds each row's unit; anything else is refused, not guessed."""
    if value is None or str(value).strip() == "":
        return "m"
    text = str(value).strip()
    if text.casefold() in DISTANCE_UNITS:
        return text.casefold()
    if header_key(text) in keys:
        columns["distance_unit"] = keys[header_key(text)]
        return "m"
    raise IngestError(
        f"{file_name}: distance_unit must be a unit ({', '.join(sorted(DISTANCE_UNITS))}) "
        f"or the name of the column holding each row's unit; {text!r} is neither."
    )


def checked_date_format(layout: str, file_name: str) -> str:
    """``layout`` if DuckDB's strptime understands it (it is used for every row)."""
    try:
        duckdb.connect().execute("SELECT TRY_STRPTIME('2000-01-01', ?)", [layout]).fetchall()
    except duckdb.Error as exc:
        detail = str(exc).splitlines()[0].split("Error: ", 1)[-1]
        raise IngestError(
            f"{file_name}: the date layout {layout!r} is not valid ({detail}). Use strptime "
            "codes, e.g. %d/%m/%Y or %m/%d/%Y %H:%M."
        ) from exc
    return layout


def plan_for(
    header: list[str], file_name: str, fmt: str = "auto", mapping: dict[str, str] | None = None
) -> FormatPlan:
    """The plan for ``fmt`` ("auto" detects); a mapping always means the generic path."""
    if fmt not in ("auto", *FORMATS):
        raise IngestError(f"Unknown format {fmt!r}; choose one of auto, {', '.join(FORMATS)}.")
    if mapping or fmt == "generic":
        if not mapping:
            raise IngestError(
                f"{file_name}: format 'generic' needs a column mapping "
                "(which column holds the date, exercise, weight, reps...)."
            )
        return generic_plan(header, mapping, file_name)
    plan = detect(header, file_name)
    if fmt != "auto" and plan.format != fmt:
        raise IngestError(
            f"{file_name}: you chose format {fmt!r}, but the header is a "
            f"{plan.describe()} export."
        )
    return plan
