"""One SQL statement that reads an export and turns each record into a canonical set row.

Parsing, unit conversion, set typing and validation all happen in DuckDB over the whole
file at once (no Python loop per row), which keeps a million-row import within a small
factor of DuckDB's own CSV read. Every record leaves this step with exactly one outcome:
a canonical row, a skip reason, or a reject reason naming the column.
"""

from __future__ import annotations

from .formats import FormatPlan

LB_TO_KG = 0.45359237

# Values a unit column may hold, mapped to a factor into kilograms / metres.
WEIGHT_UNITS = {"kg": 1.0, "kgs": 1.0, "kilo": 1.0, "kilos": 1.0, "kilograms": 1.0,
                "lb": LB_TO_KG, "lbs": LB_TO_KG, "pound": LB_TO_KG, "pounds": LB_TO_KG}
DISTANCE_UNITS = {"m": 1.0, "meter": 1.0, "meters": 1.0, "metre": 1.0, "metres": 1.0,
                  "km": 1000.0, "kms": 1000.0, "kilometers": 1000.0, "kilometres": 1000.0,
                  "mi": 1609.344, "mile": 1609.344, "miles": 1609.344,
                  "ft": 0.3048, "feet": 0.3048, "yd": 0.9144, "yards": 0.9144}
SET_TYPES = {"w": "warmup", "warmup": "warmup", "warm-up": "warmup", "warm up": "warmup",
             "d": "drop", "drop": "drop", "dropset": "drop", "drop set": "drop",
             "f": "failure", "failure": "failure",
             "normal": "working", "working": "working", "work": "working", "n": "working"}
SKIP_MARKERS = ("rest timer",)

# Shows a raw value inside a message, cut short so a 5 MB cell cannot flood the UI.
QUOTE_MACRO = (
    "CREATE OR REPLACE TEMP MACRO quote_text(x) AS '\"' || "
    "CASE WHEN length(x) > 60 THEN left(x, 57) || '...' ELSE x END || '\"'"
)

MAX_WEIGHT_KG = 1000.0
MAX_REPS = 1000
EARLIEST_YEAR = 1950


