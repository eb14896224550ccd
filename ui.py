"""Shared plumbing for every dashboard page: store, cursor, filters, caching, safe output.

Pages stay thin: they read the :class:`~analytics.filters.Filters` the sidebar built, call
an analytics function through :func:`cached`, hand the DataFrame to a chart builder in
:mod:`analytics.charts` and lay the result out with the helpers below. Nothing else in the
app opens the database or renders user text, so the rules live here once:

* **Store** — one :class:`~analytics.store.Store` per process and DB path
  (``st.cache_resource``); the path comes from :func:`analytics.config.db_path`
  (``BACKLINE_DB``). On first open of an empty store the sample athlete is loaded, unless
  the user deleted it before.
* **Cursor** — :func:`begin_run` (called by ``app.py`` at the top of every script run)
  opens one cursor for the run; :func:`cursor` returns it.
* **Viewer** — who is looking: the owner (all pages, athlete picker) or a shared,
  read-only session fixed to one athlete. ``app.py`` builds the page list and the sidebar
  from it; :func:`set_viewer` is how share mode switches a session over.
* **Filters** — :func:`render_sidebar` draws athlete / period / unit / e1RM formula and
  stores the result; pages call :func:`current_filters` (or :func:`require_filters`).
* **Cache** — :func:`cached` memoises ``fn(con, filters, **kwargs)`` on the function, the
  filters, extra keyword arguments and ``store.data_version`` (bumped by every write), so
  an import, an alias or a deletion is visible on the next run; :func:`clear_caches`
  drops everything after a write.
* **Escaping** — user text (exercise, athlete and file names, notes) is shown with
  :func:`escape_md` inside markdown, or as plain data (``st.text``, ``st.dataframe``);
  ``unsafe_allow_html`` is never used. CSV downloads go through
  :func:`analytics.csv_safety.safe_csv_bytes`, which neutralises spreadsheet formulas.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from PIL import Image, ImageDraw

from analytics import config
from analytics.csv_safety import safe_csv_bytes
from analytics.filters import FORMULAS, Filters, formula_label, set_count
from analytics.sample import ensure_not_empty
from analytics.store import Store

log = logging.getLogger("backline")

# Session-state keys (one place, so the sharing pages and tests use the same names).
IN_APP_KEY = "_backline_in_app"
CURSOR_KEY = "_backline_cursor"
FILTERS_KEY = "_backline_filters"
VIEWER_KEY = "_backline_viewer"
ATHLETE_KEY = "athlete_id"
PENDING_ATHLETE_KEY = "_backline_select_athlete"
PERIOD_KEY = "period"
RANGE_KEY = "date_range"
UNIT_KEY = "unit"
UNIT_FOR_KEY = "_backline_unit_for"
FORMULA_KEY = "formula"

SAMPLE_DELETED_SETTING = "sample_deleted"
"""Store setting written when the user deletes the sample athlete: never reload it."""

PERIODS: dict[str, int | None] = {
    "All time": None,
    "Last 12 weeks": 84,
    "Last 8 weeks": 56,
    "Last 4 weeks": 28,
    "Custom": None,
}


# -- store and cursor ----------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def _open_store(path: str) -> Store:
    store = Store(path)
    if store.get_setting(SAMPLE_DELETED_SETTING) is None:
        ensure_not_empty(store)
    return store


def get_store() -> Store:
    """The process-wide store for the configured DB path (``BACKLINE_DB``)."""
    return _open_store(str(config.db_path()))


def begin_run() -> None:
    """Open this script run's cursor (closing the previous run's). Called by ``app.py``."""
    previous = st.session_state.get(CURSOR_KEY)
    if previous is not None:
        with contextlib.suppress(Exception):  # an already-closed cursor is fine
            previous.close()
    st.session_state[CURSOR_KEY] = get_store().cursor()


def cursor():  # type: ignore[no-untyped-def]  # duckdb.DuckDBPyConnection
    """The cursor of the current script run (opened on demand if ``begin_run`` was not)."""
    cur = st.session_state.get(CURSOR_KEY)
    if cur is None:
        begin_run()
        cur = st.session_state[CURSOR_KEY]
    return cur


# -- running a page inside app.py --------------------------------------------------------------
@contextlib.contextmanager
def app_run() -> Iterator[None]:
    """Mark the script run as going through ``app.py`` (used by app.py around page.run())."""
    st.session_state[IN_APP_KEY] = True
    try:
        yield
    finally:
        st.session_state[IN_APP_KEY] = False


def ensure_app() -> None:
    """First line of every page: make sure the page runs inside ``app.py``'s router.

    Because the pages live in a ``pages/`` folder, a fresh server runs a page file on its
    own for the first request of a page URL (Streamlit's folder-based multipage mode, which
    lasts until some session has called ``st.navigation``) — without the viewer check, the
    sidebar filters or share mode. Then this runs the router instead, which draws the same
    page properly, and stops the bare run.
    """
    if st.session_state.get(IN_APP_KEY):
        return
    import app  # the router (importing it runs nothing)

    app.main()
    st.stop()


# -- viewer (owner or shared) ----------------------------------------------------------
@dataclass(frozen=True)
class Viewer:
    """Who is looking at the dashboard.

    ``mode="owner"``: every page, the athlete picker, import and deletion.
    ``mode="shared"``: the dashboard pages only, for ``athlete_id`` only, read-only; the
    sidebar shows the athlete's name but no picker. ``unit``/``formula`` pin the owner's
    settings when given (else the viewer may switch them: display choices, not data).
    """

    mode: Literal["owner", "shared"] = "owner"
    athlete_id: int | None = None
    unit: str | None = None
    formula: str | None = None
    token_hash: str | None = None

    @property
    def shared(self) -> bool:
        return self.mode == "shared"


OWNER = Viewer()


def viewer() -> Viewer:
    """The current session's viewer (the owner unless share mode set another)."""
    return st.session_state.get(VIEWER_KEY, OWNER)


