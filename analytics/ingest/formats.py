"""Which export a header belongs to, and where each canonical field lives in it.

Formats are data: a :class:`FormatPlan` names, per canonical field, the source column it
comes from plus the unit facts the header reveals. The SQL that parses and validates rows
(`normalise.py`) is the same for every format, so a new app's export is a new plan here,
not new parsing code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from .errors import IngestError
from .reader import shorten

FORMATS = ("backline", "strong", "hevy", "fitnotes", "generic")

#: Canonical fields a plan (or a user's column mapping) can fill.
FIELDS = (
    "date", "exercise", "weight", "unit", "reps", "rpe", "set_type", "set", "duration_s",
    "distance_m", "distance_unit", "notes", "workout", "workout_duration",
)

BACKLINE_TEMPLATE = (
    "date", "exercise", "set", "weight", "unit", "reps", "rpe", "set_type", "duration_s",
    "notes", "workout",
)

# Date layouts tried in order; the first that parses wins. Day-first/month-first
# ambiguous layouts (01/02/2025) are deliberately absent: a generic mapping names its own.
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %I:%M:%S %p",
    "%Y-%m-%d %I:%M %p",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%d %b %Y, %H:%M",
    "%d %B %Y, %H:%M",
    "%d %b %Y %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d",
)


@dataclass(frozen=True)
class FormatPlan:
    """How to read one detected export: source column per field and unit facts."""

    format: str
    variant: str
    columns: dict[str, str] = field(default_factory=dict)
    weight_unit: str | None = None  # "kg"/"lb" from the header; None: per row or caller
    distance_unit: str | None = "m"  # unit of the distance column when no unit column
    needs_unit: bool = False  # True when nothing in the file says kg or lb
    date_formats: tuple[str, ...] = DATE_FORMATS

    def describe(self) -> str:
        return f"{self.format} ({self.variant})"


def _shown_columns(header: list[str], limit: int = 15) -> str:
    """The first columns of a header for a message (names cut short: a cell can be huge)."""
    shown = ", ".join(shorten(column) for column in header[:limit])
    return shown + (f" ... ({len(header)} columns)" if len(header) > limit else "")


def _find(index: dict[str, int], header: list[str], *names: str) -> str | None:
    for name in names:
        if name in index:
            return header[index[name]]
    return None


def detect(header: list[str], file_name: str) -> FormatPlan:
    """Identify the export by its header; raise a specific error for unknown headers."""
    index: dict[str, int] = {}
    for position, column in enumerate(header):
        index.setdefault(column.strip().casefold(), position)
    keys = set(index)

    def col(*names: str) -> str | None:
        return _find(index, header, *names)

    if {"exercise name", "set order", "date", "workout name"} <= keys:
        return _strong_plan(col, keys)
    if {"exercise_title", "start_time", "set_type"} <= keys:
        return _hevy_plan(col, keys)
    if {"date", "exercise", "category", "reps"} <= keys:
        return _fitnotes_plan(col, keys)
    if {"date", "exercise", "reps", "weight"} <= keys and {"set", "unit"} & keys:
        columns = {name: col(name) for name in BACKLINE_TEMPLATE}
        columns = {k: v for k, v in columns.items() if v is not None}
        return FormatPlan("backline", "template", columns, weight_unit=None)
    shown = _shown_columns(header)
    raise IngestError(
        f"{file_name}: the header row is not one Backline recognises ({shown}). "
        "Supported: Strong, Hevy, FitNotes exports and Backline's template "
        f"({','.join(BACKLINE_TEMPLATE)}). For any other CSV, choose the columns with a "
        "column mapping (format 'generic')."
    )


def _strong_plan(col, keys: set[str]) -> FormatPlan:  # type: ignore[no-untyped-def]
    columns = {
        "date": col("date"),
        "workout": col("workout name"),
        "workout_duration": col("duration", "duration (sec)"),
        "exercise": col("exercise name"),
        "set": col("set order"),
        "weight": col("weight", "weight (kg)", "weight (lbs)"),
        "unit": col("weight unit"),
        "reps": col("reps"),
        "rpe": col("rpe"),
        "distance_m": col("distance", "distance (meters)", "distance (miles)", "distance (km)"),
        "distance_unit": col("distance unit"),
        "duration_s": col("seconds"),
        "notes": col("notes"),
    }
    columns = {k: v for k, v in columns.items() if v is not None}
    distance_unit = "mi" if "distance (miles)" in keys else "km" if "distance (km)" in keys else "m"
    if "workout #" in keys:
        weight_unit = "lb" if "weight (lbs)" in keys else "kg"
        return FormatPlan("strong", "v6", columns, weight_unit, distance_unit)
    if "weight unit" in keys:
        return FormatPlan("strong", "2019 with units", columns, None, distance_unit)
    variant = "classic" if "duration" in keys else "2019"
    return FormatPlan("strong", variant, columns, None, distance_unit, needs_unit=True)


def _hevy_plan(col, keys: set[str]) -> FormatPlan:  # type: ignore[no-untyped-def]
    columns = {
        "date": col("start_time"),
        "workout": col("title"),
        "exercise": col("exercise_title"),
        "set_type": col("set_type"),
        "weight": col("weight_kg", "weight_lbs"),
        "reps": col("reps"),
        "rpe": col("rpe"),
        "distance_m": col("distance_km", "distance_miles", "distance_meters"),
        "duration_s": col("duration_seconds"),
        "notes": col("exercise_notes"),
    }
    columns = {k: v for k, v in columns.items() if v is not None}
    weight_unit = "lb" if "weight_lbs" in keys else "kg"
    distance_unit = "mi" if "distance_miles" in keys else "m" if "distance_meters" in keys else "km"
    variant = "imperial" if weight_unit == "lb" else "metric"
    return FormatPlan("hevy", variant, columns, weight_unit, distance_unit)


def _fitnotes_plan(col, keys: set[str]) -> FormatPlan:  # type: ignore[no-untyped-def]
    columns = {
        "date": col("date"),
        "exercise": col("exercise"),
        "weight": col("weight (kgs)", "weight (kg)", "weight (lbs)", "weight"),
        "unit": col("weight unit"),
        "reps": col("reps"),
        "distance_m": col("distance"),
        "distance_unit": col("distance unit"),
        "duration_s": col("time"),
        "notes": col("comment"),
    }
    columns = {k: v for k, v in columns.items() if v is not None}
    if "weight (lbs)" in keys:
        return FormatPlan("fitnotes", "lbs", columns, "lb")
    if "weight (kgs)" in keys or "weight (kg)" in keys:
        return FormatPlan("fitnotes", "kgs", columns, "kg")
    if "weight unit" in keys:
        return FormatPlan("fitnotes", "unit column", columns, None)
    return FormatPlan("fitnotes", "no unit", columns, None, needs_unit=True)


def generic_plan(header: list[str], mapping: dict[str, str], file_name: str) -> FormatPlan:
    """A plan from a user's column mapping (canonical field -> source column name)."""
    options = {"weight_unit", "date_format", "distance_unit"}
    unknown = set(mapping) - set(FIELDS) - options
    if unknown:
        raise IngestError(
            f"{file_name}: the column mapping names unknown fields {sorted(unknown)}; "
            f"known fields are {', '.join(FIELDS)}."
        )
    index = {column.strip().casefold(): column for column in header}
    columns: dict[str, str] = {}
    for canonical, source in mapping.items():
        if canonical in options or not source:
            continue
        found = index.get(str(source).strip().casefold())
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
    distance_unit = _distance_unit(mapping.get("distance_unit"), index, columns, file_name)
    date_formats = DATE_FORMATS
    if mapping.get("date_format"):
        date_formats = (_checked_date_format(str(mapping["date_format"]), file_name),)
    needs_unit = "weight" in columns and "unit" not in columns and weight_unit is None
    return FormatPlan(
        "generic", "column mapping", columns, weight_unit,
        distance_unit, needs_unit=needs_unit, date_formats=date_formats,
    )


def _distance_unit(value: object, index: dict[str, str], columns: dict[str, str],
                   file_name: str) -> str:
    """``distance_unit`` names the unit of the distance column (m, km, mi...) or the
    column that holds each row's unit; anything else is refused, not guessed."""
    from .normalise import DISTANCE_UNITS  # normalise imports this module

    if value is None or str(value).strip() == "":
        return "m"
    text = str(value).strip()
    if text.casefold() in DISTANCE_UNITS:
        return text.casefold()
    if text.casefold() in index:
        columns["distance_unit"] = index[text.casefold()]
        return "m"
    raise IngestError(
        f"{file_name}: distance_unit must be a unit ({', '.join(sorted(DISTANCE_UNITS))}) "
        f"or the name of the column holding each row's unit; {text!r} is neither."
    )


def _checked_date_format(layout: str, file_name: str) -> str:
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
