"""Import page: upload exports, answer what the file does not say, see what happened.

Steps, top to bottom: choose the athlete, upload one or more CSVs (each shows the format
Backline detected; a kg/lb question appears only when the file does not say; an unknown
CSV gets a column-mapping form), import with a progress bar, then the result counts,
rejected rows (table + formula-safe CSV), exercises the catalog did not recognise (map them
to catalog entries) and the athletes in the store (delete the sample athlete).
"""

from __future__ import annotations

import hashlib
import zoneinfo

import pandas as pd
import streamlit as st

import ui
from analytics import catalog, sharing
from analytics.ingest import IngestError, Preview, detect, import_file, preview
from analytics.ingest.dates import has_offsets
from analytics.ingest.preview import asks_distance_unit
from analytics.ingest.reader import open_source
from analytics.sample import SAMPLE_ATHLETE

RESULTS_KEY = "_backline_import_results"
UPLOAD_GENERATION_KEY = "_backline_upload_generation"
NEW_ATHLETE = "+ New athlete"
NO_COLUMN = "(none)"
OTHER_LAYOUT = "other"
DATE_LAYOUTS: dict[str, str] = {
    # strptime layout: how the choice reads (15 March 2025, 18:05)
    "": "ISO: 2025-03-15 (or 2025-03-15 18:05)",
    "%d/%m/%Y": "Day first: 15/03/2025",
    "%d/%m/%Y %H:%M": "Day first with time: 15/03/2025 18:05",
    "%m/%d/%Y": "Month first: 03/15/2025",
    "%m/%d/%Y %H:%M": "Month first with time: 03/15/2025 18:05",
    "%d.%m.%Y": "Day first with dots: 15.03.2025",
    OTHER_LAYOUT: "Another layout (type it)",
}
MAPPING_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    # field: (label, header names that suggest it, best first)
    "date": ("Date (and time)", ("date", "datetime", "day", "start_time", "time", "when")),
    "exercise": ("Exercise name", ("exercise", "exercise name", "lift", "movement", "name")),
    "weight": ("Weight / load", ("weight", "load", "kilos", "kg", "lbs", "lb", "pounds")),
    "reps": ("Reps", ("reps", "rep", "repetitions")),
    "set": ("Set number", ("set", "set#", "set #", "set number", "set order")),
    "unit": ("Weight unit column", ("unit", "units", "weight unit")),
    "rpe": ("RPE", ("rpe",)),
    "set_type": ("Set type (warm-up...)", ("set type", "type", "set_type")),
    "duration_s": ("Seconds (timed holds)", ("seconds", "duration", "secs", "time (s)")),
    "notes": ("Notes", ("notes", "note", "comment", "comments")),
    "workout": ("Workout name", ("workout", "workout name", "session", "routine")),
}


@st.cache_data(show_spinner=False, max_entries=32)
def inspect_upload(_data: bytes, file_id: str, name: str) -> dict:
    """What Backline can tell about one upload before importing it (cached per upload).

    Keys: ``header`` (column names), ``plan`` (the detected FormatPlan, or None),
    ``unknown`` (why the header was not recognised), ``error`` (why the file cannot be
    imported at all) and ``asks_distance`` (it holds distances without saying their unit).
    """
    del file_id  # cache key only
    found: dict = {"header": [], "plan": None, "unknown": None, "error": None,
                   "asks_distance": False}
    try:
        source = open_source(_data, name)
    except IngestError as exc:
        return {**found, "error": str(exc)}
    try:
        found["header"] = list(source.header)
        try:
            found["plan"] = detect(found["header"], name)
            found["asks_distance"] = asks_distance_unit(found["plan"], source)
        except IngestError as exc:
            found["unknown"] = str(exc)
    finally:
        source.cleanup()
    return found


@st.cache_data(show_spinner=False)
def time_zones() -> list[str]:
    """Every IANA time zone name this machine knows, sorted (the select box searches)."""
    return sorted(zoneinfo.available_timezones() | {"UTC"})


def guess_column(header: list[str], candidates: tuple[str, ...]) -> str | None:
    """The header column whose name best matches one of ``candidates`` (exact first)."""
    folded = {column.strip().casefold(): column for column in header}
    for candidate in candidates:
        if candidate in folded:
            return folded[candidate]
    for candidate in candidates:
        if len(candidate) < 3:
            continue
        for key, column in folded.items():
            if candidate in key:
                return column
    return None