def set_viewer(new: Viewer) -> None:
    """Switch this session to ``new`` (share mode calls this once the token checks out)."""
    st.session_state[VIEWER_KEY] = new


# -- sidebar filters ---------------------------------------------------------------------
def athletes(store: Store) -> pd.DataFrame:
    """Athletes with their set counts, cached on the data version."""
    return _athletes(str(store.path), store.data_version)


@st.cache_data(show_spinner=False, max_entries=64)
def _athletes(db: str, data_version: int) -> pd.DataFrame:
    del db, data_version  # cache-key only
    return get_store().athletes()


def athlete_unit(store: Store, athlete_id: int) -> str:
    """The unit an athlete's numbers open in (:meth:`Store.display_unit`), cached."""
    return _athlete_unit(str(store.path), store.data_version, athlete_id)


@st.cache_data(show_spinner=False, max_entries=256)
def _athlete_unit(db: str, data_version: int, athlete_id: int) -> str:
    del db, data_version  # cache-key only
    return get_store().display_unit(athlete_id)


def _default_athlete(frame: pd.DataFrame) -> int:
    """A real athlete with data beats the sample athlete; the sample beats an empty one."""
    ranked = frame.assign(
        _real=~frame["is_sample"].astype(bool), _has=frame["sets"].astype("int64") > 0
    ).sort_values(["_has", "_real", "last_session"], ascending=False, na_position="last")
    return int(ranked["athlete_id"].iloc[0])


