"""Kilograms in the store, the athlete's unit on screen.

Everything is stored and computed in kg; conversion happens once, on the way out, so a
trend or a PR never depends on which unit the log was exported in.
"""

from __future__ import annotations

import pandas as pd

from .filters import Unit

KG_PER_LB = 0.45359237
"""Exact, by international definition (1959)."""

# The smallest load jumps commonly available: fractional plates / micro-loading in kg,
# the 1.25 lb plate pair in lb. Used for "add load" suggestions.
_INCREMENTS: dict[str, tuple[float, float]] = {"kg": (1.0, 2.5), "lb": (2.5, 5.0)}


def factor(unit: Unit) -> float:
    """Multiply a kg value by this to show it in ``unit``."""
    return 1.0 if unit == "kg" else 1.0 / KG_PER_LB


def convert(frame: pd.DataFrame, columns: list[str], unit: Unit) -> pd.DataFrame:
    """``frame`` with the kg ``columns`` shown in ``unit`` and a ``unit`` column added."""
    out = frame.copy()
    scale = factor(unit)
    for column in columns:
        out[column] = out[column].astype("float64") * scale
    out["unit"] = unit
    return out


def increment(unit: Unit) -> tuple[float, float]:
    """The (small, large) load increment suggested for progressive overload in ``unit``."""
    return _INCREMENTS[unit]


def format_load(kg: float | None, unit: Unit, digits: int = 1) -> str:
    """A load for people: "102.5 kg", "225 lb", or "bodyweight" when there is no load."""
    if kg is None or pd.isna(kg):
        return "bodyweight"
    value = round(kg * factor(unit), digits)
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return f"{text} {unit}"
