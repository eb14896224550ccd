"""The Streamlit app in AppTest: every page, the import flow, share-mode page list, escaping.

Each test gets its own DuckDB file through ``BACKLINE_DB`` (the store is cached per path,
so tests never share data). AppTest in this Streamlit version drives ``st.file_uploader``
directly (``set_value``), so uploads go through the real Import page.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import ui
from analytics import sharing
from analytics.sample import SAMPLE_ATHLETE
from analytics.store import Store
from tests.conftest import APP, EXPORTS, ROOT

DASHBOARD = {
    # page file: minimum number of charts drawn on the sample athlete (in its first tab)
    "pages/overview.py": 1,
    "pages/strength.py": 2,
    "pages/volume.py": 2,
    "pages/consistency.py": 3,
    "pages/programme.py": 2,
}
TABS = {
    # page file: (its tabs' key, {every other tab: minimum number of charts drawn in it})
    "pages/volume.py": ("volume-view", {"Balance": 2, "Per exercise": 1}),
}
NEW_ATHLETE = "+ New athlete"
ALL_PAGES = [*DASHBOARD, "pages/import_log.py"]
TIMEOUT = 60


def _app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT)


def _open(page: str, at: AppTest | None = None) -> AppTest:
    at = at or _app().run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _prepare_store(db: Path, *, sample: bool, athletes: tuple[str, ...] = ()) -> None:
    """Create the DB file before the app opens it: with/without the sample athlete."""
    store = Store(db)
    try:
        if not sample:
            store.set_setting(ui.SAMPLE_DELETED_SETTING, "1")
        for name in athletes:
            store.athlete_id(name, create=True)
    finally:
        store.close()


def _uploader(at: AppTest):  # type: ignore[no-untyped-def]
    """The Import page's one file uploader (its key changes after each import)."""
    (found,) = [w for w in at.get("file_uploader") if str(w.key).startswith("uploads-")]
    return found


