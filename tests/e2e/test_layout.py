"""Every page at a desktop's and a phone's width, as the owner and through a share link.

Each page is opened by its URL (a deep link: the owner signs in once, then every page
URL opens that page; a coach's link opens any dashboard page) and each of its tabs is
clicked; its charts must draw, and
:func:`~tests.e2e.helpers.layout_problems` must find nothing: no sideways scrolling, no
"Page not found", no chart title cut off or covered by its legend or the plotly toolbar.
Full-page screenshots go to ``test-artifacts/layout-*.png`` for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.helpers import (
    ATHLETE,
    CHARTS,
    PASSWORD,
    TABS,
    full_screenshot,
    layout_problems,
    open_tab,
    sample_report_file,
    wait_for_charts,
    wait_for_title,
    wait_idle,
)

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
DASHBOARD = {title.lower(): (title, count) for title, count in CHARTS.items()}
OWNER_ONLY = {"import": ("Import", 0), "coach": ("Coach view", 0), "share": ("Share", 0)}


def _check(page, title: str, charts: int, shot: Path) -> list[str]:  # type: ignore[no-untyped-def]
    wait_for_title(page, title)
    wait_idle(page)
    if charts:
        wait_for_charts(page, charts)
    page.wait_for_timeout(300)  # plotly's relayout after the first draw
    full_screenshot(page, shot)
    problems = [f"{title}: {problem}" for problem in layout_problems(page)]
    for tab, count in TABS.get(title, {}).items():
        open_tab(page, tab)
        wait_for_charts(page, count)
        page.wait_for_timeout(300)
        full_screenshot(page, shot.with_stem(f"{shot.stem}-{tab.lower().replace(' ', '-')}"))
        problems += [f"{title} ({tab}): {problem}" for problem in layout_problems(page)]
    return problems


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_owner_pages_fit(browser, share_server, artifacts, size: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=VIEWPORTS[size])
    page = context.new_page()
    problems: list[str] = []
    try:
        page.goto(f"{share_server.url}/volume")
        page.get_by_label("Owner password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        for path, (title, charts) in {**DASHBOARD, **OWNER_ONLY}.items():
            page.goto(f"{share_server.url}/{path}")
            problems += _check(page, title, charts, artifacts / f"layout-owner-{size}-{path}.png")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_shared_pages_fit(browser, share_server, artifacts, size: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=VIEWPORTS[size])
    page = context.new_page()
    problems: list[str] = []
    try:
        for path, (title, charts) in DASHBOARD.items():
            page.goto(f"{share_server.url}/{path}?share={share_server.spare_token}")
            problems += _check(page, title, charts, artifacts / f"layout-shared-{size}-{path}.png")
            assert f"Shared by {ATHLETE}" in page.locator('[data-testid="stMain"]').inner_text()
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_html_report_fits_a_phone(browser, artifacts, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = sample_report_file(tmp_path, ATHLETE)
    context = browser.new_context(viewport=VIEWPORTS["phone"], offline=True)
    try:
        page = context.new_page()
        page.goto(path.as_uri())
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length"
                               " >= 6", timeout=30_000)
        page.wait_for_timeout(500)
        page.screenshot(path=str(artifacts / "layout-report-phone.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        problems = layout_problems(page)
    finally:
        context.close()
    assert width <= 390, f"the report is {width} px wide on a 390 px screen"
    assert not problems, "\n".join(problems)
