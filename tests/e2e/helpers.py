"""Driving the real dashboard in Chromium: server, browser, waits, chart checks, screenshots.

Shared by the browser tests (``tests/e2e``) and ``benchmarks/bench_dashboard.py`` so both
measure the same thing the same way.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 60.0
# the share-link server's owner password and athletes (tests/e2e/conftest.py)
PASSWORD = "correct horse battery staple"
ATHLETE = "Alex Example"
OTHER = "Zed Bravo-Secret"
WAIT_MS = 30_000

# -- server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@contextlib.contextmanager
def streamlit_server(db_dir: Path, extra_env: dict[str, str] | None = None,
                     serve: list[str] | None = None) -> Iterator[str]:
    """Run ``streamlit run server.py`` (as ``backline serve`` does) with its store in
    ``db_dir``; yield the base URL.

    ``serve``: start the server with this command instead (an installed ``backline
    serve``; ``--port`` is appended). Waits for ``/_stcore/health``; the server runs in its
    own process group, which is terminated (then killed) on exit. Its log is
    ``db_dir/streamlit.log``.
    """
    port = free_port()
    env = {**os.environ, "BACKLINE_DB": str(db_dir / "backline.duckdb")}
    env.pop("BACKLINE_OWNER_PASSWORD", None)
    env.update(extra_env or {})
    log_path = db_dir / "streamlit.log"
    command = [*serve, "--port", str(port)] if serve else [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "server.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=db_dir if serve else ROOT, env=env, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT
            while not _healthy(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"streamlit did not become healthy on {url}:\n"
                        + log_path.read_text(errors="replace")[-4000:]
                    )
                time.sleep(0.2)
            yield url
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium through Playwright (its own browser download is not used)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


# -- waiting for Streamlit and plotly ------------------------------------------------------------

# Marks plotly drew in a chart's plot area: bar/line/marker paths with a real outline, and
# heatmap images. (Axis lines and gridlines are outside the traces, so they never count.)
MARKS_JS = """
const pointCount = (v) => {
    if (!v) return 0;
    if (typeof v.length === 'number') return v.length;
    // plotly.py sends numpy columns as typed arrays: {dtype: 'f8', bdata: base64, shape}
    if (v.bdata) return Math.floor(atob(v.bdata).length / (parseInt(v.dtype.slice(1)) || 1));
    return 0;
};
const drawnPath = (d) => (d || '').length > 4 && !/^M0,0Z?$/.test(d);
const drawnMarks = (el) => Array.from(el.querySelectorAll(
        '.cartesianlayer .trace path, .cartesianlayer .trace image, '
        + '.cartesianlayer .hm image'))
    .filter(n => n.tagName.toLowerCase() === 'image' || drawnPath(n.getAttribute('d')))
    .length;
"""

# Every plotly chart on the page, what it holds and what it drew.
CHARTS_JS = """
() => { """ + MARKS_JS + """
  return Array.from(document.querySelectorAll('.js-plotly-plot')).map(el => {
    const traces = el.data || [];
    const layoutTitle = el.layout && el.layout.title;
    return {
        title: (layoutTitle && (layoutTitle.text || layoutTitle)) || '',
        traces: traces.length,
        points: traces.map(t => pointCount(t.x)),
        maxPoints: Math.max(0, ...traces.map(t => pointCount(t.x))),
        marks: drawnMarks(el),
        width: el.getBoundingClientRect().width,
        height: el.getBoundingClientRect().height,
    };
}); }
"""

IDLE_JS = """
() => {
    const status = document.querySelector('[data-testid="stStatusWidget"]');
    const running = status && /running/i.test(status.innerText || '');
    const stale = document.querySelectorAll('[data-stale="true"]').length;
    return !running && stale === 0 && document.querySelector('[data-testid="stMain"]') !== null;
}
"""


def wait_idle(page: Any, timeout_ms: int = WAIT_MS) -> None:
    """Until the script run has finished and no element is stale (greyed out)."""
    page.wait_for_timeout(150)
    page.wait_for_function(IDLE_JS, timeout=timeout_ms, polling=100)


def wait_for_title(page: Any, title: str, timeout_ms: int = WAIT_MS) -> None:
    page.wait_for_function(
        """(title) => Array.from(document.querySelectorAll('[data-testid="stMain"] h1'))
                     .some(h => h.innerText.trim() === title)""",
        arg=title, timeout=timeout_ms, polling=50,
    )


def wait_for_charts(page: Any, count: int, timeout_ms: int = WAIT_MS) -> None:
    """Until ``count`` plotly charts exist and every one has drawn marks."""
    page.wait_for_function(
        """(count) => { """ + MARKS_JS + """
            const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
            return plots.length >= count && plots.every(el =>
                (el.data || []).some(t => pointCount(t.x) > 0) && drawnMarks(el) > 0);
        }""",
        arg=count, timeout=timeout_ms, polling=50,
    )


def charts(page: Any) -> list[dict[str, Any]]:
    return list(page.evaluate(CHARTS_JS))


def open_page(page: Any, title: str) -> None:
    """Click a page in the sidebar navigation and wait until it has rendered."""
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    wait_for_title(page, title)
    wait_idle(page)


CHARTS = {"Overview": 1, "Strength": 2, "Volume": 2, "Consistency": 3, "Programme": 2}
"""The charts each dashboard page draws on the sample athlete (in its first tab), in menu
order: the browser tests and the dashboard benchmark wait for these."""

TABS = {"Volume": {"Balance": 2, "Per exercise": 1}}
"""Pages whose charts are split over tabs: every tab but the first, and its chart count."""

CHART_TITLES_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(el => {
    const title = el.layout && el.layout.title;
    return (title && (title.text || title)) || ''; })"""


