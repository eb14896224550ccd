"""One SQL statement that reads an export and turns each record into a canonical set row.

Parsing, unit conversion, set typing and validation all happen in DuckDB over the whole
file at once (no Python loop per row), which keeps a million-row import within a small
factor of DuckDB's own CSV read. Every record leaves this step with exactly one outcome:
a canonical row, a skip reason, or a reject reason naming the column. The statement is
generated from a :class:`~.formats.FormatPlan`, so every app's export goes through the
same SQL; the plan only says which column holds what and how its values are written.

Two statements, so the expensive one stays a plain parallel scan:

1. :func:`staging_sql` parses and judges every record. It has no window function, so
   DuckDB reads the file on all cores; the table it fills keeps file order (insertion
   order is preserved), which makes ``rowid`` the record's position among parsed rows.
2. :func:`numbered_sql` numbers the sets of each exercise in a session in file order,
   which completes each set's natural key — run inside the write, over valid rows only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from .formats import FormatPlan
from .spec import CELL_UNITS
from .vocab import (
    DISTANCE_FOR_WEIGHT,
    DISTANCE_UNITS,
    REP_UNITS,
    SET_TYPE_WORDS,
    TIME_UNITS,
    TRUE_WORDS,
    WEIGHT_UNITS,
)

# Shows a raw value inside a message, cut short so a 5 MB cell cannot flood the UI.
QUOTE_MACRO = (
    "CREATE OR REPLACE TEMP MACRO quote_text(x) AS '\"' || "
    "CASE WHEN length(x) > 60 THEN left(x, 57) || '...' ELSE x END || '\"'"
)

MAX_WEIGHT_KG = 1000.0
MAX_REPS = 1000
MAX_SETS_IN_ROW = 100
EARLIEST_YEAR = 1950
#: A session: its start time plus the workout name (stable across re-exports).
SESSION_ID = (
    "strftime(performed_at, '%Y-%m-%dT%H:%M:%S') || coalesce(' ' || workout_name, '')"
)
MAX_NAME_LENGTH = 200  # exercise names; longer ones are pasted text, not a lift
#: Extra fields an ``overflow`` field (FitNotes' unquoted names) may have absorbed.
OVERFLOW_SLACK = 3
_NUMBER_LIKE = r"'^[-+]?[0-9]*[.,]?[0-9]*$|^[0-9:]+$'"

#: Skip reasons (a row that is not a set); the note one keeps its text.
REST_ROW = "rest timer row"
NOTE_ROW = "exercise note (kept with that exercise's sets)"
SKIPPED_IN_APP = "set marked as skipped in the app"
REPEATED_HEADER = "repeated header row"

#: The kinds of reject, one per validation check, in the order the checks run (the first
#: failing one names the row's problem). ``staged.failed_check`` holds the position.
CHECKS = (
    "date empty", "date unreadable", "date too early", "date in future", "exercise empty",
    "exercise too long", "set type", "sets count", "cell unit", "weight not a number",
    "weight negative", "weight unit", "weight implausible", "reps not whole",
    "reps negative", "reps implausible", "rpe", "duration", "distance", "distance unit",
    "bodyweight",
)


def sql_string(value: str) -> str:
    """A SQL string literal (single quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


def sql_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(sql_string(v) for v in values) + "]"


def _case_map(expr: str, mapping: dict[str, object]) -> str:
    whens = " ".join(f"WHEN {sql_string(k)} THEN {v!r}" for k, v in mapping.items())
    return f"CASE lower({expr}) {whens} ELSE NULL END"


@dataclass(frozen=True)
class Reading:
    """What the caller (or the athlete's settings) decided about a file the plan leaves open.

    ``weight_unit`` reads weights the file gives no unit for; ``distance_unit`` distances
    it gives no unit for (None: unknown, such distances are rejected); ``time_zone`` is
    the zone dates with an offset are converted to; ``date_formats`` the layouts to try,
    in the order the file's own dates favour.
    """

    weight_unit: str | None = None
    distance_unit: str | None = None
    time_zone: str = "UTC"
    date_formats: tuple[str, ...] = ()


def default_distance_unit(plan: FormatPlan, weight_unit: str | None) -> str | None:
    """The unit of distances the file does not qualify, from the plan's rule."""
    if plan.distance_unit != "by weight unit":
        return plan.distance_unit
    unit = plan.weight_unit or weight_unit
    return DISTANCE_FOR_WEIGHT.get(unit) if unit else None


def _layout_kinds(layouts: Iterable[str]) -> tuple[list[str], list[str], list[str]]:
    """Layouts split into (local, UTC: a literal trailing Z, with an offset: %z)."""
    local, utc, offset = [], [], []
    for layout in layouts:
        (offset if "%z" in layout else utc if layout.endswith("Z") else local).append(layout)
    return local, utc, offset


def timestamp_sql(value: str, layouts: Iterable[str], time_zone: str) -> str:
    """``value`` parsed with the first layout that fits, as a local time in ``time_zone``
    when the text carries an offset (or a Z); a time without one is taken as written."""
    local, utc, offset = _layout_kinds(layouts)
    zone = sql_string(time_zone)
    parts = []
    if local:
        parts.append(f"TRY_STRPTIME({value}, {sql_list(local)})")
    if offset:
        parts.append(f"timezone({zone}, TRY_STRPTIME({value}, {sql_list(offset)}))")
    if utc:
        parts.append(f"timezone({zone}, timezone('UTC', TRY_STRPTIME({value}, {sql_list(utc)})))")
    return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"


def _cell_unit_words(plan: FormatPlan) -> dict[str, tuple[str, float]]:
    """Unit word inside a cell -> (field it fills, factor into kg / m / s / reps)."""
    factors = {**WEIGHT_UNITS, **DISTANCE_UNITS, **TIME_UNITS, **dict.fromkeys(REP_UNITS, 1.0)}
    words = {word: (CELL_UNITS[word], factors[word]) for word in CELL_UNITS}
    words.update({word: (CELL_UNITS[unit], factors[unit])
                  for word, unit in plan.words.units.items()})
    return words


def overflow_position(plan: FormatPlan) -> int | None:
    """The header position of the field that absorbs unquoted extra fields, if any."""
    overflow = plan.rules.overflow
    return plan.columns.get(overflow) if overflow else None


def source_width(plan: FormatPlan) -> int:
    """Columns to read: the header's, plus room for the fields an overflow field splits
    into (a row that needs more stays malformed)."""
    return len(plan.header) + (OVERFLOW_SLACK if overflow_position(plan) is not None else 0)


def _overflow_shift(plan: FormatPlan, at: int) -> str:
    """How many extra fields the overflow field split into, per row: the fewest that put a
    number (or nothing) in every numeric column after it and leave no field beyond."""
    width = len(plan.header)
    numeric = [p for name in ("weight", "reps", "rpe", "distance_m", "duration_s")
               if (p := plan.columns.get(name)) is not None and p > at]
    whens = []
    for shift in range(OVERFLOW_SLACK + 1):
        tests = [f"(c{p + shift} IS NULL OR regexp_full_match(trim(c{p + shift}), "
                 f"{_NUMBER_LIKE}))" for p in numeric]
        tests += [f"c{p} IS NULL" for p in range(width + shift, width + OVERFLOW_SLACK)]
        whens.append(f"WHEN {' AND '.join(tests) or 'true'} THEN {shift}")
    return f"CASE {' '.join(whens)} ELSE 0 END"


class _Sql:
    """Builds the staging statement's expressions for one plan."""

    def __init__(self, plan: FormatPlan, delimiter: str, reading: Reading) -> None:
        self.plan = plan
        self.reading = reading
        rule = plan.rules.decimal_comma
        self.decimal_comma = rule == "always" or (rule == "semicolon" and delimiter == ";")
        self.overflow = overflow_position(plan)
        self.delimiter = delimiter

    def column(self, position: int) -> str:
        """Column ``position``'s raw text (after an overflow field: shifted per row)."""
        at = self.overflow
        if at is None or position < at:
            return f"c{position}"
        if position == at:
            parts = [f"c{at}"] + [f"CASE WHEN shift >= {k} THEN c{at + k} END"
                                  for k in range(1, OVERFLOW_SLACK + 1)]
            return f"concat_ws({sql_string(self.delimiter)}, {', '.join(parts)})"
        return ("CASE shift " + " ".join(f"WHEN {k} THEN c{position + k}"
                                         for k in range(OVERFLOW_SLACK + 1)) + " END")

    def cell(self, field: str) -> str:
        position = self.plan.columns.get(field)
        return "NULL::VARCHAR" if position is None \
            else f"nullif(trim({self.column(position)}), '')"

    def number(self, value: str) -> str:
        """The cell as a number (may be nan/inf: :meth:`finite` filters those)."""
        if self.decimal_comma:
            value = f"replace({value}, ',', '.')"
        return f"TRY_CAST({value} AS DOUBLE)"

    @staticmethod
    def finite(value: str) -> str:
        """``value`` unless it is nan or infinite (`nan`, `inf`, `1e999` are not numbers)."""
        return f"CASE WHEN isfinite({value}) THEN {value} END"

    def label(self, field: str) -> str:
        return sql_string(self.plan.column_name(field))


def _whole_minutes(value: str) -> str:
    """True for `38min` (digits, then `min` in any case): Strong's workout duration, on
    every row of its exports, read without the regex below (which gives the same seconds
    for it, ``digits * 60``)."""
    # One regex: the same test as ``ends_with(lower(v), 'min')`` after ASCII digits, as the
    # only character ``lower`` turns into an m, i or n besides M, I and N is the dotted
    # capital I, U+0130 (DuckDB's lower, checked over every code point).
    return f"regexp_full_match({value}, '[0-9]+[mM][iI\u0130][nN]')"


def _clock_parts(value: str, plain: str) -> str:
    """`1h 5m`, `38min`, `45s` split into hours/minutes/seconds text (one regex), for cells
    that are neither a plain number (``plain``) nor a clock time (nor `38min`)."""
    return (
        f"CASE WHEN {plain} IS NULL AND NOT contains({value}, ':') "
        f"AND NOT {_whole_minutes(value)} THEN "
        f"regexp_extract(lower({value}), "
        r"'^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?\s*$', "
        "['h', 'm', 's']) END"
    )


def _duration(value: str, plain: str, parts: str) -> str:
    """Seconds from `90`, `1:30`, `0:01:30`, `38min`, `29m`, `1h 5m` or `45s`."""
    split = f"string_split({value}, ':')"
    clock = (
        f"CASE WHEN NOT contains({value}, ':') THEN NULL "
        f"WHEN regexp_full_match({value}, '\\d+:\\d{{1,2}}:\\d{{1,2}}') THEN "
        f"TRY_CAST({split}[1] AS DOUBLE) * 3600 + TRY_CAST({split}[2] AS DOUBLE) * 60"
        f" + TRY_CAST({split}[3] AS DOUBLE) "
        f"WHEN regexp_full_match({value}, '\\d+:\\d{{1,2}}') THEN "
        f"TRY_CAST({split}[1] AS DOUBLE) * 60 + TRY_CAST({split}[2] AS DOUBLE) END"
    )

    def part(name: str) -> str:
        return f"coalesce(TRY_CAST(nullif({parts}.{name}, '') AS DOUBLE), 0)"

    words = (
        f"CASE WHEN {parts}.h || {parts}.m || {parts}.s <> '' THEN "
        f"{part('h')} * 3600 + {part('m')} * 60 + {part('s')} END"
    )
    minutes = (
        f"CASE WHEN {_whole_minutes(value)} THEN "
        f"TRY_CAST(substr({value}, 1, length({value}) - 3) AS DOUBLE) * 60 END"
    )
    return f"coalesce({plain}, {clock}, {minutes}, {words})"


def _raw_fields(s: _Sql) -> tuple[dict[str, str], list[str]]:
    """The text of each field per record (SQL over ``src``), plus extra columns to carry.

    Usually a field is its column's trimmed text. Values with their unit inside
    (``"20,00 kg"``) are split here: the unit word decides which field the number fills
    and carries its factor, so later steps see plain numbers and a unit per row.
    """
    plan = s.plan
    raw = {name: s.cell(name) for name in (
        "date", "time", "end", "workout", "workout_duration", "workout_notes", "exercise",
        "set", "set_type", "warmup", "skipped", "weight", "unit", "reps", "rpe", "duration_s",
        "distance_m", "distance_unit", "notes", "sets", "bodyweight")}
    extra: list[str] = []
    if plan.rules.units_in_cells:
        words = _cell_unit_words(plan)
        positions = sorted({plan.columns[f] for f in ("weight", "reps", "duration_s",
                                                      "distance_m") if f in plan.columns})
        number_and_word = r"'^([-+]?[0-9]+(?:[.,][0-9]+)?)\s*(.*)$', ['num', 'word']"
        extra += [f"regexp_extract(trim(c{p}), {number_and_word}) AS cell{p}"
                  for p in positions]

        def unit_field(p: int) -> str:
            return _case_map(f"trim(cell{p}.word)", {w: f for w, (f, _) in words.items()})

        def unit_factor(p: int) -> str:
            return _case_map(f"trim(cell{p}.word)", {w: factor for w, (_, factor) in words.items()})

        for name in ("weight", "reps", "duration_s", "distance_m"):
            if name not in plan.columns:
                continue
            p = plan.columns[name]
            number = f"replace(nullif(cell{p}.num, ''), ',', '.')"
            fills = f"{unit_field(p)} = {sql_string(name)}"
            if name == "duration_s":
                raw[name] = (f"CASE WHEN {fills} THEN CAST(TRY_CAST({number} AS DOUBLE) * "
                             f"{unit_factor(p)} AS VARCHAR) END")
            else:
                raw[name] = f"CASE WHEN {fills} THEN {number} END"
        raw["cell_factor_weight"] = unit_factor(plan.columns["weight"]) \
            if "weight" in plan.columns else "NULL"
        raw["cell_factor_distance"] = unit_factor(plan.columns["distance_m"]) \
            if "distance_m" in plan.columns else "NULL"
        bad = [f"(nullif(trim(c{p}), '') IS NOT NULL AND {unit_field(p)} IS NULL)"
               for p in positions]
        raw["cell_bad"] = " OR ".join(bad) if bad else "false"
        raw["cell_bad_text"] = "coalesce(" + ", ".join(
            f"CASE WHEN nullif(trim(c{p}), '') IS NOT NULL AND {unit_field(p)} IS NULL "
            f"THEN trim(c{p}) END" for p in positions) + ")" if positions else "NULL"
        raw["cell_bad_column"] = "coalesce(" + ", ".join(
            f"CASE WHEN nullif(trim(c{p}), '') IS NOT NULL AND {unit_field(p)} IS NULL "
            f"THEN {sql_string(plan.header[p])} END" for p in positions) + ")" \
            if positions else "NULL"
    if "time" in plan.columns:
        raw["date"] = (f"CASE WHEN {raw['time']} IS NULL THEN {raw['date']} "
                       f"ELSE {raw['date']} || ' ' || {raw['time']} END")
    return raw, extra


def _wide_parsed(s: _Sql, raw: dict[str, str]) -> tuple[str, dict[str, str]]:
    """For wide exports: one struct per set cell; each non-empty cell becomes a record."""
    structs = []
    for group in s.plan.wide:
        weights = [(f"nullif(trim(c{p}), '')", WEIGHT_UNITS[unit]) for p, unit in group.weights]
        weight = "coalesce(" + ", ".join(w for w, _ in weights) + ")" if weights else "NULL"
        factor = ("CASE " + " ".join(f"WHEN {w} IS NOT NULL THEN {f!r}" for w, f in weights)
                  + " END") if weights else "NULL"
        weight_column = ("CASE " + " ".join(
            f"WHEN nullif(trim(c{p}), '') IS NOT NULL THEN {sql_string(s.plan.header[p])}"
            for p, _ in group.weights) + " END") if weights else "NULL"
        for position, _number in group.sets:
            structs.append(
                f"struct_pack(exercise := nullif(trim(c{group.exercise}), ''), "
                f"weight := {weight}, factor := {factor}, weight_column := {weight_column}, "
                f"reps := nullif(trim(c{position}), ''), "
                f"exercise_column := {sql_string(s.plan.header[group.exercise])}, "
                f"reps_column := {sql_string(s.plan.header[position])})"
            )
    unnest = f"unnest([{', '.join(structs)}]) AS g" if structs else "NULL AS g"
    raw = {**raw, "exercise": "g.exercise", "weight": "g.weight", "reps": "g.reps",
           "wide_factor": "g.factor", "weight_column": "g.weight_column",
           "reps_column": "g.reps_column", "exercise_column": "g.exercise_column"}
    return unnest, raw


#: A body weight cell may carry its unit (StrongLifts' ``95.5KG``).
_WITHOUT_WEIGHT_UNIT = r"regexp_replace(bodyweight_raw, '\s*(?i:kgs?|lbs?)$', '')"


def _bodyweight_factor(default: str) -> str:
    return (r"CASE WHEN regexp_matches(bodyweight_raw, '[0-9]\s*(?i:lbs?)$') THEN "
            f"{WEIGHT_UNITS['lb']!r} WHEN regexp_matches(bodyweight_raw, "
            r"'[0-9]\s*(?i:kgs?)$') THEN 1.0 "
            f"ELSE {default} END")


def _date_example(layout: str) -> str:
    """A date written in ``layout``, for a message (5 March 2025, 18:12)."""
    when = datetime(2025, 3, 5, 18, 12, tzinfo=UTC)
    return when.strftime(layout.replace("%g", "000"))


def staging_sql(plan: FormatPlan, csv_path: str, delimiter: str, reading: Reading,
                source: str | None = None, carry: tuple[str, ...] = ()) -> str:
    """SELECT producing, in file order, one row per record: canonical values, outcome.

    ``source`` replaces the file as the rows to read (a relation with columns c0, c1, ...),
    and ``carry`` names its columns to keep (a record's position in the file for exports
    whose records expand, the line of a row recovered from a malformed one).
    Only what later steps use is kept (the text of a rejected record is read back from the
    file by line number), so the staged table stays small next to the file: a column the
    plan cannot fill (``assistance_kg``, ``bodyweight_kg``) is left out, and
    :func:`numbered_sql` supplies what a set needs as NULL (:func:`carried_columns`).
    """
    s = _Sql(plan, delimiter, reading)
    columns = plan.columns
    raw, extra = _raw_fields(s)
    wide_unnest = None
    if plan.wide:
        wide_unnest, raw = _wide_parsed(s, raw)
    overflow = overflow_position(plan)
    reader = read_csv_sql(source_width(plan), csv_path, delimiter,
                          ragged=plan.rules.ragged or overflow is not None)
    src = source or f"(SELECT * FROM {reader})"
    if overflow is not None:
        src = f"(SELECT *, {_overflow_shift(plan, overflow)} AS shift FROM {src})"

    if plan.rules.units_in_cells:
        weight_factor, distance_factor = "cell_factor_weight", "cell_factor_distance"
    elif plan.wide:
        weight_factor, distance_factor = "wide_factor", "NULL"
    else:
        if plan.weight_unit is not None:
            weight_factor = repr(WEIGHT_UNITS[plan.weight_unit])
        else:
            fallback = repr(WEIGHT_UNITS[reading.weight_unit]) if reading.weight_unit else "NULL"
            weight_factor = (f"coalesce({_case_map('unit_raw', WEIGHT_UNITS)}, "
                             f"CASE WHEN unit_raw IS NULL THEN {fallback} END)")
        default = reading.distance_unit or default_distance_unit(plan, reading.weight_unit)
        default_factor = repr(DISTANCE_UNITS[default]) if default else "NULL"
        if "distance_unit" in columns:
            distance_factor = (f"coalesce({_case_map('distance_unit_raw', DISTANCE_UNITS)}, "
                               f"CASE WHEN distance_unit_raw IS NULL THEN {default_factor} END)")
        else:
            distance_factor = default_factor
    bodyweight_factor = repr(WEIGHT_UNITS[plan.bodyweight_unit or reading.weight_unit or "kg"])

    formats = reading.date_formats or plan.date_formats
    performed = timestamp_sql("date_raw", formats, reading.time_zone)
    words = {**SET_TYPE_WORDS, **plan.words.set_types}
    yes_words = ", ".join(sql_string(w) for w in sorted(TRUE_WORDS | plan.words.yes))
    set_column = "set_type" if "set_type" in columns else "set"
    has = set(columns) | ({"exercise", "weight", "reps"} if plan.wide else set())

    def label(field: str) -> str:
        if plan.wide and field in ("weight", "reps", "exercise"):
            return f"{field}_column"
        return s.label(field)

    def header_text(field: str) -> str:
        """The header's own text for ``field`` (a repeated header row holds it)."""
        position = columns.get(field)
        return sql_string(plan.header[position].strip().lower()) if position is not None \
            else "NULL"

    if len(plan.date_formats) == 1:
        date_hint = "expected the layout " + plan.date_formats[0]
    else:
        date_hint = "expected e.g. " + _date_example(plan.date_formats[0])
    date_hint = date_hint.replace("'", "''")
    distance_blank_unit = (
        "'the distance unit is not given (the export does not say; choose it with "
        "--distance-unit km, mi or m)'"
    )

    # Validation in order: the first failing check names the column and the reason. A
    # check that cannot fail for this plan (its field is absent) is left out of the SQL.
    checks = [
        ("date_raw IS NULL", label("date"), "'date is empty'"),
        ("performed_at IS NULL", label("date"), "'date ' || quote_text(date_raw) || "
         f"' is not a date Backline can read ({date_hint})'"),
        (f"year(performed_at) < {EARLIEST_YEAR}", label("date"),
         f"'date ' || quote_text(date_raw) || ' is before {EARLIEST_YEAR}; check the export'"),
        ("performed_at > current_localtimestamp() + INTERVAL 1 DAY", label("date"),
         "'date ' || quote_text(date_raw) || ' is in the future'"),
        ("exercise_raw IS NULL", label("exercise"), "'exercise name is empty'"),
        (f"length(exercise_raw) > {MAX_NAME_LENGTH}", label("exercise"),
         "'exercise name ' || quote_text(exercise_raw) || ' is ' || length(exercise_raw) "
         f"|| ' characters long (at most {MAX_NAME_LENGTH})'"),
        ("set_type IS NULL", s.label(set_column), "'set type ' || quote_text(type_token) "
         "|| ' is not one of working, warmup (W), drop (D), failure (F)'"),
        (f"sets_raw IS NOT NULL AND (sets_value IS NULL OR sets_value < 1 OR sets_value > "
         f"{MAX_SETS_IN_ROW} OR sets_value <> floor(sets_value))" if "sets" in has else "",
         label("sets"), f"'sets ' || quote_text(sets_raw) || ' is not a whole number from 1 "
         f"to {MAX_SETS_IN_ROW}'"),
        ("cell_bad" if "cell_bad" in raw else "", "cell_bad_column",
         "'value ' || quote_text(cell_bad_text) || ' is not a number with a unit Backline "
         "knows (kg, lb, km, m, mi, reps, s, min, h)'"),
        ("weight_raw IS NOT NULL AND weight_value IS NULL" if "weight" in has else "",
         label("weight"), "'weight ' || quote_text(weight_raw) || ' is not a number'"),
        ("weight_value < 0" if plan.rules.negative_weight == "reject" and "weight" in has
         else "", label("weight"), "'weight ' || weight_raw || ' is negative'"),
        ("weight_value <> 0 AND weight_factor IS NULL" if "weight" in has else "",
         label("unit"),
         "CASE WHEN unit_raw IS NULL THEN 'weight unit is blank (expected kg or lb)' "
         "ELSE 'weight unit ' || quote_text(unit_raw) || ' is not kg or lb' END"),
        (f"abs(weight_value) * weight_factor > {MAX_WEIGHT_KG}" if "weight" in has else "",
         label("weight"),
         "'weight ' || weight_raw || CASE WHEN weight_factor <> 1 THEN ' (' || "
         "CAST(round(abs(weight_value) * weight_factor) AS BIGINT) || ' kg)' ELSE '' END || "
         f"' is implausible (over {MAX_WEIGHT_KG:g} kg)'"),
        ("reps_raw IS NOT NULL AND (reps_value IS NULL OR reps_value <> floor(reps_value))",
         label("reps"), "'reps ' || quote_text(reps_raw) || ' is not a whole number'"),
        ("reps_value < 0", label("reps"), "'reps ' || reps_raw || ' is negative'"),
        (f"reps_value > {MAX_REPS}", label("reps"),
         f"'reps ' || reps_raw || ' is implausible (over {MAX_REPS})'"),
        ("rpe_raw IS NOT NULL AND (rpe_value IS NULL OR rpe_value < 0 OR rpe_value > 10)"
         if "rpe" in has else "",
         label("rpe"), "'RPE ' || quote_text(rpe_raw) || ' is not a number from 1 to 10'"),
        ("duration_raw IS NOT NULL AND (duration_value IS NULL OR duration_value < 0)",
         label("duration_s"), "'duration ' || quote_text(duration_raw) "
         "|| ' is not seconds, H:MM:SS or like 1h 5m'"),
        ("distance_raw IS NOT NULL AND (distance_value IS NULL OR distance_value < 0)"
         if "distance_m" in has else "", label("distance_m"),
         "'distance ' || quote_text(distance_raw) || ' is not a positive number'"),
        ("distance_value > 0 AND distance_factor IS NULL" if "distance_m" in has else "",
         label("distance_unit"),
         f"CASE WHEN distance_unit_raw IS NULL THEN {distance_blank_unit} ELSE "
         "'distance unit ' || quote_text(distance_unit_raw) "
         "|| ' is not m, km, mi, ft or yd' END"),
        ("bodyweight_raw IS NOT NULL AND (bodyweight_value IS NULL OR bodyweight_value < 0)"
         if "bodyweight" in has else "", label("bodyweight"),
         "'body weight ' || quote_text(bodyweight_raw) || ' is not a positive number'"),
    ]
    assert len(checks) == len(CHECKS)
    live = [(n, check) for n, check in enumerate(checks, 1) if check[0]]
    # The checks run once per row (a check number); the column and the message are only
    # built for the rows that fail one.
    failed_check = "CASE " + " ".join(f"WHEN {c} THEN {n}" for n, (c, _, _) in live) + " END"
    reject_column = "CASE failed_check " + " ".join(
        f"WHEN {n} THEN {column}" for n, (_, column, _) in live) + " END"
    reject_reason = "CASE failed_check " + " ".join(
        f"WHEN {n} THEN {why}" for n, (_, _, why) in live) + " END"

    carried = [f"{raw[name]} AS {name}" for name in (
        "cell_factor_weight", "cell_factor_distance", "cell_bad", "cell_bad_text",
        "cell_bad_column", "wide_factor", "weight_column", "reps_column", "exercise_column",
    ) if name in raw] + list(carry)
    from_src = f"(SELECT *, {', '.join(extra)} FROM {src})" if extra else src
    if wide_unnest:
        from_src = (f"(SELECT * FROM (SELECT *, {wide_unnest} FROM {from_src}) "
                    "WHERE g.reps IS NOT NULL)")
    elif "sets" in columns:
        count = f"TRY_CAST({raw['sets']} AS INTEGER)"
        from_src = (
            f"(SELECT *, unnest(range(CASE WHEN {count} BETWEEN 1 AND {MAX_SETS_IN_ROW} "
            f"THEN {count} ELSE 1 END)) AS set_copy FROM {from_src})"
        )

    def optional(field: str, expression: str, alias: str, otherwise: str = "NULL") -> str:
        return f"{expression if field in has else otherwise} AS {alias}"

    type_words = ("CASE WHEN type_token IS NULL OR regexp_full_match(type_token, '\\d+') "
                  f"THEN 'working' ELSE {_case_map('type_token', words)} END")
    if "warmup" in columns:
        type_words = (f"CASE WHEN lower(warmup_raw) IN ({yes_words}) THEN 'warmup' "
                      f"ELSE {type_words} END")
    workout_duration = s.finite("workout_duration_number")
    if "end" in columns:
        ended = timestamp_sql("end_raw", formats, reading.time_zone)
        workout_duration = (f"coalesce({workout_duration}, CASE WHEN {ended} > performed_at "
                            f"THEN epoch({ended}) - epoch(performed_at) END)")
    skips = []
    if plan.words.rest:
        rest = ", ".join(sql_string(w) for w in sorted(plan.words.rest))
        skips.append(f"WHEN type_token IN ({rest}) THEN {sql_string(REST_ROW)}")
    if plan.words.note:
        note = ", ".join(sql_string(w) for w in sorted(plan.words.note))
        skips.append(f"WHEN type_token IN ({note}) THEN {sql_string(NOTE_ROW)}")
    # Every cell read empty: a row of delimiters, not a set. (A row with any text in it
    # is judged like any other, so a damaged one is reported, not skipped.)
    read = [name for name, field in (
        ("date_raw", "date"), ("exercise_raw", "exercise"), ("workout_name", "workout"),
        ("weight_raw", "weight"), ("reps_raw", "reps"), ("duration_raw", "duration_s"),
        ("distance_raw", "distance_m"), ("notes", "notes"), ("type_token", "set"),
        ("rpe_raw", "rpe")) if field in has or (field == "set" and "set_type" in has)]
    skips.append(f"WHEN coalesce({', '.join(read)}) IS NULL THEN 'empty row'")
    skips.append(
        f"WHEN lower(exercise_raw) = {header_text('exercise')} "
        f"AND lower(date_raw) = {header_text('date')} THEN {sql_string(REPEATED_HEADER)}"
    )
    if "skipped" in columns:
        skips.append(f"WHEN lower(skipped_raw) IN ({yes_words}) "
                     f"THEN {sql_string(SKIPPED_IN_APP)}")
    skips.append(
        # A set not done has a readable date and exercise; without them the row is damaged
        # and rejected for it below.
        "WHEN performed_at IS NOT NULL AND exercise_raw IS NOT NULL "
        "AND (reps_raw IS NULL OR reps_value = 0) "
        "AND (duration_raw IS NULL OR duration_value = 0) "
        + ("AND (distance_raw IS NULL OR distance_value = 0) " if "distance_m" in has else "")
        + "THEN 'set not done (no reps, time or distance logged)'"
    )
    weight_kg = "weight_value * weight_factor"
    negative_is_help = plan.rules.negative_weight == "assistance" and "weight" in has
    keep = "".join(f", {name}" for name in carry)
    return f"""
    WITH src AS (
        SELECT * FROM {from_src}
    ),
    parsed AS (
        SELECT
            {raw['date']} AS date_raw,
            {raw['end']} AS end_raw,
            {raw['workout']} AS workout_name,
            {raw['workout_duration']} AS workout_duration_raw,
            {raw['workout_notes']} AS workout_notes,
            {raw['exercise']} AS exercise_raw,
            lower(coalesce({raw['set_type']}, {raw['set']})) AS type_token,
            {raw['warmup']} AS warmup_raw,
            {raw['skipped']} AS skipped_raw,
            {raw['weight']} AS weight_raw,
            {raw['unit']} AS unit_raw,
            {raw['reps']} AS reps_raw,
            {raw['rpe']} AS rpe_raw,
            {raw['duration_s']} AS duration_raw,
            {raw['distance_m']} AS distance_raw,
            {raw['distance_unit']} AS distance_unit_raw,
            {raw['notes']} AS notes,
            {raw['sets']} AS sets_raw,
            {raw['bodyweight']} AS bodyweight_raw
            {"".join(", " + c for c in carried)}
        FROM src
    ),
    valued AS (
        SELECT *,
            {performed} AS performed_at,
            {s.number('workout_duration_raw')} AS workout_duration_plain,
            {s.number('duration_raw')} AS duration_plain,
            {optional('weight', s.number('weight_raw'), 'weight_number')},
            {optional('weight', weight_factor, 'weight_factor')},
            {s.number('reps_raw')} AS reps_number,
            {optional('rpe', s.number('rpe_raw'), 'rpe_number')},
            {optional('distance_m', s.number('distance_raw'), 'distance_number')},
            {optional('distance_m', distance_factor, 'distance_factor')},
            {optional('sets', s.number('sets_raw'), 'sets_number')},
            {optional('bodyweight', s.number(_WITHOUT_WEIGHT_UNIT), 'bodyweight_number')},
            {optional('bodyweight', _bodyweight_factor(bodyweight_factor), 'bodyweight_factor')}
        FROM parsed
    ),
    split AS (
        SELECT *,
            {_clock_parts('workout_duration_raw', 'workout_duration_plain')}
                AS workout_duration_parts,
            {_clock_parts('duration_raw', 'duration_plain')} AS duration_parts
        FROM valued
    ),
    typed AS (
        SELECT *,
            {_duration('workout_duration_raw', 'workout_duration_plain',
                       'workout_duration_parts')} AS workout_duration_number,
            {_duration('duration_raw', 'duration_plain', 'duration_parts')} AS duration_number,
            {type_words} AS set_type
        FROM split
    ),
    finite AS (
        SELECT *,
            {workout_duration} AS workout_duration_s,
            {s.finite('duration_number')} AS duration_value,
            {optional('weight', s.finite('weight_number'), 'weight_value')},
            {s.finite('reps_number')} AS reps_value,
            {optional('rpe', s.finite('rpe_number'), 'rpe_value')},
            {optional('distance_m', s.finite('distance_number'), 'distance_value')},
            {optional('sets', s.finite('sets_number'), 'sets_value')},
            {optional('bodyweight', s.finite('bodyweight_number'), 'bodyweight_value')}
        FROM typed
    ),
    judged AS (
        SELECT *,
            CASE {" ".join(skips)} END AS skip_reason,
            {failed_check} AS failed_check
        FROM finite
    )
    SELECT
        performed_at, workout_name, workout_duration_s, workout_notes, exercise_raw, set_type,
        {optional('weight', f"CASE WHEN weight_value > 0 THEN {weight_kg} END", 'weight_kg',
                  'NULL::DOUBLE')},
        {f"CASE WHEN weight_value < 0 THEN -({weight_kg}) END AS assistance_kg,"
         if negative_is_help else ""}
        reps_value,
        {optional('rpe', 'nullif(rpe_value, 0)', 'rpe', 'NULL::DOUBLE')},
        nullif(duration_value, 0) AS duration_s,
        {optional('distance_m', 'nullif(distance_value, 0) * distance_factor', 'distance_m',
                  'NULL::DOUBLE')},
        notes,
        {"nullif(bodyweight_value, 0) * bodyweight_factor AS bodyweight_kg,"
         if "bodyweight" in has else ""}
        skip_reason,
        CAST(failed_check AS UTINYINT) AS failed_check,
        {reject_column} AS reject_column,
        {reject_reason} AS reject_reason{keep}
    FROM judged
    """


def read_csv_sql(width: int, csv_path: str, delimiter: str, *,
                 store_rejects: bool = True, ragged: bool = False) -> str:
    """DuckDB's reader over the prepared file: every column text, named c0, c1, ..."""
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    rejects = "store_rejects = true" if store_rejects else "ignore_errors = true"
    return (
        f"read_csv({sql_string(csv_path)}, header = true, delim = {sql_string(delimiter)}, "
        f"quote = '\"', escape = '\"', auto_detect = false, strict_mode = true, "
        f"columns = {{{columns}}}, {rejects}, null_padding = {str(ragged).lower()})"
    )


def date_formats_in_file_order(
    con: duckdb.DuckDBPyConnection, plan: FormatPlan, csv_path: str, delimiter: str,
    formats: tuple[str, ...], sample: int = 500,
) -> tuple[str, ...]:
    """``formats`` with the layouts the file's first dates use tried first.

    A date is parsed with the first layout that fits, and a failed try costs far more than
    a successful one (Hevy's `15 Sep 2025, 07:48` used to fail seven layouts per row). The
    layouts a spec lists never read one text as two different times (a test checks this),
    so trying them in another order gives the same timestamps, only sooner; the one
    exception, ``%Y`` reading a two-digit year, is kept behind its ``%y`` twin.
    """
    if len(formats) < 2 or "date" not in plan.columns:
        return formats
    counts = count_date_layouts(con, plan, csv_path, delimiter, formats, sample)
    if counts is None:
        return formats  # the full read reports what is wrong with the file
    order = sorted(range(len(formats)), key=lambda i: (-counts[i], i))
    ordered = [formats[i] for i in order]
    # A two-digit-year layout goes before its four-digit twin, which also reads "18" as
    # the year 18: whichever of the two the file uses more, "19/11/18" means 2018.
    for i, layout in enumerate(list(ordered)):
        if "%y" in layout and (twin := layout.replace("%y", "%Y")) in ordered[:i]:
            ordered.remove(layout)
            ordered.insert(ordered.index(twin), layout)
    return tuple(ordered)


def date_text_sql(plan: FormatPlan) -> str:
    """The date text of a record as the staging statement reads it (date + time column)."""
    date = f"nullif(trim(c{plan.columns['date']}), '')"
    if "time" in plan.columns:
        time = f"nullif(trim(c{plan.columns['time']}), '')"
        return f"CASE WHEN {time} IS NULL THEN {date} ELSE {date} || ' ' || {time} END"
    return date


def count_date_layouts(
    con: duckdb.DuckDBPyConnection, plan: FormatPlan, csv_path: str, delimiter: str,
    formats: Iterable[str], sample: int | None = 500,
) -> list[int] | None:
    """How many of the first ``sample`` dates (every date: None) each layout reads as a
    plausible date, and the number of non-empty dates last; None when the file cannot be
    read. (``%Y`` reads ``19/11/18`` as the year 19: a layout is only credited with dates
    after 1950.)"""
    formats = list(formats)
    limit = f"LIMIT {int(sample)}" if sample else ""
    reader = read_csv_sql(len(plan.header), csv_path, delimiter, store_rejects=False,
                          ragged=plan.rules.ragged)
    try:
        return con.execute(
            "SELECT [" + ", ".join(
                f"count(CASE WHEN year(TRY_STRPTIME(d, {sql_string(f)})) >= {EARLIEST_YEAR} "
                "THEN 1 END)" for f in formats
            ) + f", count(d)] FROM (SELECT {date_text_sql(plan)} AS d FROM {reader} {limit})"
        ).fetchone()[0]
    except duckdb.Error:
        return None


#: The sets numbered together: one exercise in one session (session_id is made of the
#: second the session started and its workout name).
GROUP = "date_trunc('second', performed_at), workout_name, lower(exercise_raw)"


def batch_filter(batch: int, batches: int, alias: str = "") -> str:
    """Rows of numbering groups in share ``batch`` of ``batches`` (a group is never split).

    Also true of stored sets: two sets with the same key are in the same group, so a
    batch's duplicates can only be among the stored sets of the same share.
    """
    group = GROUP if not alias else (
        f"date_trunc('second', {alias}.performed_at), {alias}.workout_name, "
        f"lower({alias}.exercise_raw)"
    )
    return f"hash({group}) % {int(batches)} = {int(batch)}"


#: Staged columns a set carries into the store (besides its key). What belongs to the
#: session (``workout_notes``, ``bodyweight_kg``) is stored per session instead.
SET_COLUMNS = (
    "performed_at", "workout_name", "workout_duration_s", "exercise_raw", "set_type",
    "weight_kg", "assistance_kg", "reps_value", "rpe", "duration_s", "distance_m", "notes",
)
#: The field a staged column is filled from, for columns most plans leave empty.
_OPTIONAL_COLUMNS = {"workout_duration_s": "workout_duration", "rpe": "rpe",
                     "distance_m": "distance_m"}


def carried_columns(plan: FormatPlan) -> tuple[str, ...]:
    """The :data:`SET_COLUMNS` this plan can fill; the others are NULL for every set, so
    they need not ride through the numbering window (a wide row costs there)."""
    def fills(column: str) -> bool:
        if column == "assistance_kg":
            return plan.rules.negative_weight == "assistance" and "weight" in plan.columns
        if column == "workout_duration_s" and "end" in plan.columns:
            return True
        field = _OPTIONAL_COLUMNS.get(column)
        return field is None or field in plan.columns or bool(plan.rules.units_in_cells)
    return tuple(column for column in SET_COLUMNS if fills(column))


def numbered_sql(batch: int = 0, batches: int = 1,
                 columns: tuple[str, ...] = SET_COLUMNS) -> str:
    """Valid staged rows with their set number, in the columns of ``sets``' natural key.

    A set's number counts the sets of its exercise in its session in file order; rejected
    rows keep their place, so fixing one in the app and re-importing slots it in without
    renumbering the others. The natural key re-imports are checked against is the
    athlete, ``session_id``, the exercise (case ignored) and ``set_index``: one file never
    holds a key twice, as the session id is made of exactly what the numbering groups by
    (the second a session started and its workout name).

    ``batches`` > 1 numbers one share of the sessions (split by a hash of the numbering
    group, so a group is never split): the window then holds a share of the rows, which
    bounds an import's memory whatever the size of the file. The session id is built after
    the window so the window does not have to carry it, nor the ``columns`` of
    :data:`SET_COLUMNS` the plan leaves empty.
    """
    share = f"AND {batch_filter(batch, batches)}" if batches > 1 else ""
    absent = "".join(f", NULL AS {column}" for column in SET_COLUMNS if column not in columns)
    return f"""
    SELECT * EXCLUDE (valid), {SESSION_ID} AS session_id{absent}
    FROM (
        SELECT *, row_number() OVER (PARTITION BY {GROUP} ORDER BY rn) AS set_index
        FROM (
            SELECT rowid AS rn, {', '.join(columns)},
                   reject_reason IS NULL AS valid
            FROM staged WHERE skip_reason IS NULL {share}
        )
    )
    WHERE valid
    """


def rejected_keys_sql() -> str:
    """The natural key of every rejected row whose date and exercise were read.

    A rejected row keeps its place in the numbering, so once its problem is fixed in the
    app the set it becomes has exactly this key: a later import that stores that key has
    resolved the reject (``backline rejects`` stops listing it).
    """
    return f"""
    SELECT rn AS staged_row, {SESSION_ID} AS session_id, lower(exercise_raw) AS exercise_key,
           set_index
    FROM (
        SELECT *, row_number() OVER (PARTITION BY {GROUP} ORDER BY rn) AS set_index
        FROM (
            SELECT rowid AS rn, performed_at, workout_name, exercise_raw,
                   reject_reason IS NOT NULL AS rejected
            FROM staged
            WHERE skip_reason IS NULL AND performed_at IS NOT NULL AND exercise_raw IS NOT NULL
              AND performed_at IN (SELECT performed_at FROM staged
                                   WHERE reject_reason IS NOT NULL AND skip_reason IS NULL
                                     AND performed_at IS NOT NULL
                                     AND exercise_raw IS NOT NULL)
        )
    )
    WHERE rejected
    """



def session_details_sql(plan: FormatPlan) -> str | None:
    """One row per session of the valid staged rows that has notes or a body weight (the
    first of each in file order), with the session id its sets get; None when the plan
    reads neither."""
    present = [c for c, field in (("workout_notes", "workout_notes"),
                                  ("bodyweight_kg", "bodyweight")) if field in plan.columns]
    if not present:
        return None
    firsts = ", ".join(
        f"arg_min({c}, rowid) FILTER (WHERE {c} IS NOT NULL) AS {c}" if c in present
        else f"NULL AS {c}" for c in ("workout_notes", "bodyweight_kg"))
    return f"""
    SELECT {SESSION_ID} AS session_id, {firsts}
    FROM staged
    WHERE skip_reason IS NULL AND reject_reason IS NULL
      AND ({' OR '.join(f'{c} IS NOT NULL' for c in present)})
    GROUP BY ALL"""


def exercise_notes_sql(note_row: str) -> str:
    """The text of Strong v6 ``Note`` rows, one per exercise in a session (several notes
    joined by line breaks), with the session id and exercise key its sets get."""
    return f"""
    SELECT {SESSION_ID} AS session_id, lower(exercise_raw) AS exercise_key,
           string_agg(notes, chr(10) ORDER BY rowid) AS note
    FROM staged
    WHERE skip_reason = {sql_string(note_row)} AND notes IS NOT NULL
      AND performed_at IS NOT NULL AND exercise_raw IS NOT NULL
    GROUP BY ALL"""
