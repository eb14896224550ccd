"""Import one export into the store: stage, account for every record, write once.

The order matters for safety: everything that can refuse the file as a whole (unreadable,
unknown header, missing unit) happens before the write transaction starts, and the write
is one transaction, so a refused or interrupted import leaves the store as it was.
"""

from __future__ import annotations

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
from .normalise import QUOTE_MACRO, staging_sql
from .reader import CsvSource, open_source, record_start_lines

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


def _resolve_unit(store: Store, athlete_id: int, plan: FormatPlan, unit: str | None,
                  source: CsvSource) -> str | None:
    """The caller's unit, else the athlete's remembered one; required where the file is silent."""
    if unit is not None and unit not in ("kg", "lb"):
        raise IngestError(f"Unit must be 'kg' or 'lb', not {unit!r}.")
    remembered = store.query_one("SELECT unit FROM athletes WHERE athlete_id = ?", [athlete_id])
    chosen = unit or remembered
    if plan.needs_unit and chosen is None:
        raise IngestError(
            f"{source.name} is a {plan.describe()} export, which does not say whether weights "
            "are in kg or lb. Choose the unit your app is set to (--unit kg or --unit lb)."
        )
    return chosen


def _reject_lines(cur: duckdb.DuckDBPyConnection, source: CsvSource) -> pd.DataFrame:
    """Records DuckDB's reader refused as malformed CSV (ragged rows, broken quotes)."""
    frame = cur.execute(
        """
        SELECT line AS record, min(line_byte_position) AS byte_position,
               arg_min(error_type, column_idx) AS error_type,
               arg_min(error_message, column_idx) AS detail,
               arg_min(column_name, column_idx) AS column_ref, any_value(csv_line) AS raw
        FROM reject_errors GROUP BY line ORDER BY line
        """
    ).df()
    if frame.empty:
        return frame
    with source.path.open("rb") as handle:
        data = handle.read()
    newline_positions = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    frame["line"] = np.searchsorted(newline_positions, frame["byte_position"].to_numpy()) + 1
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


def _structural_message(kind: str, detail: str, width: int) -> str:
    """Say what is wrong with a malformed CSV record in a person's words."""
    found = detail.rsplit("Found:", 1)[-1].strip() if "Found:" in detail else "?"
    if kind == "MISSING COLUMNS":
        return f"row has {found} fields but the header has {width} (missing columns)"
    if kind == "TOO MANY COLUMNS":
        return f"row has {found} fields but the header has {width} (extra columns)"
    if kind == "UNQUOTED VALUE":
        return "a quote is not closed, or a value has a stray quote"
    if kind == "INVALID ENCODING":
        return "the row is not valid text in the file's encoding"
    return f"malformed CSV row ({detail})"


def _stage(
    cur: duckdb.DuckDBPyConnection, plan: FormatPlan, source: CsvSource,
    unit: str | None, athlete_id: int,
) -> None:
    cur.execute(QUOTE_MACRO)
    sql = staging_sql(plan, source.header, str(source.path), source.delimiter, unit, athlete_id)
    try:
        cur.execute(f"CREATE OR REPLACE TEMP TABLE staged AS {sql}")
    except duckdb.Error as exc:
        raise IngestError(f"{source.name}: DuckDB could not read the file as CSV: {exc}") from exc


def _validation_rejects(
    cur: duckdb.DuckDBPyConnection, source: CsvSource, structural: pd.DataFrame
) -> pd.DataFrame:
    """Rows parsed as CSV but refused by validation, with their physical line numbers."""
    frame = cur.execute(
        "SELECT rn, reject_column AS column_name, reject_reason AS message, raw_line AS raw "
        "FROM staged WHERE reject_reason IS NOT NULL AND skip_reason IS NULL ORDER BY rn"
    ).df()
    if frame.empty:
        return frame
    starts = record_start_lines(source.path, source.delimiter)
    refused = set(structural["record"].tolist()) if not structural.empty else set()
    good_lines = [
        line for record, (line, blank) in enumerate(starts[1:], start=2)
        if not blank and record not in refused
    ]
    frame["line"] = [
        good_lines[rn - 1] if rn - 1 < len(good_lines) else None for rn in frame["rn"]
    ]
    return frame


