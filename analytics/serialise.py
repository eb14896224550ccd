"""One way to turn Backline's results into JSON, for every ``--json`` output.

Scripts read several commands' output together (``imports --json`` beside ``report
--json``), so every command writes the same types the same way:

* timestamps as ISO 8601 to the second (``2026-12-01T07:45:45``); a value at midnight —
  or a column whose values all are, as date columns read from DuckDB are — as a date
  (``2026-12-01``);
* floats rounded to 2 decimals, NaN / NA / NaT as ``null`` (strict JSON, never ``NaN``);
* numpy scalars as plain numbers, DataFrames as lists of records.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, time
from typing import Any

import numpy as np
import pandas as pd

DIGITS = 2
"""Decimals kept in JSON numbers (loads, percentages and seconds need no more)."""

INDENT_LEVELS = 2
"""Levels of a JSON document written one item per line (see :func:`encode`)."""

_SECONDS = "%Y-%m-%dT%H:%M:%S"
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)  # made once: it is reused


def plain(value: Any) -> Any:
    """``value`` as JSON-safe Python (dicts, lists, str, int, float, bool, None)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool:  # most values: already plain, no checks
        return value
    if kind is float:
        return round(value, DIGITS) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, pd.DataFrame):
        return records(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, datetime):  # pd.Timestamp included
        if value.time() == time():
            return value.date().isoformat()
        return value.strftime(_SECONDS)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else round(value, DIGITS)
    return value


def _column(values: pd.Series) -> list[Any]:
    """One column as JSON-safe values, converted in bulk (reports hold thousands of rows)."""
    present = values.notna()
    if pd.api.types.is_datetime64_any_dtype(values):
        at_midnight = (values[present] == values[present].dt.normalize()).all()
        values = values.dt.strftime("%Y-%m-%d" if at_midnight else _SECONDS)
    elif pd.api.types.is_float_dtype(values):
        present &= np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))
        values = values.round(DIGITS)
    elif pd.api.types.is_string_dtype(values) and not pd.api.types.is_object_dtype(values):
        pass  # text columns (names, messages): plain already, converted in bulk below
    elif not (pd.api.types.is_bool_dtype(values) or pd.api.types.is_integer_dtype(values)):
        return [plain(v) for v in values]
    return values.astype(object).where(present, None).tolist()


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as JSON-safe dicts, column by column."""
    names = [str(name) for name in frame.columns]
    columns = [_column(frame[name]) for name in frame.columns]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def dumps(value: Any) -> str:
    """``value`` as strict JSON text (see the module docstring for the types)."""
    return encode(plain(value))


def encode(data: Any, depth: int = 0) -> str:
    """JSON text of data that is already plain (:func:`plain`): indented for the first
    :data:`INDENT_LEVELS` levels, each deeper value on one line.

    A report with thousands of lifts stays readable (one lift, one week, one record a
    line) and is written by the json module's C encoder, which an ``indent`` would switch
    off (pure-Python encoding took seconds for a large report).
    """
    pad = "  " * (depth + 1)
    encoder = _ENCODER
    if depth < INDENT_LEVELS and isinstance(data, dict) and data:
        items = (f"{pad}{encoder.encode(str(key))}: {encode(item, depth + 1)}"
                 for key, item in data.items())
        return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
    if depth < INDENT_LEVELS and isinstance(data, list) and data:
        items = (pad + encode(item, depth + 1) for item in data)
        return "[\n" + ",\n".join(items) + "\n" + "  " * depth + "]"
    return encoder.encode(data)
