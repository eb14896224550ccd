"""Backline dashboard entry point: ``streamlit run app.py`` (or ``backline serve``).

Every script run does the same four things, in order:

1. open the process-wide store and this run's cursor (:mod:`ui`);
2. decide who is looking (:func:`resolve_viewer`: the owner, or a shared read-only
   session fixed to one athlete);
3. build the page list for that viewer (:func:`build_pages`) and the sidebar filters;
4. run the selected page (files in ``pages/``), which reads the filters from :mod:`ui`.

Page URL paths are stable (links and bookmarks depend on them): ``overview`` (default),
``strength``, ``volume``, ``consistency``, ``programme``, ``import``.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

import ui
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

    Share mode resolves a ``?share=TOKEN`` link here (once per browser session) and calls
    :func:`ui.set_viewer` with a ``Viewer(mode="shared", athlete_id=...)``.
    """
    return ui.viewer()


def main() -> None:
    st.set_page_config(page_title="Backline", page_icon=":material/monitoring:",
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
    with ui.app_run():
        page.run()


main()
