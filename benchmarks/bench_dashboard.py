"""How fast does the dashboard feel in a real browser?

Starts ``streamlit run server.py`` (what ``backline serve`` runs) on a fresh store and
drives headless Debian Chromium (Playwright) against it. Times are taken in the page
(``performance.now()``), from navigation start / the click's ``pointerdown`` to the moment
every chart on the page has drawn its data:

* **server start** — process start to ``/_stcore/health`` answering (wall clock);
* **first load, cold** — a newcomer's first visit to a fresh server and store, navigation
  to the first drawn chart (``--cold-runs`` servers, each started for it; target 3 s);
* **first load, warm** — a new browser session on the running server (median of runs);
* **a coach's clicks** — a session moving Strength -> Volume -> Consistency ->
  Programme -> Overview, each click to every chart drawn (target 500 ms each);
* **first visit after reading** — a new session visiting each page for the first time,
  3 s after the previous page drew (what the background prefetch is for);
* **kg/lb switch** — clicking the sidebar unit toggle until the charts are redrawn in the
  other unit, on Strength and on Volume (median of runs, alternating kg/lb);
* **period switch** — "All time" -> "Last 8 weeks" and back on Volume: the click that
  opens the period list (to the option shown), then the click on the option (median);
* **tab switch** — Volume's tabs in turn (Balance, Per exercise, Per week), each click to
  the open tab's charts drawn (median);
* **coach view, N athletes x M sets** — a second store with ``--coach-athletes`` athletes
  of ``--coach-sets`` generated sets each: ``analytics.coach.coach_summary`` alone, and
  the Coach view page from navigation to its table (target 2 s for 200 x 20,000).

    python benchmarks/bench_dashboard.py [--runs 7] [--sets 0] [--coach-athletes 200]
                                         [--coach-sets 20000] [--cold-runs 3]

``--sets N`` (N > 0) benchmarks an athlete with N generated sets (the report benchmark's
deterministic log) instead of the sample athlete; ``--coach-athletes 0`` skips the coach
view. The machine's load average is printed with the numbers: on a shared machine a busy
neighbour slows the browser more than the server.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.helpers import (  # noqa: E402
    CHART_TITLES_JS,
    CHARTS,
    CHROMIUM,
    IDLE_JS,
    MARKS_JS,
    TABS,
    launch_chromium,
    streamlit_server,
    wait_for_title,
)

# Resolves (in the page) when the page titled `title` is shown, `count` charts have drawn
# data and the run is idle; returns the page time at that moment. (The title matters: the
# previous page's charts stay on screen until the new run replaces them, and would
# otherwise count as the new page drawn.)
DRAWN_JS = """([count, title]) => { """ + MARKS_JS + """
    const idle = (""" + IDLE_JS + """)();
    const titled = Array.from(document.querySelectorAll('[data-testid="stMain"] h1'))
        .some(h => h.innerText.trim() === title);
    const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
    const drawn = plots.length >= count && plots.every(el =>
        (el.data || []).some(t => pointCount(t.x) > 0) && drawnMarks(el) > 0);
    return idle && titled && drawn ? performance.now() : false;
}"""

# Resolves when the first chart's y axis (or x axis for horizontal charts) names `unit`.
UNIT_DRAWN_JS = """([unit, count]) => { """ + MARKS_JS + """
    const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
    if (plots.length < count) return false;
    const titled = plots.some(el => el.layout && JSON.stringify(
        [el.layout.yaxis && el.layout.yaxis.title, el.layout.xaxis && el.layout.xaxis.title])
        .includes(`(${unit})`));
    const stale = document.querySelectorAll('[data-stale="true"]').length > 0;
    const drawn = plots.every(el => drawnMarks(el) > 0);
    return titled && drawn && !stale ? performance.now() : false;
}"""

COACH_CLICKS = ("Strength", "Volume", "Consistency", "Programme", "Overview")
READING_S = 3.0
"""How long the coach reads a page before the next click (the reading-clicks row)."""


def _seed(db_dir: Path, sets: int) -> None:
    """A store holding one athlete with ``sets`` generated sets (no sample athlete)."""
    from analytics.store import Store
    from benchmarks.bench_report import generate  # the report benchmark's log
    from ui import SAMPLE_DELETED_SETTING

    with Store(db_dir / "backline.duckdb") as store:
        store.set_setting(SAMPLE_DELETED_SETTING, "1")
        athlete = store.athlete_id("Benchmark athlete", create=True)
        generate(store, athlete, sets)


def _seed_coach(db_dir: Path, athletes: int, sets: int) -> int:
    """``athletes`` athletes of ``sets`` generated sets each; returns the total sets."""
    from analytics.store import Store
    from benchmarks.bench_report import generate
    from ui import SAMPLE_DELETED_SETTING

    with Store(db_dir / "backline.duckdb") as store:
        store.set_setting(SAMPLE_DELETED_SETTING, "1")
        total = 0
        for n in range(athletes):
            athlete = store.athlete_id(f"Athlete {n:03d}", create=True)
            total += generate(store, athlete, sets)
    return total


def _coach_summary_ms(db_dir: Path, runs: int) -> list[float]:
    """analytics.coach.coach_summary on the seeded store, without the browser."""
    from datetime import date

    from analytics.coach import coach_summary
    from analytics.store import Store

    times = []
    with Store(db_dir / "backline.duckdb", read_only=True) as store:
        for _ in range(runs):
            cur = store.cursor()
            started = time.perf_counter()
            coach_summary(cur, today=date.today())
            times.append((time.perf_counter() - started) * 1000)
            cur.close()
    return times


COACH_TABLE_JS = """() => {
    const idle = (""" + IDLE_JS + """)();
    const table = document.querySelector('[data-testid="stMain"] [data-testid="stDataFrame"]');
    const h1 = Array.from(document.querySelectorAll('[data-testid="stMain"] h1'))
        .some(h => h.innerText.trim() === 'Coach view');
    return idle && h1 && table && table.getBoundingClientRect().height > 100
        ? performance.now() : false;
}"""


def _coach_view_ms(browser, url: str, runs: int) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    """The Coach view from navigation to its table: the first time (cold caches), then
    new sessions."""
    times = []
    for _ in range(runs + 1):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(f"{url}/coach")
            done = page.wait_for_function(COACH_TABLE_JS, polling="raf", timeout=180_000)
            times.append(float(done.json_value()))
        finally:
            context.close()
    return times[0], times[1:]


def _page_clicks(browser, url: str, rounds: int, pause_s: float = 0.0,  # type: ignore[no-untyped-def]
                 titles: tuple[str, ...] = COACH_CLICKS) -> list[float]:
    """A new session clicking through the dashboard pages, click to every chart drawn:
    the clicks a coach makes (a share-link session renders the same pages the same way;
    the store stays fresh for the cold first load, so no link is made in it). ``pause_s``:
    the coach reads each page that long before the next click (the pages' data may be
    computed meanwhile)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_function(DRAWN_JS, arg=[CHARTS["Overview"], "Overview"], polling="raf",
                               timeout=60_000)
        times = []
        for _ in range(rounds):
            for title in titles:
                page.wait_for_timeout(pause_s * 1000)
                link = page.locator('[data-testid="stSidebarNav"] a', has_text=title).first
                times.append(_click_time(page, link.click, DRAWN_JS, [CHARTS[title], title]))
        return times
    finally:
        context.close()