def mapping_form(header: list[str], key: str) -> dict[str, str]:
    """Column pickers for an unknown CSV; returns the mapping ``import_file`` takes."""
    options = [NO_COLUMN, *header]
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    columns = st.columns(3)
    for position, (name, (label, candidates)) in enumerate(MAPPING_FIELDS.items()):
        guess = guess_column([h for h in header if h not in taken], candidates)
        if guess:
            taken.add(guess)
        required = name in ("date", "exercise")
        chosen = columns[position % 3].selectbox(
            label + (" *" if required else ""),
            options,
            index=options.index(guess) if guess else 0,
            key=f"{key}-map-{name}",
            format_func=lambda c: c if c == NO_COLUMN else f"column: {c}",
        )
        if chosen != NO_COLUMN:
            mapping[name] = chosen
    left, right = st.columns(2)
    unit = left.radio(
        "Weights are in", ["kg", "lb", "the unit column"], horizontal=True,
        key=f"{key}-map-weight-unit",
    )
    if unit in ("kg", "lb"):
        mapping["weight_unit"] = unit
    # A choice, not a text field: its old placeholder "%d/%m/%Y" looked filled in, the
    # import then read the dates as ISO and rejected every row.
    layout = right.selectbox(
        "Date layout", list(DATE_LAYOUTS), key=f"{key}-map-date-layout",
        format_func=DATE_LAYOUTS.get,
        help="How the date column writes 15 March 2025. ISO dates (2025-03-15) need no "
        "choice; day-first and month-first dates do.",
    )
    if layout == OTHER_LAYOUT:
        typed = right.text_input(
            "Layout in strptime codes", key=f"{key}-map-date-format",
            help="%d day, %m month, %Y year (4 digits), %y (2 digits), %H:%M time, "
            "%b month name. Example: %d.%m.%Y %H:%M",
        ).strip()
        if typed:
            mapping["date_format"] = typed
    elif layout:
        mapping["date_format"] = layout
    return mapping


@st.cache_data(show_spinner=False, max_entries=64)
def preview_upload(_data: bytes, file_id: str, name: str,
                   mapping: tuple[tuple[str, str], ...]) -> Preview:
    """The first rows of an upload as ``mapping`` reads them (cached per upload and mapping)."""
    del file_id  # cache key only
    return preview(_data, mapping=dict(mapping), file_name=name)


def mapping_preview(data: bytes, file_id: str, name: str, mapping: dict[str, str],
                    key: str) -> bool:
    """Under the column mapping: the date question when the file's dates read both ways
    (day first and month first), then the first rows as they will be read. Returns
    whether the mapping is complete enough to import; ``mapping`` gets the date layout."""
    try:
        seen = preview_upload(data, file_id, name, tuple(sorted(mapping.items())))
    except IngestError as exc:
        st.error(ui.escape_md(str(exc)), icon=":material/error:")
        return False
    ready = True
    if "date_format" not in mapping and seen.ambiguous:
        day_first, month_first = seen.ambiguous
        labels = {day_first: f"day first ({day_first})", month_first:
                  f"month first ({month_first})"}
        choice = st.radio(
            "Every date in this file reads both day-first and month-first (no day is above "
            "12). Which is it?", [day_first, month_first], index=None, horizontal=True,
            format_func=labels.get, key=f"{key}-date-question",
        )
        if choice is None:
            st.info("Choose how the dates are written: read the wrong way, every date is "
                    "wrong and nothing says so.", icon=":material/event:")
            ready = False
        else:
            mapping["date_format"] = choice
            seen = preview_upload(data, file_id, name, tuple(sorted(mapping.items())))
    elif "date_format" not in mapping and seen.date_format:
        mapping["date_format"] = seen.date_format
        seen = preview_upload(data, file_id, name, tuple(sorted(mapping.items())))
        st.caption(f"The dates read as {ui.escape_md(seen.date_format)}.")
    st.markdown("**The first rows, as they will be read**")
    ui.table(seen.rows, key=f"{key}-preview")
    return ready


def choose_athlete(frame: pd.DataFrame) -> str:
    real = frame.loc[~frame["is_sample"].astype(bool), "name"].astype(str).tolist()
    current = ui.current_filters()
    default = 0
    if current is not None:
        match = frame.loc[frame["athlete_id"] == current.athlete_id, "name"].astype(str)
        if len(match) and match.iloc[0] in real:
            default = real.index(match.iloc[0])
    if real:
        picked = st.selectbox("Whose log is this?", [*real, NEW_ATHLETE], index=default,
                              key="import-athlete")
        if picked != NEW_ATHLETE:
            return str(picked)
    name = st.text_input("Athlete name", value="me", key="import-new-athlete",
                         max_chars=80, help="Each athlete has their own dashboard.")
    return name.strip()