def render_sidebar(store: Store) -> Filters | None:
    """Draw the sidebar controls and store/return the resulting Filters (None: no athlete)."""
    who = viewer()
    frame = athletes(store)
    sidebar = st.sidebar
    if who.shared:
        row = frame[frame["athlete_id"] == who.athlete_id]
        if row.empty:
            st.session_state[FILTERS_KEY] = None
            return None
        athlete_id = int(who.athlete_id)  # type: ignore[arg-type]
        sidebar.markdown(f"**Athlete:** {escape_md(row['name'].iloc[0])}")
    else:
        if frame.empty:
            sidebar.info("No athletes yet: import a workout log to begin.")
            st.session_state[FILTERS_KEY] = None
            return None
        ids = [int(v) for v in frame["athlete_id"]]
        names = dict(zip(ids, frame["name"].astype(str), strict=True))
        samples = set(frame.loc[frame["is_sample"].astype(bool), "athlete_id"].astype(int))
        pending = st.session_state.pop(PENDING_ATHLETE_KEY, None)
        if pending in ids:
            st.session_state[ATHLETE_KEY] = pending
        if st.session_state.get(ATHLETE_KEY) not in ids:
            st.session_state[ATHLETE_KEY] = _default_athlete(frame)
        athlete_id = sidebar.selectbox(
            "Athlete",
            ids,
            key=ATHLETE_KEY,
            format_func=lambda i: names[i] + (" (sample)" if i in samples else ""),
        )
        row = frame[frame["athlete_id"] == athlete_id]

    last = row["last_session"].iloc[0]
    first = row["first_session"].iloc[0]
    period = sidebar.selectbox("Period", list(PERIODS), key=PERIOD_KEY)
    start = end = None
    if period == "Custom" and not pd.isna(first):
        lo, hi = pd.Timestamp(first).date(), pd.Timestamp(last).date()
        chosen = sidebar.date_input(
            "From - to", value=(lo, hi), min_value=lo - timedelta(days=365),
            max_value=hi + timedelta(days=365), key=RANGE_KEY,
        )
        if isinstance(chosen, tuple | list) and len(chosen) == 2:
            start, end = chosen
        elif isinstance(chosen, tuple | list) and len(chosen) == 1:
            start = chosen[0]
    elif PERIODS.get(period) and not pd.isna(last):
        # "last 4 weeks" means up to today (or the last session when the log runs ahead)
        end = max(today(), pd.Timestamp(last).date())
        start = end - timedelta(days=int(PERIODS[period]) - 1)

    if who.unit:
        unit = who.unit
    else:
        # each athlete opens in their own unit; the toggle then changes the display only
        if (st.session_state.get(UNIT_FOR_KEY) != athlete_id
                or st.session_state.get(UNIT_KEY) not in ("kg", "lb")):
            st.session_state[UNIT_KEY] = athlete_unit(store, int(athlete_id))
            st.session_state[UNIT_FOR_KEY] = athlete_id
        unit = sidebar.radio("Units", ["kg", "lb"], key=UNIT_KEY, horizontal=True)
    if who.formula:
        formula = who.formula
    else:
        formula = sidebar.selectbox(
            "e1RM formula", list(FORMULAS), key=FORMULA_KEY,
            format_func=formula_label,
            help="How a set of several reps is turned into an estimated one-rep max. "
            "Epley is the default; the trend shape rarely depends on the choice.",
        )
    flt = Filters(athlete_id=int(athlete_id), start=start, end=end, unit=unit,
                  formula=formula, today=today())
    st.session_state[FILTERS_KEY] = flt
    return flt


def select_athlete(athlete_id: int) -> None:
    """Make ``athlete_id`` the sidebar's athlete from the next run on (e.g. after an import)."""
    st.session_state[PENDING_ATHLETE_KEY] = int(athlete_id)


def current_filters() -> Filters | None:
    """The Filters the sidebar built in this run (None when there is no athlete)."""
    return st.session_state.get(FILTERS_KEY)


def require_filters(*, sets: bool = False) -> Filters:
    """A dashboard page's opening: the router's check (:func:`ensure_app`), then the
    sidebar's Filters — or the page stops with an explanation when there is no athlete, or
    (``sets``) when the athlete logged nothing in the period."""
    ensure_app()
    flt = current_filters()
    if flt is None:
        st.info(
            "There is no athlete to show yet. Open **Import** to upload a Strong, Hevy or "
            "FitNotes export (or a CSV in Backline's template)."
        )
        st.stop()
    if sets and not has_sets(flt):  # type: ignore[arg-type]
        st.info("Nothing is logged in this period. Pick a longer period in the sidebar, or "
                "import a log on the Import page.")
        st.stop()
    return flt  # type: ignore[return-value]


def require_athletes(store: Store, empty: str) -> pd.DataFrame:
    """An owner page's opening: the router's check, then every athlete — or ``empty`` and
    a stop when the store has none."""
    ensure_app()
    frame = athletes(store)
    if frame.empty:
        st.info(empty)
        st.stop()
    return frame