def _click_time(page, click: Callable[[], None], wait_js: str, arg: object) -> float:  # type: ignore[no-untyped-def]
    """ms from the click's ``pointerdown`` in the page to ``wait_js`` resolving (both on the
    page clock, so Playwright's own checks before it clicks are not counted)."""
    page.evaluate("""() => { window.__backlineClickAt = null;
        document.addEventListener('pointerdown',
            () => { window.__backlineClickAt = performance.now(); },
            {capture: true, once: true}); }""")
    click()
    done = page.wait_for_function(wait_js, arg=arg, polling="raf", timeout=60_000)
    return float(done.json_value()) - float(page.evaluate("window.__backlineClickAt"))


def _first_load(browser, url: str) -> float:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(url)
        done = page.wait_for_function(DRAWN_JS, arg=[CHARTS["Overview"], "Overview"], polling="raf",
                                      timeout=120_000)
        return float(done.json_value())  # performance.now() counts from navigation start
    finally:
        context.close()


def _cold_first_load(db_dir: Path) -> float:
    """:func:`_first_load` as a newcomer's: a server just started on a fresh store."""
    from playwright.sync_api import sync_playwright

    with streamlit_server(db_dir) as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            return _first_load(browser, url)
        finally:
            browser.close()


def _open(page, title: str) -> None:  # type: ignore[no-untyped-def]
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    wait_for_title(page, title)
    page.wait_for_function(DRAWN_JS, arg=[CHARTS[title], title], polling="raf",
                           timeout=60_000)