def run_import(store, jobs: list[dict]) -> list[dict]:  # type: ignore[no-untyped-def]
    """Import every prepared upload in order, feeding one progress bar; never raises."""
    bar = st.progress(0.0, text="Starting import...")
    outcomes: list[dict] = []
    total = len(jobs)
    for number, job in enumerate(jobs):
        label = ui.escape_md(job["file_name"])

        def report(stage: str, fraction: float, number: int = number, label: str = label) -> None:
            done = min(1.0, (number + max(0.0, min(1.0, fraction))) / total)
            bar.progress(done, text=f"{label}: {ui.escape_md(stage)}")

        try:
            result = import_file(
                store, job["data"], athlete=job["athlete"], unit=job.get("unit"),
                mapping=job.get("mapping"), file_name=job["file_name"], progress=report,
                distance_unit=job.get("distance_unit"), time_zone=job.get("time_zone"),
            )
            outcomes.append({"ok": True, **result.as_dict()})
        except IngestError as exc:
            outcomes.append({"ok": False, "file_name": job["file_name"], "error": str(exc)})
    bar.progress(1.0, text="Import finished.")
    return outcomes


def show_results(store, outcomes: list[dict]) -> None:  # type: ignore[no-untyped-def]
    st.subheader("Last import")
    for outcome in outcomes:
        if not outcome["ok"]:
            st.error(ui.escape_md(outcome["error"]), icon=":material/error:")
    for outcome in outcomes:
        if outcome["ok"] and outcome["import_id"] is None:
            st.warning(f"{ui.escape_md(outcome['file_name'])}: no row could be imported, so "
                       "nothing was stored (no athlete was created). The rejected rows are "
                       "below.", icon=":material/warning:")
    done = [o for o in outcomes if o["ok"]]
    if not done:
        return
    imported = sum(int(o["imported"]) for o in done)
    duplicates = sum(int(o["duplicates"]) for o in done)
    rejected = sum(int(o["rejected"]) for o in done)
    cols = st.columns(4)
    cols[0].metric("Sets imported", f"{imported:,}")
    cols[1].metric("Already stored", f"{duplicates:,}", help="Re-imported rows are skipped.")
    cols[2].metric("Skipped", f"{sum(int(o['skipped']) for o in done):,}",
                   help="Rows that are not sets, such as Strong's rest timers.")
    cols[3].metric("Rejected", f"{rejected:,}")
    table = pd.DataFrame(
        {
            "File": [o["file_name"] for o in done],
            "Format": [f"{o['format']} ({o['variant']})" for o in done],
            "Athlete": [o["athlete"] for o in done],
            "Unit": [o["unit"] or "" for o in done],
            "Rows read": [o["rows_read"] for o in done],
            "Imported": [o["imported"] for o in done],
            "Duplicates": [o["duplicates"] for o in done],
            "Skipped": [o["skipped"] for o in done],
            "Rejected": [o["rejected"] for o in done],
            "Columns not read": [", ".join(o["columns_not_read"]) for o in done],
            "Seconds": [round(float(o["seconds"]), 2) for o in done],
        }
    )
    ui.table(table, key="import-counts")
    if rejected:
        ids = [int(o["import_id"]) for o in done if o["rejected"] and o["import_id"] is not None]
        rejects = store.rejected_rows(ids).drop(columns="import_id").rename(
            columns={"file_name": "file", "column_name": "column", "raw": "row"})
        unsaved = [{"file": o["file_name"], "line": r["line"], "column": r["column"],
                    "reason": r["reason"], "row": r["raw"]}
                   for o in done if o["import_id"] is None for r in o["rejects"]]
        if unsaved:
            rejects = pd.concat([rejects, pd.DataFrame(unsaved)], ignore_index=True)
        st.markdown(f"**{len(rejects):,} rejected rows** — fix them in the export and import "
                    "it again; rows already stored are skipped.")
        ui.table(rejects, key="import-rejects")
        ui.download_csv(rejects, "backline-rejected-rows.csv",
                        label="Download rejected rows (CSV)", key="dl-rejects")


MAPPING_PAGE_SIZE = 25
"""Unmapped names shown per page of the mapping form (most-logged first)."""


