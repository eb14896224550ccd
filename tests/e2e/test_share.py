"""Share links end to end in Debian Chromium, on a server with an owner password.

The owner signs in, creates a link on the Share page and copies it; a fresh browser
context (the coach: no cookies, no password) opens it and sees the athlete's charts and
nothing to import, share or pick; after the owner revokes the link the same URL shows the
neutral message and no chart, as do an expired link (made through the library before the
server starts, since the server holds the DuckDB file) and a tampered token. Full-page
screenshots go to ``test-artifacts/share-*.png``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from analytics import sharing
from tests.e2e.conftest import ShareServer
from tests.e2e.helpers import (
    ATHLETE,
    OTHER,
    PASSWORD,
    TABS,
    charts,
    full_screenshot,
    open_page,
    open_tab,
    sample_report_file,
    wait_for_charts,
    wait_for_title,
    wait_idle,
)

pytestmark = pytest.mark.browser

SIDEBAR = '[data-testid="stSidebar"]'
MAIN = '[data-testid="stMain"]'


@pytest.fixture(scope="module")
def owner(browser, share_server: ShareServer):  # type: ignore[no-untyped-def]
    """The owner's tab, signed in."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


def _coach_page(browser, url: str, viewport: dict | None = None):  # type: ignore[no-untyped-def]
    """A fresh context: no cookies, no session, as on the coach's machine."""
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    return context, page, errors


def _pick(page, label: str, option: str) -> None:  # type: ignore[no-untyped-def]
    """Choose ``option`` in the main area's selectbox ``label``."""
    box = page.locator(f'{MAIN} [data-testid="stSelectbox"]', has_text=label)
    box.locator("input").click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def _assert_neutral(page, shot: Path) -> None:  # type: ignore[no-untyped-def]
    page.get_by_text(sharing.INVALID_MESSAGE).wait_for(timeout=30_000)
    wait_idle(page)
    page.wait_for_timeout(500)
    main = page.locator(MAIN).inner_text()
    assert sharing.INVALID_MESSAGE in main
    assert page.locator(".js-plotly-plot").count() == 0
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    body = page.locator("body").inner_text()
    for name in (ATHLETE, OTHER, "Overview", "Import", "Share", "Page not found"):
        assert name not in body, name
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    full_screenshot(page, shot)


