"""A file where nearly every row fails for the same reason is refused as a whole.

Such a file is not a few bad rows in a good export: it is one wrong assumption (day-first
dates, a unit the file does not say, a column mapped wrongly), and listing a million
rejects helps no one. The import stops before anything is written and says what the
rows have in common and how to import the file. The verdict needs only the staged rows'
check numbers (a count per check), so it costs a moment even for a big file.
"""

from __future__ import annotations

import duckdb

from .dates import date_layout_choice
from .errors import IngestError
from .formats import FormatPlan
from .normalise import CHECKS

#: A file is refused when at least this share of its data rows fail the same check...
REFUSE_SHARE = 0.8
#: ...and it has at least this many data rows (a short file lists its rejects instead).
REFUSE_MIN_ROWS = 20


def _fix(cur: duckdb.DuckDBPyConnection, kind: str, plan: FormatPlan, csv_path: str,
         delimiter: str) -> str:
    """What to do about ``kind`` of reject, in words (with the command-line option)."""
    if kind == "date unreadable":
        choice = date_layout_choice(cur, plan, csv_path, delimiter, sample=5000)
        day_first = [layout for layout in choice.layouts if layout.startswith("%d")]
        month_first = [layout for layout in choice.layouts if layout.startswith("%m")]
        if choice.ambiguous:
            a, b = choice.ambiguous[0]
            return (f"the dates read both day-first and month-first: say which with "
                    f"--date-format {a} or {b}")
        if day_first and not month_first:
            return f"every date is day-first: use --date-format {day_first[0]}"
        if month_first and not day_first:
            return f"every date is month-first: use --date-format {month_first[0]}"
        return ("give the layout of the dates with --date-format (strptime codes, e.g. "
                "%d/%m/%Y %H:%M)")
    if kind == "weight unit":
        return "say which unit the weights are in with --unit kg or --unit lb"
    if kind == "distance unit":
        return "say which unit the distances are in with --distance-unit km, mi or m"
    if kind == "set type":
        return "check the set type column (or map another column to it)"
    return "check that column in the export (or map another column to it)"


def refuse_if_one_reason(cur: duckdb.DuckDBPyConnection, plan: FormatPlan, file_name: str,
                         csv_path: str, delimiter: str) -> None:
    """Raise :class:`IngestError` when nearly every staged data row fails the same check."""
    rows = cur.execute(
        "SELECT failed_check, count(*) FROM staged WHERE skip_reason IS NULL "
        "GROUP BY ALL ORDER BY 2 DESC"
    ).fetchall()
    data_rows = sum(count for _, count in rows)
    failed = [(check, count) for check, count in rows if check is not None]
    if not failed or data_rows < REFUSE_MIN_ROWS:
        return
    check, count = failed[0]
    if count < REFUSE_SHARE * data_rows:
        return
    kind = CHECKS[int(check) - 1]
    column, example = cur.execute(
        "SELECT reject_column, reject_reason FROM staged WHERE failed_check = ? "
        "AND skip_reason IS NULL LIMIT 1", [check]
    ).fetchone()
    raise IngestError(
        f"{file_name}: {count:,} of {data_rows:,} rows fail for the same reason, so the file "
        f"was not imported (nothing was stored). Column {column}: {example} (and the same "
        f"for the others). To import it, {_fix(cur, kind, plan, csv_path, delimiter)}."
    )
