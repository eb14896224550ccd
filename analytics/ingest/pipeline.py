"""Import one export into the store: stage, account for every record, write once.

The order matters for safety: everything that can refuse the file as a whole (unreadable,
unknown header, missing unit) happens before the write transaction starts, and the write
is one transaction, so a refused or interrupted import leaves the store as it was.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass

import duckdb
import numpy as np
import pandas as pd

from .. import catalog
from ..store import Store
from .errors import IngestError
from .formats import FormatPlan, plan_for
from .normalise import (
    QUOTE_MACRO,
    batch_filter,
    date_formats_in_file_order,
    numbered_sql,
    staging_sql,
)
from .reader import CsvSource, LineIndex, open_source, shorten

#: DuckDB's longest CSV row (its ``max_line_size`` default); longer rows are rejected.
MAX_LINE_BYTES = 2_000_000

#: Rows per statement that numbers, checks and writes sets, counting the file's rows and the
#: athlete's stored sets they are checked against: bounds the memory an import needs.
BATCH_ROWS = 500_000

#: Called with (stage description, fraction done 0..1) as an import advances.
Progress = Callable[[str, float], None]


@dataclass
class ImportResult:
    """What happened to every record of one file; the counts add up to ``rows_read``."""

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

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _noop(_stage: str, _fraction: float) -> None:
    return None


def _athlete_name(athlete: str) -> str:
    name = (athlete or "").strip()
    if not name:
        raise IngestError("The athlete name is empty; say whose log this is.")
    return name


def _resolve_unit(store: Store, athlete: str, plan: FormatPlan, unit: str | None,
                  source: CsvSource) -> str | None:
    """The caller's unit, else the athlete's remembered one; required where the file is silent."""
    if unit is not None and unit not in ("kg", "lb"):
        raise IngestError(f"Unit must be 'kg' or 'lb', not {unit!r}.")
    remembered = store.known_unit(athlete)
    chosen = unit or remembered
    if plan.needs_unit and chosen is None:
        raise IngestError(
            f"{source.name} is a {plan.describe()} export, which does not say whether weights "
            "are in kg or lb. Choose the unit your app is set to (--unit kg or --unit lb)."
        )
    return chosen


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
    frame["message"] = [_structural_message(kind, detail, width)
                        for kind, detail in zip(frame["error_type"], frame["detail"], strict=True)]
    return frame


def _structural_message(kind: object, detail: object, width: int) -> str:
    """Say what is wrong with a malformed CSV record in a person's words."""
    detail = str(detail) if isinstance(detail, str) else ""
    found = detail.rsplit("Found:", 1)[-1].strip().rstrip(".") if "Found:" in detail else "?"
    if kind == "MISSING COLUMNS":
        return f"row has {found} fields but the header has {width} (missing columns)"
    if kind == "TOO MANY COLUMNS":
        return f"row has {found} fields but the header has {width} (extra columns)"
    if kind == "UNQUOTED VALUE":
        return ("a quote is not closed, or a value has a stray quote (when a quote is never "
                "closed, the rows after it are read as part of this value)")
    if kind == "INVALID ENCODING":
        return "the row is not valid text in the file's encoding"
    if kind == "LINE SIZE OVER MAXIMUM":
        size = detail.rsplit("Actual Size:", 1)[-1].split("bytes")[0].strip() \
            if "Actual Size:" in detail else "?"
        return (f"row is {size} bytes long; a row may be at most {MAX_LINE_BYTES:,} bytes "
                "(is a note or exercise name pasted text?)")
    return f"malformed CSV row ({shorten(detail or str(kind), 200)})"


def _stage(
    cur: duckdb.DuckDBPyConnection, plan: FormatPlan, source: CsvSource, unit: str | None
) -> None:
    cur.execute(QUOTE_MACRO)
    formats = date_formats_in_file_order(
        cur, plan, source.header, str(source.path), source.delimiter
    )
    plan = dataclasses.replace(plan, date_formats=formats)
    sql = staging_sql(plan, source.header, str(source.path), source.delimiter, unit)
    try:
        cur.execute(f"CREATE OR REPLACE TEMP TABLE staged AS {sql}")
    except duckdb.Error as exc:
        raise IngestError(
            f"{source.name}: DuckDB could not read the file as CSV: "
            f"{shorten(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, 300)}"
        ) from exc


