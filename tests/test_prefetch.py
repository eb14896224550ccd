"""The dashboard computes the next pages' data ahead, and says what each page reads.

Each page's :attr:`app.PageSpec.data` is what the background prefetch computes for it, so
it must be exactly what the page reads through ``ui.cached`` under the sidebar's filters:
a function missing from the list is computed on the click instead of ahead, one too many
is wasted work. The prefetch itself must fill the very cache entries the pages read, and
give way to script runs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

import app
import ui
from analytics.filters import Filters
from analytics.sample import ensure_not_empty
from analytics.store import Store
from tests.conftest import APP

PAGES = [*app.DASHBOARD_PAGES, app.PAGES["coach"]]


@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.url_path)
def test_each_page_declares_what_it_reads(db: Path, monkeypatch: pytest.MonkeyPatch,
                                          spec: app.PageSpec) -> None:
    read: list[Any] = []
    real = ui.cached

    def spy(fn, flt, **kwargs):  # type: ignore[no-untyped-def]
        if not kwargs and flt == ui.current_filters():
            read.append(fn)
        return real(fn, flt, **kwargs)

    monkeypatch.setattr(ui, "cached", spy)
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    read.clear()
    at.switch_page(spec.path).run()
    assert not at.exception, [e.value for e in at.exception]
    assert set(read) == set(spec.data), spec.path


def test_the_owner_prefetches_every_page_and_a_shared_session_its_pages_only() -> None:
    owner = app.page_data(ui.Viewer())
    shared = app.page_data(ui.Viewer(mode="shared", athlete_id=1))
    assert owner[0] is app.PAGES["overview"].data[0]  # the landing page first
    assert set(owner) == {fn for spec in PAGES for fn in spec.data}
    assert set(shared) == {fn for spec in app.DASHBOARD_PAGES for fn in spec.data}
    assert len(owner) == len(set(owner))  # each computed once (set_count is on two pages)


def test_the_start_up_warms_the_filters_a_new_session_opens_with(db: Path) -> None:
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert at.session_state[ui.FILTERS_KEY] == ui.opening_filters(ui.get_store())


@pytest.fixture
def sample(tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Store, Filters]]:
    monkeypatch.setattr(ui._Prefetcher, "QUIET_SECONDS", 0.3)
    store = Store(tmp_path / "prefetch.duckdb")
    ensure_not_empty(store)
    athlete = int(store.athletes()["athlete_id"].iloc[0])
    yield store, Filters(athlete, today=ui.today())
    ui.prefetch_wait()
    store.close()


def _counting(calls: list[int]):  # type: ignore[no-untyped-def]
    def sessions(con, flt: Filters) -> int:  # type: ignore[no-untyped-def]
        calls.append(1)
        ((n,),) = con.execute("SELECT count(*) FROM sets WHERE athlete_id = ?",
                              [flt.athlete_id]).fetchall()
        return int(n)
    return sessions


def test_the_prefetch_fills_the_entry_a_page_reads(sample: tuple[Store, Filters]) -> None:
    store, flt = sample
    calls: list[int] = []
    fn = _counting(calls)
    ui.prefetch(store, flt, (fn,))
    ui.prefetch_wait()
    assert calls == [1]
    cur = store.cursor()
    # what ui.cached calls in a page run, with the page's own cursor
    got = ui._through_cache(store, cur, fn, flt)
    assert got > 0 and calls == [1]  # a cache hit: not computed again
    ui.prefetch(store, flt, (fn,))  # asked again for the same filters: nothing to do
    ui.prefetch_wait()
    assert calls == [1]


def _a_script_run() -> tuple[threading.Event, threading.Thread]:
    """A script run in progress (``ui.interactive``) until the event is set."""
    released = threading.Event()

    def run() -> None:
        with ui.interactive():
            released.wait(5)

    runner = threading.Thread(target=run)
    runner.start()
    time.sleep(0.05)
    return released, runner


def test_the_prefetch_waits_while_a_script_runs(sample: tuple[Store, Filters]) -> None:
    store, flt = sample
    calls: list[int] = []
    released, runner = _a_script_run()
    ui.prefetch(store, flt, (_counting(calls),))
    time.sleep(0.3)
    assert calls == []  # the run is still going
    released.set()
    runner.join()
    ended = time.monotonic()
    ui.prefetch_wait()
    assert calls == [1]
    assert time.monotonic() - ended >= ui._Prefetcher.QUIET_SECONDS - 0.05


def test_a_browser_request_restarts_the_quiet_time(sample: tuple[Store, Filters]) -> None:
    store, flt = sample
    calls: list[int] = []
    ui.note_activity()
    ui.prefetch(store, flt, (_counting(calls),))
    time.sleep(0.15)
    ui.note_activity()  # the browser fetched another script
    time.sleep(0.2)
    assert calls == []  # 0.35 s after the first request, but 0.2 s after the last
    ui.prefetch_wait()
    assert calls == [1]


def test_a_newer_request_replaces_one_not_started(sample: tuple[Store, Filters]) -> None:
    store, flt = sample
    old: list[int] = []
    new: list[int] = []
    released, runner = _a_script_run()
    ui.prefetch(store, flt, (_counting(old),))
    ui.prefetch(store, Filters(flt.athlete_id, unit="lb", today=flt.today), (_counting(new),))
    released.set()
    runner.join()
    ui.prefetch_wait()
    assert (old, new) == ([], [1])