def unmapped_section(store, athlete_id: int) -> None:  # type: ignore[no-untyped-def]
    cur = ui.cursor()
    total = catalog.unmapped_count(cur, athlete_id)
    st.subheader("Exercises to map")
    mapped = st.session_state.pop("_backline_mapped", None)
    if mapped is not None:
        st.success(f"Mapped {mapped:,} sets to catalog exercises.")
    failed = st.session_state.pop("_backline_map_error", None)
    if failed:
        st.error(f"Nothing was saved: {ui.escape_md(failed)}")
    names = ui.athletes(store).set_index("athlete_id")["name"]
    who = ui.escape_md(names.get(athlete_id, "this athlete"))
    if total == 0:
        st.caption(f"Every exercise in {who}'s log is in the catalog.")
        return
    st.write(
        f"{total:,} exercise names in **{who}**'s log are not in the catalog. Their sets "
        "still count for tonnage and get their own strength trend, but no muscle volume "
        "or programme credit. Pick what each one is; the choice is remembered for future "
        "imports, for every athlete."
    )
    pages = -(-total // MAPPING_PAGE_SIZE)
    page = 1
    if pages > 1:
        page = int(st.number_input(
            f"Page (of {pages:,}, most-logged names first)", min_value=1, max_value=pages,
            value=1, step=1, key=f"map-page-{athlete_id}"))
    frame = catalog.unmapped(cur, athlete_id, limit=MAPPING_PAGE_SIZE,
                             offset=(page - 1) * MAPPING_PAGE_SIZE)
    entries = catalog.load_catalog()
    labels = dict(zip(entries["id"], entries["name"], strict=True))
    options = [None, *sorted(labels, key=lambda i: labels[i])]
    with st.form("map-exercises", border=True):
        choices: dict[str, str | None] = {}
        for position, row in enumerate(frame.itertuples(index=False)):
            suggestion = row.suggestion_id if isinstance(row.suggestion_id, str) else None
            choices[str(row.exercise_raw)] = st.selectbox(
                f"{ui.escape_md(row.exercise_raw)} ({int(row.sets)} sets)",
                options,
                index=options.index(suggestion) if suggestion in labels else 0,
                key=f"map-{page}-{position}-{row.exercise_raw}",
                format_func=lambda i: "Leave unmapped" if i is None else labels[i],
            )
        submitted = st.form_submit_button("Save exercise mappings", type="primary")
    if submitted:
        chosen = {raw: exercise_id for raw, exercise_id in choices.items() if exercise_id}
        try:  # one transaction: a bad entry saves nothing
            changed = catalog.set_user_aliases(store, chosen)
        except ValueError as error:
            st.session_state["_backline_map_error"] = str(error)
        else:
            ui.clear_caches()
            st.session_state["_backline_mapped"] = changed
        st.rerun()


def athletes_section(store) -> None:  # type: ignore[no-untyped-def]
    frame = ui.athletes(store)
    st.subheader("Athletes in this store")
    if frame.empty:
        st.caption("None yet.")
        return
    shown = frame[["name", "sets", "first_session", "last_session", "is_sample"]].rename(
        columns={"name": "Athlete", "sets": "Sets", "first_session": "First session",
                 "last_session": "Last session", "is_sample": "Sample"}
    )
    ui.table(shown, key="athletes-table")
    sample = frame[frame["is_sample"].astype(bool)]
    if sample.empty:
        return
    st.caption(f"The {SAMPLE_ATHLETE.lower()} is demo data loaded on first run so every "
               "page has charts. Delete it once your own log is in.")
    if st.button("Delete the sample athlete", icon=":material/delete:", key="delete-sample"):
        ui.ask_confirmation(("delete-sample",))
    links = sum(len(sharing.list_links(store, int(i))) for i in sample["athlete_id"])
    also = (f" Its {links} share link{'' if links == 1 else 's'} stop{'s' if links == 1 else ''}"
            " working too." if links else "")
    if ui.confirmed(("delete-sample",), "Delete the sample athlete and every set of it? It "
                    f"is not loaded again.{also}", "Delete it", "delete-sample"):
        store.set_setting(ui.SAMPLE_DELETED_SETTING, "1")
        for athlete_id in sample["athlete_id"]:
            store.delete_athlete(int(athlete_id))
        ui.clear_caches()
        st.rerun()


def main() -> None:
    store = ui.get_store()
    athlete = choose_athlete(ui.athletes(store))
    # The uploader is new after every import and for every athlete: an import takes only
    # the files just chosen for this athlete (a kept file list once re-imported athlete
    # A's files into athlete B along with B's own).
    generation = st.session_state.get(UPLOAD_GENERATION_KEY, 0)
    uploads = st.file_uploader(
        "Workout log exports (CSV)", type=["csv", "txt"], accept_multiple_files=True,
        key=f"uploads-{generation}-{hashlib.sha256(athlete.encode()).hexdigest()[:12]}",
        help="Files are for the athlete chosen above; choosing another athlete, or "
        "importing, empties this list.",
    ) or []
    remembered = store.known_unit(athlete) if athlete else None  # the one unit rule
    zone = (store.athlete_settings(athlete)["time_zone"] if athlete else None) or \
        st.context.timezone or "UTC"  # the athlete's, else this browser's

    jobs: list[dict] = []
    problems = 0
    for upload in uploads:
        data = upload.getvalue()
        inspection = inspect_upload(data, upload.file_id, upload.name)
        key = f"file-{upload.file_id}"
        with st.container(border=True):
            st.markdown(f"**{ui.escape_md(upload.name)}** · {len(data) / 1024:,.1f} KB")
            if inspection["error"]:
                st.error(ui.escape_md(inspection["error"]) + " This file will be skipped.")
                continue
            job = {"file_name": upload.name, "data": data, "athlete": athlete}
            plan = inspection["plan"]
            if plan is not None:
                st.markdown(f"Detected format: **{ui.escape_md(plan.describe())}**")
                if plan.needs_unit:
                    options = ["kg", "lb"]
                    job["unit"] = st.radio(
                        "This export does not say whether weights are in kg or lb. "
                        "Which unit is your app set to?",
                        options, index=options.index(remembered) if remembered else None,
                        horizontal=True, key=f"{key}-unit",
                    )
                    if job["unit"] is None:
                        problems += 1
                if has_offsets(plan.date_formats):
                    zones = time_zones()
                    job["time_zone"] = st.selectbox(
                        "This export's dates carry a UTC offset. Your time zone (sessions "
                        "and weeks are formed in it):", zones,
                        index=zones.index(zone) if zone in zones else zones.index("UTC"),
                        key=f"{key}-time-zone",
                        help="Remembered for this athlete; a session at 23:30 UTC is on the "
                        "next day in Berlin and the same day in New York.",
                    )
                if inspection["asks_distance"]:
                    options = ["km", "mi"]
                    weight_unit = plan.weight_unit or job.get("unit") or remembered
                    job["distance_unit"] = st.radio(
                        "This export has distances but does not say their unit. Which is "
                        "your app set to?", options,
                        index=1 if weight_unit == "lb" else 0, horizontal=True,
                        format_func=lambda u: {"km": "kilometres", "mi": "miles"}[u],
                        key=f"{key}-distance-unit",
                    )
            else:
                st.warning("Format not recognised — choose which column holds what.",
                           icon=":material/table_view:")
                with st.expander("Why?"):
                    st.text(inspection["unknown"] or "")
                job["mapping"] = mapping_form(inspection["header"], key)
                if not {"date", "exercise"} <= set(job["mapping"]) or not (
                    {"reps", "duration_s"} & set(job["mapping"])
                ):
                    st.info("Choose at least the date, exercise and reps (or seconds) columns.")
                    problems += 1
                elif not mapping_preview(data, upload.file_id, upload.name, job["mapping"],
                                         key):
                    problems += 1
            jobs.append(job)

    ready = bool(jobs) and bool(athlete) and problems == 0
    if st.button("Import", type="primary", disabled=not ready, key="import-button",
                 icon=":material/upload:"):
        outcomes = run_import(store, jobs)
        st.session_state[RESULTS_KEY] = outcomes
        st.session_state[UPLOAD_GENERATION_KEY] = generation + 1
        ui.clear_caches()
        if any(o["ok"] and o["import_id"] is not None for o in outcomes):
            ui.select_athlete(store.athlete_id(athlete))
        st.rerun()
    if uploads and not athlete:
        st.info("Enter the athlete's name.")

    outcomes = st.session_state.get(RESULTS_KEY)
    if outcomes:
        show_results(store, outcomes)

    flt = ui.current_filters()
    if flt is not None:
        unmapped_section(store, flt.athlete_id)
    athletes_section(store)


ui.ensure_app()
main()