def _validation_rejects(
    cur: duckdb.DuckDBPyConnection, lines: LineIndex | None, structural: pd.DataFrame
) -> pd.DataFrame:
    """Rows parsed as CSV but refused by validation, with their line and their text."""
    frame = cur.execute(
        "SELECT rowid + 1 AS rn, reject_column AS column_name, reject_reason AS message "
        "FROM staged WHERE reject_reason IS NOT NULL AND skip_reason IS NULL ORDER BY rowid"
    ).df()
    if frame.empty:
        return frame
    assert lines is not None
    starts, blank = lines.record_lines()
    # Parsed records are the non-blank records after the header that DuckDB did not refuse.
    good = ~blank
    good[:1] = False
    if not structural.empty:
        good &= ~np.isin(np.arange(1, len(starts) + 1), structural["record"].to_numpy())
    records = np.flatnonzero(good)
    ends = np.append(starts[1:] - 1, lines.line_count())
    rn = frame["rn"].to_numpy(dtype=np.int64)
    known = rn <= len(records)  # always, unless DuckDB and the line scan disagree
    record = records[np.minimum(rn, len(records)) - 1] if len(records) else rn * 0
    first, last = starts[record], ends[record]
    frame["line"] = pd.array(np.where(known, first, 0), dtype="Int64")
    frame.loc[~known, "line"] = pd.NA
    frame["raw"] = [text if ok else None
                    for text, ok in zip(lines.text(first, last), known, strict=True)]
    return frame


def _map_exercises(cur: duckdb.DuckDBPyConnection) -> None:
    """Attach catalog ids to staged rows (user aliases first, then the catalog)."""
    names = [row[0] for row in cur.execute(
        "SELECT DISTINCT exercise_raw FROM staged WHERE exercise_raw IS NOT NULL "
        "AND skip_reason IS NULL AND reject_reason IS NULL"
    ).fetchall()]
    resolved = catalog.resolve_many(names, catalog.user_aliases(cur))
    mapping = pd.DataFrame(
        {"exercise_raw": list(resolved), "exercise_id": list(resolved.values())},
        columns=["exercise_raw", "exercise_id"],
    ).astype({"exercise_raw": "object", "exercise_id": "object"})
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
) -> ImportResult:
    """Import one CSV export for ``athlete``; see the module docstring for guarantees.

    ``data`` is a path or the raw bytes of an upload. ``unit`` is needed only for exports
    that do not say kg or lb (classic Strong); it is then remembered for the athlete.
    ``mapping`` (canonical field -> column name) reads any other CSV. A new athlete is
    created by the import's own transaction, so a refused file leaves no trace.
    """
    report = progress or _noop
    started = time.perf_counter()
    report("reading file", 0.0)
    name = _athlete_name(athlete)
    source = open_source(data, file_name)
    try:
        plan = plan_for(source.header, source.name, fmt, dict(mapping) if mapping else None)
        chosen_unit = _resolve_unit(store, name, plan, unit, source)
        cur = store.cursor()
        try:
            report(f"parsing {plan.describe()} rows", 0.1)
            _stage(cur, plan, source, chosen_unit)
            counts = _count(cur)
            has_errors = bool(cur.execute("SELECT count(*) FROM reject_errors").fetchone()[0])
            lines = LineIndex(source.path, source.delimiter) \
                if has_errors or counts.bad else None
            structural = _reject_lines(cur, source, lines)
            if counts.parsed + len(structural) == 0:
                raise IngestError(
                    f"{source.name} has a header row ({plan.describe()}) but no data rows: "
                    "nothing to import."
                )
            report("validating rows", 0.5)
            invalid = _validation_rejects(cur, lines, structural)
            _map_exercises(cur)
            report("writing to the store", 0.7)
            try:
                result = _write(
                    store, cur, plan, source, athlete, name, unit, chosen_unit, counts,
                    structural, invalid,
                )
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


