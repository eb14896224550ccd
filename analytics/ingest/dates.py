"""Which date layouts a file is read with, decided by the file's own dates.

A spec lists the layouts its app writes. Some exports (StrongLifts, a spreadsheet) write
day-first or month-first dates depending on the phone's region: there a layout is only
chosen when the file's dates settle it (a day above 12), and a file whose every date reads
both ways is refused with the question it raises, never guessed. The same test serves
the Import page's column mapping (:func:`date_layout_choice`).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from .errors import IngestError
from .formats import FormatPlan
from .normalise import count_date_layouts, date_formats_in_file_order
from .vocab import DAY_MONTH_PAIRS


@dataclass(frozen=True)
class LayoutChoice:
    """What a column of dates says about its layout.

    ``layouts`` read every date that any candidate reads; ``ambiguous`` holds pairs of
    day-first / month-first layouts that both read every such date (the caller must
    choose one); ``unread`` counts non-empty dates no candidate reads.
    """

    layouts: tuple[str, ...]
    ambiguous: tuple[tuple[str, str], ...]
    unread: int
    dates: int


def _pairs_decided(counts: dict[str, int]) -> tuple[list[str], list[tuple[str, str]]]:
    keep: list[str] = []
    ambiguous: list[tuple[str, str]] = []
    for day_first, month_first in DAY_MONTH_PAIRS:
        a, b = counts.get(day_first, 0), counts.get(month_first, 0)
        if a == b == 0:
            continue
        if a == b:
            ambiguous.append((day_first, month_first))
        keep.append(day_first if a >= b else month_first)
    return keep, ambiguous


def date_layout_choice(con: duckdb.DuckDBPyConnection, plan: FormatPlan, csv_path: str,
                       delimiter: str, sample: int | None = None) -> LayoutChoice:
    """Test every candidate layout (the plan's, and day-first / month-first pairs) on the
    file's dates (the first ``sample``, or all)."""
    pairs = [layout for pair in DAY_MONTH_PAIRS for layout in pair]
    candidates = list(dict.fromkeys([*plan.date_formats, *pairs]))
    counts = count_date_layouts(con, plan, csv_path, delimiter, candidates, sample)
    if counts is None:
        return LayoutChoice(plan.date_formats, (), 0, 0)
    by_layout = dict(zip(candidates, counts[:-1], strict=True))
    kept, ambiguous = _pairs_decided(by_layout)
    layouts = [f for f in plan.date_formats if by_layout[f]] + kept
    best = max(by_layout.values(), default=0)
    return LayoutChoice(tuple(layouts), tuple(ambiguous), counts[-1] - best, counts[-1])


def plan_date_layouts(con: duckdb.DuckDBPyConnection, plan: FormatPlan, csv_path: str,
                      delimiter: str, file_name: str) -> tuple[str, ...]:
    """The layouts to read ``plan``'s dates with, most used first.

    For a plan with day-first / month-first dates, every date of the file is tested (a
    single day above 12 decides), and a file whose dates read both ways is refused.
    """
    if not plan.day_month or "date" not in plan.columns:
        return date_formats_in_file_order(con, plan, csv_path, delimiter, plan.date_formats)
    choice = date_layout_choice(con, plan, csv_path, delimiter)
    if choice.ambiguous:
        day_first, month_first = choice.ambiguous[0]
        raise IngestError(
            f"{file_name}: every date reads both day-first and month-first (no day is above "
            f"12), so Backline cannot tell which it is. Say which: --date-format "
            f"{day_first} (day first) or {month_first} (month first); the Import page asks "
            "the same."
        )
    layouts = choice.layouts or plan.date_formats
    return date_formats_in_file_order(con, plan, csv_path, delimiter, layouts)


def has_offsets(layouts: tuple[str, ...]) -> bool:
    """Whether dates read with ``layouts`` carry a UTC offset (``+0000``, ``Z``): such dates
    are converted to the athlete's time zone before sessions and weeks are formed, so the
    zone has to be known (the Import page asks for it)."""
    return any("%z" in layout or layout.endswith("Z") for layout in layouts)
