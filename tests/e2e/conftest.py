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
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from analytics import sharing
from analytics.ingest import import_file
from analytics.sample import shifted_sample
from analytics.store import Store
from tests.e2e.helpers import (
    ARTIFACTS,
    ATHLETE,
    CHROMIUM,
    OTHER,
    PASSWORD,
    launch_chromium,
    streamlit_server,
)


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


@dataclass
class ShareServer:
    url: str
    expired_token: str
    spare_token: str
    other_id: int
    state: dict[str, Any]


@pytest.fixture(scope="session")
def share_server(tmp_path_factory: pytest.TempPathFactory, browser) -> Iterator[ShareServer]:  # type: ignore[no-untyped-def]
    """A dashboard with two athletes, an expired link and BACKLINE_OWNER_PASSWORD set.

    One server for the whole session (the sharing and the layout tests), so the suite
    starts it once. ``spare_token`` is never revoked.
    """
    db_dir = tmp_path_factory.mktemp("share-store")
    with Store(db_dir / "backline.duckdb") as store:
        import_file(store, shifted_sample(date.today()), athlete=ATHLETE, unit="kg",
                    file_name="alex.csv")
        # the other athlete trained too, but longer ago: Alex is the default athlete
        old = shifted_sample(date.today() - timedelta(days=60))
        import_file(store, old, athlete=OTHER, unit="kg", file_name="zed.csv")
        alex = store.athlete_id(ATHLETE)
        expired, _ = sharing.create_link(store, alex, "old link", -1)
        spare, _ = sharing.create_link(store, alex, "spare link", 30)
        other_id = store.athlete_id(OTHER)
        store.set_setting("sample_deleted", "1")  # keep the store to these two athletes
    with streamlit_server(db_dir, {"BACKLINE_OWNER_PASSWORD": PASSWORD}) as url:
        yield ShareServer(url, expired, spare, other_id, {})