def _unit_switches(page, title: str, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    _open(page, title)
    units = page.locator('[data-testid="stSidebar"] [data-testid="stRadio"]')
    current = page.evaluate(
        """() => document.querySelector('[data-testid="stSidebar"] [data-testid="stRadio"] '
                                        + 'input:checked')?.closest('label')?.innerText.trim()"""
    )
    times = []
    for _ in range(runs):
        target = "lb" if current == "kg" else "kg"
        times.append(_click_time(
            page, lambda t=target: units.get_by_text(t, exact=True).click(), UNIT_DRAWN_JS,
            [target, CHARTS[title]],
        ))
        current = target
    return times


LISTED_JS = """(name) => Array.from(document.querySelectorAll('[role="option"]'))
    .some(option => option.innerText.trim() === name) ? performance.now() : false"""

# Resolves when `count` charts are drawn, the first one's point count is no longer `before`
# (the period changed) and the run is idle.
CHANGED_JS = """([count, before]) => { """ + MARKS_JS + """
    const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
    const changed = plots.length >= count
        && pointCount(plots[0].data[0].x) !== before
        && plots.every(el => drawnMarks(el) > 0)
        && !document.querySelector('[data-stale="true"]');
    return changed ? performance.now() : false;
}"""


def _period_switches(page, runs: int) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    """"All time" <-> "Last 8 weeks" on Volume: opening the period list (a click that only
    shows the options), then the click on an option to every chart redrawn."""
    _open(page, "Volume")
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]',
                       has_text="Period")
    opened, switched = [], []
    for n in range(runs):
        option = "Last 8 weeks" if n % 2 == 0 else "All time"
        opened.append(_click_time(page, box.locator("input").click, LISTED_JS, option))
        before = page.evaluate("() => { " + MARKS_JS + " return pointCount("
                               "document.querySelector('.js-plotly-plot').data[0].x); }")
        choice = page.get_by_role("option", name=option, exact=True)
        switched.append(_click_time(page, choice.click, CHANGED_JS,
                                    [CHARTS["Volume"], before]))
    return opened, switched


# Resolves when the tab's `count` charts are drawn, none of the `before` titles is left
# and the run is idle.
TAB_DRAWN_JS = """([count, before]) => { """ + MARKS_JS + """
    const idle = (""" + IDLE_JS + """)();
    const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
    const drawn = plots.length >= count && plots.every(el => drawnMarks(el) > 0)
        && !(""" + CHART_TITLES_JS + """)().some(title => before.includes(title));
    return idle && drawn ? performance.now() : false;
}"""


