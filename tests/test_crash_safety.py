"""An import killed half-way (SIGKILL: power cut, OOM killer) leaves the store as it was.

A child process imports a big generated export into a store that already holds data and
is killed while it writes. The store must then be exactly as before (every table and
sequence), the file must open again, and the next import must give the full counts.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from analytics.ingest import import_file
from analytics.store import Store
from tests.ingest_helpers import snapshot, template_csv

ROOT = Path(__file__).resolve().parents[1]
ROWS = 300_000  # two write batches of the importer

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

CHILD = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[3])
    import analytics.ingest.pipeline as pipeline
    from analytics.store import Store

    real_insert = pipeline._insert_sets
    pause = sys.argv[4] == "pause"

    def insert(*args, **kwargs):
        rows = real_insert(*args, **kwargs)
        print(f"inserted batch {kwargs.get('batch', 0)}", flush=True)
        if pause:
            time.sleep(600)  # inside the write transaction: killed here
        return rows

    pipeline._insert_sets = insert

    def progress(stage, fraction):
        print(f"stage {stage}", flush=True)

    with Store(sys.argv[1]) as store:
        pipeline.import_file(store, sys.argv[2], athlete="me", unit="kg", progress=progress)
    print("committed", flush=True)
""")


@pytest.fixture(scope="module")
def big_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A classic Strong export of ROWS sets (deterministic)."""
    path = tmp_path_factory.mktemp("export") / "strong_big.csv"
    start = datetime(2000, 1, 3, 7, 0)
    exercises = ("Romanian Deadlift (Barbell)", "Hip Thrust (Barbell)", "Kettlebell Swing")
    with path.open("w", encoding="utf-8") as out:
        out.write("Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,"
                  "Seconds,Notes,Workout Notes,RPE\n")
        for session in range(ROWS // 15):
            when = (start + timedelta(hours=9 * session)).strftime("%Y-%m-%d %H:%M:%S")
            out.write("".join(
                f"{when},Posterior,50min,{exercises[k // 5]},{k % 5 + 1},"
                f"{40 + (session + k) % 60}.5,{5 + k % 6},0,0,,,\n"
                for k in range(15)
            ))
    return path


def _store_with_history(path: Path) -> dict[str, object]:
    with Store(path) as store:
        import_file(store, template_csv([
            "2025-01-06 07:00,Romanian Deadlift,1,60,kg,10,,,,,A",
            "2025-01-06 07:00,Romanian Deadlift,2,60,kg,x,,,,,A",
        ]), athlete="me")
        return snapshot(store)


def _start(db: Path, export: Path, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(export), str(ROOT), mode],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _wait_for(child: subprocess.Popen[str], marker: str, timeout: float = 120) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    assert child.stdout is not None
    while time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        seen.append(line.strip())
        if line.startswith(marker):
            return seen
    child.kill()
    raise AssertionError(f"never saw {marker!r}: {seen}; stderr: {child.stderr.read()}")


def _kill(child: subprocess.Popen[str]) -> None:
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(timeout=60) == -signal.SIGKILL


def _next_import_is_complete(db: Path, export: Path) -> None:
    with Store(db) as store:
        result = import_file(store, export, athlete="me", unit="kg")
        assert (result.rows_read, result.imported, result.duplicates) == (ROWS, ROWS, 0)
        assert store.query_one("SELECT count(*) FROM sets WHERE import_id = ?",
                               [result.import_id]) == ROWS


@pytest.mark.slow
def test_killed_inside_the_write_transaction(tmp_path: Path, big_export: Path) -> None:
    db = tmp_path / "store.duckdb"
    before = _store_with_history(db)
    child = _start(db, big_export, "pause")
    seen = _wait_for(child, "inserted batch 0")  # half the sets written, not committed
    assert "stage writing to the store" in seen
    _kill(child)
    assert snapshot(db) == before
    _next_import_is_complete(db, big_export)


@pytest.mark.slow
def test_killed_at_a_random_moment_of_the_write(tmp_path: Path, big_export: Path) -> None:
    """Wherever the kill lands, the import is all there or not there at all."""
    db = tmp_path / "store.duckdb"
    before = _store_with_history(db)
    child = _start(db, big_export, "run")
    _wait_for(child, "stage writing to the store")
    time.sleep(random.Random(os.getpid()).uniform(0.0, 0.4))
    if child.poll() is None:
        _kill(child)
    after = snapshot(db)
    if after != before:  # it committed before the kill landed: then all of it is there
        assert len(after["sets"]) == len(before["sets"]) + ROWS
        assert len(after["imports"]) == len(before["imports"]) + 1
        return
    _next_import_is_complete(db, big_export)
