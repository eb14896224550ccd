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

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import streamlit as st

import ui
from analytics import (
    balance,
    coach,
    config,
    frequency,
    owner_auth,
    programs,
    sharing,
    strength,
    volume,
)
from analytics.errors import BacklineError
from analytics.filters import set_count
from analytics.report import build_report

log = logging.getLogger("backline")


@dataclass(frozen=True)
class PageSpec:
    """One page: its file, the title and caption the router draws above it, its URL path,
    and the analytics it reads through :func:`ui.cached` with the sidebar's filters alone
    (computed ahead by :func:`ui.prefetch`; ``tests/test_prefetch.py`` checks the list)."""

    path: str
    title: str
    url_path: str
    icon: str
    caption: str
    data: tuple[Callable[..., object], ...] = ()


# What a shared (read-only) session may open; the owner sees these too.
DASHBOARD_PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "Overview", "overview", ":material/dashboard:",
             "This athlete's training at a glance: how often, how strong, and where the "
             "programme's milestones stand.",
             data=(build_report,)),
    PageSpec("pages/strength.py", "Strength", "strength", ":material/fitness_center:",
             "Estimated one-rep max (e1RM) from working sets of 1-10 reps; the best set of "
             "each session is one point. Stars mark e1RM records, dashed lines the robust "
             "(Theil-Sen) trend.",
             data=(strength.session_bests, strength.trends, strength.personal_records,
                   strength.assisted_progress, strength.lift_sessions)),
    PageSpec("pages/volume.py", "Volume", "volume", ":material/stacked_bar_chart:",
             "Working sets only (warm-ups never count). Hard sets per muscle: 1 per set for "
             "each primary muscle of the exercise, 0.5 for each secondary.",
             data=(set_count, volume.volume_by_week, volume.hard_sets_by_muscle,
                   volume.volume_by_exercise, balance.balance_summary)),
    PageSpec("pages/consistency.py", "Consistency", "consistency", ":material/calendar_month:",
             "A session counts when it has at least one working set. Weeks are "
             "Monday-Sunday; the target is 2-3 sessions a week with 48 hours before the same "
             "muscles are trained again.",
             data=(set_count, frequency.sessions_per_week, frequency.streaks,
                   frequency.short_rests, frequency.calendar, volume.volume_by_session)),
    PageSpec("pages/programme.py", "Programme", "programme", ":material/checklist:",
             "Each session is compared with the programme's prescription: which exercises "
             "were done, working sets done against sets prescribed (extra sets of one lift "
             "never make up for a skipped one) and reps inside the range.",
             data=(programs.athlete_programme, programs.weekly_programmes,
                   programs.session_adherence, programs.exercise_adherence,
                   programs.overload_suggestions)),
)

# Pages that change data or reveal other athletes: never in a shared session.
OWNER_PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/import_log.py", "Import", "import", ":material/upload_file:",
             "Upload the CSV export of Strong, Hevy or FitNotes, Backline's template, or any "
             "CSV with one row per set. Importing the same file again adds only the new "
             "sets."),
    PageSpec("pages/coach.py", "Coach view", "coach", ":material/groups:",
             "All athletes at a glance, judged at today's date: this week is the calendar "
             "week (Monday to today); milestones and e1RM changes are over each athlete's "
             "whole log, in your sidebar's unit and formula.",
             data=(coach.summaries,)),
    PageSpec("pages/share.py", "Share", "share", ":material/share:",
             "A read-only link to one athlete's dashboard: Overview, Strength, Volume, "
             "Consistency and Programme. No import, no deletion, no other athletes. Times "
             "are UTC."),
)

DEFAULT_PAGE = "overview"
"""The page a bare URL opens (its ``url_path`` reads ``""`` once it is the default)."""

PAGES: dict[str, PageSpec] = {spec.url_path: spec for spec in DASHBOARD_PAGES + OWNER_PAGES}
"""Every page by URL path: the one table the router reads titles and captions from."""


def page_data(who: ui.Viewer) -> tuple[Callable[..., object], ...]:
    """Everything the pages ``who`` may open read for one set of filters: the default
    page's first (a newcomer lands there), then the owner pages' (the Coach view's is the
    costly one with many athletes), then the other dashboard pages', in menu order."""
    specs = [PAGES[DEFAULT_PAGE], *(() if who.shared else OWNER_PAGES), *DASHBOARD_PAGES]
    return tuple(dict.fromkeys(fn for spec in specs for fn in spec.data))


def build_pages(who: ui.Viewer) -> list[st.Page]:
    """The pages ``who`` may open, Overview first and default.

    A shared session gets only :data:`DASHBOARD_PAGES`; the owner also gets
    :data:`OWNER_PAGES`. This is the one place that decides, so share mode cannot reach an
    owner page by URL: a page missing from this list does not exist for the session.
    """
    specs = DASHBOARD_PAGES if who.shared else DASHBOARD_PAGES + OWNER_PAGES
    # The default page is served at "/" only; its url_path is "" so that "/overview" (a
    # bookmark, a coach's link) can be a hidden alias instead of a "Page not found".
    pages = [
        st.Page(spec.path, title=spec.title, icon=spec.icon,
                url_path="" if spec.url_path == DEFAULT_PAGE else spec.url_path,
                default=spec.url_path == DEFAULT_PAGE)
        for spec in specs
    ]
    # an owner page's URL in a shared session also lands on the Overview, with no dialog
    aliases = [PAGES[DEFAULT_PAGE], *(OWNER_PAGES if who.shared else ())]
    pages += [st.Page(_to_default, title=spec.title, url_path=spec.url_path,
                      visibility="hidden") for spec in aliases]
    return pages


