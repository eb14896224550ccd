"""The app specs (analytics/ingest/apps/*.toml): checked on load, each one used and sampled.

A new app is one spec, one sample and its expectation: these tests hold the repository to
that (every spec has a sample in tests/data/exports that imports as that app), and hold
the specs to what the SQL assumes (layouts that never read one date two ways, words that
mean one thing, no key the loader would ignore).
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from analytics.ingest import IngestError, detect
from analytics.ingest.formats import FORMATS
from analytics.ingest.reader import open_source
from analytics.ingest.spec import SpecError, load_specs, parse_spec
from analytics.ingest.vocab import COMMON_DATE_LAYOUTS, DAY_MONTH_PAIRS

EXPORTS = Path(__file__).resolve().parent / "data" / "exports"
SPECS = load_specs()

MINIMAL = """
app = "x"
label = "X"
facts = "test"
requires = ["date", "exercise"]
[[variant]]
name = "v"
[language.en.columns]
date = "Date"
exercise = "Exercise"
"""


def test_every_format_but_generic_is_a_spec() -> None:
    assert [spec.app for spec in SPECS] + ["generic"] == list(FORMATS)
    assert {"strong", "hevy", "fitnotes", "fitbod", "lyfta", "liftosaur", "stronglifts",
            "gymbook", "backline"} <= set(FORMATS)


def _sampled() -> set[tuple[str, str]]:
    """(app, language) of every sample, as detection reads its header."""
    found = set()
    for path in EXPORTS.glob("*.csv"):
        expected = json.loads(path.with_name(f"{path.stem}.expected.json").read_text("utf-8"))
        if expected.get("mapping"):
            continue
        source = open_source(path)
        try:
            plan = detect(source.header, path.name)
        finally:
            source.cleanup()
        assert plan.format == expected["format"], path.name
        found.add((plan.format, plan.language))
    return found


def test_every_spec_and_language_has_a_sample() -> None:
    sampled = _sampled()
    for spec in SPECS:
        assert spec.facts.strip(), spec.app
        for language in spec.languages:
            assert (spec.app, language.code) in sampled, (spec.app, language.code)


def test_a_minimal_spec_loads() -> None:
    spec = parse_spec(MINIMAL, "x.toml")
    assert (spec.app, spec.variants[0].name, spec.languages[0].columns["date"]) == \
        ("x", "v", ("Date",))


@pytest.mark.parametrize(("change", "message"), [
    ('label = "X"\nlabelz = "typo"', "unknown keys ['labelz']"),
    ('exercise = "Exercise"\nweigth = "Weight"', "unknown fields ['weigth']"),
    ('name = "v"\nread = { decimal_coma = "always" }', "unknown keys ['decimal_coma']"),
    ('name = "v"\nread = { session = "week" }', "session must be one of"),
    ('name = "v"\nread = { overflow = "name" }', "overflow names no field"),
], ids=["key", "field", "read key", "read value", "overflow"])
def test_a_spec_with_a_typo_is_refused(change: str, message: str) -> None:
    anchor = change.split("\n", 1)[0]
    text = MINIMAL.replace(anchor, change, 1)
    assert text != MINIMAL
    with pytest.raises(SpecError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_spec(text, "x.toml")


def test_header_units_are_checked() -> None:
    with pytest.raises(SpecError, match="not weight or distance units"):
        parse_spec(MINIMAL + '[header_units]\n"W" = "stone"\n', "x.toml")


def test_words_of_a_language_are_checked() -> None:
    text = MINIMAL + '[language.en.words]\nunits = { "chili" = "peppers" }\n'
    with pytest.raises(SpecError, match="unknown units"):
        parse_spec(text, "x.toml")


def _layouts() -> list[tuple[str, tuple[str, ...]]]:
    found = [("common", COMMON_DATE_LAYOUTS)]
    for spec in SPECS:
        if spec.read.dates:
            found.append((spec.app, spec.read.dates))
        for language in spec.languages:
            if "dates" in language.read:
                found.append((f"{spec.app}.{language.code}", tuple(language.read["dates"])))
    return found


@pytest.mark.parametrize(("where", "layouts"), _layouts(), ids=[w for w, _ in _layouts()])
def test_layouts_of_one_list_never_read_a_date_two_ways(where: str,
                                                        layouts: tuple[str, ...]) -> None:
    """The importer tries a spec's layouts in the order the file favours: that is only
    safe when no text reads as two different times (so a list never holds both the
    day-first and the month-first form of a layout)."""
    con = duckdb.connect()
    moments = [datetime(2025, month, day, hour, minute, tzinfo=UTC)
               for month, day, hour, minute in ((3, 5, 7, 4), (11, 12, 18, 30), (1, 31, 0, 5))]
    for layout, moment in itertools.product(layouts, moments):
        text = moment.strftime(layout.replace("%g", "123"))
        readings = set()
        for other in layouts:
            parsed = con.execute("SELECT TRY_STRPTIME(?, ?)", [text, other]).fetchone()[0]
            if parsed is not None and parsed.year >= 1950:
                readings.add(parsed.replace(tzinfo=None) if parsed.tzinfo is None
                             else parsed.astimezone(UTC).replace(tzinfo=None))
        assert len(readings) == 1, (where, text, readings)
    for day_first, month_first in DAY_MONTH_PAIRS:  # a spec may fix the order, not offer both
        assert not {day_first, month_first} <= set(layouts), where


def test_an_unknown_header_names_every_supported_app() -> None:
    with pytest.raises(IngestError) as refused:
        detect(["id", "name", "price"], "shop.csv")
    for spec in SPECS:
        if spec.app != "backline":
            assert spec.label in str(refused.value)
