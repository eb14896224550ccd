"""Import one export into the store: stage, account for every record, write once.

The order matters for safety: everything that can refuse the file as a whole (unreadable,
unknown header, missing unit, ambiguous dates, nearly every row failing for one reason)
happens before the write transaction starts, and the write is one transaction, so a
refused or interrupted import leaves the store as it was. A file of which nothing can be
stored leaves no trace either when its athlete is new: the result lists its rejects, and
no empty athlete is created.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field

import duckdb
import numpy as np
import pandas as pd

from .. import catalog
from ..store import Store
from .dates import has_offsets, plan_date_layouts
from .errors import IngestError
from .formats import FormatPlan, checked_date_format, plan_for
from .names import clean_names, is_assisted
from .normalise import (
    NOTE_ROW,
    QUOTE_MACRO,
    Reading,
    batch_filter,
    carried_columns,
    default_distance_unit,
    exercise_notes_sql,
    numbered_sql,
    read_csv_sql,
    rejected_keys_sql,
    session_details_sql,
    staging_sql,
    timestamp_sql,
)
from .reader import CsvSource, LineIndex, open_source, shorten
from .refusal import refuse_if_one_reason
from .vocab import DISTANCE_UNITS

#: DuckDB's longest CSV row (its ``max_line_size`` default); longer rows are rejected.
MAX_LINE_BYTES = 2_000_000

#: Rows per statement that numbers, checks and writes sets, counting the file's rows and the
#: athlete's stored sets they are checked against: bounds the memory an import needs.
BATCH_ROWS = 500_000

#: Rejects an import that stored nothing carries in its result (the rest are counted).
UNSAVED_REJECTS_SHOWN = 100

#: Called with (stage description, fraction done 0..1) as an import advances.
Progress = Callable[[str, float], None]


@dataclass
class ImportResult:
    """What happened to every record of one file; the counts add up to ``rows_read``.

    ``columns_not_read`` names the header's columns no field reads. ``distance_unit`` is
    the unit distances without one were read in, ``time_zone`` the zone dates with an
    offset were converted to (None when the file had none). ``import_id`` is None when
    nothing was stored (every row rejected, new athlete): ``rejects`` then lists them.
    """

    import_id: int | None
    file_name: str
    format: str
    variant: str
    unit: str | None
    athlete: str
    rows_read: int
    imported: int
    duplicates: int
    skipped: int
    rejected: int
    seconds: float
    columns_not_read: list[str] = field(default_factory=list)
    distance_unit: str | None = None
    time_zone: str | None = None
    rejects: list[dict[str, object]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _noop(_stage: str, _fraction: float) -> None:
    return None


def _athlete_name(athlete: str) -> str:
    name = (athlete or "").strip()
    if not name:
        raise IngestError("The athlete name is empty; say whose log this is.")
    return name


@dataclass(frozen=True)
class _Settings:
    """What the store remembers about an athlete beyond the unit (None: new, or not
    learned yet; the unit has its one rule, :meth:`Store.known_unit`)."""

    distance_unit: str | None = None
    time_zone: str | None = None


def _settings(store: Store, athlete: str) -> _Settings:
    return _Settings(**store.athlete_settings(athlete))


def _resolve_unit(plan: FormatPlan, unit: str | None, remembered: str | None,
                  source: CsvSource) -> str | None:
    """The caller's unit, else the athlete's remembered one; required where the file is silent."""
    if unit is not None and unit not in ("kg", "lb"):
        raise IngestError(f"Unit must be 'kg' or 'lb', not {unit!r}.")
    chosen = unit or remembered
    if plan.needs_unit and chosen is None:
        raise IngestError(
            f"{source.name} is a {plan.describe()} export, which does not say whether weights "
            "are in kg or lb. Choose the unit your app is set to (--unit kg or --unit lb)."
        )
    return chosen


def _resolve_distance_unit(plan: FormatPlan, given: str | None, remembered: str | None,
                           weight_unit: str | None) -> str | None:
    """The unit of distances the file leaves unqualified: the caller's answer, the
    athlete's remembered one, else the plan's rule (km for kg, miles for lb)."""
    if given is not None:
        if given.casefold() not in DISTANCE_UNITS:
            raise IngestError(
                f"Distance unit must be one of {', '.join(sorted(DISTANCE_UNITS))}, "
                f"not {given!r}."
            )
        return given.casefold()
    if plan.distance_unit == "by weight unit" and remembered:
        return remembered
    return default_distance_unit(plan, weight_unit)


def _checked_zone(cur: duckdb.DuckDBPyConnection, zone: str) -> str:
    try:
        cur.execute("SELECT timezone(?, TIMESTAMPTZ '2000-01-01 00:00:00+00')", [zone])
    except duckdb.Error as exc:
        raise IngestError(
            f"Unknown time zone {zone!r}; use a name such as Europe/Berlin, "
            "America/New_York or UTC."
        ) from exc
    return zone


def _resolve_time_zone(cur: duckdb.DuckDBPyConnection, given: str | None,
                       remembered: str | None) -> str:
    """The caller's zone, the athlete's, else this computer's (DuckDB reads the system's)."""
    if given:
        return _checked_zone(cur, given.strip())
    if remembered:
        return remembered
    return str(cur.execute("SELECT current_setting('TimeZone')").fetchone()[0])


def _reject_lines(
    cur: duckdb.DuckDBPyConnection, source: CsvSource, lines: LineIndex | None
) -> pd.DataFrame:
    """Records DuckDB's reader refused as malformed CSV (ragged rows, broken quotes)."""
    frame = cur.execute(
        """
        SELECT line AS record, min(line_byte_position) AS byte_position,
               arg_min(error_type, coalesce(column_idx, -1)) AS error_type,
               arg_min(error_message, coalesce(column_idx, -1)) AS detail,
               arg_min(column_name, coalesce(column_idx, -1)) AS column_ref,
               any_value(csv_line) AS raw
        FROM reject_errors GROUP BY line ORDER BY line
        """
    ).df()
    if frame.empty:
        return frame
    assert lines is not None
    frame["line"] = lines.lines_of(frame["byte_position"].to_numpy(dtype=np.int64))
    width = len(source.header)
    # Staged columns are named c0, c1, ... after their position in the header.
    frame["column_name"] = [
        source.header[int(ref[1:])] if isinstance(ref, str) and ref[1:].isdigit()
        and int(ref[1:]) < width else None
        for ref in frame["column_ref"]
    ]
    return frame


