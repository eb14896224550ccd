"""Backline dashboard entry point: ``streamlit run app.py`` (or ``backline serve``).

Every script run does the same four things, in order:

1. open the process-wide store and this run's cursor (:mod:`ui`);
2. decide who is looking (:func:`resolve_viewer`: the owner, or a shared read-only
   session fixed to one athlete);
3. build the page list for that viewer (:func:`build_pages`) and the sidebar filters;
4. run the selected page (files in ``pages/``), which reads the filters from :mod:`ui`.

Page URL paths are stable (links and bookmarks depend on them): ``overview`` (default),
``strength``, ``volume``, ``consistency``, ``programme``, ``import``, ``coach``, ``share``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

import ui
from analytics import config, sharing
from analytics.errors import BacklineError


@dataclass(frozen=True)
class PageSpec:
    """One page: its file, the title and caption the router draws above it, its URL path."""

    path: str
    title: str
    url_path: str
    icon: str
    caption: str


# What a shared (read-only) session may open; the owner sees these too.
DASHBOARD_PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "Overview", "overview", ":material/dashboard:",
             "This athlete's training at a glance: how often, how strong, and where the "
             "programme's milestones stand."),
    PageSpec("pages/strength.py", "Strength", "strength", ":material/fitness_center:",
             "Estimated one-rep max (e1RM) from working sets of 1-10 reps; the best set of "
             "each session is one point. Stars mark e1RM records, dashed lines the robust "
             "(Theil-Sen) trend."),
    PageSpec("pages/volume.py", "Volume", "volume", ":material/stacked_bar_chart:",
             "Working sets only (warm-ups never count). Hard sets per muscle: 1 per set for "
             "each primary muscle of the exercise, 0.5 for each secondary."),
    PageSpec("pages/consistency.py", "Consistency", "consistency", ":material/calendar_month:",
             "A session counts when it has at least one working set. Weeks are "
             "Monday-Sunday; the target is 2-3 sessions a week with 48 hours before the same "
             "muscles are trained again."),
    PageSpec("pages/programme.py", "Programme", "programme", ":material/checklist:",
             "Each session is compared with the programme's prescription: which exercises "
             "were done, working sets done against sets prescribed (extra sets of one lift "
             "never make up for a skipped one) and reps inside the range."),
)

# Pages that change data or reveal other athletes: never in a shared session.
OWNER_PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/import_log.py", "Import", "import", ":material/upload_file:",
             "Upload the CSV export of Strong, Hevy or FitNotes, Backline's template, or any "
             "CSV with one row per set. Importing the same file again adds only the new "
             "sets."),
    PageSpec("pages/coach.py", "Coach view", "coach", ":material/groups:",
             "All athletes at a glance. This week is the calendar week (Monday to today); "
             "milestones and e1RM changes are over each athlete's whole log, in your "
             "sidebar's unit and formula."),
    PageSpec("pages/share.py", "Share", "share", ":material/share:",
             "A read-only link to one athlete's dashboard: Overview, Strength, Volume, "
             "Consistency and Programme. No import, no deletion, no other athletes. Times "
             "are UTC."),
)

DEFAULT_PAGE = "overview"
"""The page a bare URL opens (its ``url_path`` reads ``""`` once it is the default)."""

PAGES: dict[str, PageSpec] = {spec.url_path: spec for spec in DASHBOARD_PAGES + OWNER_PAGES}
"""Every page by URL path: the one table the router reads titles and captions from."""


def build_pages(who: ui.Viewer) -> list[st.Page]:
    """The pages ``who`` may open, Overview first and default.

    A shared session gets only :data:`DASHBOARD_PAGES`; the owner also gets
    :data:`OWNER_PAGES`. This is the one place that decides, so share mode cannot reach an
    owner page by URL: a page missing from this list does not exist for the session.
    """
    specs = DASHBOARD_PAGES if who.shared else DASHBOARD_PAGES + OWNER_PAGES
    return [
        st.Page(spec.path, title=spec.title, url_path=spec.url_path, icon=spec.icon,
                default=spec.url_path == DEFAULT_PAGE)
        for spec in specs
    ]


def resolve_viewer() -> ui.Viewer:
    """Who is looking at this session: the owner unless share mode switched it.

    A ``?share=TOKEN`` link makes the session a shared one for its lifetime (see
    :func:`analytics.sharing.session_access`): scope from the stored link only, the token
    kept in the URL across pages. An unusable token shows one neutral message and nothing
    else; with ``BACKLINE_OWNER_PASSWORD`` set, the owner signs in first. The owner may
    open ``?athlete=ID`` (the coach view links) to pick the sidebar athlete.
    """
    access = sharing.session_access(
        ui.get_store(), st.session_state, st.query_params.get(sharing.SHARE_PARAM),
        config.owner_password(),
    )
    if access.mode in ("invalid", "login"):
        gate = _invalid_link if access.mode == "invalid" else _owner_login
        st.navigation([st.Page(gate, title="Backline")], position="hidden").run()
        st.stop()
    if access.mode == "shared" and access.scope is not None:
        scope = access.scope
        ui.set_viewer(ui.Viewer(mode="shared", athlete_id=scope.athlete_id, unit=scope.unit,
                                formula=scope.formula, token_hash=scope.token_hash))
        if st.query_params.to_dict() != {sharing.SHARE_PARAM: access.token}:
            st.query_params.from_dict({sharing.SHARE_PARAM: access.token})
    elif "athlete" in st.query_params:
        wanted = st.query_params.pop("athlete")
        if wanted.isdigit():
            ui.select_athlete(int(wanted))
    return ui.viewer()


def _invalid_link() -> None:
    st.info(sharing.INVALID_MESSAGE, icon=":material/link_off:")


def _owner_login() -> None:
    st.title("Backline")
    with st.form("owner-login"):
        given = st.text_input("Owner password", type="password")
        if st.form_submit_button("Sign in", type="primary"):
            if sharing.owner_login(st.session_state, given, config.owner_password()):
                st.rerun()
            time.sleep(1)  # slows guessing down
            st.error("Wrong password.")


def main() -> None:
    """One script run: store, viewer, page list and sidebar, then the chosen page."""
    st.set_page_config(page_title="Backline", page_icon=ui.favicon(),
                       layout="wide", initial_sidebar_state="auto")
    try:
        store = ui.get_store()
        ui.begin_run()
    except BacklineError as exc:
        st.error(str(exc))
        st.stop()
    who = resolve_viewer()
    page = st.navigation(build_pages(who), position="sidebar")
    ui.render_sidebar(store)
    if who.shared:
        name = ui.escape_md(store.athlete_name(who.athlete_id))
        st.info(f"Shared by **{name}** — read-only", icon=":material/visibility:")
    spec = PAGES[page.url_path or DEFAULT_PAGE]
    st.title(spec.title)
    st.caption(spec.caption)
    with ui.app_run():
        try:
            page.run()
        except BacklineError as exc:  # a problem the user can act on: its message, no trace
            st.error(str(exc))


if __name__ == "__main__":  # ``streamlit run app.py``; importing the module runs nothing
    main()
