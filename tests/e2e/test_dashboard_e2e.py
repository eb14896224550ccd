"""End to end in Debian Chromium: first visit, upload a Strong export, every page's charts.

One browser session walks the app as a user would: the first visit shows the sample
athlete; the Import page detects the Strong export, asks for the unit it does not state,
imports it and shows the counts; then every dashboard page (each of its tabs) must draw each of its
charts with data (plotly traces with points *and* SVG marks on screen). Full-page screenshots go
to ``test-artifacts/`` for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.helpers import (
    ARTIFACTS,
    CHARTS,
    TABS,
    charts,
    full_screenshot,
    open_page,
    open_tab,
    wait_for_charts,
    wait_for_title,
    wait_idle,
)

pytestmark = pytest.mark.browser

EXPORT = Path(__file__).parent / "data" / "strong_e2e.csv"
XSS_NAME = '<img src=x onerror="window.__xss=1">**Hinge**'


@pytest.fixture(scope="module")
def session(browser, server):  # type: ignore[no-untyped-def]
    """One browser tab on the dashboard, shared by the tests below in order."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"),
                                      dialog.dismiss()))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.goto(server)
    page.problems = problems  # type: ignore[attr-defined]
    yield page
    context.close()


def _assert_charts_drawn(page, expected: int) -> list[dict]:  # type: ignore[no-untyped-def]
    try:
        wait_for_charts(page, expected)
    except Exception:
        name = page.url.rstrip("/").rsplit("/", 1)[-1] or "overview"
        full_screenshot(page, ARTIFACTS / f"e2e-failed-{name}.png")
        raise AssertionError(f"charts not drawn: {charts(page)}") from None
    found = charts(page)
    assert len(found) >= expected, found
    for chart in found:
        assert chart["traces"] > 0, chart
        assert chart["maxPoints"] > 0, f"chart without points: {chart}"
        assert chart["marks"] > 0, f"chart drew nothing: {chart}"
        assert chart["width"] > 200 and chart["height"] > 150, chart
    return found


def _metric(page, label: str) -> str:  # type: ignore[no-untyped-def]
    metric = page.locator('[data-testid="stMetric"]', has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _athlete(page) -> str:  # type: ignore[no-untyped-def]
    """The athlete shown in the sidebar picker."""
    return page.locator('[data-testid="stSidebar"] input[aria-label="Athlete"]').input_value()


def _unit(page) -> str:  # type: ignore[no-untyped-def]
    """The unit selected in the sidebar."""
    return page.evaluate(
        """() => document.querySelector('[data-testid="stSidebar"] [data-testid="stRadio"] '
                                        + 'input:checked')?.closest('label')?.innerText.trim()"""
    )


def test_first_visit_shows_the_sample_athlete(session, artifacts) -> None:  # type: ignore[no-untyped-def]
    page = session
    wait_for_title(page, "Overview")
    wait_idle(page)
    _assert_charts_drawn(page, CHARTS["Overview"])
    assert _athlete(page) == "Sample athlete (sample)"
    full_screenshot(page, artifacts / "e2e-00-overview-sample.png")


def test_upload_a_strong_export(session, artifacts) -> None:  # type: ignore[no-untyped-def]
    page = session
    open_page(page, "Import")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        str(EXPORT))
    page.get_by_text("Detected format").wait_for()
    assert "strong (classic)" in page.locator('[data-testid="stMain"]').inner_text()
    question = page.locator('[data-testid="stRadio"]', has_text="does not say whether")
    question.get_by_text("lb", exact=True).click()
    wait_idle(page)
    chips = page.locator('[data-testid="stFileUploader"] [data-testid="stFileChip"]')
    assert chips.count() == 1  # the file is listed before the import...
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("Sets imported").wait_for(timeout=30_000)
    wait_idle(page)
    assert chips.count() == 0  # ...and gone after it: nothing to import again by mistake
    assert _metric(page, "Sets imported") == "352"
    assert _metric(page, "Rejected") == "1"
    main = page.locator('[data-testid="stMain"]').inner_text()
    # the injection attempt in an exercise name is listed as text, never run as HTML
    assert XSS_NAME in main
    assert page.evaluate("window.__xss") is None
    assert page.locator('img[src="x"]').count() == 0
    assert _athlete(page) == "me"  # the sidebar moved to the imported athlete ...
    assert _unit(page) == "lb"  # ... in their own unit
    full_screenshot(page, artifacts / "e2e-01-import.png")


@pytest.mark.parametrize("position,title", list(enumerate(CHARTS, start=2)))
def test_page_draws_every_chart(session, artifacts, position: int, title: str) -> None:  # type: ignore[no-untyped-def]
    page = session
    open_page(page, title)
    _assert_charts_drawn(page, CHARTS[title])
    assert not page.locator('[data-testid="stException"]').count()
    full_screenshot(page, artifacts / f"e2e-{position:02d}-{title.lower()}.png")
    for tab, expected in TABS.get(title, {}).items():
        open_tab(page, tab)
        _assert_charts_drawn(page, expected)
        assert not page.locator('[data-testid="stException"]').count()
        name = tab.lower().replace(" ", "-")
        full_screenshot(page, artifacts / f"e2e-{position:02d}-{title.lower()}-{name}.png")


def test_unit_switch_redraws_in_pounds_and_kilograms(session) -> None:  # type: ignore[no-untyped-def]
    page = session
    open_page(page, "Strength")
    wait_for_charts(page, 1)
    units = page.locator('[data-testid="stSidebar"] [data-testid="stRadio"]')
    for unit in ("kg", "lb"):
        units.get_by_text(unit, exact=True).click()
        page.wait_for_function(
            """(unit) => {
                const el = document.querySelector('.js-plotly-plot');
                return el && el.layout && el.layout.yaxis.title.text === `e1RM (${unit})`;
            }""",
            arg=unit, timeout=30_000,
        )
    assert page.evaluate("window.__xss") is None
    assert not session.problems, session.problems


def test_phone_width_overview(browser, server, artifacts) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(server)
        wait_for_title(page, "Overview")
        wait_idle(page)
        found = _assert_charts_drawn(page, CHARTS["Overview"])
        assert all(chart["width"] <= 390 for chart in found)
        overflow = page.evaluate(
            "document.querySelector('[data-testid=\"stMain\"]').scrollWidth")
        assert overflow <= 392, "the page must not scroll sideways on a phone"
        full_screenshot(page, artifacts / "e2e-07-overview-phone.png")
    finally:
        context.close()
