"""One SQL statement that reads an export and turns each record into a canonical set row.

Parsing, unit conversion, set typing and validation all happen in DuckDB over the whole
file at once (no Python loop per row), which keeps a million-row import within a small
factor of DuckDB's own CSV read. Every record leaves this step with exactly one outcome:
a canonical row, a skip reason, or a reject reason naming the column.

Two statements, so the expensive one stays a plain parallel scan:

1. :func:`staging_sql` parses and judges every record. It has no window function, so
   DuckDB reads the file on all cores; the table it fills keeps file order (insertion
   order is preserved), which makes ``rowid`` the record's position among parsed rows.
2. :func:`numbered_sql` numbers the sets of each exercise in a session in file order,
   which completes each set's natural key — run inside the write, over valid rows only.
"""

from __future__ import annotations

import duckdb

from .formats import DATE_FORMATS, FormatPlan

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
#: A session: its start time plus the workout name (stable across re-exports).
SESSION_ID = (
    "strftime(performed_at, '%Y-%m-%dT%H:%M:%S') || coalesce(' ' || workout_name, '')"
)
MAX_NAME_LENGTH = 200  # exercise names; longer ones are pasted text, not a lift


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
) -> str:
    """SELECT producing, in file order, one row per CSV record: canonical values, outcome.

    Only what later steps use is kept (the text of a rejected record is read back from the
    file by line number), so the staged table stays small next to the file.
    """
    names = {column: f"c{i}" for i, column in reversed(list(enumerate(header)))}
    decimal_comma = delimiter == ";"

    def txt(field: str) -> str:
        column = plan.columns.get(field)
        if column is None:
            return "NULL::VARCHAR"
        return f"nullif(trim({names[column]}), '')"

    def number(value: str) -> str:
        """The cell as a number (may be nan/inf: :func:`finite` filters those)."""
        if decimal_comma:
            value = f"replace({value}, ',', '.')"
        return f"TRY_CAST({value} AS DOUBLE)"

    def finite(value: str) -> str:
        """``value`` unless it is nan or infinite (`nan`, `inf`, `1e999` are not numbers)."""
        return f"CASE WHEN isfinite({value}) THEN {value} END"

    def whole_minutes(value: str) -> str:
        """True for `38min` (digits, then `min` in any case): Strong's workout duration,
        on every row of its exports, read without the regex below (which gives the same
        seconds for it, ``digits * 60``)."""
        # One regex: the same test as ``ends_with(lower(v), 'min')`` after ASCII digits,
        # as the only character ``lower`` turns into an m, i or n besides M, I and N is
        # the dotted capital I, U+0130 (DuckDB's lower, checked over every code point).
        return f"regexp_full_match({value}, '[0-9]+[mM][iI\u0130][nN]')"

    def clock_parts(value: str, plain: str) -> str:
        """`1h 5m`, `38min`, `45s` split into hours/minutes/seconds text (one regex), for
        cells that are neither a plain number (``plain``) nor a clock time (nor
        :func:`whole_minutes`)."""
        return (
            f"CASE WHEN {plain} IS NULL AND NOT contains({value}, ':') "
            f"AND NOT {whole_minutes(value)} THEN "
            f"regexp_extract(lower({value}), "
            r"'^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?\s*$', "
            "['h', 'm', 's']) END"
        )

    def duration(value: str, plain: str, parts: str) -> str:
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
            f"CASE WHEN {whole_minutes(value)} THEN "
            f"TRY_CAST(substr({value}, 1, length({value}) - 3) AS DOUBLE) * 60 END"
        )
        return f"coalesce({plain}, {clock}, {minutes}, {words})"

    if plan.weight_unit is not None:
        weight_factor = repr(WEIGHT_UNITS[plan.weight_unit])
    else:
        fallback = repr(WEIGHT_UNITS[caller_unit]) if caller_unit else "NULL"
        weight_factor = f"coalesce({_case_map('unit_raw', WEIGHT_UNITS)}, " \
            f"CASE WHEN unit_raw IS NULL THEN {fallback} END)"
    if "distance_unit" in plan.columns:
        distance_factor = _case_map("distance_unit_raw", DISTANCE_UNITS)
    else:
        distance_factor = repr(DISTANCE_UNITS[plan.distance_unit or "m"])

    formats = "[" + ", ".join(sql_string(f) for f in plan.date_formats) + "]"
    set_column = "set_type" if "set_type" in plan.columns else "set"

    def label(field: str) -> str:
        return sql_string(plan.columns.get(field, field))

    def header_text(field: str) -> str:
        """The header's own text for ``field`` (a repeated header row holds it)."""
        column = plan.columns.get(field)
        return sql_string(column.strip().lower()) if column else "NULL"

    if set(plan.date_formats) == set(DATE_FORMATS):
        date_hint = "expected e.g. 2025-03-05 18:12:00"
    else:  # the layout a column mapping named
        date_hint = "expected the layout " + " or ".join(plan.date_formats)
    date_hint = date_hint.replace("'", "''")

    # Validation in order: the first failing check names the column and the reason.
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
        ("set_type IS NULL", label(set_column), "'set type ' || quote_text(type_token) "
         "|| ' is not one of working, warmup (W), drop (D), failure (F)'"),
        ("weight_raw IS NOT NULL AND weight_value IS NULL", label("weight"),
         "'weight ' || quote_text(weight_raw) || ' is not a number'"),
        ("weight_value < 0", label("weight"), "'weight ' || weight_raw || ' is negative'"),
        ("weight_value > 0 AND weight_factor IS NULL", label("unit"),
         "CASE WHEN unit_raw IS NULL THEN 'weight unit is blank (expected kg or lb)' "
         "ELSE 'weight unit ' || quote_text(unit_raw) || ' is not kg or lb' END"),
        (f"weight_kg > {MAX_WEIGHT_KG}", label("weight"),
         "'weight ' || weight_raw || CASE WHEN weight_factor <> 1 THEN ' (' || "
         "CAST(round(weight_kg) AS BIGINT) || ' kg)' ELSE '' END || "
         f"' is implausible (over {MAX_WEIGHT_KG:g} kg)'"),
        ("reps_raw IS NOT NULL AND (reps_value IS NULL OR reps_value <> floor(reps_value))",
         label("reps"), "'reps ' || quote_text(reps_raw) || ' is not a whole number'"),
        ("reps_value < 0", label("reps"), "'reps ' || reps_raw || ' is negative'"),
        (f"reps_value > {MAX_REPS}", label("reps"),
         f"'reps ' || reps_raw || ' is implausible (over {MAX_REPS})'"),
        ("rpe_raw IS NOT NULL AND (rpe_value IS NULL OR rpe_value < 0 OR rpe_value > 10)",
         label("rpe"), "'RPE ' || quote_text(rpe_raw) || ' is not a number from 1 to 10'"),
        ("duration_raw IS NOT NULL AND (duration_value IS NULL OR duration_value < 0)",
         label("duration_s"), "'duration ' || quote_text(duration_raw) "
         "|| ' is not seconds, H:MM:SS or like 1h 5m'"),
        ("distance_raw IS NOT NULL AND (distance_value IS NULL OR distance_value < 0)",
         label("distance_m"),
         "'distance ' || quote_text(distance_raw) || ' is not a positive number'"),
        ("distance_value > 0 AND distance_factor IS NULL", label("distance_unit"),
         "'distance unit ' || quote_text(coalesce(distance_unit_raw, '')) "
         "|| ' is not m, km, mi, ft or yd'"),
    ]
    # The checks run once per row (a check number); the column and the message are only
    # built for the rows that fail one.
    failed_check = "CASE " + " ".join(
        f"WHEN {condition} THEN {n}" for n, (condition, _, _) in enumerate(checks, 1)
    ) + " END"
    reject_column = "CASE failed_check " + " ".join(
        f"WHEN {n} THEN {column}" for n, (_, column, _) in enumerate(checks, 1)
    ) + " END"
    reject_reason = "CASE failed_check " + " ".join(
        f"WHEN {n} THEN {why}" for n, (_, _, why) in enumerate(checks, 1)
    ) + " END"
    skip_markers = ", ".join(sql_string(m) for m in SKIP_MARKERS)

    return f"""
    WITH src AS (
        SELECT * FROM {read_csv_sql(header, csv_path, delimiter)}
    ),
    parsed AS (
        SELECT
            {txt('date')} AS date_raw,
            {txt('workout')} AS workout_name,
            {txt('workout_duration')} AS workout_duration_raw,
            {txt('exercise')} AS exercise_raw,
            lower(coalesce({txt('set_type')}, {txt('set')})) AS type_token,
            {txt('weight')} AS weight_raw,
            {txt('unit')} AS unit_raw,
            {txt('reps')} AS reps_raw,
            {txt('rpe')} AS rpe_raw,
            {txt('duration_s')} AS duration_raw,
            {txt('distance_m')} AS distance_raw,
            {txt('distance_unit')} AS distance_unit_raw,
            {txt('notes')} AS notes
        FROM src
    ),
    valued AS (
        SELECT *,
            TRY_STRPTIME(date_raw, {formats}) AS performed_at,
            {number('workout_duration_raw')} AS workout_duration_plain,
            {number('duration_raw')} AS duration_plain,
            {number('weight_raw')} AS weight_number,
            {weight_factor} AS weight_factor,
            {number('reps_raw')} AS reps_number,
            {number('rpe_raw')} AS rpe_number,
            {number('distance_raw')} AS distance_number,
            {distance_factor} AS distance_factor
        FROM parsed
    ),
    split AS (
        SELECT *,
            {clock_parts('workout_duration_raw', 'workout_duration_plain')}
                AS workout_duration_parts,
            {clock_parts('duration_raw', 'duration_plain')} AS duration_parts
        FROM valued
    ),
    typed AS (
        SELECT *,
            {duration('workout_duration_raw', 'workout_duration_plain',
                      'workout_duration_parts')} AS workout_duration_number,
            {duration('duration_raw', 'duration_plain', 'duration_parts')} AS duration_number,
            CASE WHEN type_token IS NULL OR regexp_full_match(type_token, '\\d+') THEN 'working'
                 ELSE {_case_map('type_token', SET_TYPES)} END AS set_type,
            CASE WHEN isfinite(weight_number) AND weight_number <> 0
                 THEN weight_number * weight_factor END AS weight_kg
        FROM split
    ),
    finite AS (
        SELECT *,
            {finite('workout_duration_number')} AS workout_duration_s,
            {finite('duration_number')} AS duration_value,
            {finite('weight_number')} AS weight_value,
            {finite('reps_number')} AS reps_value,
            {finite('rpe_number')} AS rpe_value,
            {finite('distance_number')} AS distance_value
        FROM typed
    ),
    judged AS (
        SELECT *,
            CASE
              WHEN type_token IN ({skip_markers}) THEN 'rest timer row'
              WHEN exercise_raw IS NULL AND date_raw IS NULL AND weight_raw IS NULL
                   AND reps_raw IS NULL THEN 'empty row'
              WHEN lower(date_raw) = {header_text('date')}
                   AND lower(exercise_raw) = {header_text('exercise')}
                THEN 'repeated header row'
              WHEN (reps_raw IS NULL OR reps_value = 0)
                   AND (duration_raw IS NULL OR duration_value = 0)
                   AND (distance_raw IS NULL OR distance_value = 0)
                THEN 'set not done (no reps, time or distance logged)'
            END AS skip_reason,
            {failed_check} AS failed_check
        FROM finite
    )
    SELECT
        performed_at,
        workout_name, workout_duration_s, exercise_raw, set_type, weight_kg, reps_value,
        nullif(rpe_value, 0) AS rpe,
        nullif(duration_value, 0) AS duration_s,
        nullif(distance_value, 0) * distance_factor AS distance_m,
        notes, skip_reason,
        {reject_column} AS reject_column,
        {reject_reason} AS reject_reason
    FROM judged
    """