def test_owner_pages_need_the_password(owner, share_server: ShareServer, artifacts) -> None:  # type: ignore[no-untyped-def]
    """A deep link shows only the sign-in form, then the page asked for; no dialog."""
    page = owner
    page.goto(f"{share_server.url}/share")
    page.get_by_label("Owner password").wait_for(timeout=30_000)
    assert "/backline-auth/sign-in" in page.url
    body = page.locator("body").inner_text()
    assert ATHLETE not in body and "Page not found" not in body
    assert page.locator(".js-plotly-plot").count() == 0
    full_screenshot(page, artifacts / "share-00-owner-login.png")
    page.get_by_label("Owner password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Wrong password.").wait_for(timeout=30_000)
    assert page.locator(".js-plotly-plot").count() == 0
    page.get_by_label("Owner password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    wait_for_title(page, "Share")  # the page the link asked for, not Overview
    wait_idle(page)
    assert "Page not found" not in page.locator("body").inner_text()
    cookie = next(c for c in page.context.cookies() if c["name"] == "backline_owner")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert cookie["expires"] > time.time() + 29 * 86400  # remembered for 30 days
    # a reload, and a new tab, stay signed in
    page.reload()
    wait_for_title(page, "Share")
    wait_idle(page)
    other_tab = page.context.new_page()
    try:
        other_tab.goto(f"{share_server.url}/import")
        wait_for_title(other_tab, "Import")
        assert "Page not found" not in other_tab.locator("body").inner_text()
    finally:
        other_tab.close()
    page.goto(share_server.url)
    wait_for_title(page, "Overview")
    wait_idle(page)
    wait_for_charts(page, 1)
    assert page.locator(SIDEBAR).get_by_label("Athlete").input_value() == ATHLETE


def test_owner_downloads_the_report(owner) -> None:  # type: ignore[no-untyped-def]
    page = owner
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Download report").click()
    download = info.value
    assert download.suggested_filename == "backline-report-alex-example.html"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert f"Backline report — {ATHLETE}" in text and OTHER not in text


def test_owner_coach_view_opens_each_athlete(owner, artifacts) -> None:  # type: ignore[no-untyped-def]
    page = owner
    open_page(page, "Coach view")
    page.locator('[data-testid="stDataFrame"]').wait_for(timeout=30_000)
    wait_idle(page)
    links = page.locator('[data-testid="stPageLink"]')
    assert links.count() == 1
    full_screenshot(page, artifacts / "share-06-coach-view.png")
    _pick(page, "Athlete", OTHER)
    links.filter(has_text=OTHER).click()
    wait_for_title(page, "Overview")
    wait_idle(page)
    page.wait_for_function(
        """(name) => document.querySelector('[data-testid="stSidebar"] input[aria-label="Athlete"]')
                     ?.value === name""", arg=OTHER, timeout=30_000,
    )
    assert "athlete=" not in page.url  # applied once; the sidebar picker decides from here
    # back to the default athlete for the tests below
    open_page(page, "Coach view")
    _pick(page, "Athlete", ATHLETE)
    page.locator('[data-testid="stPageLink"]').filter(has_text=ATHLETE).click()
    page.wait_for_function(
        """(name) => document.querySelector('[data-testid="stSidebar"] input[aria-label="Athlete"]')
                     ?.value === name""", arg=ATHLETE, timeout=30_000,
    )
    wait_idle(page)


def test_owner_creates_a_link(owner, share_server: ShareServer, artifacts) -> None:  # type: ignore[no-untyped-def]
    page = owner
    open_page(page, "Share")
    assert page.locator(MAIN).get_by_label("Athlete").input_value() == ATHLETE
    form = page.locator('[data-testid="stForm"]')
    form.get_by_label("Label", exact=True).fill("Coach Sam")
    form.get_by_role("button", name="Create link").click()
    code = page.locator('[data-testid="stCode"]').first
    code.wait_for(timeout=30_000)
    wait_idle(page)
    url = code.inner_text().strip()
    assert url.startswith(f"{share_server.url}/?share="), url
    token = url.split("share=", 1)[1]
    assert len(token) == 43
    # st.code offers a copy-to-clipboard button
    assert page.locator('[data-testid="stCode"] button').count() >= 1
    assert "Coach Sam" in page.locator(MAIN).inner_text()
    full_screenshot(page, artifacts / "share-01-owner-created-link.png")
    share_server.state["url"] = url
    share_server.state["token"] = token
    share_server.state["sessions"] = 0


def test_coach_sees_the_athletes_charts_only(browser, share_server: ShareServer, artifacts) -> None:  # type: ignore[no-untyped-def]
    url, token = share_server.state["url"], share_server.state["token"]
    context, page, errors = _coach_page(browser, url)
    share_server.state["sessions"] += 1
    try:
        wait_for_title(page, "Overview")
        wait_idle(page)
        wait_for_charts(page, 1)
        main = page.locator(MAIN).inner_text()
        assert f"Shared by {ATHLETE} — read-only" in main
        sidebar = page.locator(SIDEBAR).inner_text()
        assert ATHLETE in sidebar
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        for title in ("Overview", "Strength", "Volume", "Consistency", "Programme"):
            assert title in nav
        for title in ("Import", "Share", "Coach view"):
            assert title not in nav
        assert page.locator(f'{SIDEBAR} input[aria-label="Athlete"]').count() == 0  # no picker
        assert OTHER not in page.locator("body").inner_text()
        full_screenshot(page, artifacts / "share-02-coach-overview.png")

        for title, count, tab in (("Strength", 2, ""), ("Volume", 2, "Balance")):
            open_page(page, title)
            wait_for_charts(page, count)
            if tab:  # a tab's script run keeps the share mode too
                open_tab(page, tab)
                wait_for_charts(page, TABS[title][tab])
            for chart in charts(page):
                assert chart["traces"] > 0 and chart["maxPoints"] > 0 and chart["marks"] > 0
            assert f"share={token}" in page.url, page.url  # share mode survives navigation
            assert f"Shared by {ATHLETE} — read-only" in page.locator(MAIN).inner_text()
            assert page.locator('[data-testid="stFileUploader"]').count() == 0
            assert OTHER not in page.locator("body").inner_text()
        full_screenshot(page, artifacts / "share-03-coach-volume.png")
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/import", "/share", "/coach"])
def test_coach_cannot_open_owner_pages_by_url(  # type: ignore[no-untyped-def]
    browser, share_server: ShareServer, path: str
) -> None:
    token = share_server.state["token"]
    context, page, _ = _coach_page(
        browser, f"{share_server.url}{path}?share={token}&athlete={share_server.other_id}"
    )
    share_server.state["sessions"] += 1
    try:
        page.get_by_text(f"Shared by {ATHLETE} — read-only").wait_for(timeout=30_000)
        wait_idle(page)
        page.wait_for_timeout(500)
        body = page.locator("body").inner_text()
        assert OTHER not in body
        assert page.locator('[data-testid="stFileUploader"]').count() == 0
        assert page.get_by_role("button", name="Create link").count() == 0
        assert page.get_by_role("button", name="Revoke").count() == 0
        assert "Coach view" not in body and "Owner password" not in body
        assert "Page not found" not in body  # the Overview, without Streamlit's dialog
        wait_for_title(page, "Overview")
    finally:
        context.close()


def test_revoked_link_shows_the_neutral_message(  # type: ignore[no-untyped-def]
    browser, owner, share_server: ShareServer, artifacts
) -> None:
    url = share_server.state["url"]
    page = owner
    open_page(page, "Share")
    row = page.locator(f".st-key-link-{sharing.hash_token(share_server.state['token'])[:12]}")
    text = row.inner_text()
    assert "Coach Sam" in text
    # one view per browser session, however many pages and reruns each session had
    views = share_server.state["sessions"]
    assert f"{views} view{'' if views == 1 else 's'} ·" in text
    row.get_by_role("button", name="Revoke", exact=True).click()
    confirm = row.get_by_role("button", name="Revoke link")
    confirm.wait_for(timeout=30_000)
    # asked first: the link still works until confirmed
    assert sharing.INVALID_MESSAGE not in page.locator(MAIN).inner_text()
    confirm.click()
    row.wait_for(state="detached", timeout=30_000)
    wait_idle(page)
    context, coach, _ = _coach_page(browser, url)
    try:
        _assert_neutral(coach, artifacts / "share-04-revoked.png")
    finally:
        context.close()
    # on any page, at a phone's width too: the message alone, never Streamlit's dialog
    token = share_server.state["token"]
    for path in ("strength", "volume", "programme", "import", "nonsense"):
        context, coach, _ = _coach_page(browser, f"{share_server.url}/{path}?share={token}",
                                        viewport={"width": 390, "height": 844})
        try:
            _assert_neutral(coach, artifacts / f"share-04-revoked-{path}-390.png")
        finally:
            context.close()


def test_spare_link_still_works(browser, share_server: ShareServer) -> None:  # type: ignore[no-untyped-def]
    """The control for the tampered token below: the untouched token opens the dashboard."""
    context, page, _ = _coach_page(browser, f"{share_server.url}/?share={share_server.spare_token}")
    try:
        wait_for_title(page, "Overview")
        wait_for_charts(page, 1)
    finally:
        context.close()


@pytest.mark.parametrize("kind", ["expired", "tampered"])
def test_expired_and_tampered_links_show_the_neutral_message(  # type: ignore[no-untyped-def]
    browser, share_server: ShareServer, artifacts, kind: str
) -> None:
    if kind == "expired":
        token = share_server.expired_token
    else:
        token = share_server.spare_token
        token = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    context, page, _ = _coach_page(browser, f"{share_server.url}/?share={token}")
    try:
        _assert_neutral(page, artifacts / f"share-05-{kind}.png")
    finally:
        context.close()


# -- the static report, offline -------------------------------------------------------------
REPORT_CHARTS = ("chart-sessions", "chart-e1rm", "chart-e1rm-change", "chart-tonnage",
                 "chart-hard-sets", "chart-back-front", "chart-milestones")


def test_html_report_opens_offline(browser, artifacts, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The exported file draws every chart with no network at all (all requests aborted)."""
    path = sample_report_file(tmp_path, ATHLETE)
    requested: list[str] = []

    def block(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            requested.append(route.request.url)
            route.abort()

    context = browser.new_context(viewport={"width": 1200, "height": 900}, offline=True)
    try:
        context.route("**/*", block)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(path.as_uri())
        page.wait_for_function(
            f"document.querySelectorAll('.js-plotly-plot').length === {len(REPORT_CHARTS)}",
            timeout=30_000,
        )
        drawn = page.evaluate(
            """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => ({
                id: gd.id,
                traces: gd.data.length,
                points: gd.calcdata.reduce((n, trace) => n + trace.length, 0),
                marks: gd.querySelectorAll(
                    '.point, .bars path, .scatterlayer path, .hm image').length,
                height: gd.getBoundingClientRect().height,
            }))"""
        )
        page.screenshot(path=str(artifacts / "html-report.png"), full_page=True)
    finally:
        context.close()
    assert not errors, errors
    assert not requested, requested
    assert [chart["id"] for chart in drawn] == list(REPORT_CHARTS)
    for chart in drawn:
        assert chart["traces"] >= 1 and chart["points"] >= 1, chart
        assert chart["marks"] >= 1 and chart["height"] > 150, chart  # drawn as SVG
