"""CSV downloads that a spreadsheet opens as text, never as formulas.

Exercise names, notes and workout names come from users' files, so a download may hold
``=HYPERLINK("http://evil", "click")`` or ``@SUM(A1)``. Excel, LibreOffice and Google
Sheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab / carriage return
before one) as a formula — CSV (formula) injection. Every download goes through
:func:`safe_csv_bytes`, which prefixes such text cells with an apostrophe, the usual
spreadsheet marker for "this is text" (OWASP's advice). Numbers stay numbers: numeric
columns are untouched, and text that is just a number (``-5``, ``+2.5``, ``-1e3``) is
left as it is.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

#: First characters that make a spreadsheet read a cell as a formula (the full-width forms
#: are included: some spreadsheet locales normalise them to ASCII).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def escape_cell(value: Any) -> Any:
    """``value`` with an apostrophe in front when it is text a spreadsheet would run."""
    if (isinstance(value, str) and value.startswith(FORMULA_PREFIXES)
            and not _PLAIN_NUMBER.fullmatch(value)):
        return "'" + value
    return value


def escape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names cannot run as formulas."""
    safe = frame.copy()
    for column in safe.columns:
        series = safe[column]
        if not (pd.api.types.is_object_dtype(series.dtype)
                or pd.api.types.is_string_dtype(series.dtype)
                or isinstance(series.dtype, pd.CategoricalDtype)):
            continue
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        safe[column] = series.map(escape_cell, na_action="ignore").astype(object)
    safe.columns = [escape_cell(str(c)) if isinstance(c, str) else c for c in safe.columns]
    return safe


def safe_csv_bytes(frame: pd.DataFrame, *, index: bool = False, bom: bool = False) -> bytes:
    """``frame`` as UTF-8 CSV bytes, safe to open in a spreadsheet.

    ``bom=True`` starts the file with a UTF-8 byte-order mark, which makes Excel read
    accented names correctly (Backline's own import strips it again).
    """
    # CRLF line ends (RFC 4180, what Excel writes) also make the writer quote any cell that
    # holds a bare CR, which a spreadsheet would otherwise take for the end of the row.
    text = escape_formulas(frame).to_csv(index=index, lineterminator="\r\n")
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
