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
from analytics.store import StoreError


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    url_path: str
    icon: str


# What a shared (read-only) session may open; the owner sees these too.
DASHBOARD_PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "Overview", "overview", ":material/dashboard:"),
    PageSpec("pages/strength.py", "Strength", "strength", ":material/fitness_center:"),
    PageSpec("pages/volume.py", "Volume", "volume", ":material/stacked_bar_chart:"),
    PageSpec("pages/consistency.py", "Consistency", "consistency", ":material/calendar_month:"),
    PageSpec("pages/programme.py", "Programme", "programme", ":material/checklist:"),
)

# Pages that change data or reveal other athletes: never in a shared session.
OWNER_PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/import_log.py", "Import", "import", ":material/upload_file:"),
    PageSpec("pages/coach.py", "Coach view", "coach", ":material/groups:"),
    PageSpec("pages/share.py", "Share", "share", ":material/share:"),
)


def build_pages(who: ui.Viewer) -> list[st.Page]:
    """The pages ``who`` may open, Overview first and default.

    A shared session gets only :data:`DASHBOARD_PAGES`; the owner also gets
    :data:`OWNER_PAGES`. This is the one place that decides, so share mode cannot reach an
    owner page by URL: a page missing from this list does not exist for the session.
    """
    specs = DASHBOARD_PAGES if who.shared else DASHBOARD_PAGES + OWNER_PAGES
    return [
        st.Page(spec.path, title=spec.title, url_path=spec.url_path, icon=spec.icon,
                default=spec.url_path == "overview")
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
    st.set_page_config(page_title="Backline", page_icon=ui.favicon(),
                       layout="wide", initial_sidebar_state="auto")
    try:
        store = ui.get_store()
        ui.begin_run()
    except StoreError as exc:
        st.error(str(exc))
        st.stop()
    who = resolve_viewer()
    page = st.navigation(build_pages(who), position="sidebar")
    ui.render_sidebar(store)
    if who.shared:
        name = ui.escape_md(store.athlete_name(who.athlete_id))
        st.info(f"Shared by **{name}** — read-only", icon=":material/visibility:")
    with ui.app_run():
        page.run()


main()