def has_sets(flt: Filters) -> bool:
    """Whether the athlete has any logged set in the filtered period."""
    return bool(cached(set_count, flt))


# -- caching -------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=1024)
def _cached_call(
    _fn: Callable[..., Any], _cur: Any, fn_key: str, flt: Filters, data_version: int, db: str,
    kwargs: tuple[tuple[str, Any], ...],
) -> Any:
    del fn_key, data_version, db  # cache-key only
    return _fn(_cur, flt, **dict(kwargs))


def _through_cache(store: Store, cur: Any, fn: Callable[..., Any], flt: Filters,
                   kwargs: tuple[tuple[str, Any], ...] = ()) -> Any:
    """The one way into the cache, so a page and the prefetch build the same key."""
    return _cached_call(fn, cur, f"{fn.__module__}.{fn.__qualname__}", flt,
                        store.data_version, str(store.path), kwargs)


def cached(fn: Callable[..., Any], flt: Filters, **kwargs: Any) -> Any:
    """``fn(cursor, flt, **kwargs)``, cached on (fn, filters, kwargs, data version, DB path)."""
    return _through_cache(get_store(), cursor(), fn, flt, tuple(sorted(kwargs.items())))


class _Prefetcher:
    """One background thread that fills the cache for the pages a viewer opens next.

    A page's first visit costs its analytics (150-300 ms for the sample athlete) on top of
    drawing its charts, so a coach's first click on each page was slower than the rest.
    After every script run that has filters, :func:`prefetch` asks for the other pages' data
    under the same filters; the thread computes it through the same cache as :func:`cached`,
    with a cursor of its own. The newest request wins (a stale one stops between two
    functions), and a click that needs a value being computed waits for it rather than
    computing it twice (Streamlit holds one lock per cache key). A failure is left for the
    page to report, with its message, when it computes the value itself.

    It works only while the dashboard is quiet: no script run in progress, and none ended
    nor any HTTP request made (a browser loading the app's scripts) for
    :data:`QUIET_SECONDS`, the time a browser takes to draw a page's charts. Measured with
    the browser on the same two-core machine, a prefetch that did not wait so slowed a
    newcomer's first page by a second; it now runs while someone reads the page.
    """

    QUIET_SECONDS = 2.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wanted: tuple[Store, Filters, tuple[Callable[..., Any], ...]] | None = None
        self._done: set[tuple[str, int, Filters]] = set()
        self._running = False
        self._runs = 0  # script runs in progress
        self._last_run = 0.0  # time.monotonic() when the last one ended

    @contextlib.contextmanager
    def interactive(self) -> Iterator[None]:
        """Around a script run: the prefetch pauses while it runs and just after."""
        with self._lock:
            self._runs += 1
        try:
            yield
        finally:
            with self._lock:
                self._runs -= 1
                self._last_run = time.monotonic()

    def touch(self) -> None:
        """Something just happened (an HTTP request): the quiet time starts again."""
        with self._lock:
            self._last_run = max(self._last_run, time.monotonic())

    def _wait_quiet(self) -> bool:
        """Sleep until the dashboard is quiet; False when a newer request came meanwhile."""
        while True:
            with self._lock:
                if self._wanted is not None:
                    return False
                quiet = (self._runs == 0
                         and time.monotonic() - self._last_run >= self.QUIET_SECONDS)
            if quiet:
                return True
            time.sleep(0.05)

    def request(self, store: Store, flt: Filters, fns: tuple[Callable[..., Any], ...]) -> None:
        with self._lock:
            if (str(store.path), store.data_version, flt) in self._done:
                return
            self._wanted = (store, flt, fns)
            if not self._running:
                self._running = True
                threading.Thread(target=self._work, name="backline-prefetch",
                                 daemon=True).start()

    def wait(self) -> None:
        """Until the thread has nothing left to do (the tests wait so)."""
        while True:
            with self._lock:
                if not self._running:
                    return
            time.sleep(0.01)

    def _work(self) -> None:
        while True:
            with self._lock:
                job, self._wanted = self._wanted, None
                if job is None:
                    self._running = False
                    return
            store, flt, fns = job
            if self._fill(store, flt, fns):
                with self._lock:
                    if len(self._done) > 512:  # old filters and data versions
                        self._done.clear()
                    self._done.add((str(store.path), store.data_version, flt))

    def _fill(self, store: Store, flt: Filters, fns: tuple[Callable[..., Any], ...]) -> bool:
        """Compute each of ``fns`` for ``flt``; False when a newer request cut it short."""
        try:
            cur = store.cursor()
        except Exception:  # a closed or locked store: the next page run says so
            return False
        try:
            for fn in fns:
                if not self._wait_quiet():
                    return False
                _through_cache(store, cur, fn, flt)
            return True
        except Exception:  # noqa: BLE001 - the page computes it again and shows the error
            log.debug("prefetch of %s failed", flt, exc_info=True)
            return False
        finally:
            cur.close()


