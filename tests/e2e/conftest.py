"""Browser fixtures: a real ``streamlit run app.py`` server and Debian's Chromium.

The server runs on a free port with ``BACKLINE_DB`` in a temporary folder (so the first
request loads the sample athlete into an empty store, as on a user's first run), is ready
when ``/_stcore/health`` answers, and is stopped at the end of the session.

Chromium is ``/usr/bin/chromium`` (Playwright's own browser download is not used). When it
is missing the browser tests are skipped locally with the reason — but with ``CI=true``
they fail, so a CI machine without a browser can never pass silently.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.helpers import ARTIFACTS, CHROMIUM, launch_chromium, streamlit_server


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a dashboard server with a fresh store (sample athlete on first load)."""
    with streamlit_server(tmp_path_factory.mktemp("e2e-store")) as url:
        yield url


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if in_ci():
        pytest.fail(
            f"CI=true but {CHROMIUM} is missing: the browser tests must run in CI. Install "
            "Debian's chromium package (scripts/test.sh does).",
            pytrace=False,
        )
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); browser tests "
                "need Debian's Chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian Chromium driven by Playwright."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
