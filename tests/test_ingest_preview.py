"""The column-mapping preview: the first rows as the import would read them, and the
question ambiguous dates raise (issue 13). Nothing is stored: no store is involved."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.ingest import IngestError, detect
from analytics.ingest.preview import asks_distance_unit, preview
from analytics.ingest.reader import open_source

EXPORTS = Path(__file__).resolve().parent / "data" / "exports"

SHEET = "Day;Lift;Kilos;Reps\n"
MAPPING = {"date": "Day", "exercise": "Lift", "weight": "Kilos", "reps": "Reps",
           "weight_unit": "kg"}


def _sheet(days: list[str]) -> bytes:
    return (SHEET + "".join(f"{day};Romanian Deadlift;62,5;{8 - i % 3}\n"
                            for i, day in enumerate(days))).encode()


def test_the_first_rows_as_they_will_be_read() -> None:
    data = _sheet(["2025-03-03", "2025-03-05", "2025-03-07"]) + b"2025-03-08;RDL;heavy;5\n"
    shown = preview(data, mapping=MAPPING, file_name="sheet.csv", rows=3)
    assert shown.plan.format == "generic"
    assert len(shown.rows) == 3
    first = shown.rows.iloc[0]
    assert (str(first.performed_at), first.exercise_raw, first.weight_kg, first.reps,
            first.outcome) == ("2025-03-03 00:00:00", "Romanian Deadlift", 62.5, 8, "set")
    everything = preview(data, mapping=MAPPING, file_name="sheet.csv")
    assert everything.rows["outcome"].tolist()[-1] == 'rejected: weight "heavy" is not a number'


def test_day_first_dates_suggest_their_layout() -> None:
    shown = preview(_sheet(["28/02/2025", "03/03/2025", "13/03/2025"]), mapping=MAPPING,
                    file_name="sheet.csv")
    assert (shown.date_format, shown.ambiguous) == ("%d/%m/%Y", None)
    # without the layout, the rows would be rejected: the preview shows it
    assert shown.rows["outcome"].str.startswith("rejected: date").all()
    fixed = preview(_sheet(["28/02/2025", "03/03/2025"]), mapping=MAPPING,
                    date_format="%d/%m/%Y", file_name="sheet.csv")
    assert fixed.rows["outcome"].tolist() == ["set", "set"]
    assert str(fixed.rows.iloc[1].performed_at) == "2025-03-03 00:00:00"


def test_dates_that_read_both_ways_must_be_chosen() -> None:
    shown = preview(_sheet(["03/02/2025", "04/02/2025", "11/12/2025"]), mapping=MAPPING,
                    file_name="sheet.csv")
    assert shown.date_format is None
    assert shown.ambiguous == ("%d/%m/%Y", "%m/%d/%Y")


def test_iso_dates_need_no_question() -> None:
    shown = preview(_sheet(["2025-03-03"]), mapping=MAPPING, file_name="sheet.csv")
    assert (shown.date_format, shown.ambiguous) == (None, None)


def test_a_detected_export_previews_too() -> None:
    data = (b'"title","start_time","end_time","description","exercise_title","superset_id",'
            b'"exercise_notes","set_index","set_type","weight_kg","reps","distance_km",'
            b'"duration_seconds","rpe"\n"A","Sep 8, 2025, 5:10 PM","Sep 8, 2025, 6:38 PM","",'
            b'"Pull Up (Assisted)",,"",0,"normal",-1,8,,,\n')
    shown = preview(data, file_name="hevy.csv")
    assert shown.plan.format == "hevy"
    assert shown.columns_not_read == ["superset_id"]
    assert shown.rows.iloc[0].outcome == "rejected: weight -1 is negative"


def test_a_refused_file_is_refused_by_the_preview() -> None:
    with pytest.raises(IngestError, match="is a PNG image"):
        preview(b"\x89PNG\r\n\x1a\n" + bytes(32), file_name="shot.csv")


def test_the_distance_question_is_asked_only_when_a_file_needs_it() -> None:
    answers = {}
    for name in ("strong_2019.csv", "strong_classic.csv", "strong_v6.csv", "hevy_kg.csv"):
        source = open_source(EXPORTS / name)
        try:
            answers[name] = asks_distance_unit(detect(source.header, name), source)
        finally:
            source.cleanup()
    # a 0.04 walk and no unit / distances all 0 / the header says metres / km
    assert answers == {"strong_2019.csv": True, "strong_classic.csv": False,
                       "strong_v6.csv": False, "hevy_kg.csv": False}
