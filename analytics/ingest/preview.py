"""What an import would read, before anything is imported (the Import page's column
mapping shows it while the user picks columns).

:func:`preview` reads the first rows of a file exactly as the import would (the same plan,
the same staging SQL) and says what each would become, and how the file's dates can be
read: when day-first and month-first layouts both read every date, the caller must ask
which one it is. Nothing is stored; no store is needed.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import pandas as pd

from .dates import LayoutChoice, date_layout_choice
from .formats import FormatPlan, checked_date_format, plan_for
from .normalise import QUOTE_MACRO, Reading, default_distance_unit, read_csv_sql, staging_sql
from .reader import CsvSource, open_source

#: Rows a preview shows unless told otherwise.
PREVIEW_ROWS = 10
#: Dates a preview tests the layouts on (the whole file can be long).
DATE_SAMPLE = 5000


@dataclass(frozen=True)
class Preview:
    """The first rows as they would be read, and what the dates say about their layout.

    ``rows``: one row per record, in file order, with the canonical values
    (``performed_at``, ``workout_name``, ``exercise_raw``, ``set_type``, ``weight_kg``,
    ``assistance_kg``, ``reps``, ``rpe``, ``duration_s``, ``distance_m``, ``notes``) and
    ``outcome`` (``set``, or ``skipped: ...`` / ``rejected: ...`` with the reason).
    ``date_format``: the layout to use for these dates when the plan's own do not read
    them and exactly one other does; ``ambiguous``: the day-first / month-first pair the
    caller must choose from (both read every date), or None.
    """

    plan: FormatPlan
    rows: pd.DataFrame
    dates: LayoutChoice
    date_format: str | None
    ambiguous: tuple[str, str] | None

    @property
    def columns_not_read(self) -> list[str]:
        return self.plan.columns_not_read()


def _suggestion(plan: FormatPlan, dates: LayoutChoice) -> tuple[str | None, tuple[str, str] | None]:
    if dates.ambiguous:
        return None, dates.ambiguous[0]
    own = [layout for layout in dates.layouts if layout in plan.date_formats]
    others = [layout for layout in dates.layouts if layout not in plan.date_formats]
    return (others[0] if others and not own else None), None


def preview(
    data: bytes | str | os.PathLike[str],
    *,
    fmt: str = "auto",
    mapping: Mapping[str, str] | None = None,
    unit: str | None = None,
    distance_unit: str | None = None,
    date_format: str | None = None,
    time_zone: str = "UTC",
    file_name: str | None = None,
    rows: int = PREVIEW_ROWS,
) -> Preview:
    """The first ``rows`` records of ``data`` as :func:`~.pipeline.import_file` would read
    them with these arguments (raises :class:`~.errors.IngestError` as it would for a
    file it refuses)."""
    source = open_source(data, file_name)
    try:
        plan = plan_for(source.header, source.name, fmt, dict(mapping) if mapping else None)
        if date_format:
            plan = dataclasses.replace(
                plan, date_formats=(checked_date_format(date_format, source.name),),
                day_month=False)
        con = duckdb.connect()
        try:
            con.execute(QUOTE_MACRO)
            dates = date_layout_choice(con, plan, str(source.path), source.delimiter,
                                       sample=DATE_SAMPLE)
            suggested, ambiguous = _suggestion(plan, dates)
            layouts = dates.layouts if plan.day_month and not ambiguous else plan.date_formats
            reading = Reading(unit, distance_unit or default_distance_unit(plan, unit),
                              time_zone, tuple(layouts) or plan.date_formats)
            reader = read_csv_sql(len(plan.header), str(source.path), source.delimiter,
                                  store_rejects=False, ragged=plan.rules.ragged)
            limited = f"(SELECT * FROM {reader} LIMIT {int(rows)})"
            sql = staging_sql(plan, str(source.path), source.delimiter, reading, limited)
            frame = con.execute(f"SELECT * FROM ({sql}) LIMIT {int(rows)}").df()
        finally:
            con.close()
    finally:
        source.cleanup()
    outcome = pd.Series("set", index=frame.index, dtype="object")
    outcome[frame["reject_reason"].notna()] = "rejected: " + frame["reject_reason"]
    outcome[frame["skip_reason"].notna()] = "skipped: " + frame["skip_reason"]
    shown = frame.reindex(columns=["performed_at", "workout_name", "exercise_raw", "set_type",
                                   "weight_kg", "assistance_kg", "reps_value", "rpe",
                                   "duration_s", "distance_m", "notes"])
    shown = shown.rename(columns={"reps_value": "reps"}).assign(outcome=outcome)
    return Preview(plan, shown, dates, suggested, ambiguous)


def asks_distance_unit(plan: FormatPlan, source: CsvSource) -> bool:
    """True when the export holds distances but does not say their unit (classic Strong:
    km or miles, as the account is set), so the user should be asked."""
    position = plan.columns.get("distance_m")
    if plan.distance_unit != "by weight unit" or position is None:
        return False
    reader = read_csv_sql(len(plan.header), str(source.path), source.delimiter,
                          store_rejects=False, ragged=plan.rules.ragged)
    number = f"TRY_CAST(replace(trim(c{position}), ',', '.') AS DOUBLE)"
    con = duckdb.connect()
    try:
        return bool(con.execute(
            f"SELECT count(*) FROM (SELECT {number} AS d FROM {reader}) WHERE d > 0"
        ).fetchone()[0])
    finally:
        con.close()
