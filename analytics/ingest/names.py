"""Exercise names as logged: invisible characters, and what a name says about the load.

Works on the distinct names of a file (a few hundred at most), never per row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .vocab import ASSISTED_WORDS, BAND_ASSISTED, INVISIBLE

_DROP_INVISIBLE = {ord(char): None for char in INVISIBLE}
_ASSISTED = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(word) for word in ASSISTED_WORDS) + r")(?!\w)|"
    + BAND_ASSISTED, re.IGNORECASE,
)


def clean_name(name: str) -> str | None:
    """``name`` without invisible characters and outer spaces; None when nothing is left."""
    cleaned = name.translate(_DROP_INVISIBLE).strip()
    return cleaned or None


def clean_names(names: Iterable[str]) -> dict[str, str | None]:
    """The names that change when cleaned, with what they become."""
    return {name: clean_name(name) for name in names if clean_name(name) != name}


def is_assisted(name: str) -> bool:
    """True when the logged name says the load was assistance (``Pull Up (Assisted)``,
    ``Machine Assisted Dip``, Hevy's ``Pull Up (Band)``): the number is how much a machine
    or band took off, so less is progress. For names the catalog does not know; a known
    name's entry decides (``Assisted Pistol Squat`` is not an assisted lift)."""
    return bool(_ASSISTED.search(name))
