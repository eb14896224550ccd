"""Rows DuckDB's strict reader refused for having too many fields, read again where the
layout says what the extra fields are.

Two cases are recovered, both decided by the row's own fields:

* FitNotes writes exercise names without quotes, so ``Overhead Press (Each Side,
  Dumbbells)`` splits into two fields. The layout is fixed (the spec names the field that
  absorbs the extra ones), so the name is rebuilt when the numeric columns then hold
  numbers.
* Trailing empty fields (a line ending in ``,,``, as spreadsheets write) carry nothing:
  the row is read without them.

Every other over-long row stays rejected, with its true field count. Only the rows the
reader refused go through Python here (a handful, next to a file's thousands).
"""

from __future__ import annotations

import csv
import re

import pandas as pd

from .formats import FormatPlan

_NUMBERISH = re.compile(r"^\s*[-+]?[0-9]*(?:[.,][0-9]+)?\s*$|^\s*[0-9:]+\s*$")
_NUMERIC_FIELDS = ("weight", "reps", "rpe", "distance_m", "duration_s")


def field_count(raw: str, delimiter: str) -> int | None:
    """The number of fields of one CSV record's text, quotes honoured (None: unreadable)."""
    try:
        fields = next(csv.reader([raw], delimiter=delimiter), [])
    except csv.Error:
        return None
    return len(fields)


def _fields(raw: str, delimiter: str) -> list[str] | None:
    try:
        return next(csv.reader([raw.rstrip("\r\n")], delimiter=delimiter), [])
    except csv.Error:
        return None


def _plausible(plan: FormatPlan, fields: list[str]) -> bool:
    """True when every numeric column of the rebuilt row holds a number or nothing."""
    return all(_NUMBERISH.match(fields[plan.columns[name]])
               for name in _NUMERIC_FIELDS if name in plan.columns)


def rebuild(plan: FormatPlan, raw: str, delimiter: str) -> list[str] | None:
    """The row's fields as the header lays them out, or None when it cannot be told."""
    width = len(plan.header)
    fields = _fields(raw, delimiter)
    if fields is None or len(fields) <= width:
        return None
    extra = len(fields) - width
    overflow = plan.rules.overflow
    if overflow is not None and overflow in plan.columns:
        at = plan.columns[overflow]
        # The extra fields may all belong to the name, or some may be trailing empties.
        for absorbed in range(extra, -1, -1):
            trailing = extra - absorbed
            if trailing and any(f.strip() for f in fields[len(fields) - trailing:]):
                continue
            kept = fields[:len(fields) - trailing]
            rebuilt = kept[:at] + [delimiter.join(kept[at:at + absorbed + 1])] \
                + kept[at + absorbed + 1:]
            if _plausible(plan, rebuilt):
                return rebuilt
        return None
    if not any(f.strip() for f in fields[width:]):
        return fields[:width]
    return None


def recovered_rows(plan: FormatPlan, structural: pd.DataFrame, delimiter: str) -> pd.DataFrame:
    """The over-long rows of ``structural`` that :func:`rebuild` can read, one column per
    header position (``c0``, ``c1``...) plus ``record`` (DuckDB's record number)."""
    rows: list[list[str | None]] = []
    records: list[int] = []
    for record, kind, raw in zip(structural["record"], structural["error_type"],
                                 structural["raw"], strict=True):
        if kind != "TOO MANY COLUMNS" or not isinstance(raw, str):
            continue
        fields = rebuild(plan, raw, delimiter)
        if fields is not None:
            rows.append([f if f != "" else None for f in fields])
            records.append(int(record))
    frame = pd.DataFrame(rows, columns=[f"c{i}" for i in range(len(plan.header))],
                         dtype="object")
    frame["record"] = pd.array(records, dtype="int64")
    return frame