def _tab_switches(page, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    """Volume's tabs in turn, each click to the open tab's charts drawn."""
    _open(page, "Volume")
    order = [*TABS["Volume"].items(), ("Per week", CHARTS["Volume"])]
    times = []
    for n in range(runs):
        tab, count = order[n % len(order)]
        before = page.evaluate(CHART_TITLES_JS)
        click = page.get_by_role("tab", name=tab, exact=True).click
        times.append(_click_time(page, click, TAB_DRAWN_JS, [count, before]))
    return times


def _row(name: str, values: list[float]) -> str:
    if len(values) == 1:
        return f"| {name:<34} | {values[0]:>9.0f} | {'':>9} | {'':>9} | {1:>4} |"
    return (f"| {name:<34} | {statistics.median(values):>9.0f} | {min(values):>9.0f} | "
            f"{max(values):>9.0f} | {len(values):>4} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="repetitions per measurement")
    parser.add_argument("--sets", type=int, default=0,
                        help="benchmark an athlete with this many generated sets")
    parser.add_argument("--coach-athletes", type=int, default=200,
                        help="athletes in the coach-view store (0: skip it)")
    parser.add_argument("--coach-sets", type=int, default=20_000,
                        help="generated sets per coach-view athlete")
    parser.add_argument("--cold-runs", type=int, default=3,
                        help="fresh servers for each first-visit measurement")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: install Debian's chromium package.", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="backline-bench-") as tmp:
        db_dir = Path(tmp)
        if args.sets > 0:
            _seed(db_dir, args.sets)
        started = time.perf_counter()
        with streamlit_server(db_dir) as url, sync_playwright() as playwright:
            start_ms = (time.perf_counter() - started) * 1000
            browser = launch_chromium(playwright)
            try:
                cold = [_first_load(browser, url)]
                # first visits before any other session has opened the pages
                reading = _page_clicks(browser, url, 1, READING_S,
                                       COACH_CLICKS[:-1])  # the Overview: already seen
                clicks = _page_clicks(browser, url, max(1, args.runs // 3))
                warm = [_first_load(browser, url) for _ in range(args.runs)]
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(url)
                page.wait_for_function(DRAWN_JS, arg=[1, "Overview"], polling="raf",
                                       timeout=60_000)
                strength = _unit_switches(page, "Strength", args.runs)
                volume = _unit_switches(page, "Volume", args.runs)
                opened, periods = _period_switches(page, args.runs)
                tabs = _tab_switches(page, args.runs)
                context.close()
            finally:
                browser.close()
        for n in range(1, args.cold_runs):  # more newcomers, each on a fresh server and store
            run_dir = db_dir / f"cold-{n}"
            run_dir.mkdir()
            if args.sets > 0:
                _seed(run_dir, args.sets)
            cold.append(_cold_first_load(run_dir))
        coach_rows: list[str] = []
        if args.coach_athletes > 0:
            coach_dir = Path(tmp) / "coach"
            coach_dir.mkdir()
            total = _seed_coach(coach_dir, args.coach_athletes, args.coach_sets)
            library = _coach_summary_ms(coach_dir, args.runs)
            firsts = []
            for _ in range(max(1, args.cold_runs)):  # a fresh server each time: cold caches
                with streamlit_server(coach_dir) as url, sync_playwright() as playwright:
                    browser = launch_chromium(playwright)
                    try:
                        first, again = _coach_view_ms(browser, url, max(1, args.runs // 2))
                        firsts.append(first)
                    finally:
                        browser.close()
            label = f"{args.coach_athletes} x {args.coach_sets:,}"
            coach_rows = [
                _row(f"coach_summary(), {label}", library),
                _row(f"Coach view page, {label}, first", firsts),
                _row(f"Coach view page, {label}, again", again),
            ]
            coach_note = f"Coach view store: {total:,} sets."
    data = f"{args.sets:,} generated sets" if args.sets > 0 else "the sample athlete"
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"Backline dashboard in headless Chromium, {data} (times in ms; load average "
          f"{load} on {os.cpu_count()} cores)\n")
    print(f"| {'measurement':<34} | {'median':>9} | {'best':>9} | {'worst':>9} | {'runs':>4} |")
    print(f"|{'-' * 36}|{'-' * 11}|{'-' * 11}|{'-' * 11}|{'-' * 6}|")
    print(_row("server start to healthy", [start_ms]))
    print(_row("Overview first load, cold server", cold))
    print(_row("Overview first load, new session", warm))
    print(_row("kg/lb switch, Strength (2 charts)", strength))
    print(_row("kg/lb switch, Volume (2 charts)", volume))
    print(_row("period list opens, Volume", opened))
    print(_row("period switch, Volume", periods))
    print(_row("tab switch, Volume", tabs))
    print(_row("a coach's page click", clicks))
    print(_row(f"first visit after {READING_S:g} s reading", reading))
    for row in coach_rows:
        print(row)
    if coach_rows:
        print(f"\n{coach_note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
