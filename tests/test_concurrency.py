"""Imports and readers at the same time, as the dashboard runs them.

* Two imports into one store from two threads (two browser sessions uploading at once):
  exact counts, no set lost or stored twice, also when the two files overlap.
* A second process that opens the same store file gets the clear "in use" message (the
  library raises StoreInUseError; the CLI exits 2 with one line).
* Readers querying while an import writes see the store before or after it, never half.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import analytics.ingest.pipeline as pipeline
from analytics.ingest import ImportResult, import_file
from analytics.store import Store, StoreInUseError

ROOT = Path(__file__).resolve().parents[1]
IN_USE = "is in use by another Backline process"


def template_log(first_session: int, sessions: int) -> bytes:
    """Template CSV of ``sessions`` sessions (10 sets each), numbered from ``first_session``."""
    start = datetime(2015, 1, 5, 7, 0)
    lines = ["date,exercise,set,weight,unit,reps,rpe,set_type,duration_s,notes,workout\n"]
    for s in range(first_session, first_session + sessions):
        when = (start + timedelta(hours=12 * s)).strftime("%Y-%m-%d %H:%M")
        for k in range(10):
            exercise = ("Romanian Deadlift", "Hip Thrust")[k // 5]
            lines.append(f"{when},{exercise},{k % 5 + 1},{50 + s % 40},kg,{6 + k % 5},,,,,S\n")
    return "".join(lines).encode()


def _run_together(store: Store, files: list[bytes]) -> list[ImportResult]:
    barrier = threading.Barrier(len(files))
    results: list[Any] = [None] * len(files)

    def work(i: int) -> None:
        barrier.wait()
        try:
            results[i] = import_file(store, files[i], athlete="me", file_name=f"{i}.csv")
        except BaseException as exc:  # reported by the main thread
            results[i] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(files))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def test_two_imports_at_once_from_threads(tmp_path: Path) -> None:
    with Store(tmp_path / "store.duckdb") as store:
        a, b = _run_together(store, [template_log(0, 3000), template_log(3000, 3000)])
        assert (a.imported, b.imported) == (30_000, 30_000)
        assert store.query_one("SELECT count(*) FROM sets") == 60_000
        assert store.query_one("SELECT count(DISTINCT row_hash) FROM sets") == 60_000
        assert sorted(store.query_df("SELECT import_id FROM imports")["import_id"]) == sorted(
            [a.import_id, b.import_id])


@pytest.mark.parametrize("batch_rows", [pipeline.BATCH_ROWS, 3_000])
def test_two_overlapping_imports_at_once_store_each_set_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_rows: int
) -> None:
    """Sessions 1000-1999 are in both files: one import stores them, the other counts
    them as duplicates, whichever wins the race (also when written in many batches)."""
    monkeypatch.setattr(pipeline, "BATCH_ROWS", batch_rows)
    with Store(tmp_path / "store.duckdb") as store:
        a, b = _run_together(store, [template_log(0, 2000), template_log(1000, 2000)])
        assert a.imported + b.imported == 30_000
        assert a.duplicates + b.duplicates == 10_000
        assert {a.duplicates, b.duplicates} == {0, 10_000}
        assert store.query_one("SELECT count(*) FROM sets") == 30_000
        assert store.query_one("SELECT count(DISTINCT row_hash) FROM sets") == 30_000


def test_readers_never_see_half_an_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    """The import below writes in two batches; readers look between the batches (inside
    the write transaction) and keep looking until it commits."""
    inside = threading.Event()
    resume = threading.Event()
    real_insert = pipeline._insert_sets

    def insert_then_wait(*args: Any, **kwargs: Any) -> int:
        rows = real_insert(*args, **kwargs)
        if kwargs.get("batch") == 0:
            inside.set()
            assert resume.wait(timeout=60), "the test never let the import finish"
        return rows

    with Store(tmp_path / "store.duckdb") as store:
        import_file(store, template_log(0, 100), athlete="me")
        before = store.query_one("SELECT count(*) FROM sets")
        monkeypatch.setattr(pipeline, "_insert_sets", insert_then_wait)
        monkeypatch.setattr(pipeline, "BATCH_ROWS", 20_000)
        seen: list[tuple[int, int]] = []
        done = threading.Event()

        def read() -> None:
            cur = store.cursor()
            try:
                while True:
                    finished = done.is_set()
                    seen.append(cur.execute(
                        "SELECT (SELECT count(*) FROM sets), "
                        "(SELECT coalesce(sum(imported), 0) FROM imports)"
                    ).fetchone())
                    if finished:
                        return
            finally:
                cur.close()

        writer = threading.Thread(target=lambda: import_file(
            store, template_log(100, 5000), athlete="me"))
        writer.start()
        assert inside.wait(timeout=120), "the import never reached its first batch"
        readers = [threading.Thread(target=read) for _ in range(2)]
        for reader in readers:
            reader.start()
        while len(seen) < 20:  # readers are looking while the transaction is open
            threading.Event().wait(0.01)
        mid_transaction = list(seen)
        resume.set()
        writer.join(timeout=300)
        done.set()
        for reader in readers:
            reader.join(timeout=60)
        after = store.query_one("SELECT count(*) FROM sets")

    assert after == before + 50_000
    assert all(row == (before, before) for row in mid_transaction)
    assert {row[0] for row in seen} <= {before, after}
    assert all(sets == imported for sets, imported in seen)
    assert seen[-1] == (after, after)


HOLDER = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[2])
    from analytics.store import Store
    store = Store(sys.argv[1])
    print("open", flush=True)
    sys.stdin.read()  # hold the store until the test closes our stdin
""")


def test_a_second_process_gets_the_in_use_message(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    Store(db).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), str(ROOT)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(StoreInUseError, match=IN_USE):
            Store(db)
        with pytest.raises(StoreInUseError, match=IN_USE):
            Store(db, read_only=True)
        export = ROOT / "tests" / "data" / "exports" / "backline_template.csv"
        cli = subprocess.run(
            [sys.executable, "-m", "analytics.cli", "import", str(export), "--db", str(db),
             "--quiet"], capture_output=True, text=True, cwd=ROOT, timeout=120,
        )
        assert cli.returncode == 2
        assert cli.stdout == ""
        lines = cli.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("backline: ") and IN_USE in lines[0]
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=60)
    with Store(db) as store:  # free again once the other process has gone
        assert store.query_one("SELECT count(*) FROM imports") == 0