_PREFETCHER = _Prefetcher()


def prefetch(store: Store, flt: Filters, fns: tuple[Callable[..., Any], ...]) -> None:
    """Compute ``fns(cursor, flt)`` into the cache in the background (see
    :class:`_Prefetcher`); returns at once. Nothing when ``BACKLINE_PREFETCH=0``."""
    if config.prefetch():
        _PREFETCHER.request(store, flt, fns)


def interactive() -> contextlib.AbstractContextManager[None]:
    """Wrap a script run (``app.py`` does) so the background prefetch gives it way."""
    return _PREFETCHER.interactive()


def note_activity() -> None:
    """A browser is busy with the app (``server.py`` calls this on every HTTP request):
    the background prefetch waits until it has been quiet again."""
    _PREFETCHER.touch()


def prefetch_wait() -> None:
    """Block until the background prefetch is idle."""
    _PREFETCHER.wait()


def opening_filters(store: Store) -> Filters | None:
    """The filters a new owner session opens with (the sidebar's defaults): the default
    athlete over all time, in their unit, with the default formula. None: no athlete."""
    frame = athletes(store)
    if frame.empty:
        return None
    athlete_id = _default_athlete(frame)
    return Filters(athlete_id=athlete_id, unit=athlete_unit(store, athlete_id),
                   formula=FORMULAS[0], today=today())


def clear_caches() -> None:
    """Drop every cached result (after an import, an alias or a deletion)."""
    st.cache_data.clear()


# -- escaping ---------------------------------------------------------------------------------
# Every ASCII punctuation character CommonMark lets a backslash escape, plus ':' (Streamlit's
# :color[...] / :material/icon: directives) and '$' (LaTeX).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&\"'=^%@/?;,])")