def _to_default() -> None:
    st.switch_page(PAGES[DEFAULT_PAGE].path)


def _run_gate(gate: Callable[[], None]) -> None:
    """Show ``gate`` alone, whatever page the URL names, then stop the run.

    The gate is registered under every page's URL path, so ``/strength?share=...`` or
    ``/share`` finds a page and Streamlit shows no "Page not found" dialog over it.
    """
    paths = [spec.url_path for spec in DASHBOARD_PAGES + OWNER_PAGES]
    asked = _requested_path()
    if asked and asked not in paths:  # a mistyped page name gets the gate too
        paths.append(asked)
    gates = [st.Page(gate, title="Backline", url_path="", default=True)]
    gates += [st.Page(gate, title="Backline", url_path=path) for path in paths]
    st.navigation(gates, position="hidden").run()
    st.stop()


def _requested_path() -> str | None:
    """The page name in the browser's URL (``strength`` for ``/strength``), if any."""
    url = (st.context.url or "").split("?", 1)[0].split("#", 1)[0]
    tail = url.split("://", 1)[-1].partition("/")[2].strip("/")
    name = tail.rsplit("/", 1)[-1]
    return name if re.fullmatch(r"[A-Za-z0-9_-]{1,64}", name) else None


def resolve_viewer() -> ui.Viewer:
    """Who is looking at this session: the owner unless share mode switched it.

    A ``?share=TOKEN`` link makes the session a shared one for its lifetime (see
    :func:`analytics.sharing.session_access`): scope from the stored link only, the token
    kept in the URL across pages. An unusable token shows one neutral message and nothing
    else; with ``BACKLINE_OWNER_PASSWORD`` set, the owner signs in first. The owner may
    open ``?athlete=ID`` (the coach view links) to pick the sidebar athlete.
    """
    store = ui.get_store()
    password = config.owner_password()
    signed_in = bool(password) and owner_auth.session_valid(
        store, st.context.cookies.get(owner_auth.COOKIE_NAME))
    access = sharing.session_access(
        store, st.session_state, st.query_params.get(sharing.SHARE_PARAM), password,
        owner_session=signed_in,
    )
    if access.mode in ("invalid", "login"):
        _run_gate(_invalid_link if access.mode == "invalid" else _owner_login)
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
    if owner_auth.cookie_signin_enabled():
        # server.py signs in over HTTP (an HttpOnly cookie); this shows only when a
        # session ended while the page was open
        here = (st.context.url or "/").split("://", 1)[-1]
        here = "/" + here.split("/", 1)[1] if "/" in here else "/"
        st.info("Sign in to continue.", icon=":material/lock:")
        st.link_button("Sign in", f"{owner_auth.SIGN_IN_PATH}?next={quote(here, safe='')}",
                       type="primary")
        return
    # plain `streamlit run app.py`: a form, remembered for this browser session only
    with st.form("owner-login"):
        given = st.text_input("Owner password", type="password")
        if st.form_submit_button("Sign in", type="primary"):
            outcome = owner_auth.LIMITER.attempt(given, config.owner_password(),
                                                 _client_address())
            if outcome == "ok":
                sharing.mark_owner(st.session_state)
                st.rerun()
            elif outcome == "locked":
                st.error("Too many wrong passwords. Try again later.")
            else:
                st.error("Wrong password.")


def _client_address() -> str:
    """Who tried, for the log: the proxy's forwarded address, else the connection's."""
    forwarded = st.context.headers.get("X-Forwarded-For")
    return str(forwarded or st.context.ip_address or "localhost")


def _store_unavailable(exc: BacklineError) -> None:
    """The store cannot be opened (another process holds it...): say so, reveal nothing.

    Only the owner of an instance without a password sees the reason (it names the file);
    anyone else — a coach's link, a visitor before sign-in — gets a neutral sentence.
    The gate keeps Streamlit from listing the page files in its own sidebar.
    """
    log.error("store unavailable: %s", exc)
    private = config.owner_password() is None and sharing.SHARE_PARAM not in st.query_params

    def gate() -> None:
        st.title("Backline")
        if private:
            st.error(str(exc))
        else:
            st.warning("Backline is not available right now. Try again in a few minutes.",
                       icon=":material/hourglass_empty:")

    _run_gate(gate)


def main() -> None:
    """One script run: store, viewer, page list and sidebar, then the chosen page (the
    background prefetch waits meanwhile)."""
    with ui.interactive():
        _run()


def _run() -> None:
    st.set_page_config(page_title="Backline", page_icon=ui.favicon(),
                       layout="wide", initial_sidebar_state="auto")
    try:
        store = ui.get_store()
        ui.begin_run()
    except BacklineError as exc:
        _store_unavailable(exc)
    who = resolve_viewer()
    page = st.navigation(build_pages(who), position="sidebar")
    ui.render_sidebar(store)
    ui.demo_banner(store)
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
        finally:  # also after st.stop(): the next click is likely another page
            flt = ui.current_filters()
            if flt is not None:
                ui.prefetch(store, flt, page_data(who))


if __name__ == "__main__":  # ``streamlit run app.py``; importing the module runs nothing
    main()