def _map_exercises(cur: duckdb.DuckDBPyConnection) -> None:
    """Attach catalog ids to staged rows (user aliases first, then the catalog)."""
    names = [row[0] for row in cur.execute(
        "SELECT DISTINCT exercise_raw FROM staged WHERE exercise_raw IS NOT NULL"
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
    ``mapping`` (canonical field -> column name) reads any other CSV.
    """
    report = progress or _noop
    started = time.perf_counter()
    report("reading file", 0.0)
    source = open_source(data, file_name)
    try:
        plan = plan_for(source.header, source.name, fmt, dict(mapping) if mapping else None)
        athlete_id = store.athlete_id(athlete, create=True)
        chosen_unit = _resolve_unit(store, athlete_id, plan, unit, source)
        cur = store.cursor()
        try:
            report(f"parsing {plan.describe()} rows", 0.1)
            _stage(cur, plan, source, chosen_unit, athlete_id)
            structural = _reject_lines(cur, source)
            report("validating rows", 0.5)
            invalid = _validation_rejects(cur, source, structural)
            _map_exercises(cur)
            report("writing to the store", 0.7)
            result = _write(
                store, cur, plan, source, athlete, athlete_id, unit, chosen_unit,
                structural, invalid,
            )
        finally:
            cur.close()
    finally:
        source.cleanup()
    result.seconds = time.perf_counter() - started
    report("done", 1.0)
    return result


def _write(
    store: Store, cur: duckdb.DuckDBPyConnection, plan: FormatPlan, source: CsvSource,
    athlete: str, athlete_id: int, unit: str | None, chosen_unit: str | None,
    structural: pd.DataFrame, invalid: pd.DataFrame,
) -> ImportResult:
    """One transaction: the import record, its rejects, and the new sets."""
    counts = cur.execute(
        """
        SELECT count(*) AS parsed,
               count(*) FILTER (WHERE skip_reason IS NOT NULL) AS skipped,
               count(*) FILTER (WHERE skip_reason IS NULL AND reject_reason IS NOT NULL) AS bad
        FROM staged
        """
    ).fetchone()
    parsed, skipped, bad = (int(v) for v in counts)
    rejected = bad + len(structural)
    with store.transaction(cur) as tx:
        # The store's writer lock is held: the duplicate check below sees every committed set.
        import_id = tx.execute("SELECT nextval('import_id_seq')").fetchone()[0]
        tx.execute(
            """
            CREATE OR REPLACE TEMP TABLE fresh AS
            SELECT s.* FROM staged s
            WHERE s.skip_reason IS NULL AND s.reject_reason IS NULL
            QUALIFY row_number() OVER (PARTITION BY s.row_hash ORDER BY s.rn) = 1
            """
        )
        valid = tx.execute(
            "SELECT count(*) FROM staged WHERE skip_reason IS NULL AND reject_reason IS NULL"
        ).fetchone()[0]
        new_rows = _insert_sets(tx, plan, athlete_id, import_id)
        duplicates = int(valid) - new_rows
        rejects = pd.concat(
            [frame[["line", "column_name", "message", "raw"]] for frame in (structural, invalid)
             if not frame.empty],
            ignore_index=True,
        ) if len(structural) or len(invalid) else None
        if rejects is not None:
            rejects = rejects.astype({"column_name": "object", "message": "object",
                                      "raw": "object"})
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
             plan.weight_unit or chosen_unit, parsed + len(structural), new_rows, duplicates,
             skipped, rejected],
        )
        if unit is not None:
            tx.execute(
                "UPDATE athletes SET unit = ? WHERE athlete_id = ? AND unit IS NULL",
                [unit, athlete_id],
            )
    return ImportResult(
        import_id=int(import_id), file_name=source.name, format=plan.format,
        variant=plan.variant, unit=plan.weight_unit or chosen_unit, athlete=athlete,
        rows_read=parsed + len(structural), imported=new_rows, duplicates=duplicates,
        skipped=skipped, rejected=rejected, seconds=0.0,
    )


def _insert_sets(
    tx: duckdb.DuckDBPyConnection, plan: FormatPlan, athlete_id: int, import_id: int
) -> int:
    """Insert staged rows whose natural key is not stored yet; return how many."""
    return int(tx.execute(
        """
        INSERT INTO sets
        SELECT ?, f.performed_at, f.session_id, f.workout_name, f.workout_duration_s,
               f.exercise_raw, m.exercise_id, f.set_index, f.set_type, f.weight_kg,
               CAST(nullif(f.reps_value, 0) AS INTEGER), f.rpe, f.duration_s, f.distance_m, f.notes,
               ?, ?, f.row_hash
        FROM fresh f
        LEFT JOIN exercise_map m USING (exercise_raw)
        WHERE NOT EXISTS (
            SELECT 1 FROM sets s WHERE s.athlete_id = ? AND s.row_hash = f.row_hash
        )
        """,
        [athlete_id, plan.format, import_id, athlete_id],
    ).fetchone()[0])