def escape_md(text: object) -> str:
    """``text`` made inert for ``st.markdown``: shown literally, on one line.

    Markdown and HTML syntax (``<script>``, links, images, emphasis, headings, tables,
    Streamlit colour/icon directives, LaTeX) is backslash-escaped and line breaks become
    spaces, so a crafted exercise or file name cannot add links, images, markup or layout.
    ``None``/NaN becomes an empty string.
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    value = str(text)
    value = re.sub(r"[\r\n\t\x0b\x0c]+", " ", value)
    value = "".join(ch for ch in value if ch >= " " or ch == " ")
    return _MD_SPECIAL.sub(r"\\\1", value)


def table(data: pd.DataFrame, *, key: str, **kwargs: Any) -> None:
    """``st.dataframe`` without the index and with a dash for a missing value.

    Streamlit writes a missing value as a grey "None", which reads as a name or a bug in a
    PR table (a load record has no e1RM); "—" reads as "does not apply".
    """
    kwargs.setdefault("hide_index", True)
    st.dataframe(data, key=key, placeholder="—", **kwargs)


def download_csv(frame: pd.DataFrame, file_name: str, *, label: str = "Download CSV",
                 key: str | None = None) -> None:
    """A download button for ``frame`` as a formula-safe CSV."""
    st.download_button(
        label, safe_csv_bytes(frame), file_name=file_name, mime="text/csv",
        key=key or f"dl-{file_name}", on_click="ignore", icon=":material/download:",
    )


# -- charts ------------------------------------------------------------------------------------
def figure(builder: Callable[..., go.Figure | None], *args: Any, **kwargs: Any,
           ) -> go.Figure | None:
    """``builder(*args, **kwargs)`` (a :mod:`analytics.charts` builder), cached on its inputs.

    Building a plotly figure validates every property: 20-60 ms a chart, on every rerun
    of the page — most of a warm Volume page's time. The inputs are the (cached) analytics
    frames, hashed by Streamlit; the figure is shared, not copied (nothing changes it).
    """
    return _figure(builder, f"{builder.__module__}.{builder.__qualname__}", *args, **kwargs)


@st.cache_resource(show_spinner=False, max_entries=256)
def _figure(_builder: Callable[..., go.Figure | None], name: str, *args: Any,
            **kwargs: Any) -> go.Figure | None:
    del name  # cache key only
    return _builder(*args, **kwargs)


# -- confirming a destructive action -------------------------------------------------------
CONFIRM_KEY = "_backline_confirm"
"""Which destructive action waits for its second click (a tuple naming it)."""


def ask_confirmation(what: tuple[str, ...]) -> None:
    """The first click of a destructive button: ask before doing it (see :func:`confirmed`)."""
    st.session_state[CONFIRM_KEY] = what


def confirmed(what: tuple[str, ...], question: str, action: str, key: str) -> bool:
    """Ask ``question`` inline under the first click; True once the user confirmed.

    An inline question rather than ``st.dialog``: it reads the same on a phone and in
    AppTest, and a stray click on the first button changes nothing.
    """
    if st.session_state.get(CONFIRM_KEY) != what:
        return False
    st.warning(question, icon=":material/help:")
    yes, no = st.columns(2)
    if no.button("Cancel", key=f"cancel-{key}"):
        st.session_state.pop(CONFIRM_KEY, None)
        st.rerun()
    if yes.button(action, type="primary", key=f"confirm-{key}"):
        st.session_state.pop(CONFIRM_KEY, None)
        return True
    return False


# -- layout helpers -----------------------------------------------------------------------------
def plot(fig: go.Figure | None, *, key: str, file_name: str, empty: str = "") -> bool:
    """Show a chart (PNG download from its toolbar), or ``empty`` as an explanation.

    Returns whether a chart was drawn. A chart builder returns None when it has nothing
    to draw; then the page says why in words instead of showing blank axes.
    """
    if fig is None:
        st.info(empty or "Nothing to chart for this selection yet.")
        return False
    st.plotly_chart(
        fig,
        key=key,
        width="stretch",
        config={
            "displaylogo": False,
            "responsive": True,
            # two buttons, not ten: the full toolbar covered the title on a phone
            "modeBarButtons": [["toImage", "resetScale2d"]],
            "toImageButtonOptions": {
                "format": "png", "filename": file_name, "scale": 2,
                "width": 1000, "height": 560,
            },
        },
    )
    return True


@st.cache_resource(show_spinner=False)
def favicon() -> Image.Image:
    """The browser-tab icon, drawn here: a ``:material/...:`` icon would be fetched from
    Google's font CDN by every visitor's browser (and fail offline)."""
    size = 64
    icon = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(icon)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=14, fill="#b4532a")
    for left, height in ((12, 22), (28, 34), (44, 46)):  # three rising bars
        draw.rounded_rectangle((left, size - 10 - height, left + 9, size - 10), radius=2,
                               fill="white")
    return icon


def today() -> date:
    """The date "this week" is judged at (the server's local date)."""
    return date.today()


def demo_banner(store: Store) -> None:
    """Say so while the sample athlete is on screen, with the way to the user's own data."""
    flt = current_filters()
    if flt is None:
        return
    frame = athletes(store)
    row = frame[frame["athlete_id"] == flt.athlete_id]
    if row.empty or not bool(row["is_sample"].iloc[0]):
        return
    if viewer().shared:
        st.info("These are demo numbers (a sample athlete).", icon=":material/science:")
        return
    left, right = st.columns([3, 1], vertical_alignment="center")
    left.info("Demo data: a sample athlete, to show what Backline does. Import your own "
              "workout log to see yours.", icon=":material/science:")
    right.page_link("pages/import_log.py", label="Import your log",
                    icon=":material/upload_file:")