def open_tab(page: Any, label: str) -> None:
    """Click one of the page's tabs and wait until its content has replaced the old tab's
    (the tabs are lazy: each click is a script run that draws only the open tab)."""
    before = page.evaluate(CHART_TITLES_JS)
    page.get_by_role("tab", name=label, exact=True).click()
    page.wait_for_function(
        "(before) => !(" + CHART_TITLES_JS + ")().some(title => before.includes(title))",
        arg=before, timeout=WAIT_MS, polling=50,
    )
    wait_idle(page)


def full_screenshot(page: Any, path: Path) -> None:
    """A screenshot of the whole page.

    Streamlit scrolls inside its main container, so Playwright's ``full_page`` sees only
    the viewport; the viewport is stretched to the content height for the shot.
    """
    size = page.viewport_size
    height = page.evaluate(
        """() => Math.max(
            document.querySelector('[data-testid="stMain"]')?.scrollHeight || 0,
            document.querySelector('[data-testid="stSidebarContent"]')?.scrollHeight || 0,
            window.innerHeight)"""
    )
    page.set_viewport_size({"width": size["width"], "height": int(height) + 40})
    page.wait_for_timeout(400)  # plotly relayouts on resize
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)


# -- page layout: what a phone shows wrong ---------------------------------------------------

LAYOUT_JS = """
() => {
    const problems = [];
    const hit = (a, b) => a.left < b.right - 1 && b.left < a.right - 1
                          && a.top < b.bottom - 1 && b.top < a.bottom - 1;
    for (const sel of ['html', 'body', '[data-testid="stMain"]',
                       '[data-testid="stMainBlockContainer"]']) {
        const el = document.querySelector(sel);
        if (el && el.scrollWidth > el.clientWidth + 1) {
            problems.push(`${sel} scrolls sideways: ${el.scrollWidth} > ${el.clientWidth}`);
        }
    }
    const body = document.body.innerText || '';
    if (/Page not found/.test(body)) problems.push('"Page not found" is shown');
    document.querySelectorAll('.js-plotly-plot').forEach((gd, i) => {
        const layoutTitle = gd.layout && gd.layout.title;
        const name = (layoutTitle && (layoutTitle.text || layoutTitle)) || `chart ${i}`;
        const box = gd.getBoundingClientRect();
        const title = gd.querySelector('.gtitle');
        const legend = gd.querySelector('.legend .bg');
        const t = title && title.getBoundingClientRect();
        const l = legend && legend.getBoundingClientRect();
        if (t && t.width && (t.left < box.left - 1 || t.right > box.right + 1)) {
            problems.push(`${name}: title cut off (${Math.round(t.left)}-${Math.round(t.right)}`
                          + ` in ${Math.round(box.left)}-${Math.round(box.right)})`);
        }
        if (t && l && t.width && l.width && hit(t, l)) problems.push(`${name}: legend over title`);
        if (l && l.width && (l.left < box.left - 1 || l.right > box.right + 1)) {
            problems.push(`${name}: legend cut off`);
        }
        if (box.right > window.innerWidth + 1) problems.push(`${name}: wider than the screen`);
        const bar = gd.querySelector('.modebar');
        if (bar && t && t.width) {
            const m = bar.getBoundingClientRect();
            if (m.width && hit(m, t)) problems.push(`${name}: toolbar over title`);
        }
    });
    // a metric's label or figure shortened to "..." (Streamlit cuts them to one line)
    document.querySelectorAll('[data-testid="stMetric"] .stMarkdownEllipsis').forEach(el => {
        if (el.scrollWidth > el.clientWidth + 1) {
            problems.push(`metric cut off: "${el.innerText.trim()}"`);
        }
    });
    return problems;
}
"""


def layout_problems(page: Any) -> list[str]:
    """What is wrong with the page's layout: sideways scrolling, "Page not found", chart
    titles cut off or under a legend or the plotly toolbar, charts wider than the screen,
    metric labels or figures cut short."""
    return list(page.evaluate(LAYOUT_JS))


def sample_report_file(folder: Path, athlete: str) -> Path:
    """The HTML report of the sample log (dated up to today) for ``athlete``, as a file."""
    from datetime import date

    from analytics.filters import Filters
    from analytics.html_report import build_html_report
    from analytics.ingest import import_file
    from analytics.sample import shifted_sample
    from analytics.store import Store

    with Store(folder / "report.duckdb") as store:
        import_file(store, shifted_sample(date.today()), athlete=athlete, unit="kg",
                    file_name="alex.csv")
        cur = store.cursor()
        try:
            document = build_html_report(cur, Filters(store.athlete_id(athlete)))
        finally:
            cur.close()
    path = folder / "report.html"
    path.write_text(document, encoding="utf-8")
    return path