def field_count(raw: str, delimiter: str) -> int | None:
    """The number of fields of one CSV record's text, quotes honoured (None: unreadable)."""
    try:
        return len(next(csv.reader([raw], delimiter=delimiter), []))
    except csv.Error:
        return None


def _structural_messages(frame: pd.DataFrame, lines: LineIndex, source: CsvSource) -> None:
    """Say what is wrong with each malformed record in a person's words (in place)."""
    width = len(source.header)
    messages, raws = [], []
    for kind, detail, line, raw in zip(frame["error_type"], frame["detail"], frame["line"],
                                       frame["raw"], strict=True):
        found = None
        if kind in ("TOO MANY COLUMNS", "MISSING COLUMNS"):
            # DuckDB stops counting past the header's width; count the row's own fields.
            found = field_count(lines.full_text(int(line), MAX_LINE_BYTES), source.delimiter)
        if kind == "INVALID ENCODING":  # DuckDB's copy of the line garbles the bad bytes
            raw = lines.full_text(int(line), 4000)
        messages.append(_structural_message(kind, detail, width, found))
        raws.append(raw)
    frame["message"] = messages
    frame["raw"] = raws


def _structural_message(kind: object, detail: object, width: int, found: int | None) -> str:
    """Say what is wrong with a malformed CSV record in a person's words."""
    detail = str(detail) if isinstance(detail, str) else ""
    if found is None:
        found_text = detail.rsplit("Found:", 1)[-1].strip().rstrip(".") \
            if "Found:" in detail else "?"
    else:
        found_text = f"{found:,}"
    if kind == "MISSING COLUMNS":
        return f"row has {found_text} fields but the header has {width} (missing columns)"
    if kind == "TOO MANY COLUMNS":
        return f"row has {found_text} fields but the header has {width} (extra columns)"
    if kind == "UNQUOTED VALUE":
        return ("a quote is not closed, or a value has a stray quote (when a quote is never "
                "closed, the rows after it are read as part of this value)")
    if kind == "INVALID ENCODING":
        return "the row is not valid UTF-8 text (a byte that is no character; fix or retype it)"
    if kind == "LINE SIZE OVER MAXIMUM":
        size = detail.rsplit("Actual Size:", 1)[-1].split("bytes")[0].strip() \
            if "Actual Size:" in detail else "?"
        return (f"row is {size} bytes long; a row may be at most {MAX_LINE_BYTES:,} bytes "
                "(is a note or exercise name pasted text?)")
    return f"malformed CSV row ({shorten(detail or str(kind), 200)})"