def sql_string(value: str) -> str:
    """A SQL string literal (single quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


def _case_map(expr: str, mapping: dict[str, object]) -> str:
    whens = " ".join(f"WHEN {sql_string(k)} THEN {v!r}" for k, v in mapping.items())
    return f"CASE lower({expr}) {whens} ELSE NULL END"


def staging_sql(
    plan: FormatPlan,
    header: list[str],
    csv_path: str,
    delimiter: str,
    caller_unit: str | None,
    athlete_id: int,
) -> str:
    """SELECT producing one row per CSV record with canonical values and its outcome."""
    names = {column: f"c{i}" for i, column in reversed(list(enumerate(header)))}
    decimal_comma = delimiter == ";"

    def txt(field: str) -> str:
        column = plan.columns.get(field)
        if column is None:
            return "NULL::VARCHAR"
        return f"nullif(trim({names[column]}), '')"

    def num(field: str) -> str:
        value = txt(field)
        if decimal_comma:
            value = f"replace({value}, ',', '.')"
        return f"TRY_CAST({value} AS DOUBLE)"

    def duration(field: str) -> str:
        """Seconds from `90`, `1:30`, `0:01:30`, `38min`, `29m`, `1h 5m` or `45s`."""
        value = txt(field)
        parts = f"string_split({value}, ':')"
        clock = (
            f"CASE WHEN regexp_full_match({value}, '\\d+:\\d{{1,2}}:\\d{{1,2}}') THEN "
            f"TRY_CAST({parts}[1] AS DOUBLE) * 3600 + TRY_CAST({parts}[2] AS DOUBLE) * 60"
            f" + TRY_CAST({parts}[3] AS DOUBLE) "
            f"WHEN regexp_full_match({value}, '\\d+:\\d{{1,2}}') THEN "
            f"TRY_CAST({parts}[1] AS DOUBLE) * 60 + TRY_CAST({parts}[2] AS DOUBLE) END"
        )

        def unit(pattern: str) -> str:
            return f"coalesce(TRY_CAST(regexp_extract({value}, '{pattern}', 1) AS DOUBLE), 0)"

        hours, minutes, seconds = (unit(r"(\d+)\s*" + u) for u in ("h", "m", "s"))
        words = (
            f"CASE WHEN regexp_full_match(lower({value}),"
            r" '\s*(\d+\s*h)?\s*(\d+\s*m(in)?)?\s*(\d+\s*s)?\s*') THEN "
            f"{hours} * 3600 + {minutes} * 60 + {seconds} END"
        )
        plain = num(field)
        return f"coalesce({plain}, {clock}, {words})"

    if plan.weight_unit is not None:
        weight_factor = repr(WEIGHT_UNITS[plan.weight_unit])
        unit_raw = "NULL::VARCHAR"
    else:
        fallback = repr(WEIGHT_UNITS[caller_unit]) if caller_unit else "NULL"
        unit_raw = txt("unit")
        weight_factor = f"coalesce({_case_map(unit_raw, WEIGHT_UNITS)}, " \
            f"CASE WHEN {unit_raw} IS NULL THEN {fallback} END)"
    if "distance_unit" in plan.columns:
        distance_factor = _case_map(txt("distance_unit"), DISTANCE_UNITS)
        distance_unit_raw = txt("distance_unit")
    else:
        distance_factor = repr(DISTANCE_UNITS[plan.distance_unit or "m"])
        distance_unit_raw = "NULL::VARCHAR"

    formats = "[" + ", ".join(sql_string(f) for f in plan.date_formats) + "]"
    type_token = f"lower(coalesce({txt('set_type')}, {txt('set')}))"
    all_columns = ", ".join(names[c] for c in header) if header else "''"
    raw_line = f"concat_ws({sql_string(delimiter)}, {all_columns})"

    def label(field: str) -> str:
        return sql_string(plan.columns.get(field, field))

    return f"""
    WITH src AS (
        SELECT *, row_number() OVER () AS rn
        FROM read_csv({sql_string(csv_path)}, header = true, delim = {sql_string(delimiter)},
                      quote = '"', escape = '"', auto_detect = false, strict_mode = true,
                      columns = {{{", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header)))}}},
                      store_rejects = true, null_padding = false)
    ),
    parsed AS (
        SELECT rn,
            {txt('date')} AS date_raw,
            TRY_STRPTIME({txt('date')}, {formats}) AS performed_at,
            {txt('workout')} AS workout_name,
            {duration('workout_duration')} AS workout_duration_s,
            {txt('exercise')} AS exercise_raw,
            {type_token} AS type_token,
            {txt('weight')} AS weight_raw,
            {num('weight')} AS weight_value,
            {unit_raw} AS unit_raw,
            {weight_factor} AS weight_factor,
            {txt('reps')} AS reps_raw,
            {num('reps')} AS reps_value,
            {txt('rpe')} AS rpe_raw,
            {num('rpe')} AS rpe_value,
            {txt('duration_s')} AS duration_raw,
            {duration('duration_s')} AS duration_value,
            {txt('distance_m')} AS distance_raw,
            {num('distance_m')} AS distance_value,
            {distance_unit_raw} AS distance_unit_raw,
            {distance_factor} AS distance_factor,
            {txt('notes')} AS notes,
            {raw_line} AS raw_line
        FROM src
    ),
    typed AS (
        SELECT *,
            CASE WHEN type_token IS NULL OR regexp_full_match(type_token, '\\d+') THEN 'working'
                 ELSE {_case_map('type_token', SET_TYPES)} END AS set_type,
            CASE WHEN weight_value = 0 THEN NULL ELSE weight_value * weight_factor END
                AS weight_kg,
            nullif(duration_value, 0) AS duration_s,
            nullif(distance_value, 0) * distance_factor AS distance_m,
            nullif(rpe_value, 0) AS rpe
        FROM parsed
    ),
    judged AS (
        SELECT *,
            CASE
              WHEN type_token IN ({", ".join(sql_string(m) for m in SKIP_MARKERS)})
                THEN 'rest timer row'
              WHEN exercise_raw IS NULL AND date_raw IS NULL AND weight_raw IS NULL
                   AND reps_raw IS NULL THEN 'empty row'
              WHEN (reps_raw IS NULL OR reps_value = 0)
                   AND (duration_raw IS NULL OR duration_value = 0)
                   AND (distance_raw IS NULL OR distance_value = 0)
                THEN 'set not done (no reps, time or distance logged)'
            END AS skip_reason,
            CASE
              WHEN date_raw IS NULL THEN {label('date')}
              WHEN performed_at IS NULL THEN {label('date')}
              WHEN year(performed_at) < {EARLIEST_YEAR} THEN {label('date')}
              WHEN performed_at > current_localtimestamp() + INTERVAL 1 DAY THEN {label('date')}
              WHEN exercise_raw IS NULL THEN {label('exercise')}
              WHEN set_type IS NULL THEN {label('set_type') if 'set_type' in plan.columns
                                          else label('set')}
              WHEN weight_raw IS NOT NULL AND weight_value IS NULL THEN {label('weight')}
              WHEN weight_value < 0 THEN {label('weight')}
              WHEN weight_value > 0 AND weight_factor IS NULL THEN {label('unit')}
              WHEN weight_kg > {MAX_WEIGHT_KG} THEN {label('weight')}
              WHEN reps_raw IS NOT NULL AND (reps_value IS NULL OR reps_value <> floor(reps_value))
                THEN {label('reps')}
              WHEN reps_value < 0 OR reps_value > {MAX_REPS} THEN {label('reps')}
              WHEN rpe_raw IS NOT NULL AND (rpe_value IS NULL OR rpe_value < 0 OR rpe_value > 10)
                THEN {label('rpe')}
              WHEN duration_raw IS NOT NULL AND (duration_value IS NULL OR duration_value < 0)
                THEN {label('duration_s')}
              WHEN distance_raw IS NOT NULL AND (distance_value IS NULL OR distance_value < 0)
                THEN {label('distance_m')}
              WHEN distance_value > 0 AND distance_factor IS NULL THEN {label('distance_unit')}
            END AS reject_column,
            CASE
              WHEN date_raw IS NULL THEN 'date is empty'
              WHEN performed_at IS NULL THEN 'date ' || quote_text(date_raw)
                || ' is not a date Backline can read (expected e.g. 2025-03-05 18:12:00)'
              WHEN year(performed_at) < {EARLIEST_YEAR} THEN 'date ' || quote_text(date_raw)
                || ' is before {EARLIEST_YEAR}; check the export'
              WHEN performed_at > current_localtimestamp() + INTERVAL 1 DAY
                THEN 'date ' || quote_text(date_raw) || ' is in the future'
              WHEN exercise_raw IS NULL THEN 'exercise name is empty'
              WHEN set_type IS NULL THEN 'set type ' || quote_text(type_token)
                || ' is not one of working, warmup (W), drop (D), failure (F)'
              WHEN weight_raw IS NOT NULL AND weight_value IS NULL THEN 'weight '
                || quote_text(weight_raw) || ' is not a number'
              WHEN weight_value < 0 THEN 'weight ' || weight_raw || ' is negative'
              WHEN weight_value > 0 AND weight_factor IS NULL THEN CASE
                WHEN unit_raw IS NULL THEN 'weight unit is blank (expected kg or lb)'
                ELSE 'weight unit ' || quote_text(unit_raw) || ' is not kg or lb' END
              WHEN weight_kg > {MAX_WEIGHT_KG} THEN 'weight ' || weight_raw
                || ' is implausible (over {MAX_WEIGHT_KG:g} kg)'
              WHEN reps_raw IS NOT NULL AND (reps_value IS NULL OR reps_value <> floor(reps_value))
                THEN 'reps ' || quote_text(reps_raw) || ' is not a whole number'
              WHEN reps_value < 0 THEN 'reps ' || reps_raw || ' is negative'
              WHEN reps_value > {MAX_REPS} THEN 'reps ' || reps_raw
                || ' is implausible (over {MAX_REPS})'
              WHEN rpe_raw IS NOT NULL AND (rpe_value IS NULL OR rpe_value < 0 OR rpe_value > 10)
                THEN 'RPE ' || quote_text(rpe_raw) || ' is not a number from 1 to 10'
              WHEN duration_raw IS NOT NULL AND (duration_value IS NULL OR duration_value < 0)
                THEN 'duration ' || quote_text(duration_raw)
                || ' is not seconds, H:MM:SS or like 1h 5m'
              WHEN distance_raw IS NOT NULL AND (distance_value IS NULL OR distance_value < 0)
                THEN 'distance ' || quote_text(distance_raw) || ' is not a positive number'
              WHEN distance_value > 0 AND distance_factor IS NULL THEN 'distance unit '
                || quote_text(coalesce(distance_unit_raw, '')) || ' is not m, km, mi, ft or yd'
            END AS reject_reason
        FROM typed
    ),
    sessioned AS (
        SELECT *,
            strftime(performed_at, '%Y-%m-%dT%H:%M:%S')
                || coalesce(' ' || workout_name, '') AS session_id
        FROM judged
    ),
    indexed AS (
        SELECT *, row_number() OVER (
            PARTITION BY skip_reason IS NULL, session_id, lower(exercise_raw) ORDER BY rn
        ) AS set_index
        FROM sessioned
    )
    SELECT *,
        md5(concat_ws('|', {athlete_id}, session_id, lower(exercise_raw), set_index)) AS row_hash
    FROM indexed
    """
