"""CSV downloads never hand a spreadsheet a formula: analytics.csv_safety."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.csv_safety import _PLAIN_NUMBER, FORMULA_PREFIXES, escape_cell, safe_csv_bytes


def read_back(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://evil.example","click")', "'=HYPERLINK(\"http://evil.example\",\"click\")"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("\uff1d1+1", "'\uff1d1+1"),  # full-width equals sign
        ("-", "'-"),
        ("- felt easy", "'- felt easy"),
        # plain numbers written as text stay numbers
        ("-5", "-5"),
        ("+2.5", "+2.5"),
        ("-1e3", "-1e3"),
        ("-.5", "-.5"),
        # ordinary text is untouched, including = or @ later in the text
        ("Romanian Deadlift (Barbell)", "Romanian Deadlift (Barbell)"),
        ("RPE=8 @ 60kg", "RPE=8 @ 60kg"),
        (" =1+1", " =1+1"),
        ("", ""),
    ],
)
def test_cells(cell: str, written: str) -> None:
    frame = pd.DataFrame({"exercise": [cell]})
    assert read_back(safe_csv_bytes(frame))[1] == [written]


def test_numbers_dates_and_missing_values_are_written_as_they_are() -> None:
    frame = pd.DataFrame({
        "weight_kg": [-5.5, 100.0, np.nan],
        "reps": pd.array([10, None, -1], dtype="Int64"),
        "when": [datetime(2025, 3, 1, 7), datetime(2025, 3, 2), None],
        "note": ["=bad", None, "ok"],
    })
    rows = read_back(safe_csv_bytes(frame))
    assert rows[0] == ["weight_kg", "reps", "when", "note"]
    assert rows[1] == ["-5.5", "10", "2025-03-01 07:00:00", "'=bad"]
    assert rows[2] == ["100.0", "", "2025-03-02 00:00:00", ""]
    assert rows[3] == ["", "-1", "", "ok"]


def test_column_names_and_categoricals_are_escaped_and_the_frame_is_not_changed() -> None:
    frame = pd.DataFrame({"=SUM(A:A)": pd.Categorical(["@x", "y", "@x"]), "n": [1, 2, 3]})
    original = frame.copy()
    rows = read_back(safe_csv_bytes(frame, index=False))
    assert rows[0] == ["'=SUM(A:A)", "n"]
    assert [r[0] for r in rows[1:]] == ["'@x", "y", "'@x"]
    pd.testing.assert_frame_equal(frame, original)


def test_bom_for_excel() -> None:
    data = safe_csv_bytes(pd.DataFrame({"exercise": ["Soulevé de terre"]}), bom=True)
    assert data.startswith(b"\xef\xbb\xbf")
    assert read_back(data)[1] == ["Soulevé de terre"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=5))
def test_no_text_cell_can_start_a_formula(cells: list[str]) -> None:
    """Whatever the text, a spreadsheet gets the text itself or the text after a quote,
    and only a plain number may start like a formula."""
    rows = read_back(safe_csv_bytes(pd.DataFrame({"c": cells})))
    assert len(rows) == len(cells) + 1
    for cell, row in zip(cells, rows[1:], strict=True):
        out = row[0] if row else ""
        assert out in (cell, "'" + cell)
        if out.startswith(FORMULA_PREFIXES):
            assert _PLAIN_NUMBER.fullmatch(out), out


def test_escape_cell_leaves_non_text_alone() -> None:
    assert escape_cell(3.5) == 3.5
    assert escape_cell(-2) == -2
    assert escape_cell(None) is None