def _upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    _uploader(at).set_value([(n, d, "text/csv") for n, d in files]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _table(at: AppTest, column: str) -> pd.DataFrame:
    """The first st.dataframe on the page that has ``column``."""
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with a {column!r} column")


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


# -- every page renders ---------------------------------------------------------------------
@pytest.mark.parametrize("page", list(DASHBOARD))
def test_dashboard_page_draws_charts_on_the_sample_athlete(db, page) -> None:  # type: ignore[no-untyped-def]
    at = _open(page)
    assert at.sidebar.selectbox(key=ui.ATHLETE_KEY).value is not None
    key, tabs = TABS.get(page, ("", {}))
    drawn = {"": _charts(at)}
    for tab in tabs:
        at.session_state[key] = tab
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        drawn[tab] = _charts(at)
    for tab, charts in drawn.items():
        assert len(charts) >= {"": DASHBOARD[page], **tabs}[tab], tab
        for spec in charts:
            traces = spec["data"]
            assert any(len(t.get("x") or []) for t in traces), spec["layout"].get("title")
    titles = [spec["layout"]["title"]["text"] for charts in drawn.values() for spec in charts]
    assert len(titles) == len(set(titles)), "a hidden tab's chart was drawn too"
    assert not at.error


@pytest.mark.parametrize("page", list(DASHBOARD))
def test_tables_show_a_dash_for_a_missing_value(db, page) -> None:  # type: ignore[no-untyped-def]
    at = _open(page)
    assert at.dataframe or at.table, "every dashboard page has a table"
    assert {frame.proto.placeholder for frame in at.dataframe} <= {"—"}  # not "None"


def test_overview_milestones_are_a_static_table(db) -> None:  # type: ignore[no-untyped-def]
    """A static table wraps its text, so a phone shows the Evidence column whole."""
    at = _open("pages/overview.py")
    assert not at.dataframe
    (milestones,) = at.table
    frame = milestones.value
    assert list(frame.columns) == ["Window", "Status", "Weeks on target", "Evidence"]
    assert list(frame["Window"]) == ["Weeks 2\u20114", "Weeks 6\u20118", "Weeks 8\u201112"]
    assert frame.notna().all().all() and all(frame["Evidence"].str.len() > 0)
    assert re.fullmatch(r"\d+ of \d+ \(\d+ %\)", frame["Weeks on target"].iloc[0])


def test_first_run_loads_the_sample_athlete(db) -> None:  # type: ignore[no-untyped-def]
    at = _app().run()
    assert not at.exception
    picker = at.sidebar.selectbox(key=ui.ATHLETE_KEY)
    assert len(picker.options) == 1 and "(sample)" in picker.options[0]
    assert int(_metrics(at)["Sessions"]) > 20


@pytest.mark.parametrize("page", ALL_PAGES)
def test_page_explains_an_athlete_without_sets(db, page) -> None:  # type: ignore[no-untyped-def]
    _prepare_store(db, sample=False, athletes=("Empty athlete",))
    at = _open(page)
    assert not _charts(at)
    if page in DASHBOARD:
        assert at.info, "an empty page must say why it is empty"
    assert not at.error


@pytest.mark.parametrize("page", ALL_PAGES)
def test_page_renders_on_an_empty_store(db, page) -> None:  # type: ignore[no-untyped-def]
    _prepare_store(db, sample=False)
    at = _open(page)
    assert not _charts(at)
    if page in DASHBOARD:
        assert "no athlete" in at.info[0].value.lower()
    else:
        assert _uploader(at) is not None


def test_sidebar_switches_units_and_formula(db) -> None:  # type: ignore[no-untyped-def]
    at = _open("pages/strength.py")
    assert _charts(at)[0]["layout"]["yaxis"]["title"]["text"] == "e1RM (kg)"
    at.sidebar.radio(key=ui.UNIT_KEY).set_value("lb").run()
    at.sidebar.selectbox(key=ui.FORMULA_KEY).set_value("brzycki").run()
    first = _charts(at)[0]
    assert first["layout"]["yaxis"]["title"]["text"] == "e1RM (lb)"
    assert "Brzycki" in first["layout"]["title"]["text"]
    at.sidebar.selectbox(key=ui.PERIOD_KEY).set_value("Last 4 weeks").run()
    assert not at.exception
    assert ui.FILTERS_KEY in at.session_state
    flt = at.session_state[ui.FILTERS_KEY]
    assert flt.unit == "lb" and flt.formula == "brzycki" and flt.start is not None


def test_custom_period_narrows_every_chart(db) -> None:  # type: ignore[no-untyped-def]
    at = _open("pages/volume.py")
    at.sidebar.selectbox(key=ui.PERIOD_KEY).set_value("Custom").run()
    picker = at.sidebar.date_input(key=ui.RANGE_KEY)
    first, _last = picker.value
    picker.set_value((first, first + timedelta(days=13))).run()
    assert not at.exception
    flt = at.session_state[ui.FILTERS_KEY]
    assert (flt.start, flt.end) == (first, first + timedelta(days=13))
    tonnage = _charts(at)[0]
    assert len(tonnage["data"][0]["x"]) == 2  # two ISO weeks


# -- import -----------------------------------------------------------------------------------
def test_upload_strong_export_asks_unit_imports_and_shows_counts(db) -> None:  # type: ignore[no-untyped-def]
    at = _open("pages/import_log.py")
    _upload(at, ("strong_classic.csv", (EXPORTS / "strong_classic.csv").read_bytes()))
    assert any(m.value == "Detected format: **strong \\(classic\\)**" for m in at.markdown)
    button = at.button(key="import-button")
    assert button.disabled, "classic Strong exports do not say kg or lb: ask first"
    unit = next(r for r in at.radio if r.label.startswith("This export does not say"))
    unit.set_value("lb").run()
    at.button(key="import-button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = _metrics(at)
    assert metrics["Sets imported"] == "18"
    assert metrics["Rejected"] == "0"
    counts = _table(at, "Rows read")
    assert counts.loc[0, "File"] == "strong_classic.csv"
    assert counts.loc[0, "Unit"] == "lb"
    # the sidebar moved to the imported athlete, whose pages now have data
    picker = at.sidebar.selectbox(key=ui.ATHLETE_KEY)
    assert picker.value != 1 and len(picker.options) == 2
    assert at.sidebar.radio(key=ui.UNIT_KEY).value == "lb"  # the athlete's own unit
    _open("pages/volume.py", at)
    assert _charts(at)

    # the same file again: every set is a duplicate
    _open("pages/import_log.py", at)
    _upload(at, ("strong_classic.csv", (EXPORTS / "strong_classic.csv").read_bytes()))
    at.button(key="import-button").click().run()
    assert _metrics(at)["Sets imported"] == "0"
    assert _metrics(at)["Already stored"] == "18"


def test_upload_several_files_with_rejects_and_a_broken_file(db) -> None:  # type: ignore[no-untyped-def]
    at = _open("pages/import_log.py")
    bad = (EXPORTS / "strong_v6.csv").read_text(encoding="utf-8").splitlines()
    bad.append('"413";"=HYPERLINK(""http://x"")";"Pull";"1";"Romanian Deadlift (Barbell)";'
               '"1";"70";"8";"";"";"";"";""')
    _upload(
        at,
        ("strong_v6.csv", ("\n".join(bad) + "\n").encode()),
        ("hevy_kg.csv", (EXPORTS / "hevy_kg.csv").read_bytes()),
        ("workbook.xlsx.csv", b"PK\x03\x04 not really a csv"),
    )
    assert any("ZIP archive" in e.value for e in at.error)
    at.button(key="import-button").click().run()
    assert not at.exception
    counts = _table(at, "Rows read")
    assert list(counts["File"]) == ["strong_v6.csv", "hevy_kg.csv"]
    assert int(_metrics(at)["Rejected"].replace(",", "")) >= 1
    rejects = _table(at, "reason")
    assert (rejects["row"].astype(str).str.contains("HYPERLINK")).any()
    assert at.get("download_button")


def test_unknown_csv_gets_a_column_mapping(db) -> None:  # type: ignore[no-untyped-def]
    at = _open("pages/import_log.py")
    _upload(at, ("my_log.csv", (EXPORTS / "generic_custom.csv").read_bytes()))
    assert any("not recognised" in w.value for w in at.warning)
    picks = {s.label: s.value for s in at.selectbox}
    assert picks["Date (and time) *"] == "Day"
    assert picks["Exercise name *"] == "Lift"
    assert picks["Weight / load"] == "Kilos"
    assert picks["Reps"] == "Reps"
    # no text field that looks filled in: a choice, ISO until told otherwise
    layout = at.selectbox(key="file-" + _uploader(at).value[0].file_id + "-map-date-layout")
    assert layout.value == "" and not [t for t in at.text_input if "layout" in t.label.lower()]
    layout.set_value("%d/%m/%Y").run()
    at.button(key="import-button").click().run()
    assert not at.exception
    assert _metrics(at)["Sets imported"] == "9"
    assert _metrics(at)["Rejected"] == "1"  # "twenty" reps


def test_import_results_name_the_columns_not_read(db) -> None:  # type: ignore[no-untyped-def]
    at = _open("pages/import_log.py")
    _upload(at, ("fitbod.csv", (EXPORTS / "fitbod.csv").read_bytes()))
    at.button(key="import-button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    counts = _table(at, "Columns not read")
    assert counts.loc[0, "Columns not read"] == "Incline, Resistance, multiplier"


def test_a_file_with_distances_of_no_stated_unit_asks_it(db) -> None:  # type: ignore[no-untyped-def]
    at = _open("pages/import_log.py")
    _upload(at, ("strong_2019.csv", (EXPORTS / "strong_2019.csv").read_bytes()))
    next(r for r in at.radio if r.label.startswith("This export does not say")).set_value(
        "kg").run()
    distance = next(r for r in at.radio if r.label.startswith("This export has distances"))
    assert distance.value == "km"  # what goes with a kg account
    distance.set_value("mi").run()
    at.button(key="import-button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    store = ui.get_store()
    walk = store.query_one("SELECT distance_m FROM sets WHERE exercise_raw = 'Farmers Walk'")
    assert walk == pytest.approx(0.04 * 1609.344)


def test_offset_dates_ask_the_time_zone_and_sessions_form_in_it(db) -> None:  # type: ignore[no-untyped-def]
    at = _open("pages/import_log.py")
    at.text_input(key="import-new-athlete").set_value("Fitbod user").run()
    _upload(at, ("fitbod.csv", (EXPORTS / "fitbod.csv").read_bytes()))
    zone = next(s for s in at.selectbox if s.label.startswith("This export's dates carry"))
    assert zone.value == "UTC"  # nothing known yet (AppTest has no browser time zone)
    zone.set_value("Asia/Tokyo").run()
    at.button(key="import-button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    store = ui.get_store()
    squat = store.query_one("SELECT min(performed_at) FROM sets WHERE athlete_id = ? "
                            "AND exercise_raw = 'Back Squat'", [store.athlete_id("Fitbod user")])
    assert str(squat) == "2021-01-18 07:14:35"  # 22:14:35 +0000 is the next morning in Tokyo
    assert store.athlete_settings("Fitbod user")["time_zone"] == "Asia/Tokyo"
    # the next upload for this athlete starts from the zone remembered for them
    _upload(at, ("fitbod.csv", (EXPORTS / "fitbod.csv").read_bytes()))
    zone = next(s for s in at.selectbox if s.label.startswith("This export's dates carry"))
    assert zone.value == "Asia/Tokyo"


def test_a_file_of_rejects_creates_no_athlete(db) -> None:  # type: ignore[no-untyped-def]
    at = _open("pages/import_log.py")
    at.text_input(key="import-new-athlete").set_value("Nobody yet").run()
    _upload(at, ("bad.csv", (ROOT / "tests" / "data" / "bad" / "all_rows_rejected.csv")
                 .read_bytes()))
    at.button(key="import-button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("nothing was stored" in w.value for w in at.warning)
    assert len(_table(at, "reason")) == 3
    assert "Nobody yet" not in set(ui.athletes(ui.get_store())["name"])


def test_mapping_an_unmapped_exercise(db) -> None:  # type: ignore[no-untyped-def]
    at = _open("pages/import_log.py")
    csv = (b"date,exercise,set,weight,unit,reps\n"
           b"2025-03-03 07:00,Hinge thing,1,60,kg,10\n"
           b"2025-03-03 07:00,Hinge thing,2,60,kg,10\n")
    _upload(at, ("template.csv", csv))
    at.button(key="import-button").click().run()
    assert any(s.value == "Exercises to map" for s in at.subheader)
    choice = next(s for s in at.selectbox if s.label.startswith("Hinge thing"))
    choice.set_value("romanian-deadlift")
    at.button(key="FormSubmitter:map-exercises-Save exercise mappings").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Mapped 2 sets" in s.value for s in at.success)
    assert any("in the catalog" in c.value for c in at.caption)


def test_a_failing_mapping_form_saves_nothing_and_any_script_maps(db) -> None:  # type: ignore[no-untyped-def]
    at = _open("pages/import_log.py")
    csv = ("date,exercise,set,weight,unit,reps\n"
           "2025-03-03 07:00,ルーマニアンデッドリフト（バーベル）,1,60,kg,10\n"
           "2025-03-03 07:00,🏋️,1,20,kg,10\n").encode()
    _upload(at, ("template.csv", csv))
    at.button(key="import-button").click().run()
    assert any("not in the catalog" in m.value for m in at.markdown)
    for box in at.selectbox:
        if box.label.startswith(("ルーマニアン", "🏋")):
            box.set_value("romanian-deadlift")
    at.button(key="FormSubmitter:map-exercises-Save exercise mappings").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Nothing was saved" in e.value and "no letters or digits" in e.value
               for e in at.error)
    assert len([b for b in at.selectbox if b.label.startswith(("ルーマニアン", "🏋"))]) == 2
    # without the unmappable name the Japanese one maps
    for box in at.selectbox:
        if box.label.startswith("🏋"):
            box.set_value(None)
    at.button(key="FormSubmitter:map-exercises-Save exercise mappings").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Mapped 1 sets" in s.value for s in at.success)


def test_delete_the_sample_athlete(db) -> None:  # type: ignore[no-untyped-def]
    at = _open("pages/import_log.py")
    with Store(db) as store:  # the sample athlete has a share link: deleting ends it too
        sharing.create_link(store, store.athlete_id(SAMPLE_ATHLETE), "coach", 30)
    at.button(key="delete-sample").click().run()
    assert not at.exception
    # asked first, naming the link; nothing deleted yet
    question = " ".join(w.value for w in at.warning)
    assert "Delete the sample athlete" in question and "Its 1 share link stops working" in question
    assert "delete-sample" in {b.key for b in at.button}
    at.button(key="cancel-delete-sample").click().run()
    assert not at.warning and "delete-sample" in {b.key for b in at.button}
    at.button(key="delete-sample").click().run()
    at.button(key="confirm-delete-sample").click().run()
    assert not at.exception
    assert "delete-sample" not in {b.key for b in at.button}
    _open("pages/overview.py", at)
    assert "no athlete" in at.info[0].value.lower()
    # the store remembers: reopening it (a restart) does not load the sample again
    ui._open_store.clear()
    at = _open("pages/overview.py")
    assert "no athlete" in at.info[0].value.lower()


# -- share mode -------------------------------------------------------------------------------
def test_shared_session_gets_dashboard_pages_only_and_no_picker(db) -> None:  # type: ignore[no-untyped-def]
    at = _app()
    at.session_state[ui.VIEWER_KEY] = ui.Viewer(mode="shared", athlete_id=1, unit="lb")
    at.run()
    assert not at.exception
    assert not [s for s in at.sidebar.selectbox if s.key == ui.ATHLETE_KEY]
    assert not [r for r in at.sidebar.radio if r.key == ui.UNIT_KEY]  # pinned to the link's
    assert any("Sample athlete" in m.value for m in at.sidebar.markdown)
    assert at.session_state[ui.FILTERS_KEY].unit == "lb"
    for page in DASHBOARD:
        _open(page, at)
    with pytest.raises(ValueError, match="navigation page"):
        at.switch_page("pages/import_log.py")


def test_page_table_keeps_url_paths_stable_and_every_page_has_a_caption() -> None:
    import app  # importing the router runs nothing

    assert list(app.PAGES) == ["overview", "strength", "volume", "consistency", "programme",
                               "import", "coach", "share"]
    for spec in app.PAGES.values():
        assert (ROOT / spec.path).is_file() and spec.title and len(spec.caption) > 40


def test_the_router_draws_each_page_title_and_caption_once(db: Path) -> None:
    import app

    _prepare_store(db, sample=True)
    at = _app().run()
    for spec in app.DASHBOARD_PAGES + app.OWNER_PAGES:
        at.switch_page(spec.path).run()
        assert not at.exception, [e.value for e in at.exception]
        assert [t.value for t in at.title] == [spec.title]
        assert spec.caption in [c.value for c in at.caption]


# -- escaping -------------------------------------------------------------------------------------
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)>",
        "[click me](javascript:alert(1))",
        "![tracker](https://evil.example/pixel.png)",
        "**bold** _it_ `code` ~~strike~~",
        "# Heading\n- list item\n> quote",
        ":red[coloured] :material/warning: $x^2$",
        "| a | b |\n|---|---|",
        "Romanian Deadlift (Barbell)",
        "back\\slash & ampersand",
    ],
)
def test_escape_md_makes_markdown_and_html_inert(text: str) -> None:
    escaped = ui.escape_md(text)
    # nothing special survives unescaped ...
    stripped = _UNESCAPE.sub("", escaped)
    assert not re.search(r"[<>\[\]()*_`#~:$|!\\&]", stripped)
    # ... no line break can start a block ...
    assert "\n" not in escaped and "\r" not in escaped
    # ... and unescaping gives back the text (line breaks as spaces)
    assert _UNESCAPE.sub(r"\1", escaped) == re.sub(r"[\r\n]+", " ", text)


def test_escape_md_handles_missing_values() -> None:
    assert ui.escape_md(None) == ""
    assert ui.escape_md(float("nan")) == ""
    assert ui.escape_md(42) == "42"



def _csv(exercise: str, day: str, sets: int) -> bytes:
    rows = "".join(f"{day} 07:00,{exercise},{n},60,kg,10\n" for n in range(1, sets + 1))
    return ("date,exercise,set,weight,unit,reps\n" + rows).encode()


def test_the_uploader_is_empty_after_an_import(db) -> None:  # type: ignore[no-untyped-def]
    at = _open("pages/import_log.py")
    _upload(at, ("a.csv", _csv("Romanian Deadlift", "2025-03-03", 3)))
    at.button(key="import-button").click().run()
    assert _metrics(at)["Sets imported"] == "3"
    assert not _uploader(at).value  # nothing left to import again by accident
    assert at.button(key="import-button").disabled


def test_an_import_takes_only_the_files_chosen_for_that_athlete(db) -> None:  # type: ignore[no-untyped-def]
    """A's file imported, then B chosen and B's file imported: B gets B's sets only."""
    at = _open("pages/import_log.py")
    at.text_input(key="import-new-athlete").set_value("Athlete A").run()
    _upload(at, ("a.csv", _csv("Romanian Deadlift", "2025-03-03", 3)))
    at.button(key="import-button").click().run()
    at.selectbox(key="import-athlete").set_value(NEW_ATHLETE).run()
    at.text_input(key="import-new-athlete").set_value("Athlete B").run()
    assert not _uploader(at).value
    _upload(at, ("b.csv", _csv("Hip Thrust", "2025-03-05", 2)))
    at.button(key="import-button").click().run()
    assert not at.exception
    assert list(_table(at, "Rows read")["File"]) == ["b.csv"]
    with Store(db) as store:
        counts = store.athletes().set_index("name")["sets"].astype(int)
    assert counts["Athlete A"] == 3 and counts["Athlete B"] == 2


def test_choosing_another_athlete_empties_the_uploader(db) -> None:  # type: ignore[no-untyped-def]
    at = _open("pages/import_log.py")
    at.text_input(key="import-new-athlete").set_value("Athlete A").run()
    _upload(at, ("a.csv", _csv("Romanian Deadlift", "2025-03-03", 3)))
    at.text_input(key="import-new-athlete").set_value("Athlete B").run()
    assert not _uploader(at).value


def test_ambiguous_dates_must_be_answered_and_the_preview_shows_the_rows(db) -> None:  # type: ignore[no-untyped-def]
    """Every date reads day-first and month-first: the import waits for the answer."""
    at = _open("pages/import_log.py")
    csv = (b"Day,Lift,Kilos,Reps\n"
           b"03/04/2025,Romanian Deadlift,60,10\n"
           b"05/04/2025,Romanian Deadlift,62.5,10\n"
           b"07/04/2025,Romanian Deadlift,65,8\n")
    _upload(at, ("sheet.csv", csv))
    question = next(r for r in at.radio if r.label.startswith("Every date in this file"))
    assert question.value is None
    assert at.button(key="import-button").disabled  # not imported on a guess
    question.set_value("%d/%m/%Y").run()
    assert not at.button(key="import-button").disabled
    preview = _table(at, "outcome")  # the first rows as they will be read
    assert len(preview) == 3 and set(preview["outcome"]) == {"set"}
    assert pd.Timestamp(preview["performed_at"].iloc[0]).date().isoformat() == "2025-04-03"
    at.button(key="import-button").click().run()
    assert _metrics(at)["Sets imported"] == "3"
    with Store(db) as store:
        first = store.query_one("SELECT min(performed_at) FROM sets WHERE exercise_raw = ?",
                                ["Romanian Deadlift"])
    assert pd.Timestamp(first).date().isoformat() == "2025-04-03"  # 3 April, day first