def read_csv_sql(header: list[str], csv_path: str, delimiter: str, *,
                 store_rejects: bool = True) -> str:
    """DuckDB's reader over the prepared file: every column text, named c0, c1, ..."""
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header)))
    rejects = "store_rejects = true" if store_rejects else "ignore_errors = true"
    return (
        f"read_csv({sql_string(csv_path)}, header = true, delim = {sql_string(delimiter)}, "
        f"quote = '\"', escape = '\"', auto_detect = false, strict_mode = true, "
        f"columns = {{{columns}}}, {rejects}, null_padding = false)"
    )


def date_formats_in_file_order(
    con: duckdb.DuckDBPyConnection, plan: FormatPlan, header: list[str], csv_path: str,
    delimiter: str, sample: int = 500,
) -> tuple[str, ...]:
    """``plan.date_formats`` with the layouts the file's first dates use tried first.

    A date is parsed with the first layout that fits, and a failed try costs far more than
    a successful one (Hevy's `15 Sep 2025, 07:48` used to fail seven layouts per row). The
    built-in layouts never read one text as two different times (a test checks this), so
    trying them in another order gives the same timestamps, only sooner.
    """
    formats = plan.date_formats
    column = plan.columns.get("date")
    if len(formats) < 2 or column is None:
        return formats
    position = header.index(column)
    try:
        counts = con.execute(
            "SELECT [" + ", ".join(
                f"count(TRY_STRPTIME(d, {sql_string(f)}))" for f in formats
            ) + f"] FROM (SELECT nullif(trim(c{position}), '') AS d "
            f"FROM {read_csv_sql(header, csv_path, delimiter, store_rejects=False)} "
            f"LIMIT {int(sample)})"
        ).fetchone()[0]
    except duckdb.Error:
        return formats  # the full read reports what is wrong with the file
    order = sorted(range(len(formats)), key=lambda i: (-counts[i], i))
    return tuple(formats[i] for i in order)


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


def numbered_sql(batch: int = 0, batches: int = 1) -> str:
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
    the window so the window does not have to carry it.
    """
    share = f"AND {batch_filter(batch, batches)}" if batches > 1 else ""
    return f"""
    SELECT * EXCLUDE (valid), {SESSION_ID} AS session_id
    FROM (
        SELECT *, row_number() OVER (PARTITION BY {GROUP} ORDER BY rn) AS set_index
        FROM (
            SELECT rowid AS rn, performed_at, workout_name, workout_duration_s,
                   exercise_raw, set_type, weight_kg, reps_value, rpe, duration_s,
                   distance_m, notes, reject_reason IS NULL AS valid
            FROM staged WHERE skip_reason IS NULL {share}
        )
    )
    WHERE valid
    """