def _write(
    store: Store, cur: duckdb.DuckDBPyConnection, plan: FormatPlan, source: CsvSource,
    athlete: str, name: str, unit: str | None, chosen_unit: str | None, counts: _Counts,
    structural: pd.DataFrame, invalid: pd.DataFrame,
) -> ImportResult:
    """One transaction: the athlete if new, the import record, its rejects, the new sets."""
    rejected = counts.bad + len(structural)
    rows_read = counts.parsed + len(structural)
    with store.transaction(cur) as tx:
        # The store's writer lock is held: the duplicate check below sees every committed set.
        found = tx.execute("SELECT athlete_id FROM athletes WHERE name = ?", [name]).fetchone()
        if found is None:  # (an upsert would use up an id of the sequence on every import)
            found = tx.execute(
                "INSERT INTO athletes (name) VALUES (?) RETURNING athlete_id", [name]
            ).fetchone()
        athlete_id = int(found[0])
        import_id = tx.execute("SELECT nextval('import_id_seq')").fetchone()[0]
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
        duplicates = counts.valid - new_rows
        frames = [frame[["line", "column_name", "message", "raw"]]
                  for frame in (structural, invalid) if not frame.empty]
        if frames:
            rejects = pd.concat(frames, ignore_index=True).astype(
                {"column_name": "object", "message": "object", "raw": "object"}
            )
            rejects["line"] = rejects["line"].astype("Int64")
            tx.register("new_rejects", rejects)
            tx.execute(
                "INSERT INTO rejected_rows SELECT ?, line, column_name, message, "
                "left(raw, 2000) FROM new_rejects",
                [import_id],
            )
            tx.unregister("new_rejects")
        tx.execute(
            """
            INSERT INTO imports (import_id, athlete_id, file_name, sha256, format, unit,
                                 rows_read, imported, duplicates, skipped, rejected)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [import_id, athlete_id, source.name, source.sha256, plan.format,
             plan.weight_unit or chosen_unit, rows_read, new_rows, duplicates,
             counts.skipped, rejected],
        )
        # The first unit we learn (chosen by the user, or stated by the export's header)
        # becomes the athlete's display default and the answer for unit-less exports.
        learned = unit or plan.weight_unit
        if learned is not None:
            tx.execute(
                "UPDATE athletes SET unit = ? WHERE athlete_id = ? AND unit IS NULL",
                [learned, athlete_id],
            )
    return ImportResult(
        import_id=int(import_id), file_name=source.name, format=plan.format,
        variant=plan.variant, unit=plan.weight_unit or chosen_unit, athlete=athlete,
        rows_read=rows_read, imported=new_rows, duplicates=duplicates,
        skipped=counts.skipped, rejected=rejected, seconds=0.0,
    )


def _insert_sets(
    tx: duckdb.DuckDBPyConnection, plan: FormatPlan, athlete_id: int, import_id: int,
    *, batch: int = 0, batches: int = 1, check_stored: bool = True,
) -> int:
    """Insert valid staged rows whose natural key is not stored yet; return how many.

    Only sets stored by earlier imports can be duplicates (this import's earlier batches
    hold other numbering groups), and only those of the same share of groups.
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
                          import_id)
        SELECT ?, f.performed_at, f.session_id, f.workout_name, f.workout_duration_s,
               f.exercise_raw, m.exercise_id, f.set_index, f.set_type, f.weight_kg,
               CAST(nullif(f.reps_value, 0) AS INTEGER), f.rpe, f.duration_s, f.distance_m,
               f.notes, ?, ?
        FROM ({numbered_sql(batch, batches)}) f
        LEFT JOIN exercise_map m USING (exercise_raw)
        {stored_check}
        """,
        params,
    ).fetchone()[0])