def _structural_sessions(cur: duckdb.DuckDBPyConnection, plan: FormatPlan, reading: Reading,
                         frame: pd.DataFrame, delimiter: str) -> None:
    """The session of each malformed row whose date and workout can still be read from
    its text (in place, ``session_id``): a later import that adds a set to that session
    has settled it (the row was fixed), though its set number cannot be known."""
    date, workout = plan.columns.get("date"), plan.columns.get("workout")
    texts = []
    for raw in frame["raw"]:
        fields = _fields_of(raw, delimiter) if isinstance(raw, str) else None
        ok = fields is not None and date is not None and date < len(fields)
        texts.append((fields[date].strip() if ok else None,
                      fields[workout].strip() or None
                      if ok and workout is not None and workout < len(fields) else None))
    dates = pd.DataFrame(texts, columns=["date_raw", "workout_name"], dtype="object")
    cur.register("malformed_dates", dates)
    try:
        stamp = timestamp_sql("date_raw", reading.date_formats or plan.date_formats,
                              reading.time_zone)
        frame["session_id"] = cur.execute(
            f"SELECT strftime({stamp}, '%Y-%m-%dT%H:%M:%S') || coalesce(' ' || workout_name, '')"
            " FROM malformed_dates"
        ).df().iloc[:, 0].astype("object").where(lambda v: v.notna(), None).tolist()
    finally:
        cur.unregister("malformed_dates")


def _fields_of(raw: str, delimiter: str) -> list[str] | None:
    try:
        return next(csv.reader([raw.split("\n", 1)[0]], delimiter=delimiter), None)
    except csv.Error:
        return None


def _materialise_source(cur: duckdb.DuckDBPyConnection, plan: FormatPlan,
                        source: CsvSource) -> str:
    """The file's records as a table whose ``rec`` is each one's position among them,
    for exports where one record can stand for several sets."""
    reader = read_csv_sql(len(plan.header), str(source.path), source.delimiter,
                          ragged=plan.rules.ragged)
    cur.execute(f"CREATE OR REPLACE TEMP TABLE source_rows AS SELECT * FROM {reader}")
    return "(SELECT rowid AS rec, * FROM source_rows)"


def _stage(cur: duckdb.DuckDBPyConnection, plan: FormatPlan, source: CsvSource,
           reading: Reading) -> None:
    cur.execute(QUOTE_MACRO)
    try:
        if plan.expands:
            src = _materialise_source(cur, plan, source)
            sql = staging_sql(plan, str(source.path), source.delimiter, reading, src, ("rec",))
        else:
            sql = staging_sql(plan, str(source.path), source.delimiter, reading)
        cur.execute(f"CREATE OR REPLACE TEMP TABLE staged AS {sql}")
    except duckdb.Error as exc:
        raise IngestError(
            f"{source.name}: DuckDB could not read the file as CSV: "
            f"{shorten(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, 300)}"
        ) from exc


