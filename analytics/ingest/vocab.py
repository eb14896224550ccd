"""The words and units every export format shares: format data, imported by the rest.

The per-app specs (``specs/*.toml``) name their own columns and words; what is common to
all of them lives here: how a unit is spelled, which set-type words exist, which date
layouts are safe to try on any file, which invisible characters a name may carry. Both
:mod:`.formats` (detection) and :mod:`.normalise` (the SQL) read it, and it imports
nothing of theirs, so the two never import each other.
"""

from __future__ import annotations

LB_TO_KG = 0.45359237
MILE_M = 1609.344

#: Weight unit spellings (any case) -> factor into kilograms.
WEIGHT_UNITS: dict[str, float] = {
    "kg": 1.0, "kgs": 1.0, "kilo": 1.0, "kilos": 1.0, "kilogram": 1.0, "kilograms": 1.0,
    "lb": LB_TO_KG, "lbs": LB_TO_KG, "pound": LB_TO_KG, "pounds": LB_TO_KG,
}

#: Distance unit spellings (any case) -> factor into metres.
DISTANCE_UNITS: dict[str, float] = {
    "m": 1.0, "meter": 1.0, "meters": 1.0, "metre": 1.0, "metres": 1.0,
    "km": 1000.0, "kms": 1000.0, "kilometer": 1000.0, "kilometers": 1000.0,
    "kilometre": 1000.0, "kilometres": 1000.0,
    "mi": MILE_M, "mile": MILE_M, "miles": MILE_M,
    "ft": 0.3048, "feet": 0.3048, "yd": 0.9144, "yards": 0.9144,
}

#: Time unit spellings (a value such as ``"60 secondi"`` carries one) -> factor into seconds.
TIME_UNITS: dict[str, float] = {
    "s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0,
    "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0,
    "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0, "hours": 3600.0,
}

#: Words that say a number counts repetitions (``"12 reps"``).
REP_UNITS: frozenset[str] = frozenset({"rep", "reps", "repetition", "repetitions", "x"})

#: The unit a distance column is in when neither the header nor a unit column says:
#: the one that goes with the account's weight unit (Strong: km for kg, miles for lb).
DISTANCE_FOR_WEIGHT = {"kg": "km", "lb": "mi"}

#: Canonical set types.
SET_TYPE_NAMES = ("working", "warmup", "drop", "failure")

#: Set-type words of every supported app (any case): Strong's letters and v6 words
#: (W, D, F, WARM_UP, FAILURE), Hevy's (normal, warmup, dropset, failure), Lyfta's
#: (NORMAL_SET...), the template's own words. A set number also means a working set.
SET_TYPE_WORDS: dict[str, str] = {
    "w": "warmup", "warmup": "warmup", "warm-up": "warmup", "warm up": "warmup",
    "warm_up": "warmup", "warmup_set": "warmup", "warm_up_set": "warmup",
    "d": "drop", "drop": "drop", "dropset": "drop", "drop set": "drop", "drop_set": "drop",
    "drop-set": "drop",
    "f": "failure", "failure": "failure", "failure_set": "failure", "fail": "failure",
    "n": "working", "normal": "working", "normal_set": "working", "working": "working",
    "work": "working", "working_set": "working",
}

#: Words a yes/no column uses for "yes" (Fitbod ``isWarmup``, Liftosaur ``Is Warmup
#: Set?``, GymBook ``Saltato``); anything else (blank, ``false``, ``0``, ``No``) is no.
TRUE_WORDS: frozenset[str] = frozenset({"true", "yes", "y", "1"})

#: Characters that change a name without being seen: byte-order mark, zero-width
#: space / joiners, word joiner, soft hyphen. Names are stored and matched without them.
INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060\u00ad"

#: Date layouts tried on every file whose spec does not name its own (strptime codes).
#: None is day-first or month-first: a date like 01/02/2025 has two readings, so such
#: layouts are only ever alternatives a file must decide between (see the specs).
COMMON_DATE_LAYOUTS: tuple[str, ...] = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %I:%M:%S %p",
    "%Y-%m-%d %I:%M %p",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%d %b %Y, %H:%M",
    "%d %B %Y, %H:%M",
    "%d %b %Y %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
)

#: Layouts for day-first / month-first dates, in pairs a file decides between by its own
#: dates (a day above 12 settles it; when none does, the user must say). Two-digit years
#: come first: ``%Y`` also reads ``18`` (as the year 18), ``%y`` never reads ``2018``.
DAY_MONTH_PAIRS: tuple[tuple[str, str], ...] = (
    ("%d/%m/%y %H:%M", "%m/%d/%y %H:%M"),
    ("%d/%m/%y", "%m/%d/%y"),
    ("%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S"),
    ("%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M"),
    ("%d/%m/%Y", "%m/%d/%Y"),
    ("%d.%m.%Y %H:%M", "%m.%d.%Y %H:%M"),
    ("%d.%m.%Y", "%m.%d.%Y"),
    ("%d-%m-%Y", "%m-%d-%Y"),
)

#: Words that make a logged name an assisted lift: the load is the help of a machine or a
#: band, not weight lifted. English as Strong, Hevy, Fitbod and JEFIT write it (`Pull Up
#: (Assisted)`, `Assisted Pull Up`, `Machine Assisted Dip`) and the word in the other
#: languages Backline reads (`Klimmzug (unterstützt)`, `Tractions assistées`, `Trazioni
#: assistite`, `Dominadas asistidas`). Only for names the catalog does not know: a known
#: name's catalog entry says whether it is assisted.
ASSISTED_WORDS: tuple[str, ...] = (
    "assisted", "unterstützt", "assistiert", "assisté", "assistée", "assistés",
    "assistées", "assistito", "assistita", "assistiti", "assistite", "asistido", "asistida",
    "asistidos", "asistidas", "assistido", "assistida", "geassisteerd",
)
#: A band on a pull-up, chin-up or dip takes weight off (Hevy's `Pull Up (Band)`); on any
#: other lift (`Romanian Deadlift (Band)`) the band is the load.
BAND_ASSISTED = r"(?:pull|chin)[\s-]?ups?\s*\(band\)|dips?\s*\(band\)"