def _parsed_records(lines: LineIndex, structural: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """(start line of every record, end line, index of each parsed record among them).

    Parsed records are the non-blank records after the header that DuckDB did not refuse;
    the n-th staged row (without expansion) is the n-th of them.
    """
    starts, blank = lines.record_lines()
    good = ~blank
    good[:1] = False
    if not structural.empty:
        good &= ~np.isin(np.arange(1, len(starts) + 1), structural["record"].to_numpy())
    ends = np.append(starts[1:] - 1, lines.line_count())
    return starts, ends, np.flatnonzero(good)


def _validation_rejects(
    cur: duckdb.DuckDBPyConnection, plan: FormatPlan, lines: LineIndex | None,
    structural: pd.DataFrame,
) -> pd.DataFrame:
    """Rows parsed as CSV but refused by validation, with their line and their text."""
    record = "rec" if plan.expands else "rowid"
    frame = cur.execute(
        f"SELECT rowid AS staged_row, {record} + 1 AS rn, reject_column AS column_name, "
        "reject_reason AS message "
        "FROM staged WHERE reject_reason IS NOT NULL AND skip_reason IS NULL ORDER BY rowid"
    ).df()
    if frame.empty:
        return frame
    assert lines is not None
    starts, ends, records = _parsed_records(lines, structural)
    rn = frame["rn"].to_numpy(dtype=np.int64)
    known = rn <= len(records)  # always, unless DuckDB and the line scan disagree
    record_index = records[np.minimum(rn, len(records)) - 1] if len(records) else rn * 0
    first, last = starts[record_index], ends[record_index]
    frame["line"] = pd.array(np.where(known, first, 0), dtype="Int64")
    frame.loc[~known, "line"] = pd.NA
    frame["raw"] = [text if ok else None
                    for text, ok in zip(lines.text(first, last), known, strict=True)]
    return frame.drop(columns=["rn"])


def _clean_exercise_names(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """Store names without invisible characters (a BOM pasted in, a zero-width space), so
    they match and number as the names people see; a name of only those is rejected as
    empty. Returns the distinct names staged afterwards."""
    names = [row[0] for row in cur.execute(
        "SELECT DISTINCT exercise_raw FROM staged WHERE exercise_raw IS NOT NULL"
    ).fetchall()]
    fixes = clean_names(names)
    if not fixes:
        return names
    frame = pd.DataFrame({"raw": list(fixes), "clean": list(fixes.values())}, dtype="object")
    cur.register("name_fixes", frame)
    try:
        cur.execute(
            "UPDATE staged SET exercise_raw = f.clean FROM name_fixes f "
            "WHERE staged.exercise_raw = f.raw AND f.clean IS NOT NULL"
        )
        cur.execute(
            "UPDATE staged SET exercise_raw = NULL, failed_check = 5, "
            "reject_reason = 'exercise name is empty (it holds only invisible characters)', "
            "reject_column = coalesce(reject_column, 'exercise') FROM name_fixes f "
            "WHERE staged.exercise_raw = f.raw AND f.clean IS NULL "
            "AND (staged.failed_check IS NULL OR staged.failed_check > 5)"
        )
    finally:
        cur.unregister("name_fixes")
    return sorted({fixes.get(name, name) for name in names} - {None})  # type: ignore[arg-type]


def _sessions_by_day(cur: duckdb.DuckDBPyConnection) -> None:
    """Exports with a time per set (GymBook): a date's sets of one workout are one
    session, which starts at the earliest of them."""
    cur.execute(
        """
        UPDATE staged SET performed_at = d.started
        FROM (SELECT CAST(performed_at AS DATE) AS day, workout_name,
                     min(performed_at) AS started
              FROM staged WHERE performed_at IS NOT NULL GROUP BY ALL) d
        WHERE CAST(staged.performed_at AS DATE) = d.day
          AND staged.workout_name IS NOT DISTINCT FROM d.workout_name
        """
    )


@functools.cache
def _assisted_ids() -> frozenset[str]:
    """Catalog exercises whose load is assistance (the catalog's ``assisted`` flag)."""
    entries = catalog.load_catalog()
    return frozenset(entries.loc[entries["assisted"].astype(bool), "id"])


def _map_exercises(cur: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    """Attach catalog ids to staged rows (user aliases first, then the catalog), and say
    which names are assisted lifts (their load is help, not weight lifted): the catalog
    entry a name resolves to says so, and for a name it does not know, the name does."""
    resolved = catalog.resolve_many(names, Store.user_aliases(cur))
    assisted = _assisted_ids()
    mapping = pd.DataFrame(
        {"exercise_raw": list(resolved), "exercise_id": list(resolved.values()),
         "assisted": [exercise in assisted if exercise is not None else is_assisted(name)
                      for name, exercise in resolved.items()]},
        columns=["exercise_raw", "exercise_id", "assisted"],
    ).astype({"exercise_raw": "object", "exercise_id": "object", "assisted": "bool"})
    cur.register("exercise_map", mapping)


def import_file(
    store: Store,
    data: bytes | str | os.PathLike[str],
    *,
    athlete: str = "me",
    unit: str | None = None,
    fmt: str = "auto",
    mapping: Mapping[str, str] | None = None,
    file_name: str | None = None,
    progress: Progress | None = None,
    distance_unit: str | None = None,
    date_format: str | None = None,
    time_zone: str | None = None,
) -> ImportResult:
    """Import one CSV export for ``athlete``; see the module docstring for guarantees.

    ``data`` is a path or the raw bytes of an upload. ``unit`` is needed only for exports
    that do not say kg or lb (classic Strong); it is then remembered for the athlete, as
    are ``distance_unit`` (distances the export gives no unit for; default: km for a kg
    account, miles for lb) and ``time_zone`` (dates with an offset are converted to it;
    default: the athlete's, else this computer's). ``date_format`` reads every date with
    that layout. ``mapping`` (canonical field -> column name) reads any other CSV. A new
    athlete is created by the import's own transaction, so a refused file leaves no trace.
    """
    report = progress or _noop
    started = time.perf_counter()
    report("reading file", 0.0)
    name = _athlete_name(athlete)
    source = open_source(data, file_name)
    try:
        plan = plan_for(source.header, source.name, fmt, dict(mapping) if mapping else None)
        if date_format:
            layout = checked_date_format(date_format, source.name)
            plan = dataclasses.replace(plan, date_formats=(layout,), day_month=False)
        settings = _settings(store, name)
        chosen_unit = _resolve_unit(plan, unit, store.known_unit(name), source)
        chosen_distance = _resolve_distance_unit(plan, distance_unit, settings.distance_unit,
                                                 plan.weight_unit or chosen_unit)
        cur = store.cursor()
        try:
            zone = _resolve_time_zone(cur, time_zone, settings.time_zone)
            report(f"parsing {plan.describe()} rows", 0.1)
            layouts = plan_date_layouts(cur, plan, str(source.path), source.delimiter,
                                        source.name)
            reading = Reading(chosen_unit, chosen_distance, zone, layouts)
            _stage(cur, plan, source, reading)
            has_errors = bool(cur.execute("SELECT count(*) FROM reject_errors").fetchone()[0])
            any_bad = bool(cur.execute(
                "SELECT count(*) FROM staged WHERE reject_reason IS NOT NULL").fetchone()[0])
            lines = LineIndex(source.path, source.delimiter, source.line_offset) \
                if has_errors or any_bad else None
            structural = _reject_lines(cur, source, lines)
            if not structural.empty:
                assert lines is not None
                _structural_messages(structural, lines, source)
                _structural_sessions(cur, plan, reading, structural, source.delimiter)
            names = _clean_exercise_names(cur)
            counts = _count(cur)
            if counts.parsed + len(structural) == 0:
                raise IngestError(
                    f"{source.name} has a header row ({plan.describe()}) but no data rows: "
                    "nothing to import."
                )
            refuse_if_one_reason(cur, plan, source.name, str(source.path), source.delimiter)
            if plan.rules.session == "day":
                _sessions_by_day(cur)
            report("validating rows", 0.5)
            if counts.bad and lines is None:
                lines = LineIndex(source.path, source.delimiter, source.line_offset)
            invalid = _validation_rejects(cur, plan, lines, structural)
            _map_exercises(cur, names)
            report("writing to the store", 0.7)
            context = _Context(
                plan=plan, source=source, athlete=athlete, name=name, unit=unit,
                chosen_unit=chosen_unit, distance_unit=distance_unit,
                chosen_distance=chosen_distance,
                time_zone=zone if has_offsets(layouts) else None,
                given_zone=zone if time_zone else None, counts=counts,
            )
            try:
                result = _write(store, cur, context, structural, invalid)
            except duckdb.Error as exc:
                raise IngestError(
                    f"{source.name}: the import was not saved; the store refused the write "
                    f"({shorten(str(exc).splitlines()[0] if str(exc) else '', 300)}). "
                    "Nothing was changed."
                ) from exc
        finally:
            cur.close()
    finally:
        source.cleanup()
    result.seconds = time.perf_counter() - started
    report("done", 1.0)
    return result


@dataclass
class _Counts:
    parsed: int
    skipped: int
    bad: int
    valid: int


def _count(cur: duckdb.DuckDBPyConnection) -> _Counts:
    row = cur.execute(
        """
        SELECT count(*),
               count(*) FILTER (WHERE skip_reason IS NOT NULL),
               count(*) FILTER (WHERE skip_reason IS NULL AND reject_reason IS NOT NULL),
               count(*) FILTER (WHERE skip_reason IS NULL AND reject_reason IS NULL)
        FROM staged
        """
    ).fetchone()
    return _Counts(*(int(v) for v in row))


@dataclass(frozen=True)
class _Context:
    """What the write needs to know about the file and the choices made for it."""

    plan: FormatPlan
    source: CsvSource
    athlete: str
    name: str
    unit: str | None
    chosen_unit: str | None
    distance_unit: str | None
    chosen_distance: str | None
    time_zone: str | None  # the zone offset dates were converted to (None: there were none)
    given_zone: str | None  # the zone the caller named
    counts: _Counts


def _rejects_frame(structural: pd.DataFrame, invalid: pd.DataFrame) -> pd.DataFrame:
    frames = [frame[[c for c in ("line", "column_name", "message", "raw", "staged_row",
                                 "session_id") if c in frame.columns]]
              for frame in (structural, invalid) if not frame.empty]
    if not frames:
        return pd.DataFrame(columns=["line", "column_name", "message", "raw"])
    rejects = pd.concat(frames, ignore_index=True).astype(
        {"column_name": "object", "message": "object", "raw": "object"}
    )
    rejects["line"] = rejects["line"].astype("Int64")
    return rejects


def _write(
    store: Store, cur: duckdb.DuckDBPyConnection, ctx: _Context, structural: pd.DataFrame,
    invalid: pd.DataFrame,
) -> ImportResult:
    """One transaction: the athlete if new, the import record, its rejects, the new sets."""
    plan, source, counts = ctx.plan, ctx.source, ctx.counts
    rejected = counts.bad + len(structural)
    rows_read = counts.parsed + len(structural)
    rejects = _rejects_frame(structural, invalid)
    result = ImportResult(
        import_id=None, file_name=source.name, format=plan.format, variant=plan.variant,
        unit=plan.weight_unit or ctx.chosen_unit, athlete=ctx.athlete, rows_read=rows_read,
        imported=0, duplicates=0, skipped=counts.skipped, rejected=rejected, seconds=0.0,
        columns_not_read=plan.columns_not_read(), distance_unit=ctx.chosen_distance,
        time_zone=ctx.time_zone,
    )
    with store.transaction(cur) as tx:
        # The store's writer lock is held: the duplicate check below sees every committed set.
        found = Store.import_athlete(tx, ctx.name, create=counts.valid > 0)
        if found is None:
            # Nothing to store for someone new: no athlete, no import record; the result
            # carries the rejects instead.
            result.rejects = [
                {"line": None if pd.isna(row.line) else int(row.line),
                 "column": row.column_name, "reason": row.message, "raw": row.raw}
                for row in rejects.head(UNSAVED_REJECTS_SHOWN).itertuples()
            ]
            return result
        athlete_id = found
        import_id = Store.new_import_id(tx)
        # An athlete's first import has nothing to be a duplicate of (a file's own keys are
        # unique): no duplicate check, which is most of the cost of a big first import.
        stored = int(tx.execute(
            "SELECT count(*) FROM sets WHERE athlete_id = ?", [athlete_id]
        ).fetchone()[0])
        # A batch numbers its share of the file's rows and checks them against the same
        # share of the stored sets: both count towards the memory it needs.
        batches = max(1, -(-(counts.parsed - counts.skipped + stored) // BATCH_ROWS))
        new_rows = sum(
            _insert_sets(tx, plan, athlete_id, import_id, batch=batch, batches=batches,
                         check_stored=stored > 0)
            for batch in range(batches)
        )
        _insert_session_notes(tx, plan, athlete_id, import_id)
        _store_rejects(tx, ctx, rejects, import_id)
        Store.settle_rejects(tx, athlete_id, import_id, source.path)
        Store.record_import(
            tx, import_id=import_id, athlete_id=athlete_id, file_name=source.name,
            sha256=source.sha256, format=plan.format, unit=plan.weight_unit or ctx.chosen_unit,
            rows_read=rows_read, imported=new_rows, duplicates=counts.valid - new_rows,
            skipped=counts.skipped, rejected=rejected,
        )
        # The first unit Backline learns (chosen by the user, or stated by the export's
        # header) becomes the athlete's display default and the answer for unit-less
        # exports; the same for the unit of unqualified distances and the time zone of
        # offset dates (the zone used, or the one the user named).
        Store.learn_athlete_defaults(
            tx, athlete_id, unit=ctx.unit or plan.weight_unit,
            distance_unit=ctx.chosen_distance if ctx.distance_unit is not None else None,
            time_zone=ctx.time_zone or ctx.given_zone,
        )
    result.import_id = import_id
    result.imported = new_rows
    result.duplicates = counts.valid - new_rows
    return result


def _insert_session_notes(tx: duckdb.DuckDBPyConnection, plan: FormatPlan, athlete_id: int,
                          import_id: int) -> None:
    """What the file says about its sessions and their exercises (workout notes, body
    weight, Strong v6 ``Note`` rows), for sessions and notes not stored yet."""
    details = session_details_sql(plan)
    if details is not None:
        tx.execute(
            f"""
            INSERT INTO session_details
            SELECT ?, d.session_id, d.workout_notes, d.bodyweight_kg, ? FROM ({details}) d
            WHERE NOT EXISTS (SELECT 1 FROM session_details s
                              WHERE s.athlete_id = ? AND s.session_id = d.session_id)
            """,
            [athlete_id, import_id, athlete_id],
        )
    if plan.words.note:
        notes = exercise_notes_sql(NOTE_ROW)
        tx.execute(
            f"""
            INSERT INTO exercise_notes
            SELECT ?, n.session_id, n.exercise_key, n.note, ? FROM ({notes}) n
            WHERE NOT EXISTS (SELECT 1 FROM exercise_notes e
                              WHERE e.athlete_id = ? AND e.session_id = n.session_id
                                AND e.exercise_key = n.exercise_key AND e.note = n.note)
            """,
            [athlete_id, import_id, athlete_id],
        )


def _store_rejects(tx: duckdb.DuckDBPyConnection, ctx: _Context, rejects: pd.DataFrame,
                   import_id: int) -> None:
    """This import's rejects, each with the natural key its set will have once fixed."""
    if rejects.empty:
        return
    if "staged_row" in rejects.columns and ctx.counts.bad:
        keys = tx.execute(rejected_keys_sql()).df()
        rejects = rejects.merge(keys, how="left", on="staged_row", suffixes=("_read", ""))
        if "session_id_read" in rejects.columns:  # malformed rows: their session only
            rejects["session_id"] = rejects["session_id"].fillna(rejects["session_id_read"])
    for column in ("session_id", "exercise_key"):
        if column not in rejects.columns:
            rejects[column] = pd.Series([None] * len(rejects), dtype="object")
    if "set_index" not in rejects.columns:
        rejects["set_index"] = pd.array([None] * len(rejects), dtype="Int64")
    Store.add_rejects(tx, import_id, rejects)


def _insert_sets(
    tx: duckdb.DuckDBPyConnection, plan: FormatPlan, athlete_id: int, import_id: int,
    *, batch: int = 0, batches: int = 1, check_stored: bool = True,
) -> int:
    """Insert valid staged rows whose natural key is not stored yet; return how many.

    Only sets stored by earlier imports can be duplicates (this import's earlier batches
    hold other numbering groups), and only those of the same share of groups. A lift the
    name (or its catalog entry) says is assisted stores its load as assistance, not as
    weight lifted.
    """
    stored_check = ""
    params: list[object] = [athlete_id, plan.format, import_id]
    if check_stored:
        same_share = f"AND {batch_filter(batch, batches, 's')}" if batches > 1 else ""
        stored_check = f"""
        WHERE NOT EXISTS (
            SELECT 1 FROM sets s
            WHERE s.athlete_id = ? AND s.import_id <> ? {same_share}
              AND s.session_id = f.session_id AND s.set_index = f.set_index
              AND lower(s.exercise_raw) = lower(f.exercise_raw)
        )"""
        params += [athlete_id, import_id]
    return int(tx.execute(
        f"""
        INSERT INTO sets (athlete_id, performed_at, session_id, workout_name,
                          workout_duration_s, exercise_raw, exercise_id, set_index, set_type,
                          weight_kg, reps, rpe, duration_s, distance_m, notes, source_format,
                          import_id, assistance_kg)
        SELECT ?, f.performed_at, f.session_id, f.workout_name, f.workout_duration_s,
               f.exercise_raw, m.exercise_id, f.set_index, f.set_type,
               CASE WHEN m.assisted THEN NULL ELSE f.weight_kg END,
               CAST(nullif(f.reps_value, 0) AS INTEGER), f.rpe, f.duration_s, f.distance_m,
               f.notes, ?, ?,
               coalesce(f.assistance_kg, CASE WHEN m.assisted THEN f.weight_kg END)
        FROM ({numbered_sql(batch, batches, carried_columns(plan))}) f
        LEFT JOIN exercise_map m USING (exercise_raw)
        {stored_check}
        """,
        params,
    ).fetchone()[0])
